import os
import signal
import subprocess
import sys
import time

import pytest

from symphonia.training.checkpoints import complete_checkpoints, latest_checkpoint
from tests.models.events_rnn.datasets import write_scales


def _command(script, *flags):
    family = script.removesuffix("_train")
    code = (f"import sys; from symphonia.cli.events_rnn_train import {family}; "
            f"sys.argv[0] = '{script}.py'; {family}()")
    return [sys.executable, "-c", code, *flags]


def _fails(script, *flags):
    result = subprocess.run(_command(script, *flags), capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # one line, no traceback
    return lines[0]


@pytest.mark.parametrize("script, flags, message", [
    ("melody_rnn_train", ["--config=basic_rnn", "--sequence_example_file={missing}"],
     "melody_rnn_train.py: error: {missing} does not exist"),
    ("drums_rnn_train", ["--sequence_example_file={empty}"], "drums_rnn_train.py: error: {empty} holds no records"),
    ("polyphony_rnn_train", ["--sequence_example_file={directory}/*.none"], "error: no file matches {directory}/*.none"),
    ("drums_rnn_train", [], "error: --sequence_example_file is required"),
    ("melody_rnn_train", ["--sequence_example_file={empty}"],
     "error: --config is required: one of basic_rnn, mono_rnn, lookback_rnn, attention_rnn"),
    ("drums_rnn_train", ["--config=polyphony", "--sequence_example_file={empty}"],
     "error: unknown config 'polyphony'; valid configs: one_drum, drum_kit"),
    ("polyphony_rnn_train", ["--hparams=rnn_layer_sizes=64", "--sequence_example_file={empty}"],
     "error: hparam 'rnn_layer_sizes' must be a list of int, got '64'; valid hparams: batch_size (int), "),
])
def test_bad_commands_fail_in_one_line_before_loading_tensorflow(tmp_path, script, flags, message):
    names = {"missing": tmp_path / "missing.tfrecord", "empty": tmp_path / "empty.tfrecord", "directory": tmp_path}
    open(names["empty"], "wb").close()
    started = time.monotonic()
    line = _fails(script, *(flag.format(**names) for flag in flags))
    assert message.format(**names) in line
    assert time.monotonic() - started < 20  # no TensorFlow import: a few tenths of a second unloaded


def _wait_for(condition, process, timeout=120):
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_killed_training_resumes_at_its_last_checkpoint(tmp_path):
    data, run_dir = write_scales(tmp_path / "scales.tfrecord"), tmp_path / "run"
    train_dir = str(run_dir / "train")
    command = _command("melody_rnn_train", "--config=basic_rnn", f"--sequence_example_file={data}",
                       f"--run_dir={run_dir}", "--hparams=batch_size=4,rnn_layer_sizes=[8]",
                       "--save_checkpoint_secs=0", "--num_checkpoints=2", "--num_training_steps=100000")
    first = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    _wait_for(lambda: len(complete_checkpoints(train_dir)) >= 2, first)  # saving every step: kill mid-save
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=60)
    killed_at = latest_checkpoint(train_dir)[0]

    second = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    _wait_for(lambda: latest_checkpoint(train_dir)[0] > killed_at + 2, second)
    second.send_signal(signal.SIGTERM)
    _, log = second.communicate(timeout=60)
    assert second.returncode == 0, log
    assert f"Resuming from {train_dir}/model.ckpt-{killed_at} at step {killed_at}." in log
    stopped_at = latest_checkpoint(train_dir)[0]
    assert f"Stopped by SIGTERM at step {stopped_at}; run the same command again to resume." in log
    assert len(complete_checkpoints(train_dir)) == 2 and os.path.exists(os.path.join(train_dir, "config.json"))
