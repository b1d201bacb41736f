"""The README's section "Python, pandas, polars, DuckDB and Spark": each python block runs, from
the repository's root, and finds the sample's flagged patients."""

import contextlib
import io
import re

import pytest

from conftest import REPO

HEADING = "## Python, pandas, polars, DuckDB and Spark"


def blocks():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split(HEADING, 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_the_section_has_the_four_examples():
    found = blocks()
    assert len(found) == 4
    for name, code in zip(["pandas", "polars", "duckdb", "pyspark"], found):
        assert f"import {name}" in code or f"from {name}" in code, name


@pytest.mark.parametrize("index", range(4), ids=["pandas", "polars", "duckdb", "pyspark"])
def test_a_readme_example_runs(index, monkeypatch, request):
    code = blocks()[index]
    if "pyspark" in code:
        request.getfixturevalue("spark")  # getOrCreate() in the example finds this session
    monkeypatch.chdir(REPO)
    out = io.StringIO()
    scope = {"__name__": "__readme__"}
    with contextlib.redirect_stdout(out):
        exec(compile(code, f"README.md python block {index + 1}", "exec"), scope)
    printed = out.getvalue()
    found = scope["found"]
    if hasattr(found, "count") and hasattr(found, "rdd"):
        assert found.filter("status = 'flagged'").count() > 0
    else:
        assert len(found) > 0
    # Each example prints something of the sample's flagged drugs or patients.
    assert re.search(r"P0\d\d|statin|hydrochlorothiazide|high|moderate", printed), printed
