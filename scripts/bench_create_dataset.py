"""Benchmark: the four ``<model>_create_dataset`` commands on real data, both layouts.

Converts ../shared/data/groove and ../shared/data/bach-chorales to NoteSequences
first (not timed), then times each create_dataset command as a user runs it
(whole process), and prints sequences/s, examples written and bytes on disk.

    python scripts/bench_create_dataset.py ../shared/data [--peer_bin ../magenta-peer-venv/bin]

With --peer_bin, Magenta's commands from that directory run on the same
NoteSequence files and their times and sizes are printed beside ours; otherwise
the speed-up is against the reference timings measured on the project's 2-core
machine with ../shared/bench/peer_pipeline.sh (drum_kit and attention_rnn only).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

from symphonia.tfrecord import read_records

JOBS = [  # (script, config, NoteSequence source, Magenta reference seconds or None)
    ("drums_rnn_create_dataset", "drum_kit", "groove", 24.0),
    ("melody_rnn_create_dataset", "attention_rnn", "bach-chorales", 27.9),
    ("polyphony_rnn_create_dataset", "polyphony", "bach-chorales", None),
    ("pianoroll_rnn_nade_create_dataset", "rnn-nade", "bach-chorales", None),
]


def run_timed(command):
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stderr[-2000:]}")
    return time.perf_counter() - started


def directory_bytes(path):
    return sum(os.path.getsize(os.path.join(path, name)) for name in os.listdir(path))


def count_records(path):
    return sum(sum(1 for _ in read_records(os.path.join(path, name))) for name in os.listdir(path))


def create_dataset_command(bin_dir, script, config, source, output_dir, layout=None):
    command = [os.path.join(bin_dir, script) if bin_dir else shutil.which(script), f"--input={source}",
               f"--output_dir={output_dir}", "--eval_ratio=0.1"]
    if script != "polyphony_rnn_create_dataset":
        command.append(f"--config={config}")
    if layout:
        command.append(f"--layout={layout}")
    return command


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_root", help="directory holding groove/ and bach-chorales/")
    parser.add_argument("--peer_bin", help="bin directory of a Magenta 2.1.4 virtualenv, to time side by side")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="bench_create_dataset_")
    sources = {}
    for dataset in ("groove", "bach-chorales"):
        sources[dataset] = os.path.join(work, f"{dataset}.tfrecord")
        subprocess.run(["convert_dir_to_note_sequences", f"--input_dir={os.path.join(args.data_root, dataset)}",
                        f"--output_file={sources[dataset]}", "--recursive", "--log=ERROR"], check=True,
                       capture_output=True)
    print(f"{'config':14s} {'layout':8s} {'seconds':>8s} {'seq/s':>7s} {'examples':>9s} {'MB':>9s} "
          f"{'magenta s':>9s} {'magenta MB':>10s} {'speed-up':>8s}")
    for script, config, dataset, reference in JOBS:
        source = sources[dataset]
        sequences = sum(1 for _ in read_records(source))
        peer_seconds, peer_mb = reference, None
        if args.peer_bin:
            peer_dir = os.path.join(work, f"peer_{config}")
            peer_seconds = run_timed(create_dataset_command(args.peer_bin, script, config, source, peer_dir))
            peer_mb = directory_bytes(peer_dir) / 1e6
        for layout in ("magenta", "compact"):
            output_dir = os.path.join(work, f"{config}_{layout}")
            seconds = run_timed(create_dataset_command(None, script, config, source, output_dir, layout))
            speed_up = f"{peer_seconds / seconds:7.1f}x" if peer_seconds else "       -"
            print(f"{config:14s} {layout:8s} {seconds:8.2f} {sequences / seconds:7.0f} "
                  f"{count_records(output_dir):9d} {directory_bytes(output_dir) / 1e6:9.1f} "
                  f"{peer_seconds or float('nan'):9.2f} {peer_mb or float('nan'):10.1f} {speed_up}")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
