"""Builds the wheel and fails when it is larger than the limit (60 MB): the default models must stay small.

    python scripts/check_wheel_size.py [--limit_mb 60] [--wheel_dir DIR]

Runs ``pip wheel . --no-deps -w DIR`` in the repository (DIR: a temporary
directory unless given), prints the wheel's size and its largest members
(the ``.mag`` bundles among them), and exits with status 1 above the limit.
"""

import argparse
import glob
import os
import subprocess
import sys
import tempfile
import zipfile

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIMIT_MB = 60.0


def build_wheel(wheel_dir):
    """Builds the project's wheel into ``wheel_dir``; returns its path."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", REPOSITORY, "--no-deps", "-q",
                    "-w", wheel_dir], check=True)
    wheels = glob.glob(os.path.join(wheel_dir, "symphonia-*.whl"))
    if len(wheels) != 1:
        sys.exit(f"check_wheel_size: expected one symphonia wheel in {wheel_dir}, found {len(wheels)}")
    return wheels[0]


def report(wheel, limit_mb):
    """Prints the wheel's size and largest members; returns True when it is within ``limit_mb``."""
    size_mb = os.path.getsize(wheel) / 1e6
    with zipfile.ZipFile(wheel) as archive:
        members = sorted(archive.infolist(), key=lambda info: info.compress_size, reverse=True)
        bundles = [info.filename for info in members if info.filename.endswith(".mag")]
    print(f"{os.path.basename(wheel)}: {size_mb:.2f} MB (limit {limit_mb:g} MB), {len(bundles)} default model "
          f"bundle(s)")
    for info in members[:5]:
        print(f"  {info.compress_size / 1e6:8.2f} MB  {info.filename}")
    return size_mb <= limit_mb


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit_mb", type=float, default=LIMIT_MB)
    parser.add_argument("--wheel_dir", help="keep the wheel here (default: a temporary directory)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        wheel_dir = args.wheel_dir or temporary
        if not report(build_wheel(wheel_dir), args.limit_mb):
            sys.exit(f"check_wheel_size: the wheel is larger than {args.limit_mb:g} MB")


if __name__ == "__main__":
    main()
