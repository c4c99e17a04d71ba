"""MusicVAE's encoder: a stack of bidirectional LSTM layers summarised by its final states.

Layer ``i`` runs one LSTM forward and one backward over the real steps of
each sequence (``lengths``), and the next layer reads both outputs side by
side, as Magenta's ``BidirectionalLstmEncoder`` (``stack_bidirectional_dynamic_rnn``)
does. The encoding is ``[final h forward, final h backward]`` of the top
layer: ``2 * rnn_layer_sizes[-1]`` values per sequence. Dropout (training
only) applies to the input of every layer, like Magenta's input
``DropoutWrapper``, drawn from an explicit seed so a training step is
reproducible.

Weights: ``forward_<i>/`` and ``backward_<i>/`` (each an
:class:`~symphonia.layers.lstm.LSTM`).
"""

import keras
import tensorflow as tf

from symphonia.layers.lstm import LSTM
from symphonia.layers.seeds import fold


class BidirectionalLstmEncoder(keras.layers.Layer):
    """``[B, T, input_size]`` and lengths ``[B]`` -> an encoding ``[B, 2 * rnn_layer_sizes[-1]]``.

    ``sparse_inputs`` says the inputs are mostly zeros (one-hot or roll
    vectors), so that the first layers skip the zeros in their input product.
    """

    def __init__(self, input_size, rnn_layer_sizes, dropout_keep_prob=1.0, sparse_inputs=False, **kwargs):
        super().__init__(**kwargs)
        self.input_size = input_size
        self.rnn_layer_sizes = tuple(rnn_layer_sizes)
        self.dropout_keep_prob = dropout_keep_prob
        self.directions = []
        width = input_size
        for i, units in enumerate(self.rnn_layer_sizes):
            sparse = sparse_inputs and i == 0
            self.directions.append((LSTM(units, width, sparse_inputs=sparse, name=f"forward_{i}"),
                                    LSTM(units, width, sparse_inputs=sparse, name=f"backward_{i}")))
            width = 2 * units

    def build(self, input_shape=None):
        for forward, backward in self.directions:
            forward.build()
            backward.build()

    @property
    def output_size(self):
        return 2 * self.rnn_layer_sizes[-1]

    def call(self, inputs, lengths, training=False, seed=None):
        """The encoding of each sequence's first ``lengths`` steps; ``seed`` ([2] ints) drives dropout."""
        batch_size = tf.shape(inputs)[0]
        lengths = tf.cast(lengths, tf.int32)
        for i, (forward, backward) in enumerate(self.directions):
            if training and self.dropout_keep_prob < 1.0:
                inputs = tf.nn.experimental.stateless_dropout(inputs, 1.0 - self.dropout_keep_prob, fold(seed, i))
            forward_outputs, _ = forward(inputs, forward.initial_state(batch_size))
            reversed_inputs = tf.reverse_sequence(inputs, lengths, seq_axis=1, batch_axis=0)
            backward_reversed, _ = backward(reversed_inputs, backward.initial_state(batch_size))
            backward_outputs = tf.reverse_sequence(backward_reversed, lengths, seq_axis=1, batch_axis=0)
            inputs = tf.concat([forward_outputs, backward_outputs], axis=-1)
        last_forward = tf.gather(forward_outputs, lengths - 1, batch_dims=1)
        return tf.concat([last_forward, backward_outputs[:, 0]], axis=-1)  # the backward pass ends at step 0
