"""Piano rolls, made the way Magenta's ``pianoroll_rnn_nade_create_dataset`` makes them.

A piece (after cutting on time changes, quantizing and transposing by -4..+4
semitones) becomes one boolean roll ``[steps, 88]`` from step 0 to its last
step; key k is MIDI pitch 21 + k and notes outside the piano are left out. As
in Magenta every note counts, drums and silent notes included; a piece whose
notes use more than one program is discarded, so is one shorter than
``min_steps``, and a longer one than ``max_steps_truncate`` is cut.

A note repeated legato would fill its key without a break, so each note first
clears its key on the step before its onset. Magenta writes the notes one by
one in proto order, so a note written later can set that step again; and a
note starting at step 0 clears the *last* step of the roll (Python's index -1).
Both quirks are kept: the roll is exactly note-seq's ``PianorollSequence``.
"""

import dataclasses

import numpy as np

from symphonia.codecs.pianoroll import MIN_PITCH, NUM_KEYS
from symphonia.codecs.polyphony import ragged_ranges
from symphonia.data.extraction import count_length
from symphonia.data.transpose import extract_with_transpositions, transposed, uniform_shifts


@dataclasses.dataclass(frozen=True)
class PianorollOptions:
    """The settings Magenta's ``pianoroll_rnn_nade_create_dataset`` hard-codes."""

    steps_per_quarter: int = 4
    transposition_range: tuple[int, ...] = tuple(range(-4, 5))
    min_steps: int = 80
    max_steps_truncate: int | None = 2048


def extract_pianorolls(sequence, options=PianorollOptions()):
    """The piano rolls of a NoteSequence, with per-stage statistics.

    Returns
    -------
    Extraction
        ``events``: list of bool arrays ``[steps, 88]``; ``stats``: a Counter.
    """
    return extract_with_transpositions(sequence, options, pianorolls_in)


def pianorolls_in(sequence, amounts, options, stats):
    """The rolls of the copies of a quantized piece transposed by each of ``amounts``.

    Whether a copy is kept, and how long, does not depend on its pitches, so
    that is decided once for all copies (and counted once per copy, as Magenta
    does).
    """
    notes, steps, copies = sequence.notes, sequence.total_steps, len(amounts)
    if len(np.unique(notes.program)) > 1:
        stats["pianoroll_tracks_discarded_more_than_1_program"] += copies
        return []
    if steps < options.min_steps:
        stats["pianoroll_tracks_discarded_too_short"] += copies
        return []
    kept = steps
    if options.max_steps_truncate is not None and steps > options.max_steps_truncate:
        kept = options.max_steps_truncate
        stats["pianoroll_tracks_truncated_too_long"] += copies
    count_length(stats, "pianoroll_track_lengths_in_bars", steps // sequence.steps_per_bar, times=copies)
    shifts = uniform_shifts(sequence, amounts)
    if shifts is None:
        return [pianoroll(transposed(sequence, amount).notes.pitch - MIN_PITCH, notes.start, notes.end,
                          steps, kept, NUM_KEYS) for amount in amounts]
    # One roll wide enough for every copy, then each copy's 88 keys out of it.
    lowest = MIN_PITCH - max(shifts)
    wide = pianoroll(notes.pitch - lowest, notes.start, notes.end, steps, kept,
                     NUM_KEYS + max(shifts) - min(shifts))
    return [wide[:, max(shifts) - shift:][:, :NUM_KEYS].copy() for shift in shifts]


def pianoroll(keys, start, end, steps, kept_steps, num_keys):
    """The first ``kept_steps`` frames of the roll of notes over ``steps`` steps.

    ``keys`` are the notes' columns; notes outside ``[0, num_keys)`` are left
    out. Equivalent to writing each note in order (clear the frame before its
    onset, then set its frames) without a loop over notes: a frame is on when
    the newest note covering it is not older than the newest note clearing it
    (a note clears before it sets, so its own clear never undoes its frames).
    """
    order = np.flatnonzero((keys >= 0) & (keys < num_keys))
    key, start = keys[order], start[order]
    end = np.minimum(end[order], kept_steps)
    # newest[t, k]: position in proto order of the last note covering key k at step t, or -1.
    newest = np.full((kept_steps, num_keys), -1, dtype=np.int64)
    frames = np.maximum(end - start, 0)
    np.maximum.at(newest, (ragged_ranges(start, frames), np.repeat(key, frames)), np.repeat(order, frames))
    cleared = np.where(start > 0, start - 1, steps - 1)
    clears = cleared < kept_steps
    cleared, key, order = cleared[clears], key[clears], order[clears]
    roll = newest >= 0
    wins = order > newest[cleared, key]
    roll[cleared[wins], key[wins]] = False
    return roll
