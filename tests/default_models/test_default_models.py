import pathlib

import pytest

import symphonia.default_models as default_models
from symphonia.default_models import (DIRECTORY_ENV, NoDefaultModelError, default_bundle, default_config,
                                      models_directory, shipped_configs)


def test_each_family_defaults_to_the_config_users_reach_for_first():
    assert {family: default_config(family) for family in
            ("melody_rnn", "drums_rnn", "polyphony_rnn", "pianoroll_rnn_nade", "music_vae")} == {
        "melody_rnn": "attention_rnn", "drums_rnn": "drum_kit", "polyphony_rnn": "polyphony",
        "pianoroll_rnn_nade": "rnn-nade", "music_vae": "cat-mel_2bar_small"}
    with pytest.raises(ValueError, match="unknown model family 'piano'"):
        default_config("piano")


def test_bundles_are_looked_up_by_config_name_in_the_package_or_the_directory_given(tmp_path, monkeypatch):
    monkeypatch.delenv(DIRECTORY_ENV, raising=False)
    assert models_directory() == pathlib.Path(default_models.__file__).parent
    for name in ("drum_kit.mag", "rnn-nade.mag", "notes.txt"):
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "folder.mag").mkdir()
    assert shipped_configs(tmp_path) == ["drum_kit", "rnn-nade"]
    assert default_bundle("rnn-nade", tmp_path) == str(tmp_path / "rnn-nade.mag")
    monkeypatch.setenv(DIRECTORY_ENV, str(tmp_path))
    assert models_directory() == tmp_path
    assert default_bundle("drum_kit") == str(tmp_path / "drum_kit.mag")


def test_a_config_without_a_bundle_names_those_that_have_one(tmp_path):
    with pytest.raises(NoDefaultModelError, match=r"^no default model is shipped for polyphony \(shipped: none yet\)$"):
        default_bundle("polyphony", tmp_path / "missing")
    (tmp_path / "basic_rnn.mag").write_bytes(b"")
    (tmp_path / "drum_kit.mag").write_bytes(b"")
    with pytest.raises(NoDefaultModelError, match=r"for folder \(shipped: basic_rnn, drum_kit\)$"):
        default_bundle("folder", tmp_path)
