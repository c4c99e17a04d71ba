"""A NADE (neural autoregressive distribution estimator) over D binary units.

The distribution of a binary vector ``x`` factorises over the units in a fixed
order (for a pianoroll: keys low to high)::

    a_0     = b_enc                          hidden pre-activation, [H]
    h_d     = sigmoid(a_d)
    logit_d = b_dec[d] + h_d . W[:, d]
    p(x_d = 1 | x_<d) = sigmoid(logit_d)
    a_{d+1} = a_d + x_d V[d]

``V`` (``w_enc``, [D, H]) and ``W`` (``w_dec``, [H, D]) are weights of the
layer; the biases come from outside, one pair per example, which is how the
RNN-NADE conditions the NADE of each frame on the frames before it.

Scoring a known ``x`` needs no loop: ``a_d = b_enc + sum_{k<d} x_k V[k]`` for
all ``d`` at once is one batched product of ``x`` under a strictly lower
triangular mask with ``V``, so all D conditionals come out of one pass. (An
exclusive cumulative sum of ``x_k V[k]`` computes the same, but took 60% longer
per training step on CPU.)
Sampling has to draw ``x_d`` before it can form ``a_{d+1}``, so it loops over
the units.

Log-probabilities use ``log_sigmoid`` of the logits, which is exact and
finite for any logit. Magenta instead adds 1e-6 inside ``log(p)`` and
``log(1 - p)``, which caps the penalty of one unit at about 13.8 nats and
biases every term slightly; the difference only shows for a unit the model is
almost sure about, and the exact form keeps gradients honest there.
"""

import keras
import tensorflow as tf


class Nade(keras.layers.Layer):
    """A NADE of ``num_dims`` visible and ``num_hidden`` hidden units, with biases given per example.

    Weights: ``w_enc [D, H]`` and ``w_dec [H, D]``, truncated normal with
    standard deviation ``1 / sqrt(D)`` as in Magenta.
    """

    def __init__(self, num_dims, num_hidden, **kwargs):
        super().__init__(**kwargs)
        self.num_dims = num_dims
        self.num_hidden = num_hidden

    def build(self, input_shape=None):
        initializer = keras.initializers.TruncatedNormal(stddev=self.num_dims ** -0.5)
        self.w_enc = self.add_weight(shape=(self.num_dims, self.num_hidden), initializer=initializer, name="w_enc")
        self.w_dec = self.add_weight(shape=(self.num_hidden, self.num_dims), initializer=initializer, name="w_dec")

    def log_prob(self, x, b_enc, b_dec):
        """``(log p(x) [B], p(x_d = 1 | x_<d) [B, D])`` for binary ``x [B, D]``, all units at once.

        The ``[B, D, H]`` hidden activations of every prefix are formed in
        one piece, which is what the backward pass needs anyway.
        """
        x = tf.cast(x, self.w_enc.dtype)
        earlier = tf.linalg.band_part(tf.ones((self.num_dims, self.num_dims), x.dtype), -1, 0) - tf.eye(
            self.num_dims, dtype=x.dtype)  # [d, k]: 1 where k < d
        pre_activations = b_enc[:, None, :] + tf.matmul(x[:, None, :] * earlier, self.w_enc)
        logits = b_dec + tf.reduce_sum(tf.sigmoid(pre_activations) * tf.transpose(self.w_dec), axis=-1)
        return tf.reduce_sum(_log_likelihoods(x, logits), axis=-1), tf.sigmoid(logits)

    def sample(self, b_enc, b_dec, temperature=1.0, generator=None):
        """``(samples [B, D] float 0/1, their log-probability [B])`` drawn unit by unit.

        Parameters
        ----------
        b_enc : tf.Tensor, shape [B, H]
        b_dec : tf.Tensor, shape [B, D]
        temperature : float
            Divides each logit before drawing; 0 draws nothing at random and
            sets a unit iff its probability is at least 0.5 (Magenta's only mode).
        generator : tf.random.Generator, optional
            Source of the uniform draws (a fresh non-deterministic one if None).

        The log-probability is that of the samples under the untempered model,
        the quantity a beam search ranks by.
        """
        if temperature < 0:
            raise ValueError(f"temperature must be >= 0, got {temperature}")
        if generator is None and temperature > 0:
            generator = tf.random.Generator.from_non_deterministic_state()
        pre_activation, units, log_prob = b_enc, [], 0.0
        for d in range(self.num_dims):
            logit = b_dec[:, d] + tf.linalg.matvec(tf.sigmoid(pre_activation), self.w_dec[:, d])
            if temperature == 0:
                unit = tf.cast(logit >= 0.0, logit.dtype)
            else:
                uniform = generator.uniform(tf.shape(logit), dtype=logit.dtype)
                unit = tf.cast(uniform < tf.sigmoid(logit / temperature), logit.dtype)
            log_prob += _log_likelihoods(unit, logit)
            pre_activation += unit[:, None] * self.w_enc[d]
            units.append(unit)
        return tf.stack(units, axis=1), log_prob

    def get_config(self):
        return {**super().get_config(), "num_dims": self.num_dims, "num_hidden": self.num_hidden}


def _log_likelihoods(x, logits):
    """``log p(x)`` of Bernoulli units with these logits, elementwise, stable for any logit."""
    return x * tf.math.log_sigmoid(logits) + (1.0 - x) * tf.math.log_sigmoid(-logits)
