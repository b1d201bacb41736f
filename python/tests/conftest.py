"""Shared fixtures: the repository, the release binary, a Spark session (local[2])."""

import os
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def repo():
    return REPO


@pytest.fixture(scope="session")
def binary():
    """The CLI built from this checkout (CRAMPCHECK_BIN, else target/release, else debug)."""
    given = os.environ.get("CRAMPCHECK_BIN")
    for path in [given] if given else [REPO / "target/release/crampcheck", REPO / "target/debug/crampcheck"]:
        if path and Path(path).exists():
            return str(path)
    found = shutil.which("crampcheck")
    if found:
        return found
    pytest.fail("no crampcheck binary: run cargo build --release --locked (or set CRAMPCHECK_BIN)")


@pytest.fixture(scope="session")
def spark():
    """One local[2] Spark session for every test that needs one; workers run this Python."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("crampcheck-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "7")
               .config("spark.driver.memory", "2g")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
