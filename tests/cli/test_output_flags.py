import subprocess
import sys


def test_a_soundfont_that_is_not_a_file_is_refused_when_the_flags_are_read(tmp_path):
    code = "from symphonia.cli.events_rnn_generate import drums_rnn; drums_rnn()"
    result = subprocess.run([sys.executable, "-c", code, "--render_audio", f"--soundfont={tmp_path}/none.sf2"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode != 0
    assert f"--soundfont={tmp_path}/none.sf2: not a file (a .sf2 SoundFont is expected)" in result.stderr
