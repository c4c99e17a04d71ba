import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from symphonia.generation.beam_search import beam_search
from symphonia.generation.pianoroll_rollout import FrameLoop, FrameRollout
from symphonia.models.pianoroll_rnn_nade.model import RnnNade
from tests.models.pianoroll_rnn_nade.datasets import chord_progressions


@pytest.fixture(scope="module")
def loop():
    """One small model and its loop for every test, so that each compiled segment is traced once."""
    keras.utils.set_random_seed(0)
    return FrameLoop(RnnNade(88, (8, 8), 4, attn_length=2), jit_compile=False)


def _primer(num_frames):
    return chord_progressions(1, num_frames, seed=3)[0]


@pytest.mark.parametrize("num_frames", [0, 5])
def test_priming_reads_the_whole_primer_as_one_sequence(loop, num_frames):
    """The state after priming is the state after the model reads silence + primer in one piece.

    Its biases are those the model scores the frame after the primer with, so
    the first generated frame is conditioned on every primer frame (Magenta's
    come from an early primer frame, or ignore the last).
    """
    model, primer = loop.model, _primer(num_frames)
    state = loop.prime(primer)
    padded = np.concatenate([np.zeros((1, 88)), primer]).astype(np.float32)[None]
    _, _, expected_states = model.forward(tf.constant(padded))
    tf.nest.map_structure(lambda got, want: np.testing.assert_allclose(got, want, atol=1e-6), state["states"],
                          expected_states)
    following = chord_progressions(1, num_frames + 1, seed=3)[0]  # the primer and the chord after it
    log_probs, _ = model.log_prob(tf.constant(following[None].astype(np.float32)))
    scored, _ = model.nade.log_prob(following[-1:].astype(np.float32), state["b_enc"], state["b_dec"])
    np.testing.assert_allclose(scored, log_probs[:, -1], rtol=1e-5)


@pytest.mark.parametrize("num_frames", [0, 3])
def test_each_drawn_frame_is_scored_given_every_frame_before_it(loop, num_frames):
    """The rollout's scores are the model's own log-probabilities of the frames it drew, frame by frame.

    Magenta's step drew each frame from biases that had not seen the newest
    frame; then its scores would not match the model's.
    """
    model, primer = loop.model, _primer(num_frames)
    rollout = FrameRollout(loop, primer, rows=3, temperature=1.0, seed=7)
    scores = rollout.extend(4) + rollout.extend(2)
    frames = rollout.frames(range(3))
    assert frames.shape == (3, num_frames + 6, 88) and (frames[:, :num_frames] == primer).all()
    log_probs, _ = model.log_prob(tf.constant(frames.astype(np.float32)))
    np.testing.assert_allclose(scores, log_probs.numpy()[:, num_frames:].sum(axis=1), rtol=1e-5)


def test_the_same_seed_draws_the_same_frames_in_one_segment_or_several(loop):
    whole = FrameRollout(loop, _primer(2), rows=4, temperature=1.0, seed=11)
    whole.extend(6)
    pieces = FrameRollout(loop, _primer(2), rows=4, temperature=1.0, seed=11)
    for size in (4, 2):
        pieces.extend(size)
    other = FrameRollout(loop, _primer(2), rows=4, temperature=1.0, seed=12)
    other.extend(6)
    np.testing.assert_array_equal(whole.frames(range(4)), pieces.frames(range(4)))
    assert (whole.frames(range(4)) != other.frames(range(4))).any()
    assert len({frames.tobytes() for frames in whole.frames(range(4))}) > 1  # the rows draw independently


def test_temperature_zero_sets_the_keys_whose_probability_reaches_one_half(loop):
    model = loop.model
    rollout = FrameRollout(loop, _primer(2), rows=2, temperature=0.0, seed=1)
    rollout.extend(2)
    frames = rollout.frames(range(2))
    np.testing.assert_array_equal(frames[0], frames[1])
    _, probs = model.log_prob(tf.constant(frames.astype(np.float32)))
    np.testing.assert_array_equal(frames[:, 2:], probs.numpy()[:, 2:] >= 0.5)


def test_beam_search_keeps_each_outputs_best_candidate(loop):
    """With branching, the returned row of each output scores at least as well as any it was pruned against."""
    model = loop.model
    rollout = FrameRollout(loop, _primer(1), rows=2 * 6, temperature=1.0, seed=5)
    best, scores = beam_search(rollout, num_groups=2, num_steps=4, beam_size=2, branch_factor=3,
                               steps_per_iteration=2)
    frames = rollout.frames(best)
    log_probs, _ = model.log_prob(tf.constant(frames.astype(np.float32)))
    np.testing.assert_allclose(scores, log_probs.numpy()[:, 1:].sum(axis=1), rtol=1e-5)
    all_frames = rollout.frames(range(12))
    all_scores = model.log_prob(tf.constant(all_frames.astype(np.float32)))[0].numpy()[:, 1:].sum(axis=1)
    for group in range(2):
        assert scores[group] >= all_scores[group * 6:(group + 1) * 6].max() - 1e-3
