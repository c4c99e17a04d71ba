import os
import re
import subprocess
import sys
import time

import pytest

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")


def _run(family, *flags):
    code = f"from symphonia.cli.events_rnn_generate import {family}; {family}()"
    return subprocess.run([sys.executable, "-c", code, *flags], capture_output=True, text=True, timeout=120,
                          check=False)


@pytest.mark.parametrize("family, flags, message", [
    ("drums_rnn", ["--run_dir={tmp}", "--bundle_file={tmp}/x.mag"], "give --bundle_file or --run_dir, not both"),
    ("drums_rnn", ["--run_dir={tmp}", "--checkpoint_file={tmp}"], "give --run_dir or --checkpoint_file, not both"),
    ("melody_rnn", ["--save_generator_bundle", "--bundle_file={tmp}/x.mag"],
     "--save_generator_bundle needs --run_dir or --checkpoint_file: what to bundle"),
    ("polyphony_rnn", ["--save_generator_bundle", "--run_dir={tmp}"], "--save_generator_bundle needs --bundle_file"),
    ("melody_rnn", ["--bundle_file={tmp}/x.mag", "--primer_melody=[60, 200]"],
     ("--primer_melody must be a list of melody events: -2 (no event), -1 (note off) or a MIDI pitch 0..127, "
      'e.g. "[60, -2, 60, -2, 67, -2, 67, -2]"; got \'[60, 200]\' (item 1 is 200)')),
    ("polyphony_rnn", ["--bundle_file={tmp}/x.mag", "--primer_pitches=60"], "--primer_pitches must be"),
    ("drums_rnn", ["--bundle_file={tmp}/x.mag"], "cannot read {tmp}/x.mag: No such file or directory"),
    ("drums_rnn", [f"--bundle_file={FIXTURES}/magenta_one_drum_tiny.mag"],
     "is a Magenta bundle (generator 'one_drum': a TensorFlow 1 checkpoint and graph), which Symphonia cannot load"),
    ("melody_rnn", ["--run_dir={tmp}"], "{tmp} holds no training run"),
    ("melody_rnn", ["--run_dir={tmp}", "--qpm=0"], "--qpm must be a positive tempo, got 0.0"),
])
def test_bad_commands_fail_in_one_line_before_loading_tensorflow(tmp_path, family, flags, message):
    started = time.monotonic()
    result = _run(family, *(flag.format(tmp=tmp_path) for flag in flags))
    assert result.returncode == 1
    lines = [line for line in result.stderr.strip().splitlines() if not line.startswith("WARNING")]
    assert len(lines) == 1 and message.format(tmp=tmp_path) in lines[0], result.stderr
    assert time.monotonic() - started < 20  # no TensorFlow import: a second or so unloaded


def test_generates_num_outputs_midi_files_and_the_same_from_a_saved_bundle(tmp_path):
    pytest.importorskip("tensorflow")
    from symphonia.generation.events_rnn.drums import drum_sequence
    from symphonia.generation.events_rnn.generator import EventsRnnGenerator
    from symphonia.generation.events_rnn.loading import load_run_dir
    from symphonia.generation.midi_files import midi_bytes
    from symphonia.generation.options import GenerationOptions
    from symphonia.generation.primers import parse_drums
    from symphonia.models.events_rnn.configs import get_config
    from symphonia.models.events_rnn.model import EventsRnn
    from tests.generation.events_rnn.models import write_run

    config = get_config("drum_kit").with_hparams("rnn_layer_sizes=[8,8],attn_length=4")
    run_dir = write_run(tmp_path / "run", config, EventsRnn.from_events_config(config))
    bundle = str(tmp_path / "drums.mag")
    saved = _run("drums_rnn", f"--run_dir={run_dir}", "--save_generator_bundle", f"--bundle_file={bundle}",
                 "--bundle_description=untrained")
    assert saved.returncode == 0 and os.path.exists(bundle), saved.stderr

    output_dir = tmp_path / "out"
    flags = ["--num_outputs=3", "--num_steps=24", "--primer_drums=[(36, 42), (), (42,)]", "--seed=9",
             "--temperature=1.5", "--beam_size=2", "--branch_factor=2", "--qpm=90"]
    generated = _run("drums_rnn", f"--bundle_file={bundle}", f"--output_dir={output_dir}",
                     "--hparams=batch_size=64,rnn_layer_sizes=[8,8]", *flags)
    assert generated.returncode == 0, generated.stderr
    names = sorted(os.listdir(output_dir))
    assert len(names) == 3 and all(re.fullmatch(r"\d{4}-\d\d-\d\d_\d{6}_[123]\.mid", name) for name in names)

    primer = drum_sequence(parse_drums("[(36, 42), (), (42,)]"), 0, 90, 4)
    expected = EventsRnnGenerator(*load_run_dir(run_dir)).generate(
        primer, 24, num_outputs=3, seed=9, options=GenerationOptions(1.5, beam_size=2, branch_factor=2))
    for name, sequence in zip(names, expected):
        assert (output_dir / name).read_bytes() == midi_bytes(sequence)
