import dataclasses
import io
import json
import os

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from symphonia.bundle.mag import Bundle, bundle_bytes, read_bundle  # noqa: E402
from symphonia.generation.events_rnn.generator import EventsRnnGenerator  # noqa: E402
from symphonia.generation.events_rnn.loading import (  # noqa: E402
    LoadError,
    load_bundle,
    load_checkpoint,
    load_run_dir,
    save_bundle,
)
from symphonia.generation.events_rnn.melody import melody_sequence  # noqa: E402
from symphonia.generation.options import GenerationOptions  # noqa: E402
from symphonia.models.events_rnn.configs import get_config  # noqa: E402
from symphonia.models.events_rnn.model import EventsRnn  # noqa: E402
from symphonia.music.note_seq_modules import import_note_seq_module  # noqa: E402
from tests.generation.events_rnn.models import write_run  # noqa: E402

CONFIG = get_config("lookback_rnn").with_hparams("rnn_layer_sizes=[8,6],attn_length=3,batch_size=7")
PRIMER = melody_sequence([60, -2, 62, -1, 64], 0, 100, 4)
OPTIONS = GenerationOptions(temperature=0.9, beam_size=2, branch_factor=3, steps_per_iteration=2)


@pytest.fixture(scope="module")
def model():
    return EventsRnn.from_events_config(CONFIG)


def generate(config, model, seed=3):
    return EventsRnnGenerator(config, model).generate(PRIMER, 48, num_outputs=2, options=OPTIONS, seed=seed)


def test_a_bundle_rebuilds_the_model_from_its_config_and_gives_the_same_music(tmp_path, model):
    path = str(tmp_path / "lookback.mag")
    save_bundle(path, CONFIG, model, "trained on nothing")
    bundle = read_bundle(path)
    assert (bundle.generator_id, bundle.description, bundle.bundle_description) == (
        "lookback_rnn", "Melody RNN with lookback encoding.", "trained on nothing")
    config, loaded = load_bundle(path)
    assert config == CONFIG  # every hparam came back, batch_size included
    assert generate(config, loaded) == generate(CONFIG, model)


def test_a_run_directory_or_checkpoint_gives_the_same_music(tmp_path, model):
    run_dir = write_run(tmp_path / "run", CONFIG, model, step=7)
    for config, loaded in (load_run_dir(run_dir), load_checkpoint(os.path.join(run_dir, "train", "model.ckpt-7"))):
        assert config == CONFIG
        assert generate(config, loaded) == generate(CONFIG, model)


def _bundle_file(tmp_path, data):
    path = tmp_path / "model.mag"
    path.write_bytes(data)
    return str(path)


def _tampered(model, **changes):
    bundle = Bundle(generator_id=CONFIG.name, description="", bundle_description="", config=CONFIG.to_dict(),
                    weights={weight.path: weight.numpy() for weight in model.weights})
    return dataclasses.replace(bundle, **changes)


@pytest.mark.parametrize("make, message", [
    (lambda model: b"", "not a Symphonia generator bundle (.mag): it holds no Symphonia model"),
    (lambda model: b"\xff\xff\xff\xff garbage", "is not a generator bundle (.mag): it is not a GeneratorBundle"),
    (lambda model: bundle_bytes(_tampered(model))[:-200], "is not a generator bundle (.mag)"),
    (lambda model: bundle_bytes(_tampered(model, config={**CONFIG.to_dict(), "format": "other"})),
     "does not hold an events-RNN configuration"),
    (lambda model: bundle_bytes(_tampered(model, generator_id="basic_rnn")),
     "its generator id 'basic_rnn' is not its configuration's name 'lookback_rnn'"),
    (lambda model: bundle_bytes(_tampered(model, weights={})), "its weights do not match its lookback_rnn"),
    (lambda model: bundle_bytes(_tampered(model, weights={
        weight.path: np.zeros(3, np.float32) for weight in model.weights})), "is float32[3], its configuration needs"),
])
def test_a_damaged_or_foreign_bundle_is_one_line_saying_what_it_is(tmp_path, model, make, message):
    with pytest.raises(LoadError) as error:
        load_bundle(_bundle_file(tmp_path, make(model)))
    assert message in str(error.value) and "\n" not in str(error.value)


def test_a_bundle_of_a_newer_version_or_with_pickled_weights_is_refused(tmp_path, model):
    data = bundle_bytes(_tampered(model))
    newer = data.replace(b'"version": 1', b'"version": 2')
    with pytest.raises(LoadError, match="unknown version"):
        load_bundle(_bundle_file(tmp_path, newer))
    message = import_note_seq_module("protobuf.generator_pb2").GeneratorBundle.FromString(data)
    buffer = io.BytesIO()
    np.savez(buffer, **{"events_rnn/logits/bias": np.array([{"code": "anything"}], dtype=object)})
    message.checkpoint_file[1] = buffer.getvalue()
    with pytest.raises(LoadError, match="is damaged: its weights cannot be read"):
        load_bundle(_bundle_file(tmp_path, message.SerializeToString()))


def test_magentas_own_bundle_is_recognised_and_refused():
    path = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "magenta_one_drum_tiny.mag")
    with pytest.raises(LoadError, match=r"is a Magenta bundle \(generator 'one_drum': a TensorFlow 1 checkpoint "
                                        r"and graph\), which Symphonia cannot load"):
        load_bundle(path)


def test_a_checkpoint_without_its_config_or_of_another_shape_is_refused(tmp_path, model):
    run_dir = write_run(tmp_path / "run", CONFIG, model)
    os.remove(os.path.join(run_dir, "train", "config.json"))
    with pytest.raises(LoadError, match="has no config.json, so it is not a Symphonia training run"):
        load_run_dir(run_dir)
    with open(os.path.join(run_dir, "train", "config.json"), "w") as file:
        json.dump(CONFIG.with_hparams("rnn_layer_sizes=[5]").to_dict(), file)
    with pytest.raises(LoadError, match="does not hold the weights of its lookback_rnn configuration"):
        load_run_dir(run_dir)
    with pytest.raises(LoadError, match="holds no training run"):
        load_run_dir(str(tmp_path / "nothing"))
    os.makedirs(tmp_path / "empty" / "train")
    with pytest.raises(LoadError, match="no complete checkpoint in"):
        load_run_dir(str(tmp_path / "empty"))
    with pytest.raises(LoadError, match="no checkpoint .*model.ckpt-9 "):
        load_checkpoint(os.path.join(run_dir, "train", "model.ckpt-9"))
