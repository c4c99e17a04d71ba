"""Polyphony codec (``polyphony``): polyphonic music as a stream of single-note events.

An event is an int pair ``(type, pitch)``; a sequence is an ``[N, 2]`` array.
Each step lists its sounding notes, highest pitch first, as ``NEW_NOTE`` (starts
here) or ``CONTINUED_NOTE`` (held from before), then a ``STEP_END``; the whole
is framed by ``START`` and ``END``. Events without a pitch carry pitch 0.
"""

import numpy as np
from numpy.typing import ArrayLike, NDArray

from symphonia.codecs.base import EventVocabulary, check_labels
from symphonia.codecs.onehot import OneHotCodec

START, END, STEP_END, NEW_NOTE, CONTINUED_NOTE = range(5)
NUM_PITCHES = 128
NUM_UNPITCHED = 3  # START, END, STEP_END
NUM_CLASSES = NUM_UNPITCHED + 2 * NUM_PITCHES


class PolyphonyVocabulary(EventVocabulary):
    """259 classes: START 0, END 1, STEP_END 2, ``NEW_NOTE(p) = 3 + p``,
    ``CONTINUED_NOTE(p) = 131 + p``. The default event is STEP_END, the one
    event that moves time forward, so it is also the only one that counts as a
    musical step."""

    num_classes = NUM_CLASSES
    event_shape = (2,)
    event_dtype = np.int64
    default_event = np.array([STEP_END, 0], dtype=np.int64)

    def to_classes(self, events: NDArray) -> NDArray[np.int64]:
        types, pitches = check_events(events)
        pitched = types >= NEW_NOTE
        return np.where(pitched, NUM_UNPITCHED + (types - NEW_NOTE) * NUM_PITCHES + pitches, types)

    def from_classes(self, classes: ArrayLike) -> NDArray[np.int64]:
        classes = check_labels(classes, self.num_classes)
        pitched = classes >= NUM_UNPITCHED
        note_index = classes - NUM_UNPITCHED
        types = np.where(pitched, NEW_NOTE + note_index // NUM_PITCHES, classes)
        pitches = np.where(pitched, note_index % NUM_PITCHES, 0)
        return np.stack([types, pitches], axis=-1)

    def class_steps(self, classes: NDArray[np.int64]) -> NDArray[np.int64]:
        return (classes == STEP_END).astype(np.int64)


def check_events(events: ArrayLike) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Event types and pitches of ``[N, 2]`` events, refusing unknown types and note pitches out of MIDI."""
    events = np.asarray(events, dtype=np.int64).reshape(-1, 2)
    types, pitches = events[:, 0], events[:, 1]
    unknown = (types < START) | (types > CONTINUED_NOTE)
    if unknown.any():
        raise ValueError(f"unknown polyphonic event types {np.unique(types[unknown]).tolist()}")
    if ((types >= NEW_NOTE) & ((pitches < 0) | (pitches >= NUM_PITCHES))).any():
        raise ValueError("note events need a pitch in 0..127")
    return types, pitches


def polyphony() -> OneHotCodec:
    """One-hot over the 259 polyphonic events (259 in / 259 classes)."""
    return OneHotCodec("polyphony", PolyphonyVocabulary())


def ragged_ranges(starts: NDArray[np.int64], lengths: NDArray[np.int64]) -> NDArray[np.int64]:
    """Concatenation of ``range(start, start + length)`` for every pair, without a loop."""
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(starts, lengths) + offsets


def events_from_notes(
    pitches: ArrayLike, start_steps: ArrayLike, end_steps: ArrayLike, total_steps: int, start_step: int = 0
) -> NDArray[np.int64]:
    """Polyphonic events for quantized notes over steps ``[start_step, total_steps)``.

    Notes starting before ``start_step`` are left out. A note sounds from its
    start step up to (not including) its end step or the last step; the same
    pitch may sound twice at once. Within a step the order is pitch descending,
    a held note before a new one of the same pitch.
    """
    pitches, starts, ends = (np.asarray(a, dtype=np.int64) for a in (pitches, start_steps, end_steps))
    kept = starts >= start_step
    pitches, starts, ends = pitches[kept], starts[kept] - start_step, ends[kept] - start_step
    if (ends <= starts).any():
        raise ValueError("every note must end after it starts")
    if ((pitches < 0) | (pitches >= NUM_PITCHES)).any():
        raise ValueError("note pitches must lie in 0..127")
    num_steps = max(total_steps - start_step, 0)
    opened = starts < num_steps
    held = np.maximum(np.minimum(ends, num_steps) - starts - 1, 0)
    steps = np.concatenate([starts[opened], ragged_ranges(starts + 1, held), np.arange(num_steps)])
    types = np.concatenate(
        [np.full(opened.sum(), NEW_NOTE), np.full(held.sum(), CONTINUED_NOTE), np.full(num_steps, STEP_END)]
    )
    event_pitches = np.concatenate([pitches[opened], np.repeat(pitches, held), np.zeros(num_steps, np.int64)])
    order = np.lexsort((types == NEW_NOTE, -event_pitches, types == STEP_END, steps))
    body = np.stack([types[order], event_pitches[order]], axis=1)
    return np.concatenate([[[START, 0]], body, [[END, 0]]]).astype(np.int64)


def notes_from_events(events: ArrayLike) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Quantized notes ``(pitches, start_steps, end_steps)`` sounded by polyphonic events.

    Follows Magenta's reading: a NEW_NOTE opens a note; at each STEP_END (and a
    final END) every open note of a pitch that was not continued during the
    step just closed ends there, oldest first; a CONTINUED_NOTE with nothing to
    continue, START, and an END before the last event are ignored. A note
    still open at the end raises ValueError, as in Magenta. Notes come out
    sorted by start step, then pitch.
    """
    types, pitches = check_events(events)
    boundary = types == STEP_END
    if len(types) and types[-1] == END:
        boundary[-1] = True
    step = np.cumsum(boundary) - boundary
    num_steps = int(boundary.sum())
    new = _counts_per_step(step, pitches, types == NEW_NOTE, num_steps + 1)
    continued = _counts_per_step(step, pitches, types == CONTINUED_NOTE, num_steps + 1)
    # Open notes per pitch after each step: c[s] = min(c[s-1], continued[s]) + new[s], c[-1] = 0.
    # Unrolled, c[s] = A[s] + min(0, min over k <= s of (continued[k] + new[k] - A[k])) with A = cumsum(new).
    opened = np.cumsum(new, axis=0)
    open_after = opened + np.minimum(np.minimum.accumulate(continued + new - opened, axis=0), 0)
    open_before = np.concatenate([np.zeros((1, NUM_PITCHES), np.int64), open_after[:-1]])
    if (open_before[-1] + new[-1]).any():
        raise ValueError("notes are still open at the end; a sequence must close its last step")
    closed = np.maximum(open_before - continued, 0)[:num_steps]
    return _pair_notes(new[:num_steps], closed)


def _pair_notes(new: NDArray[np.int64], closed: NDArray[np.int64]) -> tuple[NDArray, NDArray, NDArray]:
    """Notes from per-(step, pitch) open and close counts.

    Per pitch the oldest open note is closed first, so the k-th opening of a
    pitch pairs with its k-th closing: listing both pitch-major, step-minor
    lines them up.
    """
    open_pitches, open_steps = np.nonzero(new.T)
    close_pitches, close_steps = np.nonzero(closed.T)
    pitches = np.repeat(open_pitches, new.T[open_pitches, open_steps])
    starts = np.repeat(open_steps, new.T[open_pitches, open_steps])
    ends = np.repeat(close_steps, closed.T[close_pitches, close_steps])
    order = np.lexsort((pitches, starts))
    return pitches[order], starts[order], ends[order]


def _counts_per_step(step: NDArray, pitches: NDArray, selected: NDArray, num_rows: int) -> NDArray[np.int64]:
    """How many selected events each (step, pitch) cell holds."""
    counts = np.zeros((num_rows, NUM_PITCHES), dtype=np.int64)
    np.add.at(counts, (step[selected], pitches[selected]), 1)
    return counts
