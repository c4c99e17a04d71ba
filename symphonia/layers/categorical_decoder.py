"""MusicVAE's categorical LSTM decoder: one class per step (or one per output part), conditioned on ``z``.

As Magenta's ``CategoricalLstmDecoder``: the LSTM stack's initial state is
``tanh(dense(z))`` split into every layer's ``(c, h)``; the input at each step
is ``[previous output one-hot, z]`` (zeros for the one-hot at step 0, unless
a first output is given); ``output_projection`` gives the logits. Dropout
(training only) applies to every layer's input.

With ``output_depth`` a tuple of depths, the decoder is Magenta's
``MultiOutCategoricalLstmDecoder`` (``flat-trio_16bar``): one LSTM, one
projection over all the parts side by side, and one class per part and step;
its labels are ``[B, T, parts]``, the fed-back vector the parts' one-hots side
by side.

The same step serves training and sampling. In training, the previous
output is the true one (teacher forcing) except where scheduled sampling
replaces it, with probability ``sampling_probability`` per example and step,
by a draw from the decoder's own previous output. In sampling it is
always the decoder's own draw, at a temperature (0: the most likely class).
Every random choice comes from an explicit ``[2]`` seed folded with the step
number, so the same seed gives the same result.

The whole sequence is one ``tf.while_loop``: nothing returns to Python
between steps. The first layer's input product is split: the fed-back half
is a row lookup of the kernel, the ``z`` half is computed once per sequence.
Subclasses with another output (:mod:`symphonia.layers.nade_decoder`) replace
the few methods that know what an output is (``_feedback_gates``, ``_draw``,
``step_losses``...) and keep the loop.

Weights: ``initial_state/``, ``lstm_<i>/`` (layer 0's kernel has
``output_depth + z_size`` rows: fed-back rows first) and ``output_projection/``.
"""

import keras
import tensorflow as tf

from symphonia.layers.lstm import LSTM
from symphonia.layers.lstm_stack import states_from_vector
from symphonia.layers.seeds import fold

# Streams of the random draws made at each step (folded into the step's seed).
_COIN, _SAMPLE, _DROPOUT = range(3)


