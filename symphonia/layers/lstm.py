"""One LSTM layer, run over a whole sequence or one step at a time.

The same cell as Magenta's ``BasicLSTMCell`` (no peepholes, tanh activations),
written so that the input half of the gate products is one large matrix product
over every time step, outside the recurrent loop. The layer also exposes that
split (:meth:`input_gates`, :meth:`update`) so that a wrapper such as the
attention cell can feed its own gate contributions into the same cell.

Weights (Keras names and gate order ``i, f, c, o``, so they load into
``keras.layers.LSTM`` too): ``kernel [input_size, 4 * units]``,
``recurrent_kernel [units, 4 * units]``, ``bias [4 * units]``. Magenta adds a
constant 1 to the forget gate at run time; here the forget bias starts at 1 and
is learned, which computes the same function at initialisation (a converter of
Magenta checkpoints adds 1 to the forget slice and reorders Magenta's
``i, j, f, o`` gates).
"""

import keras
import tensorflow as tf

from symphonia.layers.recurrence import scan_over_time


class LSTM(keras.layers.Layer):
    """An LSTM over ``[B, T, input_size]`` with explicit state ``(c, h)`` in and out.

    ``sparse_inputs`` says the inputs are mostly zeros (codec vectors), so that
    their product with the kernel skips the zeros (see :func:`input_product`).
    """

    def __init__(self, units, input_size, sparse_inputs=False, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.input_size = input_size
        self.sparse_inputs = sparse_inputs

    def build(self, input_shape=None):
        units = self.units
        self.kernel = self.add_weight(shape=(self.input_size, 4 * units), initializer="glorot_uniform",
                                      name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(units, 4 * units), initializer="orthogonal",
                                                name="recurrent_kernel")
        forget_bias_one = keras.initializers.Constant([0.0] * units + [1.0] * units + [0.0] * 2 * units)
        self.bias = self.add_weight(shape=(4 * units,), initializer=forget_bias_one, name="bias")

    @property
    def output_size(self):
        return self.units

    def initial_state(self, batch_size):
        """Zero ``(c, h)``, Magenta's initial state."""
        zeros = tf.zeros((batch_size, self.units))
        return zeros, zeros

    def input_gates(self, inputs):
        """The gate pre-activations contributed by ``inputs [B, T, input_size]``."""
        return input_product(inputs, self.kernel, self.sparse_inputs) + self.bias

    def update(self, gates, c):
        """The new ``(c, h)`` from complete gate pre-activations ``[B, 4 * units]``."""
        i, f, candidate, o = gate_activations(gates)
        c = f * c + i * candidate
        return c, o * tf.tanh(c)

    def call(self, inputs, state):
        """Runs over ``inputs [B, T, input_size]`` from ``state``; returns ``(h [B, T, units], (c, h))``."""
        recurrent_kernel = tf.convert_to_tensor(self.recurrent_kernel)

        def step(gates, state):
            c, h = state
            c, h = self.update(gates + tf.matmul(h, recurrent_kernel), c)
            return h, (c, h)

        return scan_over_time(step, self.input_gates(inputs), state)


def gate_activations(gates):
    """Input, forget, candidate and output gate values from pre-activations ``[..., 4 * units]``."""
    i, f, candidate, o = tf.split(gates, 4, axis=-1)
    return tf.sigmoid(i), tf.sigmoid(f), tf.tanh(candidate), tf.sigmoid(o)


def input_product(inputs, kernel, sparse):
    """``inputs [B, T, D] @ kernel [D, K]``, skipping the zeros of ``sparse`` inputs.

    Codec inputs are mostly zeros (one-hot vectors, a few counter bits), and
    over a whole batch of sequences their product with the first kernel is the
    largest of the forward pass (drum_kit: 518 inputs, one or seven of them
    non-zero). Multiplying only the non-zero entries makes it, and its
    gradient, nearly free. Dense inputs (the outputs of a layer below) and a
    single step (generation) are multiplied densely.
    """
    if not sparse or inputs.shape[1] == 1:
        return tf.matmul(inputs, kernel)
    shape = tf.shape(inputs)
    flat = tf.reshape(inputs, [-1, inputs.shape[-1]])
    nonzero = tf.where(tf.not_equal(flat, 0.0))
    sparse = tf.SparseTensor(nonzero, tf.gather_nd(flat, nonzero), tf.shape(flat, out_type=tf.int64))
    product = tf.sparse.sparse_dense_matmul(sparse, kernel)
    return tf.reshape(product, tf.concat([shape[:2], [kernel.shape[-1]]], 0))

