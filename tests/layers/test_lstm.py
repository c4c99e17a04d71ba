import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from symphonia.layers.lstm import LSTM, input_product  # noqa: E402
from tests.layers import reference  # noqa: E402


def _randomize(layer, seed):
    rng = np.random.default_rng(seed)
    for variable in layer.weights:
        variable.assign(rng.normal(scale=0.5, size=variable.shape).astype(np.float32))
    return {variable.path.rsplit("/", 1)[1]: variable.numpy().astype(np.float64) for variable in layer.weights}


def test_matches_the_step_by_step_reference():
    layer = LSTM(5, 3)
    layer.build()
    weights = _randomize(layer, 0)
    x = np.random.default_rng(1).normal(size=(2, 6, 3)).astype(np.float32)
    outputs, (c, h) = layer(tf.constant(x), layer.initial_state(2))
    expected, (expected_c, expected_h) = reference.lstm(x, weights["kernel"], weights["recurrent_kernel"],
                                                        weights["bias"])
    np.testing.assert_allclose(outputs.numpy(), expected, atol=1e-5)
    np.testing.assert_allclose(c.numpy(), expected_c, atol=1e-5)
    np.testing.assert_allclose(h.numpy(), expected_h, atol=1e-5)


def test_forget_bias_starts_at_one():
    layer = LSTM(2, 3)
    layer.build()
    np.testing.assert_array_equal(layer.bias.numpy(), [0, 0, 1, 1, 0, 0, 0, 0])


def test_sparse_and_dense_input_products_agree_with_their_gradients():
    rng = np.random.default_rng(2)
    signs = rng.choice([1.0, -1.0], size=(3, 5, 1))
    x = (np.eye(7)[rng.integers(0, 7, size=(3, 5))] * signs).astype(np.float32)
    kernel = tf.Variable(rng.normal(size=(7, 4)).astype(np.float32))
    results = []
    for sparse in (True, False):
        with tf.GradientTape() as tape:
            product = input_product(tf.constant(x), kernel, sparse)
            loss = tf.reduce_sum(product ** 2)
        results.append((product.numpy(), tape.gradient(loss, kernel).numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0], atol=1e-5)
    np.testing.assert_allclose(results[0][1], results[1][1], atol=1e-4)
