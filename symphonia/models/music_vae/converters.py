"""MusicVAE's data converters: NoteSequences to fixed-length windows of class labels, and back.

A converter turns a NoteSequence into every distinct window of ``slice_bars``
bars its melodies (or drum tracks) hold, each an int32 array of one class
label per step, the way Magenta's ``OneHotMelodyConverter`` and
``DrumsConverter`` find them (spec section 7.3):

* cut the sequence at each tempo or meter change; a piece whose bar is not 16
  steps (``steps_per_quarter`` x 4: 4/4, or 2/2) is skipped;
* melodies: keep the notes of ``valid_programs`` within
  ``[min_pitch, max_pitch]``, find the melodies with
  :func:`symphonia.data.melodies.melodies_in` (one bar is enough, a gap of
  ``gap_bars`` ends one, the highest of simultaneous notes wins unless
  ``skip_polyphony``); drums: keep the drum notes of the pitch classes and
  find the tracks with :func:`symphonia.data.drum_tracks.drum_tracks_in`;
  either way each runs on to a bar line and is cut to ``max_bars``;
* slide a window of ``slice_bars`` bars along each, one bar at a time (a
  melody window's note-offs before its first note-on become no-events, as
  Magenta's ``Melody`` slices do), and keep each distinct window once (in
  order of first appearance; Magenta's order is a Python set's).

Labels: melody class 0 is no-event, 1 note-off, ``2 + pitch - min_pitch`` a
note-on (90 classes for 21..108); a drum step is the bit mask of the pitch
classes struck (bit k = class k: 512 classes for the 9 reduced classes of
spec section 4.1), or with ``roll_output`` the roll itself, one 0/1 column
per class (a uint8 ``[max_length, num_classes]`` window: the NADE drum
configs' 61 classes have no one-hot). The conversion is numpy-only and runs once per sequence;
:mod:`symphonia.models.music_vae.data` keeps the windows and samples and
transposes them per epoch.

Why a sequence gave no window is one of :data:`SKIP_REASONS`, worded for the
user by :meth:`WindowConverter.explain`.
"""

import collections
import math

import numpy as np

from symphonia.codecs.drums import DRUM_TYPE_PITCHES, NUM_PITCHES, DrumVocabulary
from symphonia.codecs.features import one_hot, unpack_bits
from symphonia.codecs.melody import NUM_SPECIAL_EVENTS, MelodyVocabulary
from symphonia.data.drum_tracks import DrumTrackOptions, drum_tracks_in
from symphonia.data.extraction import Extraction, quantized_pieces
from symphonia.data.melodies import MelodyOptions, melodies_in
from symphonia.generation.events_rnn.melody import melody_notes
from symphonia.generation.note_sequences import sequence_from_notes

QUARTERS_PER_BAR = 4  # MusicVAE's converters know 4/4 only
OUTPUT_QPM = 120.0
OUTPUT_VELOCITY = 80
DRUM_INSTRUMENT = 9
MODES = ("train", "eval", "infer")
MAX_DRUM_CLASSES = 16  # a one-hot over 2^k drum combinations stays trainable only for small k

# nade-drums_2bar_full's 61 single-pitch classes, in Magenta's order (spec section 7.3): the
# reduced classes' pitches less 22 and 26, with 43 among the high toms and 52 among the rides.
FULL_DRUM_PITCH_CLASSES = tuple((pitch,) for pitch in (
    36, 35, 38, 27, 28, 31, 32, 33, 34, 37, 39, 40, 56, 65, 66, 75, 85, 42, 44, 54, 68, 69, 70, 71, 73, 78, 80,
    46, 67, 72, 74, 79, 81, 45, 29, 41, 61, 64, 84, 48, 47, 60, 63, 77, 86, 87, 50, 30, 43, 62, 76, 83, 49, 55,
    57, 58, 51, 52, 53, 59, 82))

