import os
import subprocess

import pytest

from symphonia.training.checkpoints import complete_checkpoints
from tests.cli.test_events_rnn_train import _command, _fails
from tests.models.pianoroll_rnn_nade.datasets import write_progressions


@pytest.mark.parametrize("flags, message", [
    (["--sequence_example_file={missing}"], "pianoroll_rnn_nade_train.py: error: {missing} does not exist"),
    (["--config=rnn_nade", "--sequence_example_file={empty}"],
     "error: unknown config 'rnn_nade'; valid configs: rnn-nade, rnn-nade_attn"),
    (["--config=", "--sequence_example_file={empty}"], "error: --config is required: one of rnn-nade, rnn-nade_attn"),
    (["--hparams=nade_hidden_units=[4]", "--sequence_example_file={empty}"],
     "error: hparam 'nade_hidden_units' must be an int, got '[4]'"),
    ([], "error: --sequence_example_file is required"),
])
def test_bad_commands_fail_in_one_line(tmp_path, flags, message):
    names = {"missing": tmp_path / "missing.tfrecord", "empty": tmp_path / "empty.tfrecord"}
    open(names["empty"], "wb").close()
    assert message.format(**names) in _fails("pianoroll_rnn_nade_train", *(flag.format(**names) for flag in flags))


def test_trains_a_few_steps_then_evaluates(tmp_path):
    data, run_dir = write_progressions(tmp_path / "rolls.tfrecord"), tmp_path / "run"
    flags = [f"--sequence_example_file={data}", f"--run_dir={run_dir}", "--config=rnn-nade_attn",
             "--hparams=batch_size=4,rnn_layer_sizes=[8],attn_length=2,nade_hidden_units=4",
             "--num_training_steps=2"]
    for extra in ([], ["--eval"]):
        result = subprocess.run(_command("pianoroll_rnn_nade_train", *flags, *extra), capture_output=True,
                                text=True, timeout=120, check=False)
        assert result.returncode == 0, result.stderr
    assert "Evaluated step 2: loss" in result.stderr
    assert [step for step, _ in complete_checkpoints(str(run_dir / "train"))] == [2]
    assert os.path.exists(run_dir / "train" / "config.json") and os.path.isdir(run_dir / "eval")
