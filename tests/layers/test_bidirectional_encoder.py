import keras
import numpy as np
import tensorflow as tf

from symphonia.layers.bidirectional_encoder import BidirectionalLstmEncoder


def test_the_encoding_is_the_final_forward_and_backward_states_of_the_real_steps():
    keras.utils.set_random_seed(0)
    encoder = BidirectionalLstmEncoder(3, [5])
    encoder.build()
    inputs = np.random.default_rng(0).normal(size=(2, 6, 3)).astype(np.float32)
    encoding = encoder(tf.constant(inputs), tf.constant([6, 4])).numpy()
    assert encoding.shape == (2, 10)
    forward, backward = encoder.directions[0]
    for row, length in enumerate([6, 4]):
        real = tf.constant(inputs[row:row + 1, :length])
        forward_h = forward(real, forward.initial_state(1))[1][1]
        backward_h = backward(tf.reverse(real, [1]), backward.initial_state(1))[1][1]
        np.testing.assert_allclose(encoding[row], np.concatenate([forward_h[0], backward_h[0]]), rtol=1e-5, atol=1e-6)


def test_padding_after_the_length_changes_nothing_and_layers_stack():
    keras.utils.set_random_seed(1)
    encoder = BidirectionalLstmEncoder(3, [4, 6])
    encoder.build()
    inputs = np.random.default_rng(1).normal(size=(1, 5, 3)).astype(np.float32)
    padded = inputs.copy()
    padded[0, 3:] = 7.0
    first = encoder(tf.constant(inputs), tf.constant([3])).numpy()
    np.testing.assert_allclose(first, encoder(tf.constant(padded), tf.constant([3])).numpy(), rtol=1e-6)
    assert first.shape == (1, 12) and encoder.directions[1][0].input_size == 8
