"""music_vae_train and music_vae_generate with a 16-bar hierarchical config (tiny hparams), attribute modes included."""

import os

import numpy as np
import pytest

from symphonia.generation.midi_files import midi_bytes
from symphonia.models.music_vae.attributes import load_attribute_vectors
from symphonia.music.reader import read_music_file
from tests.cli.test_music_vae_generate import run
from tests.cli.test_music_vae_train import fails
from tests.models.music_vae.patterns import long_melody, write_note_sequences

TINY = "--hparams=batch_size=4,z_size=4,enc_rnn_size=[8],dec_rnn_size=[8]"


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("hierdec")
    data = write_note_sequences(tmp_path / "melodies.tfrecord", [long_melody(i, 18) for i in range(4)])
    run_dir = tmp_path / "run"
    run("music_vae_train", "--config=hierdec-mel_16bar", f"--run_dir={run_dir}", f"--examples_path={data}", TINY,
        "--num_steps=2")
    (tmp_path / "16.mid").write_bytes(midi_bytes(long_melody(0, 16)))
    (tmp_path / "18.mid").write_bytes(midi_bytes(long_melody(5, 18)))
    return tmp_path, data, run_dir


@pytest.mark.slow
def test_a_16bar_model_samples_and_interpolates_whole_windows(trained):
    tmp_path, _, run_dir = trained
    out = tmp_path / "samples"
    run("music_vae_generate", f"--run_dir={run_dir}", "--num_outputs=2", f"--output_dir={out}", "--seed=1")
    samples = [read_music_file(str(out / name))[0] for name in sorted(os.listdir(out))]
    assert len(samples) == 2 and all(name.startswith("hierdec-mel_16bar_sample_") for name in os.listdir(out))
    assert all(max(n.end_time for n in sample.notes) <= 32.0 for sample in samples)  # 16 bars at 120 qpm
    picks = tmp_path / "picks"
    log = run("music_vae_generate", f"--run_dir={run_dir}", "--mode=interpolate", f"--input_midi_1={tmp_path}/16.mid",
              f"--input_midi_2={tmp_path}/18.mid", f"--output_dir={picks}")
    assert "gives 3 different windows, not exactly one" in log and len(os.listdir(picks)) == 3
    path = tmp_path / "path"
    run("music_vae_generate", f"--run_dir={run_dir}", "--mode=interpolate", f"--input_midi_1={tmp_path}/16.mid",
        f"--input_midi_2={picks}/{sorted(os.listdir(picks))[1]}", "--num_outputs=3", f"--output_dir={path}")
    assert len(os.listdir(path)) == 3


@pytest.mark.slow
def test_attribute_vectors_are_computed_then_applied(trained):
    tmp_path, data, run_dir = trained
    vectors_file = tmp_path / "vectors.npz"
    run("music_vae_generate", f"--run_dir={run_dir}", "--mode=compute_attributes", f"--examples_path={data}",
        f"--attribute_vectors={vectors_file}", "--attributes=note_density,syncopation_8th")
    vectors = load_attribute_vectors(vectors_file)
    assert set(vectors) == {"note_density", "syncopation_8th"} and vectors["note_density"].shape == (4,)
    assert np.abs(vectors["note_density"]).sum() > 0
    for extra, count in (([], 3), ([f"--input_midi_1={tmp_path}/16.mid"], 3)):
        out = tmp_path / f"attribute{len(extra)}"
        run("music_vae_generate", f"--run_dir={run_dir}", "--mode=attribute", f"--attribute_vectors={vectors_file}",
            "--attribute=note_density", "--attribute_amount=2", "--num_outputs=3", f"--output_dir={out}", *extra)
        assert len(os.listdir(out)) == count and all("_attribute_" in name for name in os.listdir(out))
    assert "has no 'drum_hit_density' vector; it has note_density, syncopation_8th" in fails(
        "music_vae_generate", f"--run_dir={run_dir}", "--mode=attribute", f"--attribute_vectors={vectors_file}",
        "--attribute=drum_hit_density")
    assert "--mode=attribute needs --attribute_vectors" in fails("music_vae_generate", f"--run_dir={run_dir}",
                                                                 "--mode=attribute")
    assert "unknown attribute 'loudness': --attributes takes note_density" in fails(
        "music_vae_generate", f"--run_dir={run_dir}", "--mode=compute_attributes", f"--examples_path={data}",
        f"--attribute_vectors={tmp_path}/x.npz", "--attributes=loudness")
