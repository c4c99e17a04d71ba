import numpy as np
import pytest

from symphonia.data import input_pipeline
from symphonia.data.input_pipeline import DatasetError
from symphonia.data.sequence_example import dense_sequence_example, float_feature_list, sequence_example
from symphonia.tfrecord import AtomicRecordWriter

tf = pytest.importorskip("tensorflow")


def _write(path, lengths, size=3):
    """One sequence per length; step t of sequence i has inputs (i, t, ...) and label 10 * i + t."""
    with AtomicRecordWriter(path) as writer:
        for i, length in enumerate(lengths):
            inputs = np.zeros((length, size), dtype=np.float32)
            inputs[:, 0], inputs[:, 1] = i, np.arange(length)
            writer.write(dense_sequence_example(inputs, 10 * i + np.arange(length)))
    return str(path)


def test_padded_batches_in_file_order(tmp_path):
    path = _write(tmp_path / "a.tfrecord", [2, 4, 3, 1, 5])
    batches = list(input_pipeline.padded_batches([path], 2, 3))
    assert len(batches) == 2  # the fifth sequence would make a partial batch: dropped, like Magenta
    first = batches[0]
    assert first["inputs"].shape == (2, 4, 3) and first["labels"].shape == (2, 4)
    np.testing.assert_array_equal(first["lengths"], [2, 4])
    np.testing.assert_array_equal(first["labels"], [[0, 1, 0, 0], [10, 11, 12, 13]])
    np.testing.assert_array_equal(first["inputs"][0, :, 1], [0, 1, 0, 0])  # zero padding


def test_shuffled_repeated_batches_depend_on_the_seed_only(tmp_path):
    paths = [_write(tmp_path / "a.tfrecord", [1] * 8), _write(tmp_path / "b.tfrecord", [2] * 8)]

    def first_labels(seed):
        dataset = input_pipeline.padded_batches(paths, 4, 3, shuffle=True, seed=seed, repeat=True)
        return [batch["labels"][:, 0].numpy().tolist() for batch in dataset.take(6)]

    assert first_labels(1) == first_labels(1)
    assert first_labels(1) != first_labels(2)
    first_pass = [label for batch in first_labels(1)[:4] for label in batch]
    assert sorted(first_pass) == sorted([10 * i for i in range(8)] * 2)  # every sequence once per pass


def test_bucketed_batches_hold_sequences_of_one_length_band(tmp_path):
    width = input_pipeline.BUCKET_WIDTH
    rng = np.random.default_rng(0)
    lengths = rng.permutation([3] * 6 + [width + 5] * 6 + [3 * width + 1] * 6).tolist()
    path = _write(tmp_path / "a.tfrecord", lengths)
    dataset = input_pipeline.padded_batches([path], 3, 3, shuffle=True, seed=4, bucket_by_length=True)
    batches = list(dataset)
    assert len(batches) == 6  # every sequence in a full batch of its band
    for batch in batches:
        assert len(set(batch["lengths"].numpy().tolist())) == 1
        assert batch["inputs"].shape[1] == batch["lengths"][0]  # no padding beyond the band
    seen = sorted(int(label) for batch in batches for label in batch["labels"][:, 0].numpy())
    assert seen == [10 * i for i in range(18)]
    mixed = list(input_pipeline.padded_batches([path], 3, 3, shuffle=True, seed=4))
    assert any(len(set(batch["lengths"].numpy().tolist())) > 1 for batch in mixed)


def test_files_by_glob_and_record_counts(tmp_path):
    _write(tmp_path / "train-1.tfrecord", [1, 2])
    _write(tmp_path / "train-2.tfrecord", [3])
    paths = input_pipeline.find_files(str(tmp_path / "train-*.tfrecord"))
    assert [p.rsplit("/", 1)[1] for p in paths] == ["train-1.tfrecord", "train-2.tfrecord"]
    assert input_pipeline.count_records(paths) == 3


def test_missing_empty_and_mismatched_files_are_clear_errors(tmp_path):
    with pytest.raises(DatasetError, match="nope.tfrecord does not exist"):
        input_pipeline.find_files(str(tmp_path / "nope.tfrecord"))
    with pytest.raises(DatasetError, match="no file matches"):
        input_pipeline.find_files(str(tmp_path / "*.tfrecord"))
    empty = str(tmp_path / "empty.tfrecord")
    open(empty, "wb").close()
    with pytest.raises(DatasetError, match="empty.tfrecord holds no records"):
        input_pipeline.check_records([empty], 3)
    path = _write(tmp_path / "a.tfrecord", [2], size=3)
    with pytest.raises(DatasetError, match="inputs of size 3, the model takes 518"):
        input_pipeline.check_records([path], 518)


def test_records_of_an_unknown_layout_are_refused(tmp_path):
    path = str(tmp_path / "other.tfrecord")
    with AtomicRecordWriter(path) as writer:
        writer.write(sequence_example({"indices": float_feature_list(np.zeros((2, 1)))}))
    with pytest.raises(DatasetError, match="feature lists indices, not a layout this version reads"):
        input_pipeline.check_records([path], 3)
    assert input_pipeline.check_records([_write(tmp_path / "a.tfrecord", [1])], 3) == "magenta"


def test_compact_and_magenta_layouts_give_the_same_batches(tmp_path):
    from pathlib import Path

    from symphonia.data.create_dataset import create_dataset
    from symphonia.data.recipes import get_recipe

    source = Path(__file__).parent.parent / "fixtures" / "magenta_bach2_notesequences.tfrecord"
    files = {}
    for layout in ("magenta", "compact"):
        summary = create_dataset(get_recipe("attention_rnn", layout), str(source), str(tmp_path / layout),
                                 eval_ratio=0, num_workers=0)
        files[layout] = summary.paths["training"]
    assert input_pipeline.check_records([files["compact"]], 74, "attention_rnn") == "compact"
    dense = next(iter(input_pipeline.padded_batches([files["magenta"]], 3, 74)))
    compact = next(iter(input_pipeline.padded_batches([files["compact"]], 3, 74, encoding="attention_rnn")))
    for key in ("inputs", "labels", "lengths"):
        np.testing.assert_array_equal(compact[key].numpy(), dense[key].numpy())


def test_compact_records_need_the_encoding_that_made_them(tmp_path):
    from pathlib import Path

    from symphonia.data.create_dataset import create_dataset
    from symphonia.data.recipes import get_recipe

    source = Path(__file__).parent.parent / "fixtures" / "magenta_bach2_notesequences.tfrecord"
    summary = create_dataset(get_recipe("lookback_rnn", "compact"), str(source), str(tmp_path), eval_ratio=0,
                             num_workers=0)
    with pytest.raises(input_pipeline.DatasetError, match="encoding"):
        input_pipeline.check_records([summary.paths["training"]], 121)
    with pytest.raises(input_pipeline.DatasetError, match="compact rows of 6 values"):
        input_pipeline.check_records([summary.paths["training"]], 74, "attention_rnn")
