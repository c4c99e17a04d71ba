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
