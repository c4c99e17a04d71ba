import glob
import importlib.util
import os
import subprocess
import sys
import zipfile

import pytest

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(REPOSITORY, "scripts", "check_wheel_size.py")


@pytest.mark.slow  # builds the wheel (pip fetches the build backend)
def test_the_wheel_holds_the_default_models_and_stays_under_60_mb(tmp_path):
    result = subprocess.run([sys.executable, SCRIPT, f"--wheel_dir={tmp_path}"], capture_output=True, text=True,
                            timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = glob.glob(str(tmp_path / "symphonia-*.whl"))
    assert os.path.getsize(wheel) <= 60e6
    shipped = sorted(os.path.basename(path) for path in glob.glob(os.path.join(REPOSITORY, "symphonia",
                                                                               "default_models", "*.mag")))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert "symphonia/default_models/__init__.py" in names
    assert sorted(os.path.basename(name) for name in names if name.endswith(".mag")) == shipped

    spec = importlib.util.spec_from_file_location("check_wheel_size", SCRIPT)
    check_wheel_size = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check_wheel_size)
    assert check_wheel_size.report(wheel, 60.0) and not check_wheel_size.report(wheel, 0.01)
