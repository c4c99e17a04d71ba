"""Magenta's attention cell: an LSTM that attends over its own last outputs.

This is the wrapper Magenta puts around the first LSTM layer when
``attn_length > 0`` (``AttentionCellWrapper``, after arXiv 1601.06733). At each
step, with ``L = attn_length`` and attention width ``A`` = vector width ``V`` =
the LSTM's units:

1. the LSTM's input is a linear map of ``[input, previous read]`` back to the
   input width;
2. the LSTM steps; its new state ``[c, h]`` is the attention query;
3. each of the last ``L`` outputs ``o_j`` scores ``v . tanh(K o_j + Q [c, h] + b)``;
   the read is the softmax-weighted sum of the ``o_j``;
4. the output is a linear map of ``[h, read]`` (width ``A``), and it enters the
   window, whose oldest entry leaves. The window starts as ``L`` zero vectors,
   which take part in the softmax like Magenta's.

Three rearrangements make it fast without changing the function: the input
map and the LSTM kernel are linear in a row, so over a whole sequence they are
multiplied together once and the input half of every step is one matrix
product outside the loop; each window entry's key ``K o_j`` is computed once,
when ``o_j`` is produced, and carried in the state instead of being recomputed
for all ``L`` entries at every step; and the loop has a hand-written gradient
(:mod:`symphonia.layers.attention_recurrence`).

State: ``(c [B, units], h [B, units], read [B, A], window [B, L, A], keys [B, L, V])``.
Weights: the LSTM's under ``lstm/``, then ``input_kernel [input_size + A, input_size]``,
``input_bias``, ``key_kernel [A, V]``, ``query_kernel [2 * units, V]``,
``query_bias``, ``score_vector [V]``, ``output_kernel [units + A, A]``, ``output_bias``.
"""

import keras
import tensorflow as tf

from symphonia.layers.attention_recurrence import AttentionWeights, attention_recurrence
from symphonia.layers.lstm import LSTM, input_product


class AttentionLSTM(keras.layers.Layer):
    """An LSTM wrapped in Magenta's attention over its last ``attn_length`` outputs.

    ``sparse_inputs`` as for :class:`~symphonia.layers.lstm.LSTM`.
    """

    def __init__(self, units, input_size, attn_length, sparse_inputs=False, **kwargs):
        super().__init__(**kwargs)
        if attn_length < 1:
            raise ValueError(f"attn_length must be at least 1, got {attn_length}")
        self.units = units
        self.input_size = input_size
        self.attn_length = attn_length
        self.sparse_inputs = sparse_inputs
        self.lstm = LSTM(units, input_size, name="lstm")

    def build(self, input_shape=None):
        self.lstm.build()
        units, size = self.units, self.input_size

        def weight(name, shape, initializer="glorot_uniform"):
            return self.add_weight(shape=shape, initializer=initializer, name=name)

        self.input_kernel = weight("input_kernel", (size + units, size))
        self.input_bias = weight("input_bias", (size,), "zeros")
        self.key_kernel = weight("key_kernel", (units, units))
        self.query_kernel = weight("query_kernel", (2 * units, units))
        self.query_bias = weight("query_bias", (units,), "zeros")
        self.score_vector = weight("score_vector", (units,))
        self.output_kernel = weight("output_kernel", (2 * units, units))
        self.output_bias = weight("output_bias", (units,), "zeros")

    @property
    def output_size(self):
        return self.units

    def initial_state(self, batch_size):
        """All zeros: LSTM state, read and a window of ``attn_length`` zero outputs."""
        vector = tf.zeros((batch_size, self.units))
        window = tf.zeros((batch_size, self.attn_length, self.units))
        return vector, vector, vector, window, window

    def _input_gates(self, inputs):
        """The LSTM gate pre-activations that come from ``inputs`` through the input map."""
        lstm = self.lstm
        input_kernel = self.input_kernel[:self.input_size]
        if inputs.shape[1] == 1:  # one generation step: cheaper to map the input, then the gates
            return lstm.input_gates(tf.matmul(inputs, input_kernel) + self.input_bias)
        kernel = tf.matmul(input_kernel, lstm.kernel)
        bias = tf.linalg.matvec(lstm.kernel, self.input_bias, transpose_a=True) + lstm.bias
        return input_product(inputs, kernel, self.sparse_inputs) + bias

    def call(self, inputs, state):
        """Runs over ``inputs [B, T, input_size]`` from ``state``; returns ``(outputs [B, T, A], state)``."""
        lstm = self.lstm
        weights = AttentionWeights(
            # [read, h] -> gate pre-activations: the read's path through the input map, then h's own.
            recurrent_kernel=tf.concat([tf.matmul(self.input_kernel[self.input_size:], lstm.kernel),
                                        lstm.recurrent_kernel], axis=0),
            query_kernel=self.query_kernel, query_bias=self.query_bias, key_kernel=self.key_kernel,
            score_vector=self.score_vector, output_kernel=self.output_kernel, output_bias=self.output_bias)
        weights = AttentionWeights(*(tf.convert_to_tensor(weight) for weight in weights))
        return attention_recurrence(self._input_gates(inputs), tuple(state), weights)