# Why a NoteSequence gave no window, in pipeline order: the first that happened
# to any of its pieces names it. Keys are the extraction statistics that count it.
SKIP_REASONS = {
    "sequences_discarded_because_empty": "empty",
    "sequences_discarded_because_bad_time_signature": "bad_time_signature",
    "sequences_discarded_because_negative_time": "negative_time",
    "sequences_discarded_because_note_ends_before_start": "note_ends_before_start",
    "sequences_discarded_because_multiple_time_signatures": "multiple_time_signatures",
    "sequences_discarded_because_multiple_tempos": "multiple_tempos",
    "pieces_discarded_because_bar_not_16_steps": "not_4_4",
    "pieces_without_all_trio_parts": "missing_parts",
    "pieces_without_trio_window": "too_short",
    "pieces_without_usable_notes": "no_usable_notes",
    "polyphonic_tracks_discarded": "polyphonic",
    "tracks_shorter_than_window": "too_short",
}
NO_WINDOW = "no_window"  # none of the above: e.g. notes skipped by a gap_bars < 1 search

_GENERAL_EXPLANATIONS = {
    "empty": "have no notes or no positive total_time",
    "bad_time_signature": "have a time signature with a numerator of 0 or a denominator not a power of 2",
    "negative_time": "have notes before time 0",
    "note_ends_before_start": "have a note ending before it starts",
    "multiple_time_signatures": "change time signature where they cannot be cut",
    "multiple_tempos": "change tempo where they cannot be cut",
    "not_4_4": "are not in 4/4 (MusicVAE's converters need bars of 16 steps)",
    NO_WINDOW: "hold no window",
}


class WindowConverter:
    """What the melody, drums and trio converters share: pieces, windows, sampling.

    Subclasses set ``input_depth``, ``output_depth``, ``name``, ``_keep_notes``
    and implement ``_tracks_in``, ``inputs_from_labels``,
    ``inputs_from_labels_tf``, ``to_note_sequences``, ``spec`` and
    ``_explanations`` (the wording of their own skip reasons:
    ``no_usable_notes``, ``polyphonic``, ``too_short``...).
    A track is an array with one row per step (a label, or a roll row).
    """

    _keep_notes = None  # notes to keep before quantizing (see quantized_pieces)
    label_dtype = np.int32  # of the windows

    def __init__(self, max_bars, slice_bars, steps_per_quarter, max_tensors_per_notesequence):
        if slice_bars is None or slice_bars < 1:
            raise ValueError(f"slice_bars must be a positive number of bars, got {slice_bars}")
        if max_bars is not None and max_bars < slice_bars:
            raise ValueError(f"max_bars ({max_bars}) must be at least slice_bars ({slice_bars})")
        if max_tensors_per_notesequence is not None and max_tensors_per_notesequence < 1:
            raise ValueError(f"max_tensors_per_notesequence must be positive, got {max_tensors_per_notesequence}")
        self.max_bars = max_bars
        self.slice_bars = slice_bars
        self.steps_per_quarter = steps_per_quarter
        self.max_tensors_per_notesequence = max_tensors_per_notesequence
        self.steps_per_bar = steps_per_quarter * QUARTERS_PER_BAR
        self.max_length = slice_bars * self.steps_per_bar
        self._max_steps = None if max_bars is None else max_bars * self.steps_per_bar

    @property
    def label_shape(self):
        """The shape of one window's labels: ``(max_length,)``, one class per step."""
        return (self.max_length,)

    def extract(self, note_sequence):
        """Every distinct window of ``note_sequence`` and the statistics of its extraction.

        Returns
        -------
        Extraction
            ``events``: list of label arrays ``[max_length, ...]`` (:attr:`label_dtype`); ``stats``:
            a Counter (Magenta's names, plus ``pieces_discarded_because_bar_not_16_steps``,
            ``pieces_without_usable_notes``, ``tracks_shorter_than_window``,
            ``duplicate_windows`` and ``windows``).
        """
        stats = collections.Counter()
        tracks = []
        for piece in quantized_pieces(note_sequence, self.steps_per_quarter, stats, self._keep_notes):
            if piece.steps_per_bar != self.steps_per_bar:
                stats["pieces_discarded_because_bar_not_16_steps"] += 1
                continue
            tracks += self._tracks_in(piece, stats)
        return Extraction(self._distinct_windows(tracks, stats), stats)

    def to_windows(self, note_sequence):
        """Every valid distinct window, in order: list of label arrays ``[max_length, ...]``."""
        return self.extract(note_sequence).events

    def _distinct_windows(self, tracks, stats):
        """Windows at every bar line of each track, duplicates dropped (first one kept)."""
        long_enough = [track for track in tracks if len(track) >= self.max_length]
        stats["tracks_shorter_than_window"] += len(tracks) - len(long_enough)
        if not long_enough:
            return []
        windows = np.concatenate([
            np.moveaxis(np.lib.stride_tricks.sliding_window_view(track, self.max_length, axis=0), -1, 1)
            [::self.steps_per_bar] for track in long_enough]).astype(self.label_dtype)
        return self._unique_windows(self._as_magenta_slices(windows), stats)

    @staticmethod
    def _unique_windows(windows, stats):
        """The first of each set of equal windows, in order; ``duplicate_windows`` and ``windows`` counted.

        Windows are told apart by their bytes: much faster than ``np.unique(axis=0)``
        for the wide windows of rolls and trios.
        """
        first_of = {}
        for index, window in enumerate(windows):
            first_of.setdefault(window.tobytes(), index)
        first = np.fromiter(first_of.values(), dtype=np.int64, count=len(first_of))
        stats["duplicate_windows"] += len(windows) - len(first)
        stats["windows"] += len(first)
        return list(windows[first])

    def _as_magenta_slices(self, windows):
        """The windows as Magenta's slices of a track come out (unchanged unless a subclass says otherwise)."""
        return windows

    def select_windows(self, windows, mode, rng):
        """At most ``max_tensors_per_notesequence`` windows: a random sample (from ``rng``, kept in
        order) in ``'train'`` mode, the first ones in ``'eval'`` and ``'infer'``."""
        check_mode(mode)
        limit = self.max_tensors_per_notesequence
        if limit is None or len(windows) <= limit:
            return list(windows)
        if mode == "train":
            return [windows[i] for i in np.sort(rng.choice(len(windows), limit, replace=False))]
        return list(windows[:limit])

    def explain(self, reason):
        """Why sequences gave no window, as the end of a sentence starting "N sequences ..."."""
        return _GENERAL_EXPLANATIONS.get(reason) or self._explanations()[reason]


