"""MusicVAE's hierarchical encoder (the ``hier-*`` configs): bars first, then the sequence of bars.

As Magenta's ``HierarchicalLstmEncoder`` with two levels: the window is cut
into ``num_segments`` equal segments (bars), level 0 — one
:class:`~symphonia.layers.bidirectional_encoder.BidirectionalLstmEncoder`
shared by every segment — encodes each segment on its own, and level 1,
another bidirectional encoder of the same layer sizes, encodes the sequence
of segment encodings into one vector. A long window thus reaches the
encoding through 16 + 16 recurrent steps rather than 256.

All segments of all windows go through level 0 as one batch.

Weights: ``hierarchical_level_0/`` and ``hierarchical_level_1/``, each a
bidirectional encoder's.
"""

import keras
import tensorflow as tf

from symphonia.layers.bidirectional_encoder import BidirectionalLstmEncoder
from symphonia.layers.seeds import fold


class HierarchicalLstmEncoder(keras.layers.Layer):
    """``[B, num_segments * L, input_size]`` and lengths ``[B]`` -> an encoding ``[B, 2 * rnn_layer_sizes[-1]]``."""

    def __init__(self, input_size, rnn_layer_sizes, num_segments, dropout_keep_prob=1.0, sparse_inputs=False,
                 **kwargs):
        super().__init__(**kwargs)
        self.input_size = input_size
        self.num_segments = num_segments
        self.segment_encoder = BidirectionalLstmEncoder(input_size, rnn_layer_sizes, dropout_keep_prob,
                                                        sparse_inputs=sparse_inputs, name="hierarchical_level_0")
        self.sequence_encoder = BidirectionalLstmEncoder(self.segment_encoder.output_size, rnn_layer_sizes,
                                                         dropout_keep_prob, name="hierarchical_level_1")

    def build(self, input_shape=None):
        self.segment_encoder.build()
        self.sequence_encoder.build()

    @property
    def output_size(self):
        return self.sequence_encoder.output_size

    def call(self, inputs, lengths, training=False, seed=None):
        """The encoding of each window; a segment past a window's ``lengths`` reads its first step only."""
        batch_size, segments = tf.shape(inputs)[0], self.num_segments
        segment_length = tf.shape(inputs)[1] // segments
        pieces = tf.reshape(inputs, [batch_size * segments, segment_length, self.input_size])
        starts = tf.range(segments) * segment_length
        piece_lengths = tf.clip_by_value(tf.cast(lengths, tf.int32)[:, None] - starts, 1, segment_length)
        seeds = (None, None) if seed is None else (fold(seed, 0), fold(seed, 1))
        encodings = self.segment_encoder(pieces, tf.reshape(piece_lengths, [-1]), training=training, seed=seeds[0])
        encodings = tf.reshape(encodings, [batch_size, segments, self.segment_encoder.output_size])
        return self.sequence_encoder(encodings, tf.fill([batch_size], segments), training=training, seed=seeds[1])
