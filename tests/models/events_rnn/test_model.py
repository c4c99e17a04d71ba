import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from symphonia.models.events_rnn.configs import get_config  # noqa: E402
from symphonia.models.events_rnn.model import EventsRnn  # noqa: E402


def _inputs(batch, steps, size, seed=0):
    return tf.constant(np.random.default_rng(seed).normal(size=(batch, steps, size)).astype(np.float32))


def test_weights_have_stable_names():
    model = EventsRnn.from_events_config(get_config("drum_kit").with_hparams("rnn_layer_sizes=[8,6]"))
    assert [(w.path, tuple(w.shape)) for w in model.weights] == [
        ("events_rnn/rnn/attention_lstm_0/input_kernel", (518 + 8, 518)),
        ("events_rnn/rnn/attention_lstm_0/input_bias", (518,)),
        ("events_rnn/rnn/attention_lstm_0/key_kernel", (8, 8)),
        ("events_rnn/rnn/attention_lstm_0/query_kernel", (16, 8)),
        ("events_rnn/rnn/attention_lstm_0/query_bias", (8,)),
        ("events_rnn/rnn/attention_lstm_0/score_vector", (8,)),
        ("events_rnn/rnn/attention_lstm_0/output_kernel", (16, 8)),
        ("events_rnn/rnn/attention_lstm_0/output_bias", (8,)),
        ("events_rnn/rnn/attention_lstm_0/lstm/kernel", (518, 32)),
        ("events_rnn/rnn/attention_lstm_0/lstm/recurrent_kernel", (8, 32)),
        ("events_rnn/rnn/attention_lstm_0/lstm/bias", (32,)),
        ("events_rnn/rnn/lstm_1/kernel", (8, 24)),
        ("events_rnn/rnn/lstm_1/recurrent_kernel", (6, 24)),
        ("events_rnn/rnn/lstm_1/bias", (24,)),
        ("events_rnn/logits/kernel", (6, 512)),
        ("events_rnn/logits/bias", (512,)),
    ]


@pytest.mark.parametrize("options", [
    {"attn_length": 3},
    {"residual_connections": True, "rnn_layer_sizes": (6, 6, 4)},
])
def test_one_step_at_a_time_equals_the_whole_sequence(options):
    model = EventsRnn(5, 7, **{"rnn_layer_sizes": (6, 6), **options})
    x = _inputs(2, 6, 5)
    logits, final = model.forward(x)
    assert logits.shape == (2, 6, 7)
    primed, state = model.forward(x[:, :3])  # a primer in one call, then single steps
    steps = [primed]
    for t in range(3, 6):
        step_logits, state = model.forward(x[:, t:t + 1], state)
        steps.append(step_logits)
    np.testing.assert_allclose(tf.concat(steps, 1).numpy(), logits.numpy(), atol=1e-5)
    for got, want in zip(tf.nest.flatten(state), tf.nest.flatten(final)):
        np.testing.assert_allclose(got.numpy(), want.numpy(), atol=1e-5)


def test_dropout_only_while_training():
    model = EventsRnn(5, 7, (16, 16), dropout_keep_prob=0.5)
    x = _inputs(2, 4, 5)
    np.testing.assert_array_equal(model(x).numpy(), model(x, training=False).numpy())
    assert not np.allclose(model(x, training=True).numpy(), model(x).numpy())


def test_rebuilds_from_its_keras_config():
    model = EventsRnn(5, 7, (6,), attn_length=2)
    clone = EventsRnn.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    x = _inputs(1, 3, 5)
    np.testing.assert_allclose(clone(x).numpy(), model(x).numpy())
