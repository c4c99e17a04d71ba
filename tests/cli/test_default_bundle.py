import os
import subprocess
import sys
import time

import pytest

from symphonia.cli.common import CommandError
from symphonia.cli.default_bundle import default_bundle_file
from symphonia.default_models import DIRECTORY_ENV


def _generate(family, models_dir, *flags):
    if family == "music_vae":
        code = "import sys; from symphonia.cli.music_vae_generate import script; sys.argv[0] = 'x'; script()"
    else:
        code = f"from symphonia.cli.events_rnn_generate import {family}; {family}()"
    return subprocess.run([sys.executable, "-c", code, *flags], capture_output=True, text=True, timeout=300,
                          check=False, env={**os.environ, DIRECTORY_ENV: str(models_dir)})


def test_without_a_config_the_familys_default_bundle_is_used(tmp_path, monkeypatch):
    monkeypatch.setenv(DIRECTORY_ENV, str(tmp_path))
    for name in ("attention_rnn", "basic_rnn", "polyphony"):
        (tmp_path / f"{name}.mag").write_bytes(b"")
    assert default_bundle_file("melody_rnn") == str(tmp_path / "attention_rnn.mag")
    assert default_bundle_file("melody_rnn", "basic_rnn") == str(tmp_path / "basic_rnn.mag")
    assert default_bundle_file("polyphony_rnn") == str(tmp_path / "polyphony.mag")
    with pytest.raises(CommandError, match=r"^no default model is shipped for drum_kit \(shipped: attention_rnn, "
                                           r"basic_rnn, polyphony\): say which model to use: --bundle_file, "
                                           r"--run_dir or --checkpoint_file$"):
        default_bundle_file("drums_rnn")


@pytest.mark.parametrize("family, flags, message", [
    ("drums_rnn", ["--config=one_drum"], "no default model is shipped for one_drum (shipped: drum_kit)"),
    ("melody_rnn", [], "no default model is shipped for attention_rnn (shipped: drum_kit)"),
    ("music_vae", [], "no default model is shipped for cat-mel_2bar_small (shipped: drum_kit)"),
    ("music_vae", ["--config=cat-drums_2bar_small"], "no default model is shipped for cat-drums_2bar_small"),
])
def test_no_shipped_bundle_is_a_one_line_error_before_tensorflow(tmp_path, family, flags, message):
    (tmp_path / "drum_kit.mag").write_bytes(b"")
    started = time.monotonic()
    result = _generate(family, tmp_path, *flags)
    assert result.returncode == 1
    lines = [line for line in result.stderr.strip().splitlines() if not line.startswith("WARNING")]
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert time.monotonic() - started < 20


@pytest.mark.slow  # two TensorFlow start-ups and a compiled model: a minute or more on a loaded machine
def test_no_model_flag_generates_from_the_default_bundle_with_previews(tmp_path):
    pytest.importorskip("tensorflow")
    from symphonia.generation.events_rnn.loading import save_bundle
    from symphonia.models.events_rnn.configs import get_config
    from symphonia.models.events_rnn.model import EventsRnn

    config = get_config("drum_kit").with_hparams("rnn_layer_sizes=[8],attn_length=0")
    bundle = tmp_path / "models" / "drum_kit.mag"
    os.makedirs(bundle.parent)
    save_bundle(str(bundle), config, EventsRnn.from_events_config(config), "untrained")
    output_dir = tmp_path / "out"
    result = _generate("drums_rnn", bundle.parent, f"--output_dir={output_dir}", "--num_outputs=2",
                       "--num_steps=16", "--seed=1", "--render_audio", "--plot")
    assert result.returncode == 0, result.stderr
    assert f"No model given: using the default drum_kit model {bundle}" in result.stderr
    stems = sorted({os.path.splitext(name)[0] for name in os.listdir(output_dir)})
    assert len(stems) == 2
    assert sorted(os.listdir(output_dir)) == sorted(stem + suffix for stem in stems for suffix in (".mid", ".png",
                                                                                                   ".wav"))
    summaries = [line for line in result.stderr.splitlines() if ".mid: 2.00 s" in line]  # 16 steps at 120 qpm
    assert len(summaries) == 2 and all(line.endswith("(+ .wav, .png)") for line in summaries), result.stderr
