import subprocess
import sys
import time

import pytest

from tests.models.music_vae.patterns import two_bar_melody, write_note_sequences


def command(script, *flags):
    code = f"import sys; from symphonia.cli.{script} import script; sys.argv[0] = '{script}'; script()"
    return [sys.executable, "-c", code, *flags]


def fails(script, *flags):
    result = subprocess.run(command(script, *flags), capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # one line, no traceback
    return lines[0]


@pytest.mark.parametrize("flags, message", [
    (["--config=cat-mel_4bar", "--run_dir={run}", "--examples_path={data}"],
     "music_vae_train: error: unknown config 'cat-mel_4bar'; valid configs: cat-mel_2bar_small, cat-mel_2bar_big"),
    (["--run_dir={run}", "--examples_path={data}"], "error: --config is required: one of cat-mel_2bar_small"),
    (["--config=cat-mel_2bar_small", "--hparams=z_size=[3]", "--run_dir={run}", "--examples_path={data}"],
     "error: hparam 'z_size' must be an int, got '[3]'; valid hparams: max_seq_len (int)"),
    (["--config=cat-mel_2bar_small", "--run_dir={run}", "--examples_path={missing}"], "error: {missing} does not exist"),
    (["--config=cat-mel_2bar_small", "--examples_path={data}"], "error: --run_dir is required"),
    (["--config=cat-mel_2bar_small", "--run_dir={run}", "--examples_path={data}", "--strategy=multi_worker"],
     "error: --strategy=multi_worker needs the TF_CONFIG environment variable"),
    (["--config=cat-drums_2bar_small", "--run_dir={run}", "--examples_path={data}"],
     "error: no training window could be extracted from the 2 NoteSequences read: 2 have no drum hit of the 9 "
     "drum classes"),
])
def test_bad_commands_fail_in_one_line(tmp_path, flags, message):
    names = {"run": tmp_path / "run", "missing": tmp_path / "missing.tfrecord",
             "data": write_note_sequences(tmp_path / "melodies.tfrecord", [two_bar_melody(0), two_bar_melody(1)])}
    started = time.monotonic()
    assert message.format(**names) in fails("music_vae_train", *(flag.format(**names) for flag in flags))
    assert time.monotonic() - started < 30  # no TensorFlow import before the checks


def test_trains_under_a_mirrored_strategy_and_the_run_resumes_without_one(tmp_path):
    from symphonia.training.checkpoints import latest_checkpoint

    data = write_note_sequences(tmp_path / "melodies.tfrecord", [two_bar_melody(i) for i in range(8)])
    run_dir = tmp_path / "run"
    common = ["--config=cat-mel_2bar_small", f"--run_dir={run_dir}", f"--examples_path={data}",
              "--hparams=batch_size=4,z_size=4,enc_rnn_size=[8],dec_rnn_size=[8]", "--summary_frequency=1"]
    for steps, strategy in ((2, "mirrored"), (3, "default")):
        result = subprocess.run(command("music_vae_train", *common, f"--num_steps={steps}", f"--strategy={strategy}"),
                                capture_output=True, text=True, timeout=300, check=False)
        assert result.returncode == 0, result.stderr
        assert latest_checkpoint(str(run_dir / "train"))[0] == steps
