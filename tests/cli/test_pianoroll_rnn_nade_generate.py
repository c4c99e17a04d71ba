import os
import subprocess
import sys
import time

import pytest

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")
PRIMER = "[(55,), (54,), (55, 53), (50,), (62, 52), (), (63, 55)]"


def _run(*flags):
    code = "from symphonia.cli.pianoroll_rnn_nade_generate import script; script()"
    return subprocess.run([sys.executable, "-c", code, *flags], capture_output=True, text=True, timeout=300,
                          check=False)


@pytest.mark.parametrize("flags, message", [
    (["--run_dir={tmp}", "--bundle_file={tmp}/x.mag"], "give --bundle_file or --run_dir, not both"),
    (["--save_generator_bundle", "--run_dir={tmp}"], "--save_generator_bundle needs --bundle_file"),
    (["--bundle_file={tmp}/x.mag", "--primer_pianoroll=[(55,), (54,"],
     "--primer_pianoroll must be a list of steps, each a tuple of the MIDI pitches (0..127) sounding then"),
    (["--bundle_file={tmp}/x.mag", "--primer_pitches=[60, 300]"], "--primer_pitches must be"),
    (["--bundle_file={tmp}/x.mag"], "cannot read {tmp}/x.mag: No such file or directory"),
    (["--bundle_file={tmp}/junk.mag"], "{tmp}/junk.mag is not a generator bundle (.mag)"),
    ([f"--bundle_file={FIXTURES}/magenta_one_drum_tiny.mag"], "is a Magenta bundle"),
    (["--run_dir={tmp}"], "{tmp} holds no training run"),
    (["--run_dir={tmp}", "--qpm=0"], "--qpm must be a positive tempo, got 0.0"),
])
def test_bad_commands_fail_in_one_line_before_loading_tensorflow(tmp_path, flags, message):
    (tmp_path / "junk.mag").write_bytes(b"\x08\x96\x01junk")
    started = time.monotonic()
    result = _run(*(flag.format(tmp=tmp_path) for flag in flags))
    assert result.returncode == 1
    lines = [line for line in result.stderr.strip().splitlines() if not line.startswith("WARNING")]
    assert len(lines) == 1 and message.format(tmp=tmp_path) in lines[0], result.stderr
    assert time.monotonic() - started < 20  # no TensorFlow import: a second or so unloaded


def test_a_saved_bundle_writes_the_files_the_library_generates_for_the_seed(tmp_path):
    """Bundle round trip through the command line: same seed, same MIDI bytes as the model it came from."""
    tf = pytest.importorskip("tensorflow")
    from symphonia.generation.midi_files import midi_bytes
    from symphonia.generation.options import GenerationOptions
    from symphonia.generation.pianoroll import PianorollGenerator, parse_pianoroll, pianoroll_sequence
    from symphonia.models.pianoroll_rnn_nade.configs import get_config
    from symphonia.models.pianoroll_rnn_nade.model import RnnNade
    from tests.generation.events_rnn.models import write_run

    tf.keras.utils.set_random_seed(2)
    config = get_config("rnn-nade").with_hparams("rnn_layer_sizes=[8,8],nade_hidden_units=4")
    model = RnnNade.from_rnn_nade_config(config)
    run_dir, bundle = write_run(tmp_path / "run", config, model), str(tmp_path / "nade.mag")
    saved = _run(f"--run_dir={run_dir}", "--save_generator_bundle", f"--bundle_file={bundle}")
    assert saved.returncode == 0 and os.path.exists(bundle), saved.stderr
    result = _run(f"--bundle_file={bundle}", f"--output_dir={tmp_path / 'out'}", "--num_outputs=2",
                  "--num_steps=12", f"--primer_pianoroll={PRIMER}", "--seed=5", "--temperature=0.8")
    assert result.returncode == 0, result.stderr
    files = sorted(os.listdir(tmp_path / "out"))
    assert len(files) == 2 and files[0].endswith("_1.mid") and files[1].endswith("_2.mid")
    primer = pianoroll_sequence(parse_pianoroll(PRIMER), qpm=60)
    expected = PianorollGenerator(config, model).generate(primer, 12, 2, GenerationOptions(temperature=0.8), seed=5)
    assert [(tmp_path / "out" / name).read_bytes() for name in files] == [midi_bytes(s) for s in expected]
