import json
import os

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from symphonia.models.pianoroll_rnn_nade.configs import RnnNadeConfig, get_config
from symphonia.models.pianoroll_rnn_nade.data import frame_batches
from symphonia.models.pianoroll_rnn_nade.train import evaluate_rnn_nade, train_rnn_nade
from symphonia.training.checkpoints import complete_checkpoints
from tests.models.pianoroll_rnn_nade.datasets import (
    chord_progressions,
    write_progressions,
)
from tests.training.events import read_scalars

TINY = get_config("rnn-nade").with_hparams("batch_size=4,rnn_layer_sizes=[16],nade_hidden_units=8")


@pytest.mark.parametrize("layout", ["magenta", "compact"])
def test_batches_hold_the_input_frames_of_either_layout(tmp_path, layout):
    data = write_progressions(tmp_path / "rolls.tfrecord", layout, num_sequences=4, length=10)
    batch = next(iter(frame_batches([data], 4, "pianoroll")))
    np.testing.assert_array_equal(batch["frames"].numpy(), chord_progressions(4, 10)[:, :-1])
    np.testing.assert_array_equal(batch["lengths"].numpy(), [9] * 4)


def test_training_writes_checkpoints_with_the_config_and_resumes(tmp_path):
    data, run_dir = write_progressions(tmp_path / "rolls.tfrecord"), str(tmp_path / "run")
    train_dir = os.path.join(run_dir, "train")
    assert train_rnn_nade(TINY, data, run_dir, num_training_steps=3, summary_frequency=3) == 3
    with open(os.path.join(train_dir, "config.json")) as file:
        assert RnnNadeConfig.from_dict(json.load(file)) == TINY
    assert train_rnn_nade(TINY, data, run_dir, num_training_steps=5, summary_frequency=1) == 5
    assert [step for step, _ in complete_checkpoints(train_dir)] == [3, 5]
    scalars = read_scalars(train_dir)
    assert sorted(scalars["loss"]) == [3, 4, 5]  # the second run went on from step 3
    assert {"metrics/perplexity", "metrics/accuracy", "metrics/precision", "metrics/recall",
            "metrics/f1_score"} <= set(scalars)


def test_eval_scores_each_checkpoint(tmp_path):
    data, run_dir = write_progressions(tmp_path / "rolls.tfrecord"), str(tmp_path / "run")
    train_rnn_nade(TINY, data, run_dir, num_training_steps=2)
    assert evaluate_rnn_nade(TINY, data, run_dir, num_training_steps=2) == [2]
    scalars = read_scalars(os.path.join(run_dir, "eval"))
    assert list(scalars["loss"]) == [2] and 0 < scalars["loss"][2] < 88
