#!/usr/bin/env bash
# The Python package's tests, as CI runs them (.ci/run calls this): a JRE when `java` is missing
# (Debian's default-jre-headless), a virtual environment with python/requirements-ci.txt, the
# wheel built by maturin (release, --locked) and installed, the release CLI the tests compare
# with, then pytest on python/tests (the Spark acceptance test included).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
if ! command -v java >/dev/null; then
    apt-get update
    apt-get install -y default-jre-headless
fi
venv=${CRAMPCHECK_VENV:-target/python-venv}
if [[ ! -x $venv/bin/python ]]; then
    python3 -m venv "$venv" || {
        apt-get update
        apt-get install -y python3-venv
        rm -rf "$venv"
        python3 -m venv "$venv"
    }
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r python/requirements-ci.txt
rm -f target/wheels/crampcheck-*.whl
"$venv/bin/maturin" build --release --locked -m python/Cargo.toml --out target/wheels \
    --interpreter "$venv/bin/python"
"$venv/bin/python" -m pip install --quiet --force-reinstall --no-deps target/wheels/crampcheck-*.whl
cargo build --release --locked
# Run from the root with the venv's pytest, so that `import crampcheck` is the installed wheel,
# not python/crampcheck without its compiled module.
export CRAMPCHECK_BIN=$PWD/target/release/crampcheck
export PYSPARK_PYTHON=$PWD/$venv/bin/python
"$venv/bin/pytest" -q -p no:cacheprovider --durations=5 python/tests "$@"
