import glob
import os
import re
import subprocess

import pytest

from symphonia.music.reader import read_music_file
from tests.cli.test_music_vae_train import command, fails
from tests.models.music_vae.patterns import two_bar_melody, write_note_sequences

TINY = "--hparams=batch_size=4,z_size=4,enc_rnn_size=[8],dec_rnn_size=[8]"


def run(script, *flags):
    result = subprocess.run(command(script, *flags), capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return result.stderr


@pytest.mark.parametrize("flags, message", [
    (["--save_generator_bundle", "--bundle_file=x.mag"],
     "music_vae_generate: error: --save_generator_bundle needs --run_dir or --checkpoint_file: what to bundle"),
    (["--run_dir=a", "--checkpoint_file=b"], "error: give one of --run_dir and --checkpoint_file, not both"),
    (["--run_dir=a", "--bundle_file=b.mag"], "error: give one of --run_dir and --bundle_file, not both"),
    (["--save_generator_bundle", "--run_dir=a"], "error: --save_generator_bundle needs --bundle_file"),
    (["--run_dir={tmp}", "--mode=interpolate", "--input_midi_1={tmp}/none.mid"],
     "error: cannot read --input_midi_1 {tmp}/none.mid"),
])
def test_bad_commands_fail_in_one_line(tmp_path, flags, message):
    assert message.format(tmp=tmp_path) in fails("music_vae_generate", *(f.format(tmp=tmp_path) for f in flags))


@pytest.mark.slow
def test_train_then_sample_interpolate_and_bundle(tmp_path):
    data = write_note_sequences(tmp_path / "melodies.tfrecord", [two_bar_melody(i) for i in range(6)])
    run_dir = tmp_path / "run"
    train = ["--config=cat-mel_2bar_small", f"--run_dir={run_dir}", f"--examples_path={data}", TINY]
    run("music_vae_train", *train, "--num_steps=2")
    log = run("music_vae_train", *train, "--num_steps=3")
    assert f"Resuming from {run_dir}/train/model.ckpt-2 at step 2." in log
    run("music_vae_train", *train, "--num_steps=3", "--mode=eval", "--eval_timeout_secs=0")
    assert glob.glob(str(run_dir / "eval" / "events.*"))

    out = tmp_path / "out"
    run("music_vae_generate", f"--run_dir={run_dir}", "--num_outputs=3", f"--output_dir={out}", "--seed=2")
    names = sorted(os.listdir(out))
    assert [re.sub(r"\d{4}-\d\d-\d\d_\d{6}", "DATE", name) for name in names] == [
        f"cat-mel_2bar_small_sample_DATE-00{i}-of-003.mid" for i in range(3)]

    bundle = tmp_path / "model.mag"
    run("music_vae_generate", f"--checkpoint_file={run_dir}/train", "--save_generator_bundle",
        f"--bundle_file={bundle}")
    again = tmp_path / "again"
    run("music_vae_generate", f"--bundle_file={bundle}", "--num_outputs=3", f"--output_dir={again}", "--seed=2")
    for name, other in zip(names, sorted(os.listdir(again))):
        assert read_music_file(str(out / name))[0].notes == read_music_file(str(again / other))[0].notes

    long_input = out / names[0]
    four_bars = two_bar_melody(0)
    for hit in two_bar_melody(1).notes:
        four_bars.notes.add().CopyFrom(hit)
        four_bars.notes[-1].start_time += 4.0
        four_bars.notes[-1].end_time += 4.0
    four_bars.total_time = 8.0
    from symphonia.generation.midi_files import midi_bytes

    (tmp_path / "long.mid").write_bytes(midi_bytes(four_bars))
    (tmp_path / "two.mid").write_bytes(midi_bytes(two_bar_melody(2)))
    picks = tmp_path / "picks"
    log = run("music_vae_generate", f"--bundle_file={bundle}", "--mode=interpolate", f"--input_midi_1={tmp_path}/two.mid",
              f"--input_midi_2={tmp_path}/long.mid", f"--output_dir={picks}")
    assert "gives 3 different windows, not exactly one" in log
    assert all(re.fullmatch(r"cat-mel_2bar_small_input2-extractions_.*-00[0-2]-of-003\.mid", n) for n in os.listdir(picks))
    path = tmp_path / "path"
    run("music_vae_generate", f"--bundle_file={bundle}", "--mode=interpolate", f"--input_midi_1={tmp_path}/two.mid",
        f"--input_midi_2={long_input}", "--num_outputs=4", f"--output_dir={path}", "--temperature=0")
    assert len(os.listdir(path)) == 4 and all("_interpolate_" in n for n in os.listdir(path))
