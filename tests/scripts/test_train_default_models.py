import importlib.util
import os
import subprocess
import sys

import pytest

from symphonia.data.split import is_eval
from symphonia.generation.midi_files import midi_bytes
from symphonia.music.proto import NoteSequence
from symphonia.tfrecord import AtomicRecordWriter, read_records
from tests.data.note_sequences import drum, sequence

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(REPOSITORY, "scripts", "train_default_models.py")
_spec = importlib.util.spec_from_file_location("train_default_models", SCRIPT)
train_default_models = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(train_default_models)


def _config(recipe):
    if recipe["family"] == "pianoroll_rnn_nade":
        from symphonia.models.pianoroll_rnn_nade.configs import get_config
        return get_config(recipe["config"])
    from symphonia.models.events_rnn.configs import get_config
    return get_config(recipe["config"], family=recipe["family"])


def test_every_shipped_config_has_a_complete_recipe_whose_hparams_parse():
    recipes = {recipe["config"]: recipe for recipe in train_default_models.load_recipes(train_default_models.RECIPES_DIR)}
    assert set(recipes) >= {"attention_rnn", "lookback_rnn", "basic_rnn", "mono_rnn", "drum_kit", "one_drum",
                            "polyphony", "rnn-nade", "cat-mel_2bar_small", "cat-drums_2bar_small"}
    for name, recipe in recipes.items():
        assert "licen" in recipe["description"].lower(), name
        assert recipe["data"]["dir"] in ("groove", "pop909/midi", "bach-chorales"), name
        if recipe["family"] != "music_vae":  # MusicVAE's configs are not in the package yet
            for hparams in (recipe["hparams"], recipe["quick"]["hparams"]):
                assert _config(recipe).with_hparams(hparams).name == name
    assert recipes["drum_kit"]["data"]["split"] == {"csv": "info.csv", "path_column": "midi_filename",
                                                    "column": "split", "train": "train", "eval": "test"}


def test_a_recipe_must_be_complete_and_asked_for_by_name(tmp_path):
    (tmp_path / "drum_kit.json").write_text('{"config": "drum_kit"}')
    with pytest.raises(train_default_models.RecipeError, match="drum_kit.json lacks family, data"):
        train_default_models.load_recipes(str(tmp_path))
    with pytest.raises(train_default_models.RecipeError, match="no recipe for nope"):
        train_default_models.load_recipes(train_default_models.RECIPES_DIR, ["nope"])


def test_a_recipe_whose_scripts_are_not_installed_is_skipped(tmp_path, capsys):
    recipe = {"config": "x", "family": "no_such_family"}
    assert train_default_models.train_recipe(recipe, str(tmp_path), str(tmp_path), str(tmp_path), False, False) \
        is None
    assert "x: skipped, no_such_family_create_dataset, no_such_family_train, no_such_family_generate not " \
           "installed" in capsys.readouterr().out
    assert train_default_models.scripts_of({"family": "music_vae"})[1:] == ["music_vae_train", "music_vae_generate"]


def test_the_csv_split_takes_the_files_of_one_split(tmp_path):
    data = tmp_path / "data" / "kit"
    for name in ("a/1.mid", "a/2.mid", "b/3.mid"):
        os.makedirs((data / name).parent, exist_ok=True)
        (data / name).write_bytes(b"MThd")
    (data / "info.csv").write_text("midi_filename,split\na/1.mid,train\na/2.mid,test\nb/3.mid,train\n")
    recipe_data = {"dir": "kit", "split": {"csv": "info.csv", "path_column": "midi_filename", "column": "split",
                                           "train": "train", "eval": "test"}}
    stage = tmp_path / "stage"
    assert train_default_models.stage_split(str(tmp_path / "data"), recipe_data, "train", str(stage)) == 2
    assert sorted(os.path.relpath(os.path.join(root, name), stage) for root, _, names in os.walk(stage)
                  for name in names) == ["a/1.mid", "b/3.mid"]
    assert os.path.realpath(stage / "b" / "3.mid") == str(data / "b" / "3.mid")


def test_the_hash_split_is_create_datasets_split(tmp_path):
    ids = [f"/id/midi/x/{index}" for index in range(60)]
    with AtomicRecordWriter(str(tmp_path / "all.tfrecord")) as writer:
        for sequence_id in ids:
            writer.write(NoteSequence(id=sequence_id).SerializeToString())
    counts = train_default_models.split_by_id(str(tmp_path / "all.tfrecord"), 0.25, 3, str(tmp_path / "train"),
                                              str(tmp_path / "eval"))
    held_out = [NoteSequence.FromString(record).id for record in read_records(str(tmp_path / "eval"))]
    assert held_out == [sequence_id for sequence_id in ids if is_eval(sequence_id, 0.25, 3)]
    assert counts == (60 - len(held_out), len(held_out)) and 0 < len(held_out) < 60


def test_the_table_shows_the_held_out_figures_each_family_has():
    rows = [{"config": "drum_kit", "data": "Groove", "steps": 100, "seconds": 90.0, "megabytes": 1.5,
             "figures": {"loss": 1.23456, "metrics/accuracy": 0.5, "metrics/perplexity": 3.4}},
            {"config": "rnn-nade", "data": "Bach", "steps": 50, "seconds": 30.0, "megabytes": 0.5,
             "figures": {"loss": 9.0, "metrics/f1_score": 0.25}}]
    assert train_default_models.table(rows).splitlines() == [
        "| config | data | steps | training time | bundle | held-out loss | accuracy | perplexity | F1 |",
        "|---|---|---|---|---|---|---|---|---|",
        "| `drum_kit` | Groove | 100 | 1.5 min | 1.50 MB | 1.2346 | 0.5000 | 3.4000 | – |",
        "| `rnn-nade` | Bach | 50 | 0.5 min | 0.50 MB | 9.0000 | – | – | 0.2500 |"]


@pytest.mark.slow  # converts, trains, evaluates and bundles a tiny model with the real console scripts
def test_quick_builds_an_evaluated_bundle_from_a_data_directory(tmp_path):
    data = tmp_path / "data" / "groove"
    os.makedirs(data / "d1")
    rows = ["midi_filename,split"]
    for index in range(10):  # 8 bars of kick / hi-hat per file: one drum track each
        beat = sequence([drum(pitch, step) for step in range(0, 128, 2)
                         for pitch in ((36, 42) if (step + index) % 8 == 0 else (42,))])
        beat.tempos.add(qpm=120)
        (data / "d1" / f"{index}.mid").write_bytes(midi_bytes(beat))
        rows.append(f"d1/{index}.mid,{'test' if index >= 6 else 'train'}")  # 4 held out: one batch of the quick run
    (data / "info.csv").write_text("\n".join(rows) + "\n")
    recipes = tmp_path / "recipes"
    os.makedirs(recipes)
    with open(os.path.join(train_default_models.RECIPES_DIR, "drum_kit.json")) as source:
        (recipes / "drum_kit.json").write_text(source.read())
    result = subprocess.run([sys.executable, SCRIPT, str(tmp_path / "data"), "--quick", "--evaluate",
                             f"--recipes_dir={recipes}", f"--work_dir={tmp_path / 'work'}"],
                            capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    bundle = tmp_path / "work" / "bundles" / "drum_kit.mag"
    from symphonia.bundle.mag import read_bundle
    assert "CC BY 4.0" in read_bundle(str(bundle)).bundle_description
    table_row = next(line for line in result.stdout.splitlines() if line.startswith("| `drum_kit`"))
    assert table_row.count("|") == 10 and "| 3 |" in table_row
