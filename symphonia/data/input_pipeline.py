"""Training batches from SequenceExample TFRecords, as a ``tf.data`` pipeline.

Batches are dicts of ``inputs [B, T, input_size]`` float32, ``labels [B, T]``
int64 and ``lengths [B]`` int64, zero-padded to the longest sequence of the
batch, like Magenta's ``get_padded_batch`` (whose final partial batch is
dropped too).

Files can come in several layouts, told apart by the feature lists of their
first record; each layout has its own batch parser in :data:`LAYOUTS`:

* ``magenta``: ``inputs`` (one float vector per step) and ``labels`` (one
  int64 per step). Both Magenta's ``*_create_dataset`` and ours write it.
* ``compact`` (``*_create_dataset --layout=compact``): ``indices``, the codec's
  compact int64 row per step, and ``labels``. The dense inputs are rebuilt from
  the rows here, batch by batch, with the codec of the model's encoding
  (vectorised numpy), so the files stay small and training sees the very same
  inputs.

Training batches can be *bucketed by length*: each batch is drawn from
sequences whose lengths fall in the same band of :data:`BUCKET_WIDTH` steps,
so a batch of short melodies is no longer padded to the length of the one
long melody that happened to share it. The loss is a mean over real steps
either way; only the padding the recurrent loop runs through goes away
(melodies of POP909: median 62 steps, longest 511, so about four times less
work per batch). Evaluation batches are never bucketed: they stay Magenta's.

The checks that need no TensorFlow (files exist, hold records) run first, so a
command fails on a bad path at once.
"""

import dataclasses
import glob
import os
from collections.abc import Callable

from symphonia.tfrecord import read_records

SHUFFLE_BUFFER = 500  # Magenta's shuffle queue capacity
BUCKET_WIDTH = 32  # steps: sequences whose lengths differ by less than this may share a batch


class DatasetError(ValueError):
    """A dataset that cannot feed the model: missing, empty, or of another shape or layout."""


@dataclasses.dataclass(frozen=True)
class Layout:
    """How one record layout is recognised, checked and parsed.

    Attributes
    ----------
    feature_lists : frozenset of str
        The feature list names its records hold, exactly.
    input_size : callable
        ``input_size(sequence_example, codec) -> int``, the model input width the records are made for.
    parse_batch : callable
        ``parse_batch(serialized [B], input_size, codec) -> {"inputs", "labels", "lengths"}`` in TensorFlow.
    """

    feature_lists: frozenset[str]
    input_size: Callable
    parse_batch: Callable


def _dense_input_size(example, codec):
    return len(example.feature_lists.feature_list["inputs"].feature[0].float_list.value)


def _parse_dense_batch(serialized, input_size, codec):
    import tensorflow as tf

    _, sequences, lengths = tf.io.parse_sequence_example(serialized, sequence_features={
        "inputs": tf.io.FixedLenSequenceFeature([input_size], dtype=tf.float32),
        "labels": tf.io.FixedLenSequenceFeature([], dtype=tf.int64)})
    return {"inputs": sequences["inputs"], "labels": sequences["labels"], "lengths": lengths["inputs"]}


def _compact_input_size(example, codec):
    if codec is None:
        raise DatasetError("compact-layout records need the model's encoding to rebuild their inputs")
    width = len(example.feature_lists.feature_list["indices"].feature[0].int64_list.value)
    if width != codec.index_size:
        raise DatasetError(f"records hold compact rows of {width} values, the {codec.name} encoding uses "
                           f"{codec.index_size}")
    return codec.input_size


def _parse_compact_batch(serialized, input_size, codec):
    import tensorflow as tf

    _, sequences, lengths = tf.io.parse_sequence_example(serialized, sequence_features={
        "indices": tf.io.FixedLenSequenceFeature([codec.index_size], dtype=tf.int64),
        "labels": tf.io.FixedLenSequenceFeature([], dtype=tf.int64)})
    inputs = tf.numpy_function(codec.inputs_from_indices, [sequences["indices"]], tf.float32, stateful=False)
    inputs.set_shape([None, None, input_size])
    return {"inputs": inputs, "labels": sequences["labels"], "lengths": lengths["indices"]}


LAYOUTS = {
    "magenta": Layout(frozenset({"inputs", "labels"}), _dense_input_size, _parse_dense_batch),
    "compact": Layout(frozenset({"indices", "labels"}), _compact_input_size, _parse_compact_batch),
}


def _codec(encoding):
    if encoding is None:
        return None
    from symphonia.codecs import get_codec
    return get_codec(encoding)


