"""--pipeline_options without Beam installed: one line saying what to install."""

import subprocess
import sys


def test_pipeline_options_without_beam_says_to_install_the_extra(tmp_path):
    (tmp_path / "in").mkdir()
    code = ("import sys; sys.modules['apache_beam'] = None  # as if the beam extra were not installed\n"
            "from symphonia.cli.convert_dir_to_note_sequences import run; sys.argv[0] = 'convert'; run()")
    result = subprocess.run([sys.executable, "-c", code, f"--input_dir={tmp_path}/in",
                             f"--output_file={tmp_path}/out.tfrecord", "--pipeline_options=--runner=DirectRunner"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        'convert: error: --pipeline_options needs Apache Beam: install symphonia[beam] (pip install "symphonia[beam]")']
    assert not list(tmp_path.glob("out*"))
