import itertools

import keras
import numpy as np
import tensorflow as tf

from symphonia.layers.nade_decoder import NadeLstmDecoder

DIMS = 4


def make_decoder():
    keras.utils.set_random_seed(6)
    decoder = NadeLstmDecoder(DIMS, 3, [8], num_hidden=5)
    decoder.build()
    return decoder


def test_each_steps_probabilities_over_every_roll_sum_to_one():
    decoder = make_decoder()
    every_roll = np.array(list(itertools.product([0, 1], repeat=DIMS)), np.float32)  # 16 rolls
    first_step = np.tile([[1, 0, 1, 1]], (len(every_roll), 1)).astype(np.float32)
    labels = tf.constant(np.stack([first_step, every_roll], axis=1))  # [16, 2, D]: a fixed step, then each roll
    z = tf.constant(np.tile(np.random.default_rng(0).normal(size=(1, 3)), (len(every_roll), 1)), tf.float32)
    outputs = decoder.reconstruct(labels, z, 0.0, tf.constant([0, 0]))
    assert outputs.shape == (16, 2, 5 + DIMS)
    losses = decoder.step_losses(outputs, labels).numpy()
    np.testing.assert_allclose(np.exp(-losses[:, 1]).sum(), 1.0, rtol=1e-5)
    np.testing.assert_allclose(losses[:, 0], losses[0, 0], rtol=1e-6)  # step 0 does not see step 1


def test_greedy_rolls_are_what_teacher_forcing_on_them_predicts_and_sampling_is_seeded():
    decoder = make_decoder()
    z = tf.constant(np.random.default_rng(1).normal(size=(3, 3)) * 2, tf.float32)
    greedy = decoder.sample(z, 6, 0.0, tf.constant([0, 1]))
    assert greedy.shape == (3, 6, DIMS) and set(np.unique(greedy.numpy())) <= {0.0, 1.0}
    outputs = decoder.reconstruct(greedy, z, 0.0, tf.constant([0, 0]))
    assert np.all(decoder.step_accuracy(outputs, greedy).numpy() == 1.0)
    seed = tf.constant([2, 3])
    drawn = decoder.sample(z, 6, tf.constant(1.0), seed).numpy()
    np.testing.assert_array_equal(drawn, decoder.sample(z, 6, 1.0, seed).numpy())
    np.testing.assert_array_equal(decoder.sample(z, 6, tf.constant(0.0), seed).numpy(), greedy.numpy())
