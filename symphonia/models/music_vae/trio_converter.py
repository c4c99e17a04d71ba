"""MusicVAE's trio converter: windows where a melody, a bass line and drums play together.

The ``*-trio_16bar`` configs model three instruments at once (spec section
7.3, Magenta's ``TrioConverter``). For each piece of a NoteSequence (cut at
tempo and meter changes, 16 steps a bar):

* each instrument gets a part from its notes: drums (``is_drum``), melody
  (programs 0..31) or bass (32..39); one with another program, or with notes
  of two parts, is left out and counted (``trio_instruments_invalid_program``,
  ``trio_instruments_mixed_parts``); a piece needs an instrument of each part;
* each melody and bass instrument becomes one melody over the whole piece
  (the highest of simultaneous notes, MIDI 21..108, no gap limit), each drum
  instrument one drum track of the 9 reduced classes, both padded to the
  piece's whole bars;
* a bar is covered by an instrument when one of its notes sounds in it, and
  still counts as covered within ``gap_bars`` bars of one that is; for every
  (melody, bass, drums) combination of instruments, each ``slice_bars`` window
  covered by all three throughout gives a window. Magenta's leniency at the
  ends is kept: the first (and last) ``gap_bars`` bars count as covered for
  the combination when any of its instruments covers any of them.

A window's labels are int32 ``[max_length, 3]``: melody class (0..89), bass
class (0..89) and drums class (0..511), the per-step labels of
:class:`~symphonia.models.music_vae.converters.MelodyConverter` and
:class:`~symphonia.models.music_vae.converters.DrumsConverter`. The encoder
input is their three one-hots side by side, ``[90 | 90 | 512]`` = 692 wide,
Magenta's layout; the decoder has one categorical output per part
(:attr:`TrioConverter.output_depths`).

Beyond Magenta: equal windows of a sequence are kept once (as the melody and
drums converters do; Magenta keeps trio duplicates, counted here as
``duplicate_windows``), and ``gap_bars=0`` means no leniency (in Magenta it
makes every bar count as covered once any is).
"""

import collections
import itertools
import math

import numpy as np

from symphonia.codecs.features import one_hot
from symphonia.data.extraction import Extraction, quantized_pieces
from symphonia.models.music_vae.converters import (
    DrumsConverter,
    MelodyConverter,
    WindowConverter,
)

MELODY, BASS, DRUMS = range(3)  # the parts, in label column order
PART_NAMES = ("melody", "bass", "drums")
_INVALID = -2  # an instrument with a pitched note of a program in no part
MELODY_PROGRAMS = range(32)  # piano, chromatic percussion, organ, guitar
BASS_PROGRAMS = range(32, 40)
OUTPUT_BASS_PROGRAM = 33  # electric bass (finger)
OUTPUT_BASS_INSTRUMENT = 1
MAX_INSTRUMENT = 127  # Magenta ignores the notes of higher instrument numbers (and so do we of negative ones)