class CategoricalLstmDecoder(keras.layers.Layer):
    """Logits ``[B, T, output_depth]`` (training) or sampled classes ``[B, T]`` from ``z [B, z_size]``.

    ``output_depth`` is an int, or a tuple of depths for several categorical
    outputs per step (labels and samples ``[B, T, parts]``, logits the parts'
    side by side).
    """

    def __init__(self, output_depth, z_size, rnn_layer_sizes, dropout_keep_prob=1.0, **kwargs):
        super().__init__(**kwargs)
        self.multi_output = not isinstance(output_depth, int)
        self.output_depths = tuple(output_depth) if self.multi_output else (output_depth,)
        self.output_depth = sum(self.output_depths)
        self.z_size = z_size
        self.rnn_layer_sizes = tuple(rnn_layer_sizes)
        self.dropout_keep_prob = dropout_keep_prob
        small = keras.initializers.RandomNormal(stddev=0.001)
        self.initial_state_projection = keras.layers.Dense(2 * sum(self.rnn_layer_sizes), activation="tanh",
                                                           kernel_initializer=small, name="initial_state")
        widths = (self.output_depth + z_size,) + self.rnn_layer_sizes[:-1]
        self.cells = [LSTM(units, width, name=f"lstm_{i}")
                      for i, (units, width) in enumerate(zip(self.rnn_layer_sizes, widths))]
        self.output_projection = keras.layers.Dense(self._projection_size(), name="output_projection")

    def _projection_size(self):
        """Width of the output projection: the logits of every part."""
        return self.output_depth

    def build(self, input_shape=None):
        self.initial_state_projection.build((None, self.z_size))
        for cell in self.cells:
            cell.build()
        self.output_projection.build((None, self.rnn_layer_sizes[-1]))

    def initial_state(self, z):
        """Every layer's ``(c, h)`` from ``z``, split in Magenta's order ``c0, h0, c1, h1, ...``."""
        return states_from_vector(self.initial_state_projection(z), self.rnn_layer_sizes)

    def reconstruct(self, labels, z, sampling_probability, seed, training=False, first_output=None):
        """Logits ``[B, T, output_depth]`` for the true ``labels``, with scheduled sampling.

        ``first_output`` (one step of labels, ``[B]`` or ``[B, parts]``) is
        fed back at step 0 instead of the zero vector: the last output of
        the segment before, for a decoder run segment by segment.
        """
        logits, _ = self._decode(z, tf.shape(labels)[1], labels, sampling_probability, 1.0, seed, training,
                                 first_output)
        return logits

    def sample(self, z, num_steps, temperature, seed, first_output=None):
        """Classes ``[B, num_steps]`` (``[B, num_steps, parts]``) drawn step by step at ``temperature``
        (0: always the most likely); ``first_output`` as in :meth:`reconstruct`."""
        _, samples = self._decode(z, num_steps, None, 1.0, temperature, seed, False, first_output)
        return self._as_labels(samples)

    def step_losses(self, logits, labels):
        """Cross-entropy ``[B, T]`` of each step, summed over the parts (Magenta's multi-output loss)."""
        return tf.add_n([tf.nn.sparse_softmax_cross_entropy_with_logits(labels=part_labels, logits=part_logits)
                         for part_labels, part_logits in self._parts(logits, labels)])

    def step_accuracy(self, logits, labels):
        """``[B, T]``: the share of the parts whose most likely class is the true one, at each step."""
        hits = [tf.cast(tf.argmax(part_logits, axis=-1, output_type=tf.int32) == part_labels, tf.float32)
                for part_labels, part_logits in self._parts(logits, labels)]
        return tf.add_n(hits) / len(hits)

    def _parts(self, logits, labels):
        """``(labels [B, T], logits [B, T, depth])`` of each part."""
        if not self.multi_output:
            return [(labels, logits)]
        return list(zip(tf.unstack(labels, axis=-1), tf.split(logits, self.output_depths, axis=-1)))

    def _as_labels(self, outputs):
        """Fed-back outputs ``[B, T, parts]`` as labels: without the parts axis for a single output."""
        return outputs if self.multi_output else outputs[..., 0]

    def _as_outputs(self, labels):
        """Labels of one step or a sequence as fed-back outputs: int32 with a trailing parts axis."""
        labels = tf.cast(labels, tf.int32)
        return labels if self.multi_output else labels[..., None]

    def _no_output(self, batch_size):
        """The fed-back output of step 0: -1 for every part, standing for the zero vector."""
        return tf.fill([batch_size, len(self.output_depths)], -1)

    def _feedback_gates(self, rows, previous, keep_probability, seed):
        """Layer 0's input product for the fed-back one-hots of ``previous [B, parts]`` (-1: zeros),
        each one-hot dropped with probability ``1 - keep_probability`` when a ``seed`` is given."""
        total, offset = 0.0, 0
        for part, depth in enumerate(self.output_depths):
            classes = previous[:, part]
            weight = tf.cast(classes >= 0, tf.float32)
            if seed is not None:  # a one-hot has one non-zero: dropping elements drops the whole row
                kept = tf.random.stateless_uniform(tf.shape(classes), fold(seed, part)) < keep_probability
                weight *= tf.cast(kept, tf.float32) / keep_probability
            total += tf.gather(rows[offset:offset + depth], tf.maximum(classes, 0)) * weight[:, None]
            offset += depth
        return total

    def _draw(self, logits, temperature, seed):
        """One class per part ``[B, parts]`` from the step's logits."""
        return tf.stack([_draw(part_logits, temperature, fold(seed, part))
                         for part, part_logits in enumerate(tf.split(logits, self.output_depths, axis=-1))],
                        axis=-1)

    _sample_dtype = tf.int32

    def _decode(self, z, num_steps, labels, sampling_probability, temperature, seed, training, first_output):
        batch_size = tf.shape(z)[0]
        dropout = training and self.dropout_keep_prob < 1.0
        first = self.cells[0]
        first_kernel = tf.convert_to_tensor(first.kernel)
        feedback_rows, z_rows = first_kernel[:self.output_depth], first_kernel[self.output_depth:]
        z_gates = tf.matmul(z, z_rows) + first.bias
        recurrent_kernels = [tf.convert_to_tensor(cell.recurrent_kernel) for cell in self.cells]
        start = self._no_output(batch_size) if first_output is None else self._as_outputs(first_output)
        teacher = labels is not None
        if teacher:  # the true previous output of each step
            true_previous = tf.concat([start[:, None], self._as_outputs(labels)[:, :-1]], axis=1)

        def first_layer_gates(previous, step_seed):
            """Layer 0's input product for ``[previous output, z]``."""
            if not dropout:
                return self._feedback_gates(feedback_rows, previous, 1.0, None) + z_gates
            keep, seeds = self.dropout_keep_prob, fold(step_seed, _DROPOUT)
            dropped_z = tf.nn.experimental.stateless_dropout(z, 1.0 - keep, fold(seeds, 1))
            return (self._feedback_gates(feedback_rows, previous, keep, fold(seeds, 0))
                    + tf.matmul(dropped_z, z_rows) + first.bias)

        def body(t, previous, states, outputs_array, samples_array):
            step_seed = fold(seed, t)
            if teacher:
                coin = tf.random.stateless_uniform([batch_size], fold(step_seed, _COIN))
                previous = tf.where((coin < sampling_probability)[:, None], previous, true_previous[:, t])
            gates = first_layer_gates(previous, step_seed)
            new_states, outputs = [], None
            for i, (cell, recurrent_kernel, (c, h)) in enumerate(zip(self.cells, recurrent_kernels, states)):
                if i > 0:
                    if dropout:
                        outputs = tf.nn.experimental.stateless_dropout(
                            outputs, 1.0 - self.dropout_keep_prob, fold(fold(step_seed, _DROPOUT), i + 1))
                    gates = cell.input_gates(outputs)
                c, h = cell.update(gates + tf.matmul(h, recurrent_kernel), c)
                new_states.append((c, h))
                outputs = h
            projected = self.output_projection(outputs)
            drawn = self._draw(projected, temperature, fold(step_seed, _SAMPLE))
            if teacher:
                outputs_array = outputs_array.write(t, projected)
            return t + 1, drawn, tuple(new_states), outputs_array, samples_array.write(t, drawn)

        initial = (tf.constant(0), start, self.initial_state(z),
                   tf.TensorArray(tf.float32, size=num_steps if teacher else 0, dynamic_size=False),
                   tf.TensorArray(self._sample_dtype, size=num_steps))
        _, _, _, outputs_array, samples_array = tf.while_loop(lambda t, *_: t < num_steps, body, initial,
                                                              maximum_iterations=num_steps)
        outputs = tf.transpose(outputs_array.stack(), [1, 0, 2]) if teacher else None
        return outputs, tf.transpose(samples_array.stack(), [1, 0, 2])


def _draw(logits, temperature, seed):
    """One class per row: the most likely at temperature 0, else drawn from ``softmax(logits / temperature)``."""
    if isinstance(temperature, (int, float)) and temperature == 0:
        return tf.argmax(logits, axis=-1, output_type=tf.int32)
    drawn = tf.random.stateless_categorical(logits / tf.maximum(temperature, 1e-9), 1, seed, dtype=tf.int32)[:, 0]
    return tf.where(temperature > 0, drawn, tf.argmax(logits, axis=-1, output_type=tf.int32))
