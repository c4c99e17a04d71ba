import os

import pytest

tf = pytest.importorskip("tensorflow")

from symphonia.models.events_rnn.configs import get_config  # noqa: E402
from symphonia.models.events_rnn.train import evaluate_events_rnn, train_events_rnn  # noqa: E402
from symphonia.training.checkpoints import ConfigMismatchError, complete_checkpoints  # noqa: E402
from tests.models.events_rnn.datasets import write_beats, write_scales  # noqa: E402
from tests.training.events import read_scalars  # noqa: E402

TINY_MELODY = get_config("basic_rnn").with_hparams(
    "batch_size=8,rnn_layer_sizes=[16],dropout_keep_prob=1.0,learning_rate=0.02")


def test_a_tiny_melody_rnn_with_attention_learns_a_repeated_scale(tmp_path):
    # The note two steps back fixes the next event, so the best loss is 0; ln(38) = 3.6 at the start,
    # ln(8) / 2 = 1.04 for a model that learnt the rhythm but not the scale. Below 0.4, the right event
    # gets about two thirds of the probability or more on average.
    config = TINY_MELODY.with_hparams("attn_length=4")
    data = write_scales(tmp_path / "scales.tfrecord")
    assert train_events_rnn(config, data, str(tmp_path / "run"), num_training_steps=60, summary_frequency=20) == 60
    losses = read_scalars(str(tmp_path / "run" / "train"))["loss"]
    assert losses[20] > 0.8 and losses[60] < 0.4


def test_a_tiny_drum_kit_rnn_learns_a_fixed_beat(tmp_path):
    # Each drum fixes the next: best loss 0, ln(512) = 6.2 at the start, ln(4) = 1.4 for knowing only
    # which four drums occur. Below 0.2, the right drum gets over 80% of the probability on average.
    config = get_config("drum_kit").with_hparams(
        "batch_size=4,rnn_layer_sizes=[16],attn_length=0,dropout_keep_prob=1.0,learning_rate=0.05")
    data = write_beats(tmp_path / "beats.tfrecord")
    train_events_rnn(config, data, str(tmp_path / "run"), num_training_steps=60, summary_frequency=20)
    scalars = read_scalars(str(tmp_path / "run" / "train"))
    assert scalars["loss"][60] < 0.2
    assert scalars["metrics/accuracy"][60] == 1.0


def test_training_resumes_at_the_step_it_stopped(tmp_path):
    data, run_dir = write_scales(tmp_path / "scales.tfrecord"), str(tmp_path / "run")
    train_events_rnn(TINY_MELODY, data, run_dir, num_training_steps=6, summary_frequency=3)
    assert train_events_rnn(TINY_MELODY, data, run_dir, num_training_steps=6) == 6  # nothing left to do
    assert train_events_rnn(TINY_MELODY, data, run_dir, num_training_steps=12, summary_frequency=3) == 12
    train_dir = os.path.join(run_dir, "train")
    assert [step for step, _ in complete_checkpoints(train_dir)] == [6, 12]
    reader = tf.train.load_checkpoint(complete_checkpoints(train_dir)[-1][1])
    assert reader.get_tensor("optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE") == 12  # Adam's state went on too
    assert sorted(read_scalars(train_dir)["loss"]) == [3, 6, 9, 12]  # each step trained once
    with pytest.raises(ConfigMismatchError, match="hparams.batch_size: 8 there, 4 here"):
        train_events_rnn(TINY_MELODY.with_hparams("batch_size=4"), data, run_dir, num_training_steps=13)


def test_eval_writes_magentas_summaries_for_each_new_checkpoint(tmp_path):
    data, run_dir = write_scales(tmp_path / "scales.tfrecord"), str(tmp_path / "run")
    train_events_rnn(TINY_MELODY, data, run_dir, num_training_steps=5)
    assert evaluate_events_rnn(TINY_MELODY, data, run_dir, num_training_steps=5) == [5]
    scalars = read_scalars(os.path.join(run_dir, "eval"))
    assert {"loss", "metrics/perplexity", "metrics/accuracy", "metrics/event_accuracy",
            "metrics/no_event_accuracy", "metrics/loss_per_step", "metrics/perplexity_per_step"} <= set(scalars)
    assert list(scalars["loss"]) == [5]
    # Without a known last step it waits for newer checkpoints, then gives up like Magenta's loop.
    assert evaluate_events_rnn(TINY_MELODY, data, run_dir, poll_secs=0.1, timeout_secs=0.3) == [5]
