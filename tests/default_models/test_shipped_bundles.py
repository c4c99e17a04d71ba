"""Every bundle shipped in ``symphonia/default_models`` loads and generates, the same music for the same seed.

Events-RNN bundles generate in-process (fast); a bundle of another family
runs its ``<family>_generate`` script, so a newly shipped family is checked
without changes here.
"""

import os
import subprocess
import sys

import pytest

import symphonia.default_models as default_models
from symphonia.bundle.mag import read_bundle
from symphonia.default_models import BUNDLE_SUFFIX

PACKAGE_DIRECTORY = os.path.dirname(default_models.__file__)
SHIPPED = sorted(name for name in os.listdir(PACKAGE_DIRECTORY) if name.endswith(BUNDLE_SUFFIX))
EVENTS_RNN_FORMAT = "symphonia.events_rnn.config"


def _events_rnn_outputs(path):
    """Two outputs of 32 steps from the bundle, generated in-process twice with seed 3, as MIDI bytes."""
    from symphonia.generation.events_rnn.generator import EventsRnnGenerator
    from symphonia.generation.events_rnn.loading import load_bundle
    from symphonia.generation.midi_files import midi_bytes
    from symphonia.generation.note_sequences import DEFAULT_QPM
    from symphonia.music.proto import NoteSequence

    primer = NoteSequence()
    primer.tempos.add().qpm = DEFAULT_QPM
    generator = EventsRnnGenerator(*load_bundle(path))
    runs = [generator.generate(primer, 32, 2, seed=3) for _ in range(2)]
    assert all(sequence.notes for sequence in runs[0]), "the model generated silence"
    return [[midi_bytes(sequence) for sequence in sequences] for sequences in runs]


def _script_outputs(path, config, output_dir):
    """The MIDI files ``<family>_generate`` writes from the bundle with seed 3, as bytes in file order."""
    family = config.get("family") or config["format"].split(".")[1]  # stored configs are "symphonia.<family>.config"
    result = subprocess.run([os.path.join(os.path.dirname(sys.executable), f"{family}_generate"),
                             f"--bundle_file={path}", f"--output_dir={output_dir}", "--num_outputs=2", "--seed=3"],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return [open(os.path.join(output_dir, name), "rb").read() for name in sorted(os.listdir(output_dir))]


def check_bundle_generates(path, output_dir):
    """Asserts that the bundle at ``path`` loads and writes the same two outputs twice with one seed."""
    bundle = read_bundle(path)
    assert bundle.generator_id == os.path.basename(path)[:-len(BUNDLE_SUFFIX)]
    if bundle.config.get("format") == EVENTS_RNN_FORMAT:
        first, second = _events_rnn_outputs(path)
    else:
        first = _script_outputs(path, bundle.config, os.path.join(output_dir, "first"))
        second = _script_outputs(path, bundle.config, os.path.join(output_dir, "second"))
    assert len(first) == 2 and first == second


@pytest.mark.skipif(not SHIPPED, reason="no default model is shipped in symphonia/default_models yet")
@pytest.mark.parametrize("name", SHIPPED)
def test_a_shipped_bundle_loads_and_generates_the_same_music_for_the_same_seed(name, tmp_path):
    pytest.importorskip("tensorflow")
    path = os.path.join(PACKAGE_DIRECTORY, name)
    assert "licen" in read_bundle(path).bundle_description.lower()  # the training data's licence and attribution
    check_bundle_generates(path, str(tmp_path))


def test_the_check_itself_passes_on_a_tiny_untrained_bundle(tmp_path):
    pytest.importorskip("tensorflow")
    from symphonia.generation.events_rnn.loading import save_bundle
    from symphonia.models.events_rnn.configs import get_config
    from symphonia.models.events_rnn.model import EventsRnn

    config = get_config("drum_kit").with_hparams("rnn_layer_sizes=[8],attn_length=0")
    save_bundle(str(tmp_path / "drum_kit.mag"), config, EventsRnn.from_events_config(config), "untrained")
    check_bundle_generates(str(tmp_path / "drum_kit.mag"), str(tmp_path))
