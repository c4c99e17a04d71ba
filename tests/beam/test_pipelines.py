"""The Beam path (DirectRunner) writes the local path's records, split and statistics, as shards."""

import glob
import os
import subprocess
import sys

import pytest

pytest.importorskip("apache_beam", reason='the Beam path needs the beam extra: pip install ".[test,beam]"')

from symphonia.beam import convert as beam_convert  # noqa: E402
from symphonia.beam import create_dataset as beam_create_dataset  # noqa: E402
from symphonia.data.create_dataset import create_dataset  # noqa: E402
from symphonia.data.recipes import get_recipe  # noqa: E402
from symphonia.music.convert import convert_directory  # noqa: E402
from symphonia.tfrecord import AtomicRecordWriter, read_records  # noqa: E402
from tests.data.test_create_dataset import _many_sequences  # noqa: E402
from tests.music.test_convert import collection  # noqa: E402,F401  (the fixture)

DIRECT = "--runner=DirectRunner --direct_num_workers=1"


def _records(pattern):
    return sorted(record for path in sorted(glob.glob(pattern)) for record in read_records(path))


def test_convert_on_beam_writes_the_local_records_and_statistics(collection, tmp_path):  # noqa: F811
    local = convert_directory(str(collection), str(tmp_path / "local.tfrecord"), recursive=True, num_workers=0)
    output = str(tmp_path / "beam.tfrecord")
    stale = [output, f"{output}-00000-of-00009"]  # an earlier local run's file, an earlier Beam run's shard
    for path in stale:
        with AtomicRecordWriter(path) as writer:
            writer.write(b"old")

    on_beam = beam_convert.convert_directory(str(collection), output, DIRECT, recursive=True)

    shards = sorted(glob.glob(f"{output}*"))
    assert shards and all(path.startswith(f"{output}-") and "-of-" in path for path in shards)
    assert not any(os.path.exists(path) for path in stale)
    assert _records(f"{output}*") == _records(str(tmp_path / "local.tfrecord"))  # same ids, same protos
    for name in ("files_found", "files_converted", "sequences", "notes", "skipped", "ignored", "written"):
        assert getattr(on_beam, name) == getattr(local, name), name
    assert on_beam.skipped  # the fixture's broken files are counted by reason


def test_create_dataset_on_beam_reads_shards_and_keeps_the_split(tmp_path):
    _many_sequences(tmp_path / "all.tfrecord", count=30)
    records = list(read_records(tmp_path / "all.tfrecord"))
    for index, part in enumerate((records[:12], records[12:])):  # the input as two shards, read by a glob
        with AtomicRecordWriter(tmp_path / f"ns.tfrecord-{index:05d}-of-00002") as writer:
            for record in part:
                writer.write(record)
    recipe = get_recipe("basic_rnn")
    local = create_dataset(recipe, str(tmp_path / "all.tfrecord"), str(tmp_path / "local"), eval_ratio=0.3, seed=3,
                           num_workers=0)

    on_beam = beam_create_dataset.create_dataset(recipe, str(tmp_path / "ns.tfrecord*"), str(tmp_path / "beam"),
                                                 DIRECT, eval_ratio=0.3, seed=3)

    for partition in ("training", "eval"):
        ours = _records(str(tmp_path / "beam" / f"{partition}_melodies.tfrecord*"))
        assert ours and ours == _records(local.paths[partition]), partition
    assert on_beam.sequences == local.sequences == 30
    assert on_beam.sequences_per_partition == local.sequences_per_partition
    assert on_beam.examples == local.examples and on_beam.bytes_written == local.bytes_written
    assert on_beam.stats == local.stats


def test_create_dataset_cli_on_beam_prints_the_statistics_and_local_trainers_read_the_shards(tmp_path):
    _many_sequences(tmp_path / "ns.tfrecord", count=8)
    code = ("import sys; from symphonia.cli.create_dataset import melody_rnn; "
            "sys.argv[0] = 'melody_rnn_create_dataset'; melody_rnn()")
    result = subprocess.run([sys.executable, "-c", code, "--config=basic_rnn", f"--input={tmp_path}/ns.tfrecord",
                             f"--output_dir={tmp_path}/out", "--eval_ratio=0", f"--pipeline_options={DIRECT}"],
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr
    assert f"-> {tmp_path}/out/training_melodies.tfrecord-*-of-*" in result.stdout
    local = create_dataset(get_recipe("basic_rnn"), str(tmp_path / "ns.tfrecord"), str(tmp_path / "local"),
                           eval_ratio=0.0, num_workers=0)
    statistics = local.table().split("statistics\n")[1]
    assert statistics and statistics in result.stdout  # the same table of counts, from Beam counters
    from symphonia.data.input_pipeline import count_records, find_files
    assert count_records(find_files(f"{tmp_path}/out/training_melodies.tfrecord*")) > 0
