"""Magenta's custom-config flags: --melody_encoder_decoder, --generator_id, --generator_description."""

import json
import os
import subprocess
import sys
import time

import pytest


def _run(module, script, *flags):
    family = script.rsplit("_", 1)[0].removesuffix("_create")
    code = f"import sys; from symphonia.cli.{module} import {family}; sys.argv[0] = '{script}'; {family}()"
    return subprocess.run([sys.executable, "-c", code, *flags], capture_output=True, text=True, timeout=180,
                          check=False)


def _one_line_error(result):
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.strip().splitlines() if not line.startswith(("WARNING", "INFO"))]
    assert len(lines) == 1, result.stderr  # one line, no traceback
    return lines[0]


@pytest.mark.parametrize("module, script, flags, message", [
    ("events_rnn_train", "melody_rnn_train", ["--config=basic_rnn", "--melody_encoder_decoder=key"],
     "give --config or --melody_encoder_decoder, not both"),
    ("events_rnn_train", "melody_rnn_train", [],
     "--config is required: one of basic_rnn, mono_rnn, lookback_rnn, attention_rnn (or --melody_encoder_decoder: "
     "onehot, lookback, key)"),
    ("events_rnn_train", "melody_rnn_train", ["--melody_encoder_decoder=keys"],
     "unknown --melody_encoder_decoder=keys; valid ones: onehot, lookback, key"),
    ("events_rnn_train", "melody_rnn_train", ["--melody_encoder_decoder=key", "--hparams=attn=4"],
     "unknown hparam 'attn'"),
    ("create_dataset", "melody_rnn_create_dataset", ["--config=attention_rnn", "--melody_encoder_decoder=key"],
     "give --config or --melody_encoder_decoder, not both"),
    ("create_dataset", "melody_rnn_create_dataset", [], "--config is required"),
])
def test_config_flags_name_exactly_one_config_or_fail_in_one_line(tmp_path, module, script, flags, message):
    empty = tmp_path / "empty.tfrecord"
    empty.touch()
    where = ([f"--sequence_example_file={empty}"] if module == "events_rnn_train"
             else [f"--input={empty}", f"--output_dir={tmp_path}"])
    started = time.monotonic()
    line = _one_line_error(_run(module, script, *where, *flags))
    assert line.startswith(f"{script}: error: ") and message in line
    assert time.monotonic() - started < 20  # checked before TensorFlow is imported


@pytest.mark.slow  # four runs of the real console scripts, each starting TensorFlow
def test_custom_config_trains_and_its_run_dir_generates_and_bundles_without_the_flags(tmp_path):
    pytest.importorskip("tensorflow")
    from symphonia.bundle.mag import read_bundle
    from tests.models.events_rnn.datasets import write_scales

    data, run_dir = write_scales(tmp_path / "scales.tfrecord"), tmp_path / "run"
    trained = _run("events_rnn_train", "melody_rnn_train", "--melody_encoder_decoder=onehot",
                   "--generator_id=scales", "--generator_description=Scales, one-hot.", f"--sequence_example_file={data}",
                   f"--run_dir={run_dir}", "--hparams=batch_size=4,rnn_layer_sizes=[8]", "--num_training_steps=2")
    assert trained.returncode == 0, trained.stderr
    stored = json.loads((run_dir / "train" / "config.json").read_text())
    assert (stored["name"], stored["description"], stored["encoding"]) == ("scales", "Scales, one-hot.", "basic_rnn")
    # Magenta's defaults (section 2.5) with the overrides, not basic_rnn's batch 128 / dropout 0.5 / clip 5.
    assert stored["hparams"] == {"batch_size": 4, "rnn_layer_sizes": [8], "dropout_keep_prob": 1.0, "attn_length": 0,
                                 "clip_norm": 3.0, "learning_rate": 0.001, "residual_connections": False}

    output_dir = tmp_path / "out"
    generated = _run("events_rnn_generate", "melody_rnn_generate", f"--run_dir={run_dir}", "--num_outputs=2",
                     "--num_steps=16", "--seed=3", f"--output_dir={output_dir}")
    assert generated.returncode == 0, generated.stderr
    assert len([name for name in os.listdir(output_dir) if name.endswith(".mid")]) == 2

    bundle_file = tmp_path / "scales.mag"
    saved = _run("events_rnn_generate", "melody_rnn_generate", f"--run_dir={run_dir}", "--save_generator_bundle",
                 f"--bundle_file={bundle_file}", "--melody_encoder_decoder=onehot")
    assert saved.returncode == 0, saved.stderr
    bundle = read_bundle(bundle_file)
    assert (bundle.generator_id, bundle.description) == ("scales", "Scales, one-hot.")
    assert bundle.config == stored

    refused = _run("events_rnn_generate", "melody_rnn_generate", f"--run_dir={run_dir}",
                   "--melody_encoder_decoder=key", f"--output_dir={output_dir}")
    assert refused.returncode == 1  # after loading the model, so TensorFlow's start-up lines come first
    assert refused.stderr.strip().splitlines()[-1] == (
        f"melody_rnn_generate: error: --melody_encoder_decoder=key, but {run_dir} holds a model of config scales, "
        f"which has another encoding")


def test_saved_bundle_carries_the_generator_id_and_description_given_at_generation(tmp_path):
    pytest.importorskip("tensorflow")
    from symphonia.bundle.mag import read_bundle
    from symphonia.generation.events_rnn.loading import load_bundle
    from symphonia.models.events_rnn.configs import get_config
    from symphonia.models.events_rnn.model import EventsRnn
    from tests.generation.events_rnn.models import write_run

    config = get_config("one_drum").with_hparams("rnn_layer_sizes=[4]")
    run_dir = write_run(tmp_path / "run", config, EventsRnn.from_events_config(config))
    bundle_file = tmp_path / "mine.mag"
    saved = _run("events_rnn_generate", "drums_rnn_generate", f"--run_dir={run_dir}", "--save_generator_bundle",
                 f"--bundle_file={bundle_file}", "--generator_id=my_drums", "--generator_description=Mine.")
    assert saved.returncode == 0, saved.stderr
    bundle = read_bundle(bundle_file)
    assert (bundle.generator_id, bundle.description) == ("my_drums", "Mine.")
    loaded, _ = load_bundle(bundle_file)  # the stored config is renamed with it, so the bundle loads
    assert (loaded.name, loaded.encoding, loaded.hparams.rnn_layer_sizes) == ("my_drums", "one_drum", (4,))
