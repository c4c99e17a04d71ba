"""MusicVAE's training input: NoteSequences converted once, windows sampled and transposed per epoch.

Magenta converts every NoteSequence again for every example it trains on, in
a Python ``py_function``, and caches the result after its random choices, so
with the cache on every epoch repeats the first epoch's window sample and
transpositions (spec sections 7.5 and 10.6). Here a :class:`WindowCorpus`
converts each sequence once and keeps all its distinct windows as one int32
array; each epoch, TensorFlow ops draw up to ``max_tensors_per_notesequence``
windows per sequence and a transposition per window from ``(seed, epoch)``,
so epochs differ, and the same seed gives the same batches.
"""

import collections
import dataclasses

import numpy as np

from symphonia.data.input_pipeline import find_files
from symphonia.models.music_vae.converters import check_mode, skip_reason
from symphonia.music.proto import NoteSequence
from symphonia.tfrecord import read_records

# Stream names of the stateless random draws made each epoch.
_SAMPLE, _SHUFFLE, _TRANSPOSE = range(3)


class NothingExtractedError(ValueError):
    """No NoteSequence gave a window; ``reasons`` maps each explanation to its number of sequences."""

    def __init__(self, reasons):
        self.reasons = dict(reasons)
        total = sum(self.reasons.values())
        why = "; ".join(f"{count} {explanation}" for explanation, count in
                        sorted(self.reasons.items(), key=lambda item: -item[1]))
        super().__init__(f"no training window could be extracted from the {total} NoteSequences read: {why}"
                         if total else "no training window could be extracted: no NoteSequence was read")


def read_note_sequences(examples_path):
    """The NoteSequences of a TFRecord file, or of the files a glob names, in file order.

    The files are found at once (a bad path fails here, with
    :class:`~symphonia.data.input_pipeline.DatasetError`); records are read
    lazily, checksums checked.
    """
    paths = find_files(examples_path)
    return (NoteSequence.FromString(record) for path in paths for record in read_records(path))


