"""Benchmark ``--strategy=multi_worker``: training steps/s on one process against two workers on this machine.

    python scripts/bench_distribute.py DRUM_KIT_TRAINING.tfrecord [--num_steps 300] [--repeats 2]

Trains ``drums_rnn_train --config=drum_kit`` (hparams
``batch_size=64,rnn_layer_sizes=[64,64]``: the global batch, the same in both
runs) on the given SequenceExample file, first as one process with the default
strategy, then as two ``multi_worker`` processes on 127.0.0.1 (a ``TF_CONFIG``
each, as the README shows). steps/s is read from the chief's progress lines,
leaving out the first (start-up and tracing). Each worker reads the whole
input and keeps its half of every batch, so on one machine with two cores the
two workers share the cores: the figure shows the cost of coordination, and
real gains need a core set (or a GPU) per worker.

The last line is ``one_process=<steps/s> two_workers=<steps/s> ratio=<x>``.
"""

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile

HPARAMS = "batch_size=64,rnn_layer_sizes=[64,64]"
SUMMARY_FREQUENCY = 25


def free_ports(count):
    """``count`` TCP ports on 127.0.0.1 that were free a moment ago."""
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def train_command(data, run_dir, num_steps, *flags):
    return ["drums_rnn_train", "--config=drum_kit", f"--sequence_example_file={data}", f"--run_dir={run_dir}",
            f"--hparams={HPARAMS}", f"--num_training_steps={num_steps}", f"--summary_frequency={SUMMARY_FREQUENCY}",
            "--save_checkpoint_secs=100000", "--seed=0", *flags]


def steps_per_second(log):
    """Mean of the progress lines' steps/s after the first."""
    rates = [float(rate) for rate in re.findall(r"([0-9.]+) steps/s", log)]
    if len(rates) < 2:
        sys.exit(f"too few progress lines to measure (raise --num_steps):\n{log[-2000:]}")
    return statistics.mean(rates[1:])


def one_process(data, work, num_steps, environment):
    result = subprocess.run(train_command(data, os.path.join(work, "one"), num_steps), capture_output=True,
                            text=True, env=environment, check=False)
    if result.returncode != 0:
        sys.exit(f"one-process training failed:\n{result.stderr[-3000:]}")
    return steps_per_second(result.stderr)


def two_workers(data, work, num_steps, environment):
    cluster = {"worker": [f"127.0.0.1:{port}" for port in free_ports(2)]}
    workers = []
    for index in range(2):
        tf_config = json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}})
        workers.append(subprocess.Popen(train_command(data, os.path.join(work, "two"), num_steps,
                                                      "--strategy=multi_worker"),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                        env={**environment, "TF_CONFIG": tf_config}))
    logs = [worker.communicate()[1] for worker in workers]
    if any(worker.returncode != 0 for worker in workers):
        sys.exit("multi_worker training failed:\n" + "\n".join(log[-2000:] for log in logs))
    return steps_per_second(logs[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", help="a drum_kit training SequenceExample file (drums_rnn_create_dataset)")
    parser.add_argument("--num_steps", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "CUDA_VISIBLE_DEVICES": ""}
    print(f"{os.cpu_count()} CPU cores; drum_kit, {HPARAMS}, {args.num_steps} steps", flush=True)
    ones, twos = [], []
    for repeat in range(args.repeats):
        with tempfile.TemporaryDirectory() as work:
            ones.append(one_process(args.data, work, args.num_steps, environment))
            twos.append(two_workers(args.data, work, args.num_steps, environment))
        print(f"repeat {repeat}: one process {ones[-1]:.2f} steps/s, two workers {twos[-1]:.2f} steps/s", flush=True)
    one, two = statistics.median(ones), statistics.median(twos)
    print(f"one_process={one:.3f} two_workers={two:.3f} ratio={two / one:.2f}")


if __name__ == "__main__":
    main()
