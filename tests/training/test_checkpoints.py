import json
import os

import pytest

from symphonia.training import checkpoints
from symphonia.training.checkpoints import ConfigMismatchError

pytest.importorskip("tensorflow")


def _touch(directory, *names):
    for name in names:
        open(os.path.join(directory, name), "wb").close()


def test_only_complete_checkpoints_count(tmp_path):
    directory = str(tmp_path)
    _touch(directory, "model.ckpt-5.index", "model.ckpt-5.data-00000-of-00001",
           "model.ckpt-10.index", "model.ckpt-10.data-00000-of-00002", "model.ckpt-10.data-00001-of-00002",
           "model.ckpt-20.index",  # its data was deleted
           "model.ckpt-30.data-00000-of-00001",  # killed before the index was renamed into place
           "checkpoint")
    assert checkpoints.complete_checkpoints(directory) == [(5, f"{directory}/model.ckpt-5"),
                                                            (10, f"{directory}/model.ckpt-10")]
    assert checkpoints.latest_checkpoint(directory) == (10, f"{directory}/model.ckpt-10")
    assert checkpoints.latest_checkpoint(str(tmp_path / "none")) is None


def test_partial_saves_are_removed(tmp_path):
    os.makedirs(tmp_path / "model.ckpt-7_temp" / "part")
    _touch(str(tmp_path), "model.ckpt-5.index")
    checkpoints.remove_partial_saves(str(tmp_path))
    assert os.listdir(tmp_path) == ["model.ckpt-5.index"]


def test_config_is_stored_once_and_must_match(tmp_path):
    directory = str(tmp_path)
    config = {"name": "drum_kit", "hparams": {"batch_size": 64, "rnn_layer_sizes": (64, 64)}}
    checkpoints.store_config(directory, config)
    assert checkpoints.read_config(directory) == json.loads(json.dumps(config))
    checkpoints.store_config(directory, config)  # the same again is fine
    assert checkpoints.check_config(directory, config)
    other = {"name": "drum_kit", "hparams": {"batch_size": 32, "rnn_layer_sizes": (64, 64)}}
    with pytest.raises(ConfigMismatchError, match=r"another configuration \(hparams.batch_size: 64 there, 32 here\)"):
        checkpoints.store_config(directory, other)
    assert not checkpoints.check_config(str(tmp_path / "fresh"), other)
    assert [name for name in os.listdir(tmp_path) if name != "config.json"] == []  # no temporary left


def test_pruning_keeps_the_newest_complete_checkpoints_whatever_tf_tracks(tmp_path):
    directory = str(tmp_path)
    for step in (3, 6, 7, 12):  # 3: left behind by a run killed before it could delete it
        _touch(directory, f"model.ckpt-{step}.index", f"model.ckpt-{step}.data-00000-of-00001")
    _touch(directory, "model.ckpt-20.data-00000-of-00001", "checkpoint", "config.json")
    checkpoints.prune(directory, 2)
    assert sorted(os.listdir(directory)) == ["checkpoint", "config.json", "model.ckpt-12.data-00000-of-00001",
                                             "model.ckpt-12.index", "model.ckpt-20.data-00000-of-00001",
                                             "model.ckpt-7.data-00000-of-00001", "model.ckpt-7.index"]
    checkpoints.prune(directory, 0)  # 0 keeps everything
    assert len(checkpoints.complete_checkpoints(directory)) == 2
