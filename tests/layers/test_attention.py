import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from symphonia.layers.attention import AttentionLSTM  # noqa: E402
from tests.layers import reference  # noqa: E402
from tests.layers.test_lstm import _randomize  # noqa: E402


@pytest.mark.parametrize("sparse", [False, True])
def test_matches_magentas_wrapper_step_by_step(sparse):
    layer = AttentionLSTM(4, 3, attn_length=3, sparse_inputs=sparse)
    layer.build()
    weights = _randomize(layer, 3)
    x = np.random.default_rng(4).normal(size=(2, 7, 3)).astype(np.float32)
    outputs, state = layer(tf.constant(x), layer.initial_state(2))
    expected, expected_state = reference.attention_lstm(x, weights, attn_length=3)
    np.testing.assert_allclose(outputs.numpy(), expected, atol=1e-4)
    for got, want in zip(state, expected_state):
        np.testing.assert_allclose(got.numpy(), want, atol=1e-4)


def test_state_shapes_and_single_steps():
    layer = AttentionLSTM(4, 3, attn_length=5)
    layer.build()
    _randomize(layer, 5)
    assert [tuple(s.shape) for s in layer.initial_state(2)] == [(2, 4), (2, 4), (2, 4), (2, 5, 4), (2, 5, 4)]
    x = tf.constant(np.random.default_rng(6).normal(size=(2, 6, 3)).astype(np.float32))
    whole, _ = layer(x, layer.initial_state(2))
    state, steps = layer.initial_state(2), []
    for t in range(6):
        output, state = layer(x[:, t:t + 1], state)
        steps.append(output)
    np.testing.assert_allclose(tf.concat(steps, 1).numpy(), whole.numpy(), atol=1e-5)


def test_needs_a_window():
    with pytest.raises(ValueError, match="attn_length must be at least 1"):
        AttentionLSTM(4, 3, attn_length=0)


def _naive_attention(x, state, w):
    """The same cell in plain TensorFlow, one step after the other, for automatic differentiation."""
    c, h, read, window, keys = state
    outputs = []
    for t in range(x.shape[1]):
        cell_input = tf.concat([x[:, t], read], -1) @ w["input_kernel"] + w["input_bias"]
        gates = cell_input @ w["kernel"] + h @ w["recurrent_kernel"] + w["bias"]
        i, f, candidate, o = tf.split(gates, 4, -1)
        c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(candidate)
        h = tf.sigmoid(o) * tf.tanh(c)
        query = tf.concat([c, h], -1) @ w["query_kernel"] + w["query_bias"]
        scores = tf.reduce_sum(tf.tanh(keys + query[:, None]) * w["score_vector"], -1)
        read = tf.reduce_sum(tf.nn.softmax(scores)[..., None] * window, 1)
        output = tf.concat([h, read], -1) @ w["output_kernel"] + w["output_bias"]
        window = tf.concat([window[:, 1:], output[:, None]], 1)
        keys = tf.concat([keys[:, 1:], (output @ w["key_kernel"])[:, None]], 1)
        outputs.append(output)
    return tf.stack(outputs, 1), (c, h, read, window, keys)


def test_hand_written_gradient_matches_automatic_differentiation():
    layer = AttentionLSTM(4, 3, attn_length=3)
    layer.build()
    _randomize(layer, 7)
    rng = np.random.default_rng(8)
    x = tf.constant(rng.normal(size=(2, 6, 3)).astype(np.float32))
    state = [tf.constant(rng.normal(scale=0.5, size=s).astype(np.float32))
             for s in ((2, 4), (2, 4), (2, 4), (2, 3, 4), (2, 3, 4))]
    state[4] = state[3] @ layer.key_kernel  # keys are the window's keys
    weights = {variable.path.rsplit("/", 1)[1]: variable for variable in layer.weights}
    target = tf.constant(rng.normal(size=(2, 6, 4)).astype(np.float32))
    gradients = []
    for run in (lambda: layer(x, tuple(state)), lambda: _naive_attention(x, state, weights)):
        with tf.GradientTape() as tape:
            tape.watch([x, *state])
            outputs, final = run()
            loss = tf.reduce_sum((outputs - target) ** 2) + sum(tf.reduce_sum(s ** 3) for s in final)
        gradients.append(tape.gradient(loss, [x, *state, *layer.trainable_variables]))
    for ours, automatic in zip(*gradients):
        np.testing.assert_allclose(ours.numpy(), automatic.numpy(), rtol=1e-4, atol=1e-4)


def test_a_traced_layer_of_unknown_length_and_batch_matches_the_reference():
    """Training traces the layer once for batches of every length; the compiled step must serve them all."""
    layer = AttentionLSTM(4, 3, attn_length=3)
    layer.build()
    weights = _randomize(layer, 9)

    @tf.function(input_signature=[tf.TensorSpec([None, None, 3])])
    def run(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            outputs, _ = layer(x, layer.initial_state(tf.shape(x)[0]))
            loss = tf.reduce_sum(outputs)
        return outputs, tape.gradient(loss, x)

    rng = np.random.default_rng(10)
    for batch, length in ((2, 5), (3, 8)):
        x = rng.normal(size=(batch, length, 3)).astype(np.float32)
        outputs, d_x = run(tf.constant(x))
        expected, _ = reference.attention_lstm(x, weights, attn_length=3)
        np.testing.assert_allclose(outputs.numpy(), expected, atol=1e-4)
        assert d_x.shape == x.shape and np.all(np.isfinite(d_x.numpy()))
