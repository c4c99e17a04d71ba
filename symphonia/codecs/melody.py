"""Monophonic melody codecs: ``basic_rnn``, ``mono_rnn``, ``lookback_rnn`` and
``attention_rnn``.

A melody is an int array with one event per step: ``NO_EVENT`` (-2, whatever
sounded goes on), ``NOTE_OFF`` (-1) or a MIDI pitch 0..127 (note-on).
"""

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from symphonia.codecs.base import EventCodec, EventVocabulary, check_labels
from symphonia.codecs.counters import binary_counters
from symphonia.codecs.features import one_hot, pack_bits, unpack_bits
from symphonia.codecs.lookback import (
    LookbackCodec,
    check_distances,
    decode_repeats,
    repeat_labels,
    repeats,
)
from symphonia.codecs.onehot import OneHotCodec

NO_EVENT = -2
NOTE_OFF = -1
NUM_SPECIAL_EVENTS = 2
NOTES_PER_OCTAVE = 12
MAJOR_SCALE = (0, 2, 4, 5, 7, 9, 11)
EVERY_KEY = (1 << NOTES_PER_OCTAVE) - 1

# PITCH_CLASS_KEYS[pc, key] is 1 when the major key with tonic ``key`` contains
# pitch class ``pc``; a pitch-class histogram times it is a key histogram.
_OFFSETS = (np.arange(NOTES_PER_OCTAVE)[:, None] - np.arange(NOTES_PER_OCTAVE)[None, :]) % NOTES_PER_OCTAVE
PITCH_CLASS_KEYS = np.isin(_OFFSETS, MAJOR_SCALE).astype(np.int64)


class MelodyVocabulary(EventVocabulary):
    """Melody events over the pitch range ``[min_note, max_note)``.

    Class 0 is no-event, 1 note-off, ``2 + pitch - min_note`` a note-on; the
    default event is no-event. A pitch outside the range cannot be encoded.
    """

    event_shape = ()
    event_dtype = np.int64
    default_event = np.array(NO_EVENT, dtype=np.int64)

    def __init__(self, min_note: int, max_note: int):
        check_note_range(min_note, max_note)
        self.min_note, self.max_note = min_note, max_note
        self.num_classes = max_note - min_note + NUM_SPECIAL_EVENTS

    def to_classes(self, events: NDArray) -> NDArray[np.int64]:
        events = check_melody(events, self.min_note, self.max_note)
        return np.where(events < 0, events + NUM_SPECIAL_EVENTS, events - self.min_note + NUM_SPECIAL_EVENTS)

    def from_classes(self, classes: ArrayLike) -> NDArray[np.int64]:
        classes = check_labels(classes, self.num_classes)
        pitch_offset = self.min_note * (classes >= NUM_SPECIAL_EVENTS)
        return classes - NUM_SPECIAL_EVENTS + pitch_offset


def check_note_range(min_note: int, max_note: int) -> None:
    """Refuse a pitch range ``[min_note, max_note)`` that is empty or leaves MIDI."""
    if not 0 <= min_note < max_note <= 128:
        raise ValueError(f"need 0 <= min_note < max_note <= 128, got {min_note}, {max_note}")


def check_melody(events: ArrayLike, min_note: int, max_note: int) -> NDArray[np.int64]:
    """Melody events as int64, refusing unknown events and pitches out of range."""
    events = np.asarray(events, dtype=np.int64)
    bad = (events < NO_EVENT) | ((events >= 0) & ((events < min_note) | (events >= max_note)))
    if bad.any():
        raise ValueError(
            f"melody event {events[bad][0]} is neither -2, -1 nor a pitch in [{min_note}, {max_note})"
        )
    return events


