import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from symphonia.data.create_dataset import NothingExtractedError, create_dataset
from symphonia.data.recipes import RECIPES, get_recipe
from symphonia.music.proto import NoteSequence
from symphonia.tfrecord import AtomicRecordWriter, read_records
from tests.data.records import canonical

FIXTURES = Path(__file__).parent.parent / "fixtures"
BACH = FIXTURES / "magenta_bach2_notesequences.tfrecord"
GROOVE = FIXTURES / "magenta_groove2_notesequences.tfrecord"


@pytest.mark.parametrize("config, source, magenta_output", [
    ("basic_rnn", BACH, "magenta_bach2_basic_rnn_training_melodies.tfrecord"),
    ("one_drum", GROOVE, "magenta_groove2_one_drum_training_drum_tracks.tfrecord"),
])
def test_same_examples_as_magenta_from_the_same_notesequences(tmp_path, config, source, magenta_output):
    summary = create_dataset(get_recipe(config), str(source), str(tmp_path), eval_ratio=0.0, num_workers=0)
    ours = [canonical(r) for r in read_records(summary.paths["training"])]
    theirs = [canonical(r) for r in read_records(FIXTURES / magenta_output)]
    assert ours == theirs
    assert list(read_records(summary.paths["eval"])) == []


def _many_sequences(path, count=40):
    """``count`` copies of the Bach fixture's sequences under distinct ids."""
    originals = [NoteSequence.FromString(r) for r in read_records(BACH)]
    with AtomicRecordWriter(path) as writer:
        for i in range(count):
            sequence = NoteSequence()
            sequence.CopyFrom(originals[i % len(originals)])
            sequence.id = f"/id/test/{i}"
            writer.write(sequence.SerializeToString())


def test_the_split_is_fixed_by_the_seed_and_workers_do_not_change_the_output(tmp_path):
    _many_sequences(tmp_path / "ns.tfrecord")
    runs = {}
    for name, seed, workers in [("a", 1, 0), ("b", 1, 2), ("c", 2, 0)]:
        create_dataset(get_recipe("basic_rnn"), str(tmp_path / "ns.tfrecord"), str(tmp_path / name),
                       eval_ratio=0.3, seed=seed, num_workers=workers)
        runs[name] = [(tmp_path / name / f"{p}_melodies.tfrecord").read_bytes() for p in ("training", "eval")]
    assert runs["a"] == runs["b"]
    assert runs["a"] != runs["c"]
    assert all(runs["a"])  # both partitions got examples


def test_nothing_extractable_fails_with_the_reasons_and_writes_nothing(tmp_path):
    with pytest.raises(NothingExtractedError, match="sequences_without_melodies: 2"):  # drums only
        create_dataset(get_recipe("basic_rnn"), str(GROOVE), str(tmp_path / "out"), num_workers=0)
    assert not (tmp_path / "out").exists() or os.listdir(tmp_path / "out") == []


def test_missing_input_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        create_dataset(get_recipe("drum_kit"), str(tmp_path / "nope"), str(tmp_path / "out"))


@pytest.mark.parametrize("config", ["basic_rnn", "lookback_rnn", "attention_rnn", "one_drum", "drum_kit",
                                    "polyphony", "rnn-nade"])
def test_compact_layout_rebuilds_the_dense_inputs_and_is_smaller(tmp_path, config):
    tf = pytest.importorskip("tensorflow")
    source = GROOVE if "drum" in config else BACH
    dense = create_dataset(get_recipe(config), str(source), str(tmp_path / "dense"), eval_ratio=0, num_workers=0)
    compact = create_dataset(get_recipe(config, "compact"), str(source), str(tmp_path / "compact"), eval_ratio=0,
                             num_workers=0)
    codec = RECIPES[config].codec
    for dense_record, compact_record in zip(read_records(dense.paths["training"]),
                                            read_records(compact.paths["training"]), strict=True):
        dense_lists = tf.train.SequenceExample.FromString(dense_record).feature_lists.feature_list
        compact_lists = tf.train.SequenceExample.FromString(compact_record).feature_lists.feature_list
        inputs = np.array([f.float_list.value for f in dense_lists["inputs"].feature])
        indices = np.array([f.int64_list.value for f in compact_lists["indices"].feature])
        np.testing.assert_array_equal(codec.inputs_from_indices(indices), inputs)
        assert [f.int64_list.value for f in dense_lists["labels"].feature] == [
            f.int64_list.value for f in compact_lists["labels"].feature]
    # A one-hot of 38+ floats (4 bytes each) shrinks to a few varints per step; the pianoroll
    # keeps its 88 label bits per step, and one_drum's input is just 2 floats.
    shrink = {"one_drum": 1, "rnn-nade": 3}.get(config, 10)
    assert compact.bytes_written["training"] * shrink < dense.bytes_written["training"]


def _cli(script, *args):
    code = f"import sys; from symphonia.cli.create_dataset import {script}; sys.argv[0] = '{script}'; {script}()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)


def test_cli_writes_magentas_file_names_and_a_summary(tmp_path):
    result = _cli("drums_rnn", f"--input={GROOVE}", f"--output_dir={tmp_path}", "--config=one_drum",
                  "--eval_ratio=0.5", "--num_workers=0")
    assert result.returncode == 0, result.stderr
    assert sorted(os.listdir(tmp_path)) == ["eval_drum_tracks.tfrecord", "training_drum_tracks.tfrecord"]
    assert "training examples" in result.stdout and "drum_track_lengths_in_bars" in result.stdout


@pytest.mark.parametrize("args, message", [
    ([f"--input={GROOVE}", "--config=basic_rnn"], "no example could be extracted"),
    (["--input=/does/not/exist", "--config=basic_rnn"], "does not exist"),
    ([f"--input={GROOVE}"], "--config is required"),
])
def test_cli_errors_are_one_line(tmp_path, args, message):
    result = _cli("melody_rnn", *args, f"--output_dir={tmp_path}/out", "--num_workers=0")
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
