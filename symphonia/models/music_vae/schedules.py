"""MusicVAE's step-dependent quantities: KL weight, learning rate, scheduled-sampling probability.

Each is a small pure function of the global step (a number or a scalar
tensor) and the hyperparameters, exactly as Magenta computes it (spec
section 7.4), so that tests check them against values worked out by hand.
"""

import keras
import tensorflow as tf


def _as_float(step):
    return tf.cast(step, tf.float32)


def kl_beta(step, beta_rate, max_beta):
    """The KL weight ``(1 - beta_rate ** step) * max_beta``: 0 at step 0, rising to ``max_beta``.

    With ``beta_rate`` 0 the weight is ``max_beta`` from step 1 on.
    """
    return (1.0 - tf.pow(tf.constant(beta_rate, tf.float32), _as_float(step))) * max_beta


def learning_rate(step, initial_rate, decay_rate, min_rate):
    """``(initial_rate - min_rate) * decay_rate ** step + min_rate``: exponential decay to a floor."""
    return (initial_rate - min_rate) * tf.pow(tf.constant(decay_rate, tf.float32), _as_float(step)) + min_rate


def sampling_probability(step, schedule, rate, training):
    """The probability that the decoder is fed its own sample instead of the true previous output.

    Training: ``constant`` gives ``rate``; ``exponential`` gives
    ``1 - rate ** step``; ``inverse_sigmoid`` gives ``1 - k / (k + exp(step / k))``
    with ``k = rate``. Out of training, any schedule that ever samples
    samples always (1.0), as Magenta's evaluation does; pure teacher forcing
    (constant 0) stays 0.
    """
    if not training:
        return tf.constant(0.0 if schedule == "constant" and rate == 0 else 1.0)
    step = _as_float(step)
    if schedule == "constant":
        return tf.constant(float(rate))
    if schedule == "exponential":
        return 1.0 - tf.pow(tf.constant(rate, tf.float32), step)
    if schedule == "inverse_sigmoid":
        return 1.0 - rate / (rate + tf.exp(step / rate))
    raise ValueError(f"unknown sampling schedule {schedule!r}")


class DecayingLearningRate(keras.optimizers.schedules.LearningRateSchedule):
    """:func:`learning_rate` as a Keras learning-rate schedule (the optimizer passes its step)."""

    def __init__(self, initial_rate, decay_rate, min_rate):
        self.initial_rate, self.decay_rate, self.min_rate = initial_rate, decay_rate, min_rate

    def __call__(self, step):
        return learning_rate(step, self.initial_rate, self.decay_rate, self.min_rate)

    def get_config(self):
        return {"initial_rate": self.initial_rate, "decay_rate": self.decay_rate, "min_rate": self.min_rate}