def latest_index(mask: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Index of the latest True at or before each position; -1 before the first."""
    return np.maximum.accumulate(np.where(mask, np.arange(len(mask)), -1))


def per_step(per_note: NDArray, notes_so_far: NDArray[np.int64], before_first: int) -> NDArray:
    """Spread a value known after each note-on to every step (``before_first`` until the first)."""
    return np.concatenate([[before_first], per_note])[notes_so_far]


def tied_key_masks(pitch_class_counts: NDArray[np.int64]) -> NDArray[np.int64]:
    """12-bit masks of the major keys tied for the most notes; with no notes every key ties."""
    keys = pitch_class_counts @ PITCH_CLASS_KEYS
    return pack_bits(keys == keys.max(axis=-1, keepdims=True))


class KeyMelodyCodec(EventCodec):
    """Magenta's ``KeyMelodyEncoderDecoder`` (``attention_rnn``): a melody's state
    after each step (sounding pitch, attack, direction, key estimates) plus
    lookback flags and counters.

    Input layout with R = max_note - min_note, L distances and b counter bits:
    ``[0, R)`` one-hot of the sounding pitch; ``R`` a note sounds; ``R + 1``
    silence; ``R + 2`` attack (set by a note-on, cleared by a no-event, left
    alone by a note-off); ``R + 3`` melodic direction of the last pitch change
    (+1, -1, 0 before any); L flags "event equals the one d steps back"; b ±1
    counter bits; 1.0 when the next step starts a bar; 12 flags for the major
    keys tied for the most note-ons so far; 12 for the keys tied over the last
    three distinct pitches. Labels: ``[0, R)`` note-on, ``R`` no-event, ``R + 1``
    note-off, ``R + 2 + j`` repeat distance j.

    Unlike Magenta, MIDI pitch 0 counts as a sounding note (Magenta tests the
    pitch's truthiness), and pitches outside the range raise instead of
    silently landing on other features.

    Compact row: ``[sounding pitch offset or R, attack, direction, position,
    all-notes key mask, recent-notes key mask, repeat flags (L)]``.
    """

    event_shape = ()
    event_dtype = np.int64
    NOTE, ATTACK, DIRECTION, POSITION, ALL_KEYS, RECENT_KEYS = range(6)
    RECENT_NOTES = 3

    def __init__(
        self,
        name: str,
        min_note: int,
        max_note: int,
        lookback_distances: Sequence[int] = (16, 32),
        counter_bits: int = 7,
        steps_per_bar: int = 16,
    ):
        check_note_range(min_note, max_note)
        self.name = name
        self.min_note, self.max_note = min_note, max_note
        self.note_range = max_note - min_note
        self.distances = check_distances(lookback_distances)
        self.counter_bits = counter_bits
        self.steps_per_bar = steps_per_bar
        count = len(self.distances)
        self.input_size = self.note_range + 4 + count + counter_bits + 1 + 2 * NOTES_PER_OCTAVE
        self.num_classes = self.note_range + NUM_SPECIAL_EVENTS + count
        self.default_event_label = self.note_range
        self.index_size = 6 + count

    def encode_indices(self, events: ArrayLike) -> NDArray[np.int64]:
        events = check_melody(self.as_events(events), self.min_note, self.max_note)
        onsets = events >= 0
        notes = events[onsets]
        notes_so_far = np.cumsum(onsets)
        columns = [
            self._sounding(events),
            self._attacks(events),
            per_step(self._directions(notes), notes_so_far, 0),
            np.arange(len(events)),
            per_step(tied_key_masks(self._running_pitch_classes(notes)), notes_so_far, EVERY_KEY),
            per_step(tied_key_masks(self._recent_pitch_classes(notes)), notes_so_far, EVERY_KEY),
        ]
        columns += [repeats(events, d) for d in self.distances]
        return np.stack(columns, axis=1).astype(np.int64)

    def _sounding(self, events: NDArray[np.int64]) -> NDArray[np.int64]:
        """Offset of the pitch still sounding (its note-on not yet turned off), else R."""
        last_change = latest_index(events != NO_EVENT)
        last_event = events[np.maximum(last_change, 0)]
        sounding = (last_change >= 0) & (last_event >= 0)
        return np.where(sounding, last_event - self.min_note, self.note_range)

    @staticmethod
    def _attacks(events: NDArray[np.int64]) -> NDArray[np.bool_]:
        """Whether the latest note-on/no-event was a note-on (note-offs leave it alone)."""
        last_change = latest_index(events != NOTE_OFF)
        return (last_change >= 0) & (events[np.maximum(last_change, 0)] >= 0)

    @staticmethod
    def _directions(notes: NDArray[np.int64]) -> NDArray[np.int64]:
        """After each note-on, the sign of the latest pitch change (a repeated pitch keeps it).

        Magenta compares each note-on with the newest entry of its three-note
        memory, which is always the previous note-on, so plain differences do.
        """
        moves = np.sign(np.diff(notes, prepend=notes[:1]))
        last_move = latest_index(moves != 0)
        return np.where(last_move >= 0, moves[np.maximum(last_move, 0)], 0)

    @staticmethod
    def _running_pitch_classes(notes: NDArray[np.int64]) -> NDArray[np.int64]:
        """After each note-on, pitch-class counts of every note-on so far."""
        played = notes[:, None] % NOTES_PER_OCTAVE == np.arange(NOTES_PER_OCTAVE)
        return np.cumsum(played, axis=0)

    def _recent_pitch_classes(self, notes: NDArray[np.int64]) -> NDArray[np.int64]:
        """After each note-on, pitch-class counts of the last three distinct pitches.

        The three distinct pitches heard most recently are those with the
        latest last occurrence, found from a running "last seen" table.
        """
        played = notes[:, None] - self.min_note == np.arange(self.note_range)
        last_seen = np.maximum.accumulate(np.where(played, np.arange(len(notes))[:, None], -1), axis=0)
        recent = np.argsort(last_seen, axis=1, kind="stable")[:, -self.RECENT_NOTES :]
        heard = np.take_along_axis(last_seen, recent, axis=1) >= 0
        pitch_classes = (recent + self.min_note) % NOTES_PER_OCTAVE
        return ((pitch_classes[..., None] == np.arange(NOTES_PER_OCTAVE)) & heard[..., None]).sum(axis=1)

    def inputs_from_indices(self, indices: ArrayLike) -> NDArray[np.float32]:
        indices = np.asarray(indices, dtype=np.int64)
        note, position = indices[..., self.NOTE], indices[..., self.POSITION]
        flags = [note < self.note_range, note == self.note_range, indices[..., self.ATTACK]]
        parts = [
            one_hot(note, self.note_range),
            np.stack(flags + [indices[..., self.DIRECTION]], axis=-1),
            indices[..., 6:],
            binary_counters(position, self.counter_bits),
            ((position + 1) % self.steps_per_bar == 0)[..., None],
            unpack_bits(indices[..., self.ALL_KEYS], NOTES_PER_OCTAVE),
            unpack_bits(indices[..., self.RECENT_KEYS], NOTES_PER_OCTAVE),
        ]
        return np.concatenate([part.astype(np.float32) for part in parts], axis=-1)

    def labels(self, events: ArrayLike) -> NDArray[np.int64]:
        events = check_melody(self.as_events(events), self.min_note, self.max_note)
        plain = np.select(
            [events == NO_EVENT, events == NOTE_OFF], [self.note_range, self.note_range + 1], events - self.min_note
        )
        first = self.note_range + NUM_SPECIAL_EVENTS
        return repeat_labels(plain, events, self.distances, first, np.int64(NO_EVENT))[1:]

    def _plain_events(self, labels: NDArray[np.int64]) -> NDArray[np.int64]:
        return np.select(
            [labels == self.note_range, labels == self.note_range + 1], [NO_EVENT, NOTE_OFF], labels + self.min_note
        )

    def decode(self, labels: ArrayLike, history: ArrayLike | None = None) -> NDArray[np.int64]:
        labels = check_labels(labels, self.num_classes)
        first = self.note_range + NUM_SPECIAL_EVENTS
        return decode_repeats(
            labels,
            self.batched_history(history, labels.shape[0]),
            first,
            self.distances,
            self._plain_events,
            np.int64(NO_EVENT),
        )


def basic_rnn() -> OneHotCodec:
    """One-hot melody over MIDI 48..83 (38 classes)."""
    return OneHotCodec("basic_rnn", MelodyVocabulary(48, 84))


def mono_rnn() -> OneHotCodec:
    """One-hot melody over the whole MIDI range (130 classes)."""
    return OneHotCodec("mono_rnn", MelodyVocabulary(0, 128))


def lookback_rnn() -> LookbackCodec:
    """Lookback melody over 48..83: one- and two-bar lookbacks, 5 counter bits (121 in / 40 classes)."""
    return LookbackCodec("lookback_rnn", MelodyVocabulary(48, 84), (16, 32), 5)


def attention_rnn() -> KeyMelodyCodec:
    """Key-aware melody over 48..83: lookbacks 16/32, 7 counter bits (74 in / 40 classes)."""
    return KeyMelodyCodec("attention_rnn", 48, 84, (16, 32), 7)
