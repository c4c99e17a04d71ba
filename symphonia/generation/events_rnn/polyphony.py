"""Polyphony RNN generation (spec section 5.5): conditioning on the primer and injecting it.

The primer becomes polyphonic events (START, then per step its notes and a
STEP_END). Two switches, as in Magenta:

* ``condition_on_primer``: the RNN reads the primer before generating and the
  output is primer + continuation; otherwise the RNN starts from a bare START
  and its output is laid over a copy of the primer NoteSequence.
* ``inject_primer``: whenever a row starts a new step, the notes of the
  matching primer step (counted from the start of generation) are put into
  it before the model goes on, so the model harmonises the primer rather than
  inventing the whole texture. With conditioning the primer is replayed from
  its first step once it has been read.

A step holds a variable number of events, so the RNN is asked for about five
events per step still missing, then again for each output short of steps,
until every output has its steps; the surplus is cut off at a step boundary.
A model that ends no steps (Magenta would loop forever) is stopped after 256
events per step asked for.

Beyond Magenta: every note of a primer counts (Magenta drops a primer whose
notes use two programs), and generation starts at the primer's end (Magenta's
quantization adds a silent step first).
"""

import numpy as np

from symphonia.codecs.polyphony import (
    CONTINUED_NOTE,
    END,
    NEW_NOTE,
    START,
    STEP_END,
    PolyphonyVocabulary,
    events_from_notes,
    notes_from_events,
)
from symphonia.generation.events_rnn.rollout import GenerationError, search
from symphonia.generation.note_sequences import sequence_from_notes

EVENTS_PER_STEP_GUESS = 5
# More events than this per step (every pitch started twice) means the model is not ending steps.
MAX_EVENTS_PER_STEP = 256


def primer_events(quantized):
    """The primer's events from START to its last STEP_END (no END): ``[N, 2]``."""
    notes = quantized.notes
    events = events_from_notes(notes.pitch, notes.start, notes.end, quantized.total_steps)
    return events[:-1]


def is_step_end(events):
    """1 for each STEP_END among ``events [n, 2]``, else 0: the musical steps each event closes."""
    return (np.asarray(events)[..., 0] == STEP_END).astype(np.int64)


def set_num_steps(events, num_steps):
    """The sequence closed and cut or padded with silent steps to ``num_steps`` steps, then END.

    Magenta's ``set_length``: trailing ENDs are dropped, an unfinished step is
    closed, whole steps are added or removed at the end.
    """
    events = np.asarray(events, dtype=np.int64)
    while len(events) and events[-1, 0] == END:
        events = events[:-1]
    events = np.concatenate([events, [[STEP_END, 0]]])
    closes = np.flatnonzero(events[:, 0] == STEP_END)
    if len(closes) >= num_steps:
        events = events[:closes[num_steps - 1] + 1] if num_steps else events[:1]
    else:
        events = np.concatenate([events, np.tile([[STEP_END, 0]], (num_steps - len(closes), 1))])
    return np.concatenate([events, [[END, 0]]])


def polyphonic_sequence(events, start_step, qpm, steps_per_quarter, base=None):
    """A NoteSequence of closed polyphonic events starting at ``start_step``, over a copy of ``base`` if given."""
    pitches, starts, ends = notes_from_events(events)
    num_steps = int(is_step_end(events).sum())
    return sequence_from_notes(pitches, starts + start_step, ends + start_step, qpm, steps_per_quarter,
                               total_steps=start_step + num_steps, base=base)


def primer_injection(primer, offset):
    """Polyphony's primer injection as the tables an :class:`~symphonia.generation.events_rnn.rollout.EventsRollout`
    takes: ``(ids [S, M], counts [S], offset)``.

    Row ``k`` holds the class ids of the notes of primer step ``k``, in order;
    a row of the batch opening step ``offset + k`` (its newest event a
    STEP_END, or a lone START) is fed them before it samples again.
    """
    primer = np.asarray(primer, dtype=np.int64)
    types = primer[:, 0]
    step = np.cumsum(types == STEP_END) - (types == STEP_END)
    notes = (types == NEW_NOTE) | (types == CONTINUED_NOTE)
    num_steps = int((types == STEP_END).sum())
    note_steps = step[notes]
    counts = np.bincount(note_steps, minlength=num_steps)[:num_steps]
    ids = np.zeros((max(num_steps, 1), max(counts.max(initial=0), 1)), dtype=np.int32)
    slots = np.arange(len(note_steps)) - np.searchsorted(note_steps, note_steps, side="left")
    ids[note_steps, slots] = PolyphonyVocabulary().to_classes(primer[notes])
    return ids, np.pad(counts, (0, max(1 - num_steps, 0))).astype(np.int32), offset


def generate_polyphony(continuer, config, quantized, primer_sequence, qpm, start_step, num_steps,
                       condition_on_primer=False, inject_primer=True):
    """Continues (or accompanies) the primer up to step ``num_steps``: one NoteSequence per output.

    ``continuer`` is a :class:`~symphonia.generation.events_rnn.rollout.Continuer`;
    ``primer_sequence`` the primer NoteSequence, which the output is laid over
    when not conditioning on it.
    """
    primer = primer_events(quantized)
    primer_steps = int(is_step_end(primer).sum())
    read_first = primer if condition_on_primer else np.array([[START, 0]])
    injection = primer_injection(primer, primer_steps if condition_on_primer else 0) if inject_primer else None
    total_steps = int(is_step_end(read_first).sum()) + num_steps - start_step
    rollout = continuer.rollout(read_first, injection=injection)
    width = continuer.options.rows_per_output
    missing = total_steps - rollout.steps[::width]
    budget = MAX_EVENTS_PER_STEP * int(missing.max())
    while (missing > 0).any():
        num_events = EVENTS_PER_STEP_GUESS * int(missing.max())
        if num_events > budget:
            raise GenerationError(f"the model has not ended enough steps after {MAX_EVENTS_PER_STEP} events a "
                                  f"step; it still misses {int(missing.max())} (an untrained model?)")
        budget -= num_events
        search(rollout, continuer.num_outputs, num_events, continuer.options)
        missing = total_steps - rollout.steps[::width]
    first_step, base = (0, None) if condition_on_primer else (start_step, primer_sequence)
    return [polyphonic_sequence(set_num_steps(events, total_steps), first_step, qpm, config.steps_per_quarter, base)
            for events in continuer.outputs(rollout)]