def find_files(pattern):
    """The files a ``--sequence_example_file`` value names (a path or a glob), sorted.

    Raises
    ------
    DatasetError
        When nothing matches.
    """
    pattern = os.path.expanduser(pattern)
    paths = sorted(path for path in glob.glob(pattern) if os.path.isfile(path))
    if not paths:
        raise DatasetError(f"{pattern} does not exist" if not glob.has_magic(pattern) else f"no file matches {pattern}")
    return paths


def count_records(paths):
    """The number of records in ``paths`` (reading them all, checking their checksums)."""
    return sum(1 for path in paths for _ in read_records(path))


def first_record(paths):
    """The first record of the first non-empty file; DatasetError when all are empty."""
    for path in paths:
        for record in read_records(path):
            return record
    raise DatasetError(f"{paths[0]} holds no records" if len(paths) == 1
                       else f"none of the {len(paths)} files {paths[0]}, ... holds a record")


def check_records(paths, input_size, encoding=None):
    """The layout of ``paths``, after checking their records fit a model of ``input_size``.

    ``encoding`` (the codec name) is needed for compact-layout records.

    Raises
    ------
    DatasetError
        For empty files, an unknown layout, or inputs of another width.
    """
    import tensorflow as tf

    example = tf.train.SequenceExample.FromString(first_record(paths))
    names = frozenset(example.feature_lists.feature_list)
    for name, layout in LAYOUTS.items():
        if names == layout.feature_lists:
            found = layout.input_size(example, _codec(encoding))
            if found != input_size:
                raise DatasetError(f"{paths[0]}: records have inputs of size {found}, the model takes {input_size} "
                                   f"(was the dataset made for another config?)")
            return name
    known = "; ".join(f"{name}: {', '.join(sorted(layout.feature_lists))}" for name, layout in LAYOUTS.items())
    raise DatasetError(f"{paths[0]}: records hold the feature lists {', '.join(sorted(names)) or 'none'}, "
                       f"not a layout this version reads ({known})")


def record_batches(paths, batch_size, *, shuffle=False, seed=0, repeat=False, bucket_feature=None):
    """Batches ``[B]`` of serialized SequenceExamples from ``paths``, the partial last batch dropped.

    Parameters
    ----------
    shuffle : bool
        Shuffle the order of files and records (within a buffer of
        :data:`SHUFFLE_BUFFER` records), differently each pass, from ``seed``.
    repeat : bool
        Cycle through the files forever (training) instead of once.
    bucket_feature : (str, tf.DType), optional
        A feature list of the records (name, type) whose length is the
        sequence's: when given, each batch holds sequences of one length band
        (:data:`BUCKET_WIDTH` steps).
    """
    import tensorflow as tf

    files = tf.data.Dataset.from_tensor_slices(paths)
    if shuffle:
        files = files.shuffle(len(paths), seed=seed, reshuffle_each_iteration=True)
    records = files.flat_map(tf.data.TFRecordDataset)
    if shuffle:
        records = records.shuffle(SHUFFLE_BUFFER, seed=seed, reshuffle_each_iteration=True)
    if repeat:
        records = records.repeat()
    if bucket_feature is None:
        return records.batch(batch_size, drop_remainder=True)
    name, dtype = bucket_feature

    def length_band(serialized):
        _, features = tf.io.parse_single_sequence_example(serialized,
                                                          sequence_features={name: tf.io.VarLenFeature(dtype)})
        return (features[name].dense_shape[0] - 1) // BUCKET_WIDTH

    return records.group_by_window(length_band, lambda _, window: window.batch(batch_size, drop_remainder=True),
                                   window_size=batch_size)


def padded_batches(paths, batch_size, input_size, *, encoding=None, shuffle=False, seed=0, repeat=False,
                   bucket_by_length=False):
    """A ``tf.data.Dataset`` of padded batches from the SequenceExample files ``paths``.

    Parameters
    ----------
    paths : list of str
        Checked with :func:`check_records` first.
    batch_size, input_size : int
    encoding : str, optional
        The model's codec name; needed for compact-layout records.
    shuffle, seed, repeat
        As :func:`record_batches` takes them.
    bucket_by_length : bool
        Batch sequences of similar lengths together (training only).
    """
    import tensorflow as tf

    layout = LAYOUTS[check_records(paths, input_size, encoding)]
    codec = _codec(encoding)
    batches = record_batches(paths, batch_size, shuffle=shuffle, seed=seed, repeat=repeat,
                             bucket_feature=("labels", tf.int64) if bucket_by_length else None)
    batches = batches.map(lambda serialized: layout.parse_batch(serialized, input_size, codec),
                          num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return batches.prefetch(tf.data.AUTOTUNE)
