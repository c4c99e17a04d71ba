"""MusicVAE's categorical LSTM decoder: one class per step, conditioned on a latent vector ``z``.

As Magenta's ``CategoricalLstmDecoder``: the LSTM stack's initial state is
``tanh(dense(z))`` split into every layer's ``(c, h)``; the input at each step
is ``[previous output one-hot, z]`` (zeros for the one-hot at step 0);
``output_projection`` gives the logits. Dropout (training only) applies to
every layer's input.

The same step serves training and sampling. In training, the previous
output is the true one (teacher forcing) except where scheduled sampling
replaces it, with probability ``sampling_probability`` per example and step,
by a class drawn from the decoder's own previous logits. In sampling it is
always the decoder's own draw, at a temperature (0: the most likely class).
Every random choice comes from an explicit ``[2]`` seed folded with the step
number, so the same seed gives the same result.

The whole sequence is one ``tf.while_loop``: nothing returns to Python
between steps. The first layer's input product is split: the one-hot half is
a row lookup of the kernel, the ``z`` half is computed once per sequence.

Weights: ``initial_state/``, ``lstm_<i>/`` (layer 0's kernel has
``output_depth + z_size`` rows: one-hot rows first) and ``output_projection/``.
"""

import keras
import tensorflow as tf

from symphonia.layers.lstm import LSTM

# Streams of the random draws made at each step (folded into the step's seed).
_COIN, _SAMPLE, _DROPOUT = range(3)


