"""Polyphonic sequences, made the way Magenta's ``polyphony_rnn_create_dataset`` makes them.

A piece (after cutting on time changes, quantizing and transposing by -4..+4
semitones) becomes one sequence of single-note events from step 0 to its last
step, ``[N, 2]`` int64 rows ``(type, pitch)`` as :mod:`symphonia.codecs.polyphony`
defines them (START 0, END 1, STEP_END 2, NEW_NOTE 3, CONTINUED_NOTE 4; the
codec's pitch 0 on events without a pitch). As in Magenta every note counts,
drums and silent notes included, a piece whose notes use more than one program
is discarded, and so is (not truncated) one shorter than ``min_steps`` or
longer than ``max_steps`` steps.
"""

import dataclasses

import numpy as np

from symphonia.codecs.polyphony import NEW_NOTE, events_from_notes
from symphonia.data.extraction import count_length
from symphonia.data.transpose import extract_with_transpositions, transposed, uniform_shifts


@dataclasses.dataclass(frozen=True)
class PolyphonyOptions:
    """The settings Magenta's ``polyphony_rnn_create_dataset`` hard-codes."""

    steps_per_quarter: int = 4
    transposition_range: tuple[int, ...] = tuple(range(-4, 5))
    min_steps: int = 80
    max_steps: int = 512


def extract_polyphonic_sequences(sequence, options=PolyphonyOptions()):
    """The polyphonic sequences of a NoteSequence, with per-stage statistics.

    Returns
    -------
    Extraction
        ``events``: list of int64 arrays ``[N, 2]``; ``stats``: a Counter.
    """
    return extract_with_transpositions(sequence, options, polyphonic_sequences_in)


def polyphonic_sequences_in(sequence, amounts, options, stats):
    """The sequences of the copies of a quantized piece transposed by each of ``amounts``.

    Whether a copy is kept does not depend on its pitches, so that is decided
    once for all copies (and counted once per copy, as Magenta does).
    """
    rejection = _rejection(sequence, options)
    if rejection:
        stats[rejection] += len(amounts)
        return []
    bars = sequence.total_steps // sequence.steps_per_bar
    count_length(stats, "polyphonic_track_lengths_in_bars", bars, times=len(amounts))
    shifts = uniform_shifts(sequence, amounts)
    if shifts is None:
        return [_events(transposed(sequence, amount)) for amount in amounts]
    events = _events(sequence)
    pitched = events[:, 0] >= NEW_NOTE
    return [_shift_pitches(events, pitched, shift) for shift in shifts]


def _rejection(sequence, options):
    if len(np.unique(sequence.notes.program)) > 1:
        return "polyphonic_tracks_discarded_more_than_1_program"
    if sequence.total_steps < options.min_steps:
        return "polyphonic_tracks_discarded_too_short"
    if sequence.total_steps > options.max_steps:
        return "polyphonic_tracks_discarded_too_long"
    return None


def _events(sequence):
    notes = sequence.notes
    return events_from_notes(notes.pitch, notes.start, notes.end, sequence.total_steps)


def _shift_pitches(events, pitched, shift):
    shifted = events.copy()
    shifted[pitched, 1] += shift
    return shifted
