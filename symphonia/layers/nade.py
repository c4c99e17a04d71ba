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

Scoring a known ``x`` needs no loop: ``a_d`` only changes after a unit that is
on, so all D conditionals come from the few distinct hidden states in two
small matrix products (see :meth:`Nade.log_prob`). (Forming all D prefixes
``b_enc + sum_{k<d} x_k V[k]``, by a masked product or a cumulative sum, costs
``D x H`` per vector and was the bulk of a training step.)
Sampling has to draw ``x_d`` before it can form ``a_{d+1}``, so it loops over
the units (a graph loop, see :meth:`Nade.sample`).

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

        The hidden units only change where ``x`` has a one, so a vector with
        ``n`` ones has ``n + 1`` distinct hidden states: segment ``s`` is the
        run of units after the ``s``-th one. Each segment's hidden state,
        and its logits for every unit, are two small matrix products
        (``[B, S, D] @ V`` and ``[B, S, H] @ W``, S the most ones in the batch
        plus one); each unit then takes the logit of its own segment. A frame
        of a piano roll has a handful of keys down, so this is several times
        cheaper than forming all D prefixes.
        """
        x = tf.cast(x, self.w_enc.dtype)
        segment = tf.cast(tf.cumsum(x, axis=1, exclusive=True), tf.int32)  # [B, D]: ones below unit d
        num_segments = tf.reduce_max(segment) + 1
        in_segment = tf.one_hot(segment, num_segments, axis=1, dtype=x.dtype)  # [B, S, D]
        # Unit d's one (if any) counts towards the hidden state of every later segment.
        feeds = x[:, None, :] * tf.cast(tf.range(num_segments)[None, :, None] > segment[:, None, :], x.dtype)
        hidden = tf.sigmoid(b_enc[:, None, :] + tf.matmul(feeds, self.w_enc))  # [B, S, H]
        logits = b_dec + tf.reduce_sum(tf.matmul(hidden, self.w_dec) * in_segment, axis=1)
        return tf.reduce_sum(_log_likelihoods(x, logits), axis=-1), tf.sigmoid(logits)

    def sample(self, b_enc, b_dec, temperature=1.0, generator=None, seed=None, with_probs=False):
        """``(samples [B, D] float 0/1, their log-probability [B])`` drawn unit by unit.

        Parameters
        ----------
        b_enc : tf.Tensor, shape [B, H]
        b_dec : tf.Tensor, shape [B, D]
        temperature : float or scalar tf.Tensor
            Divides each logit before drawing; 0 draws nothing at random and
            sets a unit iff its probability is at least 0.5 (Magenta's only mode).
            A tensor (a compiled caller's) needs ``generator`` or ``seed``.
        generator : tf.random.Generator, optional
            Source of the uniform draws (a fresh non-deterministic one if
            neither it nor ``seed`` is given).
        seed : tf.Tensor, shape [2], optional
            Key of stateless draws instead (``tf.random.stateless_uniform``):
            the same key, the same samples, with no generator state to carry,
            which suits a compiled generation step.
        with_probs : bool
            Also return the untempered ``p(x_d = 1 | drawn x_<d)`` [B, D] as a
            third value: averaged over many draws they estimate each unit's
            marginal probability with less noise than the draws themselves.

        The log-probability is that of the samples under the untempered model,
        the quantity a beam search ranks by. The loop over units is a
        ``tf.while_loop``: inside ``tf.function`` (or XLA) it is one small
        graph, fast to build, rather than D unrolled copies.
        """
        fixed = isinstance(temperature, (int, float))  # else a scalar tensor, e.g. inside a compiled decoder
        if fixed and temperature < 0:
            raise ValueError(f"temperature must be >= 0, got {temperature}")
        shape = tf.shape(b_dec)
        if fixed and temperature == 0:
            uniforms = None
        elif seed is not None:
            uniforms = tf.random.stateless_uniform(shape, seed, dtype=b_dec.dtype)
        else:
            generator = generator or tf.random.Generator.from_non_deterministic_state()
            uniforms = generator.uniform(shape, dtype=b_dec.dtype)
        w_enc, w_dec_rows = tf.convert_to_tensor(self.w_enc), tf.transpose(self.w_dec)  # both [D, H]

        def draw_unit(d, pre_activation, units, logits, log_prob):
            logit = b_dec[:, d] + tf.linalg.matvec(tf.sigmoid(pre_activation), w_dec_rows[d])
            if uniforms is None:
                unit = tf.cast(logit >= 0.0, logit.dtype)
            else:
                drawn = uniforms[:, d] < tf.sigmoid(logit / tf.maximum(temperature, 1e-9))
                unit = tf.cast(drawn if fixed else tf.where(temperature > 0, drawn, logit >= 0.0), logit.dtype)
            return (d + 1, pre_activation + unit[:, None] * w_enc[d], units.write(d, unit), logits.write(d, logit),
                    log_prob + _log_likelihoods(unit, logit))

        draws = tf.TensorArray(b_dec.dtype, size=self.num_dims)
        _, _, units, logits, log_prob = tf.while_loop(
            lambda d, *_: d < self.num_dims, draw_unit,
            (tf.constant(0), b_enc, draws, tf.TensorArray(b_dec.dtype, size=self.num_dims), tf.zeros_like(b_dec[:, 0])))
        samples = tf.transpose(units.stack())
        if with_probs:
            return samples, log_prob, tf.sigmoid(tf.transpose(logits.stack()))
        return samples, log_prob

    def get_config(self):
        return {**super().get_config(), "num_dims": self.num_dims, "num_hidden": self.num_hidden}


def _log_likelihoods(x, logits):
    """``log p(x)`` of Bernoulli units with these logits, elementwise, stable for any logit."""
    return x * tf.math.log_sigmoid(logits) + (1.0 - x) * tf.math.log_sigmoid(-logits)
