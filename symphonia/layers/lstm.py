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
    """An LSTM over ``[B, T, input_size]`` with explicit state ``(c, h)`` in and out."""

    def __init__(self, units, input_size, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.input_size = input_size

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
        """The gate pre-activations contributed by ``inputs [..., input_size]``."""
        return tf.matmul(inputs, self.kernel) + self.bias

    def update(self, gates, c):
        """The new ``(c, h)`` from complete gate pre-activations ``[B, 4 * units]``."""
        i, f, candidate, o = tf.split(gates, 4, axis=-1)
        c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(candidate)
        return c, tf.sigmoid(o) * tf.tanh(c)

    def call(self, inputs, state):
        """Runs over ``inputs [B, T, input_size]`` from ``state``; returns ``(h [B, T, units], (c, h))``."""
        recurrent_kernel = tf.convert_to_tensor(self.recurrent_kernel)

        def step(gates, state):
            c, h = state
            c, h = self.update(gates + tf.matmul(h, recurrent_kernel), c)
            return h, (c, h)

        return scan_over_time(step, self.input_gates(inputs), state)