@dataclasses.dataclass(frozen=True)
class WindowCorpus:
    """Every distinct window of a set of NoteSequences, grouped by sequence.

    Attributes
    ----------
    converter : WindowConverter
    windows : np.ndarray
        ``[W, max_length, ...]`` labels in the converter's ``label_dtype``
        (int32 ``[W, T]`` for melodies and drums, int32 ``[W, T, 3]`` for
        trios, uint8 ``[W, T, classes]`` for drum rolls), the windows of the
        first sequence that has any, then the next one's, and so on.
    offsets : np.ndarray
        int64 ``[S + 1]``: sequence ``s`` owns ``windows[offsets[s]:offsets[s + 1]]``;
        only sequences with windows count.
    statistics : collections.Counter
        ``sequences_read``, ``sequences_kept``, ``sequences_skipped_<reason>``
        (each skipped sequence once, see :data:`~symphonia.models.music_vae.converters.SKIP_REASONS`),
        and the converter's extraction statistics summed.
    """

    converter: object
    windows: np.ndarray
    offsets: np.ndarray
    statistics: collections.Counter

    @classmethod
    def from_note_sequences(cls, sequences, converter):
        """Converts each sequence once.

        Raises
        ------
        NothingExtractedError
            When no sequence gives a window, saying why, sequence by sequence.
        """
        statistics = collections.Counter()
        found = []
        skipped = collections.Counter()
        for sequence in sequences:
            extraction = converter.extract(sequence)
            statistics += extraction.stats
            statistics["sequences_read"] += 1
            if extraction.events:
                found.append(np.stack(extraction.events))
                statistics["sequences_kept"] += 1
            else:
                skipped[skip_reason(extraction.stats)] += 1
        for reason, count in skipped.items():
            statistics[f"sequences_skipped_{reason}"] += count
        if not found:
            raise NothingExtractedError({converter.explain(reason): count for reason, count in skipped.items()})
        offsets = np.cumsum([0] + [len(windows) for windows in found])
        return cls(converter, np.concatenate(found), offsets, statistics)

    @property
    def num_sequences(self):
        return len(self.offsets) - 1

    def skip_reasons(self):
        """``{explanation: number of sequences}`` for the sequences that gave no window."""
        prefix = "sequences_skipped_"
        return {self.converter.explain(key[len(prefix):]): count for key, count in self.statistics.items()
                if key.startswith(prefix)}

    def _window_limits(self):
        """Windows per sequence one pass takes: all, or ``max_tensors_per_notesequence``."""
        counts = np.diff(self.offsets)
        limit = self.converter.max_tensors_per_notesequence
        return counts if limit is None else np.minimum(counts, limit)

    def num_windows(self, mode):
        """Windows in one pass: at most ``max_tensors_per_notesequence`` per sequence, whatever the mode
        (``'train'`` samples them afresh each pass, the other modes take each sequence's first ones)."""
        check_mode(mode)
        return int(self._window_limits().sum())

    def first_windows(self):
        """Indices of each sequence's first windows, the ones ``'eval'`` and ``'infer'`` passes take."""
        limits = self._window_limits()
        rank_in_sequence = np.arange(limits.sum()) - np.repeat(np.cumsum(limits) - limits, limits)
        return np.repeat(self.offsets[:-1], limits) + rank_in_sequence

    def dataset(self, batch_size, *, mode, seed, repeat, transpose_range=None):
        """A ``tf.data.Dataset`` of batches ``{"inputs": float32 [B, T, input_depth], "labels": int32 [B, T, ...],
        "lengths": int32 [B]}`` (labels shaped as :attr:`windows`' rows).

        Parameters
        ----------
        batch_size : int
        mode : {'train', 'eval', 'infer'}
            ``'train'``: each pass draws up to ``max_tensors_per_notesequence``
            windows of every sequence afresh and shuffles them; the last partial
            batch is dropped. Otherwise: each sequence's first windows, in
            order, the last batch kept even if partial.
        seed : int
            Every random choice derives from ``(seed, pass number)``.
        repeat : bool
            Pass after pass forever, instead of once.
        transpose_range : (int, int), optional
            Melodies only: each window of each pass moves by a number of
            semitones drawn uniformly from this inclusive range (which must
            hold 0), narrowed per window to the amounts that keep all its notes
            in range, so no note is lost (Magenta deletes the notes that leave).
        """
        import tensorflow as tf

        check_mode(mode)
        training = mode == "train"
        windows = tf.constant(self.windows)
        room = self._transposition_bounds(transpose_range)
        chosen = self._sampled_windows_tf if training else self._first_windows_tf()

        def one_pass(number):
            seeds = [tf.stack([tf.constant(seed, tf.int64), number * 3 + stream]) for stream in range(3)]
            index = chosen(seeds) if training else chosen
            shift = tf.zeros_like(index, dtype=tf.int32) if room is None else _draw_shifts(index, room, seeds)
            return tf.data.Dataset.from_tensor_slices((index, shift))

        passes = tf.data.Dataset.counter() if repeat else tf.data.Dataset.range(1)
        examples = passes.flat_map(one_pass)
        batches = examples.batch(batch_size, drop_remainder=training)

        def assemble(index, shift):
            labels = tf.cast(tf.gather(windows, index), tf.int32)
            if room is not None:
                labels = tf.where(labels >= 2, labels + shift[:, None], labels)
            return {"inputs": self.converter.inputs_from_labels_tf(labels), "labels": labels,
                    "lengths": tf.fill(tf.shape(index), tf.constant(self.windows.shape[1], tf.int32))}

        batches = batches.map(assemble, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
        return batches.prefetch(tf.data.AUTOTUNE)

    def _first_windows_tf(self):
        import tensorflow as tf

        return tf.constant(self.first_windows(), tf.int64)

    def _sampled_windows_tf(self, seeds):
        """Up to the limit of windows per sequence, drawn without replacement, then shuffled together.

        Each window gets a random key; sorting by sequence plus key puts every
        sequence's windows together in random order, and its first ones win.
        """
        import tensorflow as tf

        counts = np.diff(self.offsets)
        owner = tf.constant(np.repeat(np.arange(self.num_sequences), counts), tf.float64)
        starts = tf.constant(np.repeat(self.offsets[:-1], counts), tf.int64)
        limits = tf.constant(np.repeat(self._window_limits(), counts), tf.int64)
        keys = tf.random.stateless_uniform(tf.shape(owner), seeds[_SAMPLE], dtype=tf.float64)
        order = tf.argsort(owner + keys, stable=True)
        rank = tf.range(tf.size(order, out_type=tf.int64)) - tf.gather(starts, order)
        picked = tf.boolean_mask(tf.cast(order, tf.int64), rank < tf.gather(limits, order))
        shuffle = tf.argsort(tf.random.stateless_uniform(tf.shape(picked), seeds[_SHUFFLE]))
        return tf.gather(picked, shuffle)

    def _transposition_bounds(self, transpose_range):
        """Per window, the lowest and highest shift allowed, as int32 constants; None without transposition."""
        if transpose_range is None:
            return None
        low, high = transpose_range
        if not low <= 0 <= high:
            raise ValueError(f"transpose_range must hold 0, got {tuple(transpose_range)}")
        if not hasattr(self.converter, "transposition_room"):
            raise ValueError(f"{self.converter.name} windows cannot be transposed")
        down, up = self.converter.transposition_room(self.windows)
        return np.maximum(low, -down).astype(np.int32), np.minimum(high, up).astype(np.int32)


def _draw_shifts(index, room, seeds):
    """One uniform integer shift per chosen window, within that window's bounds."""
    import tensorflow as tf

    low, high = (tf.gather(tf.constant(bound), index) for bound in room)
    uniform = tf.random.stateless_uniform(tf.shape(index), seeds[_TRANSPOSE])
    offset = tf.cast(tf.floor(uniform * tf.cast(high - low + 1, tf.float32)), tf.int32)
    return tf.minimum(low + offset, high)  # float rounding must not reach high + 1
