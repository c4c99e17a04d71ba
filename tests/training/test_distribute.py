"""--strategy: its checks, the replicas' arithmetic, and two workers training one run on localhost."""

import json
import os
import socket
import subprocess
import sys
import textwrap

import pytest

from symphonia.training.checkpoints import complete_checkpoints
from symphonia.training.distribute import StrategyError, check_tf_config, make_strategy
from tests.models.events_rnn.datasets import write_scales

_HPARAMS = "--hparams=batch_size=4,rnn_layer_sizes=[8]"


@pytest.mark.parametrize("text, message", [
    (None, "--strategy=multi_worker needs the TF_CONFIG environment variable"),
    ("{cluster", "TF_CONFIG is not valid JSON"),
    ('{"task": {"type": "worker", "index": 0}}', "TF_CONFIG needs a 'cluster' with a list of 'worker'"),
    ('{"cluster": {"worker": ["a:1"]}}', "TF_CONFIG needs a 'task'"),
    ('{"cluster": {"worker": ["a:1", "b:1"]}, "task": {"type": "worker", "index": 2}}',
     "TF_CONFIG's task worker:2 is not in its cluster (worker: 2)"),
])
def test_bad_tf_config_is_refused_in_one_line(text, message):
    with pytest.raises(StrategyError) as raised:
        check_tf_config(text)
    assert str(raised.value).startswith(message) and "\n" not in str(raised.value)


def test_a_good_tf_config_passes_and_default_means_no_strategy():
    config = '{"cluster": {"worker": ["a:1", "b:1"]}, "task": {"type": "worker", "index": 1}}'
    assert check_tf_config(config)["task"]["index"] == 1
    assert make_strategy("default") is None
    with pytest.raises(StrategyError, match="unknown strategy 'tpu': use one of default, mirrored, multi_worker"):
        make_strategy("tpu")


def _free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def _train_command(data, run_dir, steps, *flags):
    code = "import sys; from symphonia.cli.events_rnn_train import melody_rnn; sys.argv[0] = 'x'; melody_rnn()"
    return [sys.executable, "-c", code, "--config=basic_rnn", f"--sequence_example_file={data}",
            f"--run_dir={run_dir}", _HPARAMS, f"--num_training_steps={steps}", "--summary_frequency=5", *flags]


def _environment(**variables):
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **variables}


def test_bad_strategy_flags_fail_in_one_line(tmp_path):
    data = write_scales(tmp_path / "scales.tfrecord")
    bad_config = _train_command(data, tmp_path / "run", 1, "--strategy=multi_worker")
    result = subprocess.run(bad_config, capture_output=True, text=True, timeout=120,
                            env=_environment(TF_CONFIG='{"cluster": {}}'))
    assert result.returncode == 1 and result.stderr.strip().splitlines() == [
        "x: error: TF_CONFIG needs a 'cluster' with a list of 'worker' (and optionally 'chief') addresses"]
    unknown = subprocess.run(_train_command(data, tmp_path / "run", 1, "--strategy=tpu"), capture_output=True,
                             text=True, timeout=120, env=_environment())
    assert unknown.returncode == 1 and "Traceback" not in unknown.stderr
    assert "flag --strategy=tpu: value should be one of <default|mirrored|multi_worker>" in unknown.stderr


_REPLICAS_SCRIPT = textwrap.dedent("""
    import json, sys
    import numpy as np
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    from symphonia.models.events_rnn.configs import get_config
    from symphonia.models.events_rnn.train import train_events_rnn
    from symphonia.training.distribute import sum_over_replicas

    data, one_dir, two_dir = sys.argv[1:]
    config = get_config("basic_rnn", family="melody_rnn").with_hparams(
        "batch_size=4,rnn_layer_sizes=[8],dropout_keep_prob=1.0,clip_norm=0")
    train_events_rnn(config, data, one_dir, num_training_steps=3, seed=1)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        train_events_rnn(config, data, two_dir, num_training_steps=3, seed=1)
    one, two = (tf.train.load_checkpoint(f"{run}/train/model.ckpt-3") for run in (one_dir, two_dir))
    counts = strategy.run(lambda: sum_over_replicas(tf.constant(3.0)))
    names = [name for name in one.get_variable_to_shape_map() if name.startswith("model/")]
    print(json.dumps({"replicas": strategy.num_replicas_in_sync, "variables": len(names),
                      "counts": [float(count) for count in strategy.experimental_local_results(counts)],
                      "difference": max(float(np.abs(one.get_tensor(name) - two.get_tensor(name)).max())
                                        for name in names)}))
""")


def test_two_replicas_take_the_steps_one_device_takes(tmp_path):
    """The global batch split over two replicas, their gradients summed: the same weights as one device."""
    data = write_scales(tmp_path / "scales.tfrecord")
    result = subprocess.run([sys.executable, "-c", _REPLICAS_SCRIPT, data, str(tmp_path / "one"),
                             str(tmp_path / "two")], capture_output=True, text=True, timeout=180,
                            env=_environment(PYTHONPATH=os.getcwd()))
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["replicas"] == 2 and outcome["variables"] >= 4
    assert outcome["counts"] == [6.0, 6.0]  # each replica divides its loss by the count of the whole batch
    # float32 sums in another order; replicas reading the same rows, or the wrong ones, differ by ~1e-2.
    assert outcome["difference"] < 1e-5


def test_two_workers_train_one_run_that_a_single_process_resumes(tmp_path):
    """Two multi_worker processes on 127.0.0.1 (about 30 s on 2 cores, mostly start-up; CI runs it)."""
    data, run_dir = write_scales(tmp_path / "scales.tfrecord"), tmp_path / "run"
    cluster = {"worker": [f"127.0.0.1:{port}" for port in _free_ports(2)]}
    workers = [subprocess.Popen(_train_command(data, run_dir, 10, "--strategy=multi_worker"),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                env=_environment(TF_CONFIG=json.dumps(
                                    {"cluster": cluster, "task": {"type": "worker", "index": index}})))
               for index in range(2)]
    try:
        logs = [worker.communicate(timeout=240)[1] for worker in workers]
    finally:
        for worker in workers:
            worker.kill()
    for worker, log in zip(workers, logs):
        assert worker.returncode == 0, log
        assert "step 10, loss" in log and "Saved checkpoint at step 10." in log
    losses = [line.split("loss ")[1].split(",")[0] for log in logs for line in log.splitlines() if "step 10," in line]
    assert len(set(losses)) == 1  # the same global batch statistics on both workers
    train_dir = str(run_dir / "train")
    assert [step for step, _ in complete_checkpoints(train_dir)] == [10]
    assert sorted(os.listdir(train_dir))[:1] == ["checkpoint"]  # nothing of the other worker's

    resumed = subprocess.run(_train_command(data, run_dir, 12), capture_output=True, text=True, timeout=180,
                             env=_environment())
    assert resumed.returncode == 0, resumed.stderr
    assert f"Resuming from {train_dir}/model.ckpt-10 at step 10." in resumed.stderr
    assert [step for step, _ in complete_checkpoints(train_dir)] == [10, 12]