def check_mode(mode):
    """Refuses a mode other than ``'train'``, ``'eval'`` and ``'infer'``."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")


def skip_reason(stats):
    """The reason (a value of :data:`SKIP_REASONS`, or :data:`NO_WINDOW`) a sequence with these
    extraction statistics gave no window."""
    return next((reason for key, reason in SKIP_REASONS.items() if stats[key]), NO_WINDOW)


class MelodyConverter(WindowConverter):
    """Monophonic melody windows, one of ``max_pitch - min_pitch + 3`` classes per step (Magenta's
    ``OneHotMelodyConverter``); encoder input and decoder output are both one-hot."""

    name = "melody"

    def __init__(self, min_pitch=21, max_pitch=108, valid_programs=None, skip_polyphony=False, max_bars=100,
                 slice_bars=2, steps_per_quarter=4, gap_bars=1.0, max_tensors_per_notesequence=5):
        super().__init__(max_bars, slice_bars, steps_per_quarter, max_tensors_per_notesequence)
        self.vocabulary = MelodyVocabulary(min_pitch, max_pitch + 1)
        self.min_pitch, self.max_pitch = min_pitch, max_pitch
        self.valid_programs = None if valid_programs is None else tuple(int(p) for p in valid_programs)
        self.skip_polyphony = skip_polyphony
        self.gap_bars = gap_bars
        self.input_depth = self.output_depth = self.vocabulary.num_classes
        self._options = MelodyOptions(
            steps_per_quarter=steps_per_quarter, min_bars=1, max_steps_truncate=self._max_steps,
            min_unique_pitches=1, gap_bars=gap_bars or math.inf, ignore_polyphonic_notes=not skip_polyphony,
            pad_end=True)

    @property
    def spec(self):
        """The JSON-ready ``{"type": "melody", ...}`` that :func:`make_converter` rebuilds this from."""
        return {"type": "melody", "min_pitch": self.min_pitch, "max_pitch": self.max_pitch,
                "valid_programs": None if self.valid_programs is None else list(self.valid_programs),
                "skip_polyphony": self.skip_polyphony, "max_bars": self.max_bars, "slice_bars": self.slice_bars,
                "steps_per_quarter": self.steps_per_quarter, "gap_bars": self.gap_bars,
                "max_tensors_per_notesequence": self.max_tensors_per_notesequence}

    def _keep_notes(self, notes):
        """Magenta drops notes of other programs or outside the pitch range before quantizing."""
        keep = (notes.pitch >= self.min_pitch) & (notes.pitch <= self.max_pitch)
        if self.valid_programs is not None:
            keep &= np.isin(notes.program, self.valid_programs)
        return keep

    def reads(self, notes):
        """bool mask of the notes this converter reads: pitched notes of its programs and range."""
        return self._keep_notes(notes) & ~notes.is_drum

    def _tracks_in(self, piece, stats):
        notes = piece.notes
        if not (~notes.is_drum & (notes.velocity != 0)).any():
            stats["pieces_without_usable_notes"] += 1
            return []
        return [self.vocabulary.to_classes(melody) for melody in melodies_in(piece, self._options, stats)]

    def _as_magenta_slices(self, windows):
        """Note-offs before a window's first note-on become no-events, as in every ``Melody`` Magenta
        builds (its slices included); windows differing only there are then duplicates."""
        before_first_note = np.cumsum(windows >= NUM_SPECIAL_EVENTS, axis=1) == 0
        return np.where(before_first_note, 0, windows)

    def _explanations(self):
        programs = "any program" if self.valid_programs is None else f"programs {_ranges(self.valid_programs)}"
        bars = f"{self.slice_bars} bar{'s' * (self.slice_bars > 1)}"
        return {"no_usable_notes": f"have no pitched note of {programs} within MIDI {self.min_pitch}..{self.max_pitch}",
                "polyphonic": "have only polyphonic melodies (skip_polyphony is on)",
                "too_short": f"have no melody lasting {bars}"}

    def inputs_from_labels(self, labels):
        """float32 ``[..., T, 90]``: the one-hot labels."""
        return one_hot(labels, self.input_depth)

    def inputs_from_labels_tf(self, labels):
        """:meth:`inputs_from_labels` in TensorFlow, for input pipelines."""
        import tensorflow as tf

        return tf.one_hot(labels, self.input_depth, dtype=tf.float32)

    def transpose_labels(self, labels, semitones):
        """``labels`` with every note moved by ``semitones``, or None if a note would leave the range.

        Magenta transposes the NoteSequence and deletes the notes that leave
        the range, changing the melody; refusing the amount keeps melodies whole.
        """
        labels = np.asarray(labels)
        notes = labels >= NUM_SPECIAL_EVENTS
        moved = np.where(notes, labels + semitones, labels)
        if ((moved[notes] < NUM_SPECIAL_EVENTS) | (moved[notes] >= self.output_depth)).any():
            return None
        return moved.astype(labels.dtype)

    def transposition_room(self, labels):
        """How far each window ``labels [N, T]`` can move down and up and keep every note in range.

        Returns int64 arrays ``(down, up)``, both >= 0; a window without notes
        can move across the whole range.
        """
        labels = np.asarray(labels)
        notes = labels >= NUM_SPECIAL_EVENTS
        span = self.output_depth - NUM_SPECIAL_EVENTS
        lowest = np.where(notes, labels, self.output_depth).min(axis=-1)
        highest = np.where(notes, labels, NUM_SPECIAL_EVENTS - 1).max(axis=-1)
        down = np.where(notes.any(axis=-1), lowest - NUM_SPECIAL_EVENTS, span)
        up = np.where(notes.any(axis=-1), self.output_depth - 1 - highest, span)
        return down.astype(np.int64), up.astype(np.int64)

    def to_note_sequences(self, labels):
        """One NoteSequence per row of ``labels [N, T]``: instrument 0, program 0, velocity 80, 120 qpm.

        A note lasts until the next note-on or note-off, or the end (Magenta's ``Melody.to_sequence``).
        """
        step_events = self.vocabulary.from_classes(labels)
        return [sequence_from_notes(*melody_notes(events), OUTPUT_QPM, self.steps_per_quarter,
                                    velocity=OUTPUT_VELOCITY) for events in step_events]


class DrumsConverter(WindowConverter):
    """Drum windows (Magenta's ``DrumsConverter``): one of 2^9 = 512 combinations of drum classes
    per step, or with ``roll_output`` a multi-hot row of the classes (the NADE decoders' target);
    the encoder reads a roll of the classes plus a "no hit" bit (depth 10, or 62 for
    :data:`FULL_DRUM_PITCH_CLASSES`)."""

    name = "drums"

    def __init__(self, max_bars=100, slice_bars=2, steps_per_quarter=4, roll_input=True, pitch_classes=None,
                 max_tensors_per_notesequence=5, gap_bars=1.0, roll_output=False):
        super().__init__(max_bars, slice_bars, steps_per_quarter, max_tensors_per_notesequence)
        pitch_classes = DRUM_TYPE_PITCHES if pitch_classes is None else pitch_classes
        self.pitch_classes = tuple(tuple(int(p) for p in pitches) for pitches in pitch_classes)
        if roll_output and not roll_input:
            raise ValueError("roll_output needs roll_input: a one-hot input over every combination of "
                             "classes is what the roll replaces")
        most_classes = NUM_PITCHES if roll_output else MAX_DRUM_CLASSES
        if not 0 < len(self.pitch_classes) <= most_classes:
            raise ValueError(f"need 1 to {most_classes} drum pitch classes, got {len(self.pitch_classes)}")
        self.vocabulary = DrumVocabulary(self.pitch_classes)
        self.num_drum_classes = len(self.pitch_classes)
        self.roll_input, self.roll_output = roll_input, roll_output
        self.gap_bars = gap_bars
        self.output_depth = self.num_drum_classes if roll_output else self.vocabulary.num_classes
        self.input_depth = self.num_drum_classes + 1 if roll_input else self.output_depth
        if roll_output:
            self.label_dtype = np.uint8  # a quarter of int32's memory for 61 columns per step
        self._pitches = np.array([p for pitches in self.pitch_classes for p in pitches])
        self._options = DrumTrackOptions(steps_per_quarter=steps_per_quarter, min_bars=1,
                                         max_steps_truncate=self._max_steps, gap_bars=gap_bars or math.inf,
                                         pad_end=True)

    @property
    def spec(self):
        """The JSON-ready ``{"type": "drums", ...}`` that :func:`make_converter` rebuilds this from."""
        return {"type": "drums", "max_bars": self.max_bars, "slice_bars": self.slice_bars,
                "steps_per_quarter": self.steps_per_quarter, "roll_input": self.roll_input,
                "roll_output": self.roll_output, "pitch_classes": [list(pitches) for pitches in self.pitch_classes],
                "max_tensors_per_notesequence": self.max_tensors_per_notesequence, "gap_bars": self.gap_bars}

    @property
    def label_shape(self):
        """``(max_length,)``, or with ``roll_output`` ``(max_length, classes)``: a multi-hot row per step."""
        return (self.max_length, self.output_depth) if self.roll_output else (self.max_length,)

    def reads(self, notes):
        """bool mask of the notes this converter reads: drum notes of its classes."""
        return notes.is_drum & np.isin(notes.pitch, self._pitches)

    def _tracks_in(self, piece, stats):
        # Magenta keeps only the drum notes of its classes, after quantizing and before
        # looking for tracks, so other drums neither start a track nor bridge a gap.
        notes = piece.notes
        kept = self.reads(notes)
        if not (kept & (notes.velocity != 0)).any():
            stats["pieces_without_usable_notes"] += 1
            return []
        piece = piece.replace(notes=notes.take(kept))
        tracks = drum_tracks_in(piece, self._options, stats)
        if self.roll_output:
            return [self._roll(track) for track in tracks]
        return [self.vocabulary.to_classes(track) for track in tracks]

    def _roll(self, track):
        """bool ``[T, classes]``: the classes struck at each step of a track ``[T, 128]`` of class pitches."""
        steps, pitches = np.nonzero(track)
        roll = np.zeros((len(track), self.num_drum_classes), dtype=bool)
        roll[steps, self.vocabulary.type_of_pitch[pitches].argmax(axis=1)] = True
        return roll

    def _explanations(self):
        bars = f"{self.slice_bars} bar{'s' * (self.slice_bars > 1)}"
        return {"no_usable_notes": f"have no drum hit of the {self.num_drum_classes} drum classes",
                "too_short": f"have no drum track lasting {bars}"}

    def inputs_from_labels(self, labels):
        """float32 ``[..., T, classes + 1]``: the classes struck, then 1 where none is; or one-hot
        without ``roll_input``. ``labels`` are ``[..., T]`` class labels, or ``[..., T, classes]``
        rolls with ``roll_output``."""
        labels = np.asarray(labels)
        if not self.roll_input:
            return one_hot(labels, self.input_depth)
        roll = labels if self.roll_output else unpack_bits(labels, self.num_drum_classes)
        return np.concatenate([roll, ~roll.any(axis=-1, keepdims=True)], axis=-1).astype(np.float32)

    def inputs_from_labels_tf(self, labels):
        """:meth:`inputs_from_labels` in TensorFlow, for input pipelines."""
        import tensorflow as tf

        if not self.roll_input:
            return tf.one_hot(labels, self.input_depth, dtype=tf.float32)
        if self.roll_output:
            roll = tf.cast(labels, tf.float32)
        else:
            roll = tf.cast(tf.bitwise.bitwise_and(
                tf.bitwise.right_shift(labels[..., None], tf.range(self.num_drum_classes)), 1), tf.float32)
        no_hit = tf.cast(tf.reduce_all(roll == 0, axis=-1, keepdims=True), tf.float32)
        return tf.concat([roll, no_hit], axis=-1)

    def _struck_pitches(self, labels):
        """bool ``[N, T, 128]``: each class's first pitch where the labels (classes or rolls) strike it."""
        if not self.roll_output:
            return self.vocabulary.from_classes(labels)
        rolls = np.asarray(labels)
        if rolls.ndim != 3 or rolls.shape[-1] != self.num_drum_classes:
            raise ValueError(f"drum rolls must be [N, T, {self.num_drum_classes}], got shape {rolls.shape}")
        struck = np.zeros(rolls.shape[:2] + (NUM_PITCHES,), dtype=bool)
        struck[..., self.vocabulary.decoded_pitches] = rolls != 0
        return struck

    def to_note_sequences(self, labels):
        """One NoteSequence per window of ``labels`` (``[N, T]``, or ``[N, T, classes]`` rolls with
        ``roll_output``): each class's first pitch, one step long, instrument 9, drums, velocity 80,
        120 qpm (Magenta's ``DrumTrack.to_sequence``)."""
        sequences = []
        for struck in self._struck_pitches(labels):
            steps, pitches = np.nonzero(struck)
            sequences.append(sequence_from_notes(pitches, steps, steps + 1, OUTPUT_QPM, self.steps_per_quarter,
                                                 is_drum=True, instrument=DRUM_INSTRUMENT, velocity=OUTPUT_VELOCITY))
        return sequences


def converter_types():
    """``{type name: converter class}`` for :func:`make_converter`.

    The trio converter is built from this module's converters, so it is
    imported here, when first asked for, rather than at the top.
    """
    from symphonia.models.music_vae.trio_converter import TrioConverter

    return {"melody": MelodyConverter, "drums": DrumsConverter, "trio": TrioConverter}


def make_converter(spec):
    """The converter a JSON-ready ``{"type": "melody" | "drums" | "trio", **keyword arguments}`` describes.

    Raises
    ------
    ValueError
        One line, for an unknown type or argument.
    """
    spec = dict(spec)
    kind = spec.pop("type", None)
    types = converter_types()
    if kind not in types:
        raise ValueError(f"converter type must be one of {', '.join(types)}, got {kind!r}")
    try:
        return types[kind](**spec)
    except TypeError as error:
        raise ValueError(f"bad {kind} converter arguments: {error}") from None


def _ranges(values):
    """``0..31`` for a run of consecutive values, else the values listed."""
    values = sorted(values)
    if not values:
        return "none"
    if values == list(range(values[0], values[-1] + 1)) and len(values) > 2:
        return f"{values[0]}..{values[-1]}"
    return ", ".join(map(str, values))
