"""MusicVAE's objective (spec section 7.4), as small pure functions.

Per example: the reconstruction loss ``r_loss`` is the decoder's
cross-entropy summed over the real steps; the KL divergence of the posterior
``N(mu, sigma^2)`` from the prior ``N(0, I)`` is summed over the latent
dimensions. ``free_bits`` bits of KL per example go unpenalised
(``free_nats = free_bits * ln 2``, subtracted from the example's total KL as
Magenta does despite its "per dimension" comment), and the loss is
``mean(r_loss) + beta * mean(max(KL - free_nats, 0))``.
"""

import math

import tensorflow as tf


def kl_divergence(mu, sigma):
    """``KL(N(mu, diag(sigma^2)) || N(0, I))`` in nats per example, summed over the last axis."""
    return 0.5 * tf.reduce_sum(tf.square(mu) + tf.square(sigma) - 1.0 - 2.0 * tf.math.log(sigma), axis=-1)


def free_nats(free_bits):
    """The KL allowance in nats: ``free_bits * ln 2``."""
    return free_bits * math.log(2.0)


def kl_cost(kl, free_bits):
    """The KL each example pays for: what exceeds the free allowance, never negative."""
    return tf.maximum(kl - free_nats(free_bits), 0.0)


def total_loss(r_loss, kl, free_bits, beta):
    """``mean(r_loss) + beta * mean(kl_cost)`` over the batch."""
    return tf.reduce_mean(r_loss) + beta * tf.reduce_mean(kl_cost(kl, free_bits))


def clip_gradients(gradients, clip_mode, grad_clip, grad_norm_clip_to_zero):
    """Magenta's gradient clipping; returns ``(clipped gradients, global norm before clipping)``.

    ``global_norm``: scaled so that their global norm is at most
    ``grad_clip``, or all zero (the step changes nothing but the optimizer's
    moments) when the norm reaches ``grad_norm_clip_to_zero``. ``value``:
    each element clipped to ``[-grad_clip, grad_clip]``.
    """
    gradients = [tf.convert_to_tensor(gradient) for gradient in gradients]
    norm = tf.linalg.global_norm(gradients)
    if clip_mode == "value":
        return [tf.clip_by_value(gradient, -grad_clip, grad_clip) for gradient in gradients], norm
    if clip_mode != "global_norm":
        raise ValueError(f"unknown clip_mode {clip_mode!r}")
    clipped, _ = tf.clip_by_global_norm(gradients, grad_clip, use_norm=norm)
    keep = norm < grad_norm_clip_to_zero  # tf.where, not a product: an infinite norm gives NaNs
    return [tf.where(keep, gradient, tf.zeros_like(gradient)) for gradient in clipped], norm
