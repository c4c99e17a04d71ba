"""Padded batches of pianoroll frames from the RNN-NADE's SequenceExample files.

``pianoroll_rnn_nade_create_dataset`` writes the usual layouts (see
:mod:`symphonia.data.input_pipeline`), with a label of 88 keys per step that
the shared parser, made for one class per step, cannot read. The RNN-NADE
needs no labels: like Magenta's, it scores the input frames themselves, each
given the ones before it. So this parser reads only the frames: ``inputs`` (88
floats a step) or ``indices`` (11 packed bytes a step, unpacked by the codec).

Batches are ``{"frames": [B, T, 88] float32, "lengths": [B] int64}``; order,
shuffling, repetition and bucketing follow :func:`input_pipeline.padded_batches`.
"""

import tensorflow as tf

from symphonia.codecs import get_codec
from symphonia.data import input_pipeline


def frame_batches(paths, batch_size, encoding, *, shuffle=False, seed=0, repeat=False, bucket_by_length=False):
    """A ``tf.data.Dataset`` of padded frame batches from the SequenceExample files ``paths``."""
    codec = get_codec(encoding)
    layout = input_pipeline.check_records(paths, codec.input_size, encoding)
    frames_feature = ("inputs", tf.float32) if layout == "magenta" else ("indices", tf.int64)
    batches = input_pipeline.record_batches(paths, batch_size, shuffle=shuffle, seed=seed, repeat=repeat,
                                            bucket_feature=frames_feature if bucket_by_length else None)
    parse = _parse_dense if layout == "magenta" else _parse_compact
    batches = batches.map(lambda serialized: parse(serialized, codec), num_parallel_calls=tf.data.AUTOTUNE,
                          deterministic=True)
    return batches.prefetch(tf.data.AUTOTUNE)


def _parse_dense(serialized, codec):
    _, sequences, lengths = tf.io.parse_sequence_example(serialized, sequence_features={
        "inputs": tf.io.FixedLenSequenceFeature([codec.input_size], dtype=tf.float32)})
    return {"frames": sequences["inputs"], "lengths": lengths["inputs"]}


def _parse_compact(serialized, codec):
    _, sequences, lengths = tf.io.parse_sequence_example(serialized, sequence_features={
        "indices": tf.io.FixedLenSequenceFeature([codec.index_size], dtype=tf.int64)})
    frames = tf.numpy_function(codec.inputs_from_indices, [sequences["indices"]], tf.float32, stateful=False)
    frames.set_shape([None, None, codec.input_size])
    return {"frames": frames, "lengths": lengths["indices"]}
