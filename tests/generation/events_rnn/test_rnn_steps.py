import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from symphonia.generation.events_rnn import rnn_steps  # noqa: E402
from symphonia.models.events_rnn.model import EventsRnn  # noqa: E402


@pytest.fixture(scope="module")
def steps():
    return rnn_steps.RnnSteps(EventsRnn(5, 7, (6, 4), attn_length=3))


def test_priming_in_one_call_or_step_by_step_gives_the_same_logits_and_state(steps, monkeypatch):
    inputs = np.random.default_rng(0).normal(size=(12, 5)).astype(np.float32)
    stepwise = steps.prime(inputs)
    monkeypatch.setattr(rnn_steps, "MAX_STEPWISE_PRIMER", 4)
    at_once = steps.prime(inputs)
    np.testing.assert_allclose(stepwise[0], at_once[0], atol=1e-5)
    for a, b in zip(tf.nest.flatten(stepwise[1]), tf.nest.flatten(at_once[1])):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-5)


def test_a_masked_step_leaves_inactive_rows_as_they_were(steps):
    _, state = steps.prime(np.ones((3, 5), np.float32))
    state = steps.take(state, [0, 0, 0])
    inputs = np.random.default_rng(1).normal(size=(3, 5)).astype(np.float32)
    logits, stepped = steps.step(inputs, state)
    masked_logits, masked = steps.step(inputs, state, active=np.array([True, False, True]))
    np.testing.assert_allclose(masked_logits[[0, 2]], logits[[0, 2]], atol=1e-6)
    for new, old, full in zip(tf.nest.flatten(masked), tf.nest.flatten(state), tf.nest.flatten(stepped)):
        np.testing.assert_array_equal(new.numpy()[1], old.numpy()[1])
        np.testing.assert_allclose(new.numpy()[[0, 2]], full.numpy()[[0, 2]], atol=1e-6)
