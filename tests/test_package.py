import subprocess
import sys


def test_importing_symphonia_does_not_import_tensorflow():
    code = "import sys, symphonia, symphonia.music.convert; print('tensorflow' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