class TrioConverter(WindowConverter):
    """Windows of ``slice_bars`` bars of a melody, a bass line and drums, labels ``[T, 3]``."""

    name = "trio"

    def __init__(self, slice_bars=16, gap_bars=2, max_bars=1024, steps_per_quarter=4,
                 max_tensors_per_notesequence=5):
        super().__init__(max_bars, slice_bars, steps_per_quarter, max_tensors_per_notesequence)
        if gap_bars is None or gap_bars < 0 or gap_bars != int(gap_bars):
            raise ValueError(f"gap_bars must be a whole number of bars >= 0, got {gap_bars}")
        self.gap_bars = int(gap_bars)
        # Whole-piece parts: no gap ends them, no length limit, no slicing.
        self.melody = MelodyConverter(max_bars=None, slice_bars=1, steps_per_quarter=steps_per_quarter,
                                      gap_bars=None, max_tensors_per_notesequence=None)
        self.drums = DrumsConverter(max_bars=None, slice_bars=1, steps_per_quarter=steps_per_quarter,
                                    gap_bars=None, max_tensors_per_notesequence=None)
        self.output_depths = (self.melody.output_depth, self.melody.output_depth, self.drums.output_depth)
        self.input_depth = self.output_depth = sum(self.output_depths)

    @property
    def label_shape(self):
        """``(max_length, 3)``: the melody, bass and drums class of each step."""
        return self.max_length, len(self.output_depths)

    @property
    def spec(self):
        """The JSON-ready ``{"type": "trio", ...}`` that :func:`~symphonia.models.music_vae.converters.make_converter`
        rebuilds this from."""
        return {"type": "trio", "slice_bars": self.slice_bars, "gap_bars": self.gap_bars,
                "max_bars": self.max_bars, "steps_per_quarter": self.steps_per_quarter,
                "max_tensors_per_notesequence": self.max_tensors_per_notesequence}

    def extract(self, note_sequence):
        """Every distinct trio window of ``note_sequence`` and the statistics of its extraction.

        Returns
        -------
        Extraction
            ``events``: list of int32 ``[max_length, 3]`` label arrays; ``stats``: a Counter
            (the quantizer's, ``pieces_discarded_because_bar_not_16_steps``,
            ``pieces_without_all_trio_parts``, ``pieces_without_trio_window``, the
            ``trio_instruments_*`` rejections, ``trio_instrument_combinations``,
            ``duplicate_windows`` and ``windows``).
        """
        stats = collections.Counter()
        windows = []
        for piece in quantized_pieces(note_sequence, self.steps_per_quarter, stats):
            if piece.steps_per_bar != self.steps_per_bar:
                stats["pieces_discarded_because_bar_not_16_steps"] += 1
                continue
            windows += self._piece_windows(piece, stats)
        if not windows:
            return Extraction([], stats)
        return Extraction(self._unique_windows(np.stack(windows), stats), stats)

    def _piece_windows(self, piece, stats):
        notes = piece.notes
        numbered = (notes.instrument >= 0) & (notes.instrument <= MAX_INSTRUMENT)
        if not numbered.all():
            stats["notes_of_instruments_outside_0_127"] += int((~numbered).sum())
            notes = notes.take(numbered)
        instruments = self._instruments_by_part(notes, stats)
        if not all(instruments):
            stats["pieces_without_all_trio_parts"] += 1
            return []
        total_bars = math.ceil(piece.total_steps / self.steps_per_bar)
        if self.max_bars is not None:
            total_bars = min(total_bars, self.max_bars)
        tracks = {}
        for part, members in enumerate(instruments):
            for instrument in members:
                track = self._part_track(piece.replace(notes=notes.take(notes.instrument == instrument)), part,
                                         total_bars * self.steps_per_bar)
                if track is None:
                    stats["trio_instruments_without_usable_notes"] += 1
                else:
                    tracks[instrument] = track
        coverage = self._smoothed(self._coverage(notes, total_bars))
        windows = []
        for combination in itertools.product(*instruments):
            stats["trio_instrument_combinations"] += 1
            if all(instrument in tracks for instrument in combination):
                windows += self._combination_windows(combination, coverage, tracks)
        if not windows:
            stats["pieces_without_trio_window"] += 1
        return windows

    @staticmethod
    def _instruments_by_part(notes, stats):
        """The instrument numbers of each part, ascending; invalid and mixed instruments counted and left out."""
        program = notes.program
        part = np.select([notes.is_drum, np.isin(program, MELODY_PROGRAMS), np.isin(program, BASS_PROGRAMS)],
                         [DRUMS, MELODY, BASS], _INVALID)
        instruments = ([], [], [])
        for instrument in np.unique(notes.instrument).tolist():
            parts = np.unique(part[notes.instrument == instrument])
            if parts[0] == _INVALID:
                stats["trio_instruments_invalid_program"] += 1
            elif len(parts) > 1:
                stats["trio_instruments_mixed_parts"] += 1
            else:
                instruments[parts[0]].append(instrument)
        return instruments

    def _part_track(self, piece, part, total_steps):
        """The labels ``[total_steps]`` of one instrument's part over the whole piece, or None without
        notes there (``total_steps`` may stop short of the piece's end: ``max_bars``).

        The part converter's track starts on a bar line and ends on one; its
        first event is the instrument's first sounding note, which places it.
        A melody still sounding where its track ends is released there.
        """
        converter = self.drums if part == DRUMS else self.melody
        notes = piece.notes.take(converter.reads(piece.notes))
        tracks = converter._tracks_in(piece.replace(notes=notes), collections.Counter())
        if not tracks:
            return None
        (track,) = tracks  # no gap limit: one melody or drum track per instrument
        offset = int(notes.start[notes.velocity != 0].min()) - int(np.flatnonzero(track)[0])
        if offset >= total_steps:
            return None
        placed = np.zeros(total_steps, dtype=np.int32)
        end = min(offset + len(track), total_steps)
        placed[offset:end] = track[:end - offset]
        sounded = track[track != 0]
        if part != DRUMS and end < total_steps and sounded[-1] >= 2:
            placed[end] = 1  # note-off
        return placed

    def _coverage(self, notes, total_bars):
        """bool ``[total_bars, 128]``: the bars each instrument's notes sound in, from onset to release."""
        first_bar = notes.start // self.steps_per_bar
        past_bar = np.minimum(-(-notes.end // self.steps_per_bar), total_bars)
        inside = first_bar < total_bars
        changes = np.zeros((total_bars + 1, MAX_INSTRUMENT + 1), dtype=np.int64)
        np.add.at(changes, (first_bar[inside], notes.instrument[inside]), 1)
        np.add.at(changes, (past_bar[inside], notes.instrument[inside]), -1)
        return np.cumsum(changes, axis=0)[:total_bars] > 0

    def _smoothed(self, coverage):
        """Bar ``j`` covered when any of bars ``j - gap_bars .. j + gap_bars`` is."""
        total_bars = len(coverage)
        counts = np.concatenate([np.zeros((1, coverage.shape[1]), np.int64), np.cumsum(coverage, axis=0)])
        bars = np.arange(total_bars)
        low, high = np.maximum(bars - self.gap_bars, 0), np.minimum(bars + self.gap_bars + 1, total_bars)
        return counts[high] - counts[low] > 0

    def _combination_windows(self, combination, coverage, tracks):
        """The windows where all three instruments of ``combination`` are covered, labels ``[T, 3]``."""
        covered = coverage[:, combination].all(axis=1)
        gap = self.gap_bars
        if gap:  # Magenta's leniency at the ends, the end winning where they overlap
            covered[:gap] = coverage[:gap, combination].any()
            covered[-gap:] = coverage[-gap:, combination].any()
        if len(covered) < self.slice_bars:
            return []
        starts = np.flatnonzero(np.lib.stride_tricks.sliding_window_view(covered, self.slice_bars).all(axis=1))
        parts = np.stack([tracks[instrument] for instrument in combination], axis=-1)
        return [parts[bar * self.steps_per_bar:bar * self.steps_per_bar + self.max_length] for bar in starts]

    def _explanations(self):
        bars = f"{self.slice_bars} bar{'s' * (self.slice_bars > 1)}"
        return {"missing_parts": "lack one of a melody (programs 0..31), a bass (programs 32..39) and a drum "
                                 "instrument",
                "too_short": f"have no {bars} where a melody, a bass and drums play together"}

    def inputs_from_labels(self, labels):
        """float32 ``[..., T, 692]``: the melody, bass and drums one-hots side by side."""
        labels = np.asarray(labels)
        return np.concatenate([one_hot(labels[..., part], depth) for part, depth in enumerate(self.output_depths)],
                              axis=-1)

    def inputs_from_labels_tf(self, labels):
        """:meth:`inputs_from_labels` in TensorFlow, for input pipelines."""
        import tensorflow as tf

        return tf.concat([tf.one_hot(labels[..., part], depth, dtype=tf.float32)
                          for part, depth in enumerate(self.output_depths)], axis=-1)

    def to_note_sequences(self, labels):
        """One three-instrument NoteSequence per window of ``labels [N, T, 3]``.

        Melody: instrument 0, program 0; bass: instrument 1, program 33
        (electric bass); drums: instrument 9; velocity 80, 120 qpm.
        """
        labels = np.asarray(labels)
        if labels.ndim != 3 or labels.shape[-1] != len(PART_NAMES):
            raise ValueError(f"trio labels must be [N, T, 3], got shape {labels.shape}")
        sequences = self.melody.to_note_sequences(labels[..., MELODY])
        basses = self.melody.to_note_sequences(labels[..., BASS])
        drums = self.drums.to_note_sequences(labels[..., DRUMS])
        for sequence, bass, drum in zip(sequences, basses, drums):
            for note in bass.notes:
                note.instrument, note.program = OUTPUT_BASS_INSTRUMENT, OUTPUT_BASS_PROGRAM
            sequence.notes.extend(bass.notes)
            sequence.notes.extend(drum.notes)
            sequence.total_time = max(sequence.total_time, bass.total_time, drum.total_time)
        return sequences
