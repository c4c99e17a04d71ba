"""Magenta's stack of LSTM layers (``make_rnn_cell``), one layer after another.

Layer ``i`` is an :class:`~symphonia.layers.lstm.LSTM` of ``rnn_layer_sizes[i]``
units; with ``attn_length > 0`` the first one is an
:class:`~symphonia.layers.attention.AttentionLSTM` instead. With
``residual_connections`` each layer adds its input to its output, the input
first mapped linearly to the layer's width where the width changes (and always
for the first layer). Dropout applies to each layer's output (not to its
recurrent state), during training only.

Since nothing a layer feeds back into itself passes through the next layer,
running the whole sequence through layer 1, then through layer 2, computes the
same as Magenta's step-by-step ``MultiRNNCell``, and lets every layer do its
input products in one piece.

Weights live under ``lstm_<i>/``, ``attention_lstm_0/`` and ``input_projection_<i>/``.
"""

import keras
import tensorflow as tf

from symphonia.layers.attention import AttentionLSTM
from symphonia.layers.lstm import LSTM


class LSTMStack(keras.layers.Layer):
    """LSTM layers over ``[B, T, input_size]`` with per-layer state in and out."""

    def __init__(self, input_size, rnn_layer_sizes, attn_length=0, dropout_keep_prob=1.0,
                 residual_connections=False, **kwargs):
        super().__init__(**kwargs)
        self.input_size = input_size
        self.rnn_layer_sizes = tuple(rnn_layer_sizes)
        self.attn_length = attn_length
        self.dropout_keep_prob = dropout_keep_prob
        self.residual_connections = residual_connections
        self.cells, self.projections, self._layer_input_sizes = [], [], []
        width = input_size
        for i, units in enumerate(self.rnn_layer_sizes):
            projection = None
            self._layer_input_sizes.append(width)
            if residual_connections and (i == 0 or units != width):
                projection = keras.layers.Dense(units, name=f"input_projection_{i}")
                width = units
            sparse = i == 0 and projection is None  # the codec's vectors, mostly zeros
            if attn_length and i == 0:
                cell = AttentionLSTM(units, width, attn_length, sparse_inputs=sparse, name=f"attention_lstm_{i}")
            else:
                cell = LSTM(units, width, sparse_inputs=sparse, name=f"lstm_{i}")
            self.cells.append(cell)
            self.projections.append(projection)
            width = units
        self.dropout = keras.layers.Dropout(1.0 - dropout_keep_prob, name="dropout")

    def build(self, input_shape=None):
        for cell, projection, width in zip(self.cells, self.projections, self._layer_input_sizes):
            if projection is not None:
                projection.build((None, None, width))
            cell.build()

    @property
    def output_size(self):
        return self.rnn_layer_sizes[-1]

    def initial_state(self, batch_size):
        """Zero state for every layer, as a tuple with one tuple of tensors per layer."""
        return tuple(cell.initial_state(batch_size) for cell in self.cells)

    def call(self, inputs, states, training=False):
        """Runs ``inputs [B, T, input_size]`` from ``states``; returns ``(outputs [B, T, top], states)``."""
        new_states = []
        for cell, projection, state in zip(self.cells, self.projections, states):
            if projection is not None:
                inputs = projection(inputs)
            outputs, state = cell(inputs, state)
            if self.residual_connections:
                outputs = outputs + inputs
            inputs = self.dropout(outputs, training=training) if self.dropout_keep_prob < 1.0 else outputs
            new_states.append(state)
        return inputs, tuple(new_states)


def states_from_vector(vector, rnn_layer_sizes):
    """Every layer's ``(c, h)`` cut from ``vector [B, 2 * sum(rnn_layer_sizes)]``, in Magenta's order
    ``c0, h0, c1, h1, ...``: how MusicVAE's decoders start their LSTMs from ``tanh(dense(z))``."""
    sizes = [size for units in rnn_layer_sizes for size in (units, units)]
    parts = tf.split(vector, sizes, axis=-1)
    return tuple((parts[2 * i], parts[2 * i + 1]) for i in range(len(rnn_layer_sizes)))
