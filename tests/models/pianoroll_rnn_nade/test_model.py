import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from symphonia.models.pianoroll_rnn_nade.configs import get_config
from symphonia.models.pianoroll_rnn_nade.metrics import add_derived, frame_statistics
from symphonia.models.pianoroll_rnn_nade.model import RnnNade
from symphonia.training.summaries import as_numpy, means
from tests.models.pianoroll_rnn_nade.datasets import chord_progressions, train_on_progressions


def _tiny(attn_length=0):
    keras.utils.set_random_seed(0)
    return RnnNade(88, (16, 16), 8, attn_length=attn_length, dropout_keep_prob=0.5)


def test_weight_names_are_stable():
    names = {variable.path for variable in _tiny().weights}
    assert {"rnn_nade/nade/w_enc", "rnn_nade/nade/w_dec", "rnn_nade/nade_biases/kernel",
            "rnn_nade/rnn/lstm_0/kernel", "rnn_nade/rnn/lstm_1/bias"} <= names
    assert tuple(RnnNade.from_rnn_nade_config(get_config("rnn-nade")).nade.w_enc.shape) == (88, 128)


@pytest.mark.parametrize("attn_length", [0, 3])
def test_stepping_the_state_scores_like_the_whole_sequence(attn_length):
    """forward() frame by frame from a silent frame gives the biases log_prob() uses."""
    model = _tiny(attn_length)
    frames = tf.constant(chord_progressions(2, 6).astype(np.float32))
    expected, _ = model.log_prob(frames)
    states, previous, stepped = model.initial_state(2), tf.zeros((2, 1, 88)), []
    for t in range(6):
        b_enc, b_dec, states = model.forward(previous, states)
        stepped.append(model.nade.log_prob(frames[:, t], b_enc[:, 0], b_dec[:, 0])[0])
        previous = frames[:, t:t + 1]
    np.testing.assert_allclose(np.stack(stepped, 1), expected.numpy(), rtol=1e-5, atol=1e-4)


def test_statistics_count_real_frames_and_keys_only():
    frames = np.zeros((1, 3, 88), np.float32)
    frames[0, :, :2] = [[1, 1], [1, 0], [1, 1]]  # the third frame is padding
    probs = np.full((1, 3, 88), 0.1, np.float32)
    probs[0, :, :3] = [[0.9, 0.2, 0.7], [0.9, 0.9, 0.1], [0.0, 0.0, 0.0]]
    statistics = as_numpy(frame_statistics(tf.constant([[-1.0, -3.0, -50.0]]), tf.constant(probs),
                                           tf.constant(frames), tf.constant([2])))
    values = add_derived(means(statistics))
    assert values["loss"] == pytest.approx(2.0)
    assert values["metrics/perplexity"] == pytest.approx(np.exp(2.0))
    # keys 0..2 of two frames: true {0, 1, 0}, predicted {0, 2, 0, 1}
    assert values["metrics/precision"] == pytest.approx(2 / 4)
    assert values["metrics/recall"] == pytest.approx(2 / 3)
    assert values["metrics/f1_score"] == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    assert values["metrics/accuracy"] == pytest.approx(1 - 3 / (2 * 88))


def test_learns_a_repeated_chord_progression():
    """After a few dozen steps the loss is far below what keys alone explain.

    A model ignoring the previous frames can at best learn how often each key
    sounds: 7 keys, three in 1/4, three in 2/4 and one in 3/4 of the frames, a
    loss of 3 * H(1/4) + 3 * H(1/2) + H(3/4) = 4.32 nats per frame. Knowing
    the previous chord fixes the next one, so only each sequence's first
    frame is uncertain (log 4 nats over 24 frames: 0.06 a frame).
    """
    keras.utils.set_random_seed(0)
    model = RnnNade(88, (64,), 16)
    first = train_on_progressions(model, num_steps=80)
    frames = tf.constant(chord_progressions(8, 24).astype(np.float32))
    lengths = tf.fill([8], 24)
    log_prob, probs = model.log_prob(frames)
    values = add_derived(means(as_numpy(frame_statistics(log_prob, probs, frames, lengths))))
    assert first > 40  # 88 keys of about log 2 each
    assert values["loss"] < 1.0, values  # about 0.4 reached; 4.3 without context
    assert values["metrics/f1_score"] > 0.9, values
