"""MusicVAE's NADE drum decoder: an LSTM whose every step parameterises a NADE over a multi-hot roll.

Magenta's ``MultiLabelRnnNadeDecoder`` (the ``nade-drums_2bar_*`` configs):
the LSTM decoder of :class:`~symphonia.layers.categorical_decoder.CategoricalLstmDecoder`,
same initial state from ``z``, same ``[previous output, z]`` input, same
scheduled sampling, but the previous output is the multi-hot roll of drums
struck at the step before, and the output projection (``num_hidden +
num_dims`` wide) gives the biases ``b_enc`` and ``b_dec`` of a
:class:`~symphonia.layers.nade.Nade` that scores or draws the step's roll.
So several drums can be struck at once without a class for every
combination (2^61 for the full drum set).

The loss of a step is ``-log p(roll)`` under its NADE; a step is accurate
when every unit's conditional probability is on the right side of 0.5
(Magenta's ``metrics/accuracy``).

Weights: those of the LSTM decoder, plus ``nade/{w_enc, w_dec}``.
"""

import tensorflow as tf

from symphonia.layers.categorical_decoder import CategoricalLstmDecoder
from symphonia.layers.nade import Nade


class NadeLstmDecoder(CategoricalLstmDecoder):
    """NADE parameters ``[B, T, num_hidden + num_dims]`` (training) or sampled rolls ``[B, T, num_dims]``
    (float 0/1) from ``z [B, z_size]``; labels are rolls ``[B, T, num_dims]``."""

    _sample_dtype = tf.float32

    def __init__(self, num_dims, z_size, rnn_layer_sizes, num_hidden, dropout_keep_prob=1.0, **kwargs):
        self.num_hidden = num_hidden  # read by _projection_size during the base class's construction
        super().__init__(num_dims, z_size, rnn_layer_sizes, dropout_keep_prob, **kwargs)
        self.nade = Nade(num_dims, num_hidden, name="nade")

    def _projection_size(self):
        return self.num_hidden + self.output_depth

    def build(self, input_shape=None):
        super().build(input_shape)
        self.nade.build()

    def step_losses(self, outputs, labels):
        """``-log p(roll)`` ``[B, T]`` of each step's true roll."""
        log_prob, _ = self._scores(outputs, labels)
        return -log_prob

    def step_accuracy(self, outputs, labels):
        """``[B, T]``: 1 where every unit's conditional probability is at least 0.5 exactly where it is struck."""
        _, probabilities = self._scores(outputs, labels)
        right = (probabilities >= 0.5) == (tf.cast(labels, tf.float32) > 0.5)
        return tf.cast(tf.reduce_all(right, axis=-1), tf.float32)

    def _scores(self, outputs, labels):
        """``(log p(roll) [B, T], p(x_d = 1 | x_<d) [B, T, D])`` of the true rolls, all steps at once."""
        shape = tf.shape(outputs)
        flat = tf.reshape(outputs, [-1, self._projection_size()])
        b_enc, b_dec = tf.split(flat, [self.num_hidden, self.output_depth], axis=-1)
        rolls = tf.reshape(tf.cast(labels, tf.float32), [-1, self.output_depth])
        log_prob, probabilities = self.nade.log_prob(rolls, b_enc, b_dec)
        return (tf.reshape(log_prob, shape[:2]),
                tf.reshape(probabilities, tf.concat([shape[:2], [self.output_depth]], axis=0)))

    def _as_labels(self, outputs):
        return outputs

    def _as_outputs(self, labels):
        return tf.cast(labels, tf.float32)

    def _no_output(self, batch_size):
        return tf.zeros([batch_size, self.output_depth])

    def _feedback_gates(self, rows, previous, keep_probability, seed):
        """Layer 0's input product for the previous rolls ``[B, D]``, dropped elementwise when seeded."""
        if seed is not None:
            previous = tf.nn.experimental.stateless_dropout(previous, 1.0 - keep_probability, seed)
        return tf.matmul(previous, rows)

    def _draw(self, outputs, temperature, seed):
        """A roll ``[B, D]`` drawn from the step's NADE (temperature 0: each unit set iff p >= 0.5)."""
        b_enc, b_dec = tf.split(outputs, [self.num_hidden, self.output_depth], axis=-1)
        roll, _ = self.nade.sample(b_enc, b_dec, temperature, seed=seed)
        return roll
