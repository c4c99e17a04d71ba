"""A codec's input for each newly generated event, in O(batch) work per step.

A codec's ``inputs(events)`` encodes a whole sequence at once, which during
generation would mean re-encoding every row's whole history after each
sampled event. The input of the newest event depends on little: its class,
the events a lookback distance back, its position, and for the key-aware
melody codec a small running summary of the melody so far (sounding pitch,
attack, direction, pitch-class counts, last three distinct pitches). These
classes keep that summary per row and build the codec's compact index row for
the newest event, which the codec itself expands (``inputs_from_indices``), so
the inputs are exactly those of ``codec.inputs`` on the whole sequence (the
tests check this for every codec).

Each class offers ``push(history, rows=None) -> inputs [len(rows), input_size]``,
called after the newest event of ``rows`` was appended to ``history`` (an
:class:`~symphonia.generation.events_rnn.history.EventHistory`), and ``take(rows)``, which
reorders its per-row summary like the history.
"""

import numpy as np

from symphonia.codecs.base import events_equal
from symphonia.codecs.lookback import LookbackCodec
from symphonia.codecs.melody import NO_EVENT, NOTE_OFF, NOTES_PER_OCTAVE, KeyMelodyCodec, tied_key_masks
from symphonia.codecs.onehot import OneHotCodec


def step_inputs_for(codec, rows=1):
    """The per-step input builder of ``codec`` for ``rows`` rows."""
    if isinstance(codec, OneHotCodec):
        return OneHotStepInputs(codec)
    if isinstance(codec, LookbackCodec):
        return LookbackStepInputs(codec)
    if isinstance(codec, KeyMelodyCodec):
        return KeyMelodyStepInputs(codec, rows)
    raise ValueError(f"the {codec.name} codec has no step-by-step inputs for an events RNN")


def _all_rows(history, rows):
    return np.arange(history.num_rows) if rows is None else np.asarray(rows, dtype=np.int64)


class OneHotStepInputs:
    """One-hot codecs: the input is the newest event's class."""

    def __init__(self, codec):
        self.codec = codec

    def push(self, history, rows=None):
        newest, _ = history.back(0, rows)
        return self.codec.inputs_from_indices(self.codec.vocabulary.to_classes(newest)[:, None])

    def take(self, rows):
        """Nothing is kept per row."""


def _repeat_flags(history, rows, newest, distances):
    """Whether the newest event equals the one ``d`` steps before it, for each distance: ``[n, len(distances)]``."""
    flags = []
    for distance in distances:
        earlier, exists = history.back(distance, rows)
        flags.append(exists & events_equal(newest, earlier))
    return np.stack(flags, axis=1) if flags else np.zeros((len(newest), 0), dtype=bool)


class LookbackStepInputs:
    """Lookback codecs: class, classes a lookback ahead, position, repeat flags, read from the history."""

    def __init__(self, codec):
        self.codec = codec

    def push(self, history, rows=None):
        rows = _all_rows(history, rows)
        vocabulary = self.codec.vocabulary
        newest, _ = history.back(0, rows)
        columns = [vocabulary.to_classes(newest)]
        for distance in self.codec.distances:
            ahead, exists = history.back(distance - 1, rows)
            columns.append(np.where(exists, vocabulary.to_classes(ahead), vocabulary.default_class))
        columns.append(history.lengths[rows] - 1)
        indices = np.concatenate([np.stack(columns, axis=1),
                                  _repeat_flags(history, rows, newest, self.codec.distances)], axis=1)
        return self.codec.inputs_from_indices(indices.astype(np.int64))

    def take(self, rows):
        """Nothing is kept per row: everything is read from the history."""


class KeyMelodyStepInputs:
    """The key-aware melody codec (attention_rnn), with the melody's running summary kept per row."""

    RECENT_NOTES = KeyMelodyCodec.RECENT_NOTES

    def __init__(self, codec, rows=1):
        self.codec = codec
        self.sounding = np.full(rows, codec.note_range, dtype=np.int64)  # pitch offset, or note_range: silence
        self.attack = np.zeros(rows, dtype=bool)
        self.direction = np.zeros(rows, dtype=np.int64)
        self.last_note = np.full(rows, -1, dtype=np.int64)
        self.pitch_class_counts = np.zeros((rows, NOTES_PER_OCTAVE), dtype=np.int64)
        self.recent = np.full((rows, self.RECENT_NOTES), -1, dtype=np.int64)  # distinct pitches, newest last

    def push(self, history, rows=None):
        rows = _all_rows(history, rows)
        codec = self.codec
        newest, _ = history.back(0, rows)
        event = newest.astype(np.int64)
        note_on = event >= 0
        self.sounding[rows] = np.where(event == NO_EVENT, self.sounding[rows],
                                       np.where(note_on, event - codec.min_note, codec.note_range))
        self.attack[rows] = np.where(event == NOTE_OFF, self.attack[rows], note_on)
        previous = self.last_note[rows]
        move = np.where(note_on & (previous >= 0), np.sign(event - previous), 0)
        self.direction[rows] = np.where(move != 0, move, self.direction[rows])
        self.last_note[rows] = np.where(note_on, event, previous)
        np.add.at(self.pitch_class_counts, (rows[note_on], event[note_on] % NOTES_PER_OCTAVE), 1)
        self.recent[rows] = np.where(note_on[:, None], self._with_newest(self.recent[rows], event), self.recent[rows])
        recent = self.recent[rows]
        recent_counts = ((recent[..., None] % NOTES_PER_OCTAVE == np.arange(NOTES_PER_OCTAVE))
                         & (recent[..., None] >= 0)).sum(axis=1)
        columns = [self.sounding[rows], self.attack[rows], self.direction[rows], history.lengths[rows] - 1,
                   tied_key_masks(self.pitch_class_counts[rows]), tied_key_masks(recent_counts)]
        indices = np.concatenate([np.stack(columns, axis=1),
                                  _repeat_flags(history, rows, event, codec.distances)], axis=1)
        return codec.inputs_from_indices(indices.astype(np.int64))

    def _with_newest(self, recent, pitch):
        """The last distinct pitches after ``pitch`` is heard: moved to the end if known, else pushed in."""
        heard = recent == pitch[:, None]
        kept = np.take_along_axis(recent, np.argsort(heard, axis=1, kind="stable"), axis=1)  # the heard one last
        older = np.where(heard.any(axis=1)[:, None], kept[:, :-1], kept[:, 1:])
        return np.concatenate([older, pitch[:, None]], axis=1)

    def take(self, rows):
        for name in ("sounding", "attack", "direction", "last_note", "pitch_class_counts", "recent"):
            setattr(self, name, getattr(self, name)[rows])
