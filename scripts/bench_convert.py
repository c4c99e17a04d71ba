"""Benchmark: convert_dir_to_note_sequences on Groove (MIDI) and the Bach chorales (MusicXML).

Times the whole command as a user runs it (process start to exit), prints files/s
and notes/s, then checks every written NoteSequence against what note-seq's own
readers give for the same file (plus Magenta's filename / collection / id labels),
byte for byte.

    python scripts/bench_convert.py ../shared/data [--peer_bin ../magenta-peer-venv/bin]

With --peer_bin, Magenta's script from that directory is timed on the same input.
Otherwise the speed-up is computed against the reference timings measured on the
project's 2-core machine with ../shared/bench/peer_pipeline.sh.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings

# Measured with ../shared/bench/peer_pipeline.sh, Magenta 2.1.4, 2 cores (whole process).
MAGENTA_REFERENCE_SECONDS = {"groove": 23.8, "bach-chorales": 10.4}


def run_timed(command):
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stderr[-2000:]}")
    return seconds


def converter_command(bin_dir, input_dir, output_file):
    executable = os.path.join(bin_dir, "convert_dir_to_note_sequences") if bin_dir else shutil.which(
        "convert_dir_to_note_sequences")
    return [executable, f"--input_dir={input_dir}", f"--output_file={output_file}", "--recursive"]


def note_seq_reference(input_dir, sequence):
    """What Magenta's converter writes for ``sequence``'s file, via note-seq's readers."""
    warnings.filterwarnings("ignore")
    from note_seq import midi_io, musicxml_reader
    path = os.path.join(input_dir, sequence.filename)
    if sequence.id.startswith("/id/midi/"):
        expected = midi_io.midi_file_to_note_sequence(path)
    else:
        expected = musicxml_reader.musicxml_file_to_sequence_proto(path)
    expected.filename, expected.collection_name, expected.id = (
        sequence.filename, sequence.collection_name, sequence.id)
    return expected


def count_and_check(input_dir, output_file, check):
    """Counts sequences and notes; with ``check``, lists files that differ from note-seq."""
    from symphonia.music.proto import NoteSequence
    from symphonia.tfrecord import read_records
    mismatches, sequences, notes = [], 0, 0
    for record in read_records(output_file):
        sequence = NoteSequence.FromString(record)
        sequences += 1
        notes += len(sequence.notes)
        if check and note_seq_reference(input_dir, sequence).SerializeToString() != record:
            mismatches.append(sequence.filename)
    return sequences, notes, mismatches


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_root", help="directory holding groove/ and bach-chorales/")
    parser.add_argument("--peer_bin", help="bin directory of a Magenta 2.1.4 virtualenv, to time side by side")
    parser.add_argument("--skip_check", action="store_true", help="time only; skip the note-seq equality check")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="bench_convert_")
    print(f"{'dataset':14s} {'files':>6s} {'notes':>8s} {'seconds':>8s} {'files/s':>8s} {'notes/s':>9s} "
          f"{'magenta s':>9s} {'speed-up':>8s}  identical to note-seq")
    for dataset in ("groove", "bach-chorales"):
        input_dir = os.path.join(args.data_root, dataset)
        output = os.path.join(work, f"{dataset}.tfrecord")
        seconds = run_timed(converter_command(None, input_dir, output))
        if args.peer_bin:
            peer_seconds = run_timed(converter_command(args.peer_bin, input_dir, os.path.join(work, "peer.tfrecord")))
        else:
            peer_seconds = MAGENTA_REFERENCE_SECONDS[dataset]
        files, notes, mismatches = count_and_check(input_dir, output, check=not args.skip_check)
        verdict = ("not checked" if args.skip_check else "yes, every file" if not mismatches
                   else f"NO: {len(mismatches)} differ, e.g. {mismatches[:3]}")
        print(f"{dataset:14s} {files:6d} {notes:8d} {seconds:8.2f} {files / seconds:8.1f} {notes / seconds:9.0f} "
              f"{peer_seconds:9.2f} {peer_seconds / seconds:7.1f}x  {verdict}")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
