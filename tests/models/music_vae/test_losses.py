import math

import numpy as np
import pytest
import tensorflow as tf

from symphonia.models.music_vae import losses


def test_kl_divergence_sums_each_dimension_closed_form():
    # dim 1: mu 1, sigma 1 -> (1 + 1 - 1 - 0) / 2 = 0.5; dim 2: mu 0, sigma 0.5 -> (0.25 - 1 - 2 ln 0.5) / 2
    expected = 0.5 + (0.25 - 1.0 - 2.0 * math.log(0.5)) / 2.0
    kl = losses.kl_divergence(tf.constant([[1.0, 0.0], [0.0, 0.0]]), tf.constant([[1.0, 0.5], [1.0, 1.0]]))
    np.testing.assert_allclose(kl.numpy(), [expected, 0.0], rtol=1e-6, atol=1e-7)


def test_free_bits_are_converted_to_nats_and_subtracted_from_the_total_kl():
    assert losses.free_nats(48.0) == pytest.approx(48.0 * 0.6931471805599453)
    cost = losses.kl_cost(tf.constant([40.0, 20.0, 33.0]), 48.0)  # 48 bits = 33.2711 nats
    np.testing.assert_allclose(cost.numpy(), [40.0 - 33.27106466687737, 0.0, 0.0], rtol=1e-6)


def test_total_loss_is_mean_reconstruction_plus_weighted_mean_kl_cost():
    loss = losses.total_loss(tf.constant([10.0, 20.0]), tf.constant([40.0, 20.0]), 48.0, 0.5)
    assert float(loss) == pytest.approx(15.0 + 0.5 * (40.0 - 33.27106466687737) / 2.0, rel=1e-6)


def test_global_norm_clipping_scales_to_grad_clip_and_reports_the_norm_before():
    clipped, norm = losses.clip_gradients([tf.constant([3.0, 0.0]), tf.constant([[4.0]])], "global_norm", 1.0, 10000.0)
    assert float(norm) == pytest.approx(5.0)
    np.testing.assert_allclose(clipped[0].numpy(), [0.6, 0.0], rtol=1e-6)
    np.testing.assert_allclose(clipped[1].numpy(), [[0.8]], rtol=1e-6)


def test_a_norm_at_the_clip_to_zero_threshold_zeroes_every_gradient_even_an_infinite_one():
    clipped, norm = losses.clip_gradients([tf.constant([3.0]), tf.constant([4.0])], "global_norm", 1.0, 5.0)
    assert float(norm) == pytest.approx(5.0) and all(not g.numpy().any() for g in clipped)
    clipped, _ = losses.clip_gradients([tf.constant([np.inf, 1.0])], "global_norm", 1.0, 10000.0)
    np.testing.assert_array_equal(clipped[0].numpy(), [0.0, 0.0])


def test_value_clipping_clips_each_element():
    clipped, norm = losses.clip_gradients([tf.constant([3.0, -4.0, 0.5])], "value", 1.0, 10000.0)
    np.testing.assert_allclose(clipped[0].numpy(), [1.0, -1.0, 0.5])
    assert float(norm) == pytest.approx(math.sqrt(9 + 16 + 0.25))