class CategoricalLstmDecoder(keras.layers.Layer):
    """Logits ``[B, T, output_depth]`` (training) or sampled classes ``[B, T]`` from ``z [B, z_size]``."""

    def __init__(self, output_depth, z_size, rnn_layer_sizes, dropout_keep_prob=1.0, **kwargs):
        super().__init__(**kwargs)
        self.output_depth = output_depth
        self.z_size = z_size
        self.rnn_layer_sizes = tuple(rnn_layer_sizes)
        self.dropout_keep_prob = dropout_keep_prob
        small = keras.initializers.RandomNormal(stddev=0.001)
        self.initial_state_projection = keras.layers.Dense(2 * sum(self.rnn_layer_sizes), activation="tanh",
                                                           kernel_initializer=small, name="initial_state")
        widths = (output_depth + z_size,) + self.rnn_layer_sizes[:-1]
        self.cells = [LSTM(units, width, name=f"lstm_{i}")
                      for i, (units, width) in enumerate(zip(self.rnn_layer_sizes, widths))]
        self.output_projection = keras.layers.Dense(output_depth, name="output_projection")

    def build(self, input_shape=None):
        self.initial_state_projection.build((None, self.z_size))
        for cell in self.cells:
            cell.build()
        self.output_projection.build((None, self.rnn_layer_sizes[-1]))

    def initial_state(self, z):
        """Every layer's ``(c, h)`` from ``z``, split in Magenta's order ``c0, h0, c1, h1, ...``."""
        sizes = [size for units in self.rnn_layer_sizes for size in (units, units)]
        parts = tf.split(self.initial_state_projection(z), sizes, axis=-1)
        return tuple((parts[2 * i], parts[2 * i + 1]) for i in range(len(self.rnn_layer_sizes)))

    def reconstruct(self, labels, z, sampling_probability, seed, training=False):
        """Logits ``[B, T, output_depth]`` for the true ``labels [B, T]``, with scheduled sampling."""
        logits, _ = self._decode(z, tf.shape(labels)[1], labels, sampling_probability, 1.0, seed, training)
        return logits

    def sample(self, z, num_steps, temperature, seed):
        """Classes ``[B, num_steps]`` drawn step by step at ``temperature`` (0: always the most likely)."""
        _, samples = self._decode(z, num_steps, None, 1.0, temperature, seed, False)
        return samples

    def _decode(self, z, num_steps, labels, sampling_probability, temperature, seed, training):
        batch_size = tf.shape(z)[0]
        dropout = training and self.dropout_keep_prob < 1.0
        first = self.cells[0]
        first_kernel = tf.convert_to_tensor(first.kernel)
        one_hot_rows, z_rows = first_kernel[:self.output_depth], first_kernel[self.output_depth:]
        z_gates = tf.matmul(z, z_rows) + first.bias
        recurrent_kernels = [tf.convert_to_tensor(cell.recurrent_kernel) for cell in self.cells]
        teacher = labels is not None
        if teacher:  # the true previous class of each step, -1 (the zero vector) at step 0
            true_previous = tf.concat([tf.fill([batch_size, 1], -1), labels[:, :-1]], axis=1)

        def first_layer_gates(previous, step_seed):
            """Layer 0's input product for ``[one_hot(previous), z]`` (previous -1: the zero vector)."""
            rows = tf.gather(one_hot_rows, tf.maximum(previous, 0)) * tf.cast(previous >= 0, tf.float32)[:, None]
            if not dropout:
                return rows + z_gates
            keep, seeds = self.dropout_keep_prob, _fold(step_seed, _DROPOUT)
            kept = tf.cast(tf.random.stateless_uniform([batch_size], _fold(seeds, 0)) < keep, tf.float32) / keep
            dropped_z = tf.nn.experimental.stateless_dropout(z, 1.0 - keep, _fold(seeds, 1))
            return rows * kept[:, None] + tf.matmul(dropped_z, z_rows) + first.bias

        def body(t, previous, states, logits_array, samples_array):
            step_seed = _fold(seed, t)
            if teacher:
                coin = tf.random.stateless_uniform([batch_size], _fold(step_seed, _COIN))
                previous = tf.where(coin < sampling_probability, previous, true_previous[:, t])
            gates = first_layer_gates(previous, step_seed)
            new_states, outputs = [], None
            for i, (cell, recurrent_kernel, (c, h)) in enumerate(zip(self.cells, recurrent_kernels, states)):
                if i > 0:
                    if dropout:
                        outputs = tf.nn.experimental.stateless_dropout(
                            outputs, 1.0 - self.dropout_keep_prob, _fold(_fold(step_seed, _DROPOUT), i + 1))
                    gates = cell.input_gates(outputs)
                c, h = cell.update(gates + tf.matmul(h, recurrent_kernel), c)
                new_states.append((c, h))
                outputs = h
            logits = self.output_projection(outputs)
            drawn = _draw(logits, temperature, _fold(step_seed, _SAMPLE))
            if teacher:
                logits_array = logits_array.write(t, logits)
            return t + 1, drawn, tuple(new_states), logits_array, samples_array.write(t, drawn)

        initial = (tf.constant(0), tf.fill([batch_size], -1), self.initial_state(z),
                   tf.TensorArray(tf.float32, size=num_steps if teacher else 0, dynamic_size=False),
                   tf.TensorArray(tf.int32, size=num_steps))
        _, _, _, logits_array, samples_array = tf.while_loop(lambda t, *_: t < num_steps, body, initial,
                                                             maximum_iterations=num_steps)
        logits = tf.transpose(logits_array.stack(), [1, 0, 2]) if teacher else None
        return logits, tf.transpose(samples_array.stack())


def _fold(seed, value):
    return tf.random.experimental.stateless_fold_in(seed, value)


def _draw(logits, temperature, seed):
    """One class per row: the most likely at temperature 0, else drawn from ``softmax(logits / temperature)``."""
    if isinstance(temperature, (int, float)) and temperature == 0:
        return tf.argmax(logits, axis=-1, output_type=tf.int32)
    drawn = tf.random.stateless_categorical(logits / tf.maximum(temperature, 1e-9), 1, seed, dtype=tf.int32)[:, 0]
    return tf.where(temperature > 0, drawn, tf.argmax(logits, axis=-1, output_type=tf.int32))
