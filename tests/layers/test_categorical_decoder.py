import keras
import numpy as np
import tensorflow as tf

from symphonia.layers.categorical_decoder import CategoricalLstmDecoder


def make_decoder(dropout_keep_prob=1.0):
    keras.utils.set_random_seed(2)
    decoder = CategoricalLstmDecoder(7, 3, [6, 5], dropout_keep_prob)
    decoder.build()
    return decoder


def test_greedy_samples_are_the_argmax_of_teacher_forcing_on_themselves():
    decoder = make_decoder()
    z = tf.constant(np.random.default_rng(0).normal(size=(4, 3)), tf.float32)
    samples = decoder.sample(z, 9, 0.0, tf.constant([1, 2]))
    logits = decoder.reconstruct(samples, z, 0.0, tf.constant([5, 5]))
    np.testing.assert_array_equal(np.argmax(logits.numpy(), axis=-1), samples.numpy())


def test_sampling_is_seeded_and_full_scheduled_sampling_ignores_the_true_labels():
    decoder = make_decoder()
    z = tf.constant(np.random.default_rng(1).normal(size=(3, 3)), tf.float32)
    seed = tf.constant([3, 4])
    np.testing.assert_array_equal(decoder.sample(z, 8, 1.0, seed), decoder.sample(z, 8, 1.0, seed))
    assert not np.array_equal(decoder.sample(z, 8, 1.0, seed), decoder.sample(z, 8, 1.0, tf.constant([3, 5])))
    labels = tf.constant(np.random.default_rng(2).integers(0, 7, (3, 8)), tf.int32)
    sampled = decoder.reconstruct(labels, z, 1.0, seed)
    np.testing.assert_allclose(sampled, decoder.reconstruct(tf.zeros_like(labels), z, 1.0, seed), rtol=1e-6)
    assert not np.allclose(decoder.reconstruct(labels, z, 0.0, seed), sampled)


def test_the_initial_state_comes_from_z_and_dropout_acts_only_in_training():
    decoder = make_decoder(dropout_keep_prob=0.5)
    z = tf.constant(np.random.default_rng(3).normal(size=(2, 3)), tf.float32)
    states = decoder.initial_state(z)
    assert [tuple(part.shape) for state in states for part in state] == [(2, 6), (2, 6), (2, 5), (2, 5)]
    labels = tf.constant([[1, 2, 3], [4, 5, 6]])
    seed = tf.constant([0, 1])
    np.testing.assert_allclose(decoder.reconstruct(labels, z, 0.0, seed), decoder.reconstruct(labels, z, 0.0, seed))
    assert not np.allclose(decoder.reconstruct(labels, z, 0.0, seed, training=True),
                           decoder.reconstruct(labels, z, 0.0, seed))
