"""crampcheck.screen and crampcheck.screen_arrow: the same records as the CLI, keys carried,
every entry accounted for (nulls, empty and overlong entries), slices read right."""

import csv
import json
import subprocess

import pyarrow as pa
import pytest

import crampcheck


def by_entry(records):
    out = {}
    for r in records:
        out.setdefault(r["entry"], []).append(r)
    return out


def test_a_list_gives_one_dict_per_finding_numbered_within_its_entry():
    records = crampcheck.screen(["lipitor", "hctz 25", "losartan/hctz 100-25"])
    entries = by_entry(records)
    assert sorted(entries) == [0, 1, 2]
    assert [r["finding"] for r in entries[2]] == list(range(1, len(entries[2]) + 1))
    lipitor = entries[0][0]
    assert (lipitor["status"], lipitor["ingredient"], lipitor["class"]) == ("flagged", "atorvastatin", "statin")
    assert lipitor["input"] == "lipitor" and lipitor["score"] == 1.0
    assert lipitor["evidence"] and lipitor["citations"] and lipitor["sources"]
    assert set(lipitor) == set(crampcheck.FIELDS)
    assert entries[1][0]["ingredient"] == "hydrochlorothiazide"


def test_quinine_warns():
    (r,) = crampcheck.screen(["quinine sulfate 324 MG Oral Capsule"])
    assert r["status"] == "warning" and r["ingredient"] == "quinine"
    assert r["evidence"] and r["sources"]


@pytest.mark.parametrize("text", ["losartan/hctz 100-25", "Atacand Plus 16/12.5", "Dyazide"])
def test_a_hctz_combination_flags_its_diuretic(text):
    found = {(r["status"], r["ingredient"]) for r in crampcheck.screen([text])}
    assert ("flagged", "hydrochlorothiazide") in found, found


def test_quinidine_is_not_quinine():
    statuses = {r["ingredient"]: r["status"] for r in crampcheck.screen(["quinidine gluconate 324 mg"])}
    assert statuses.get("quinine") is None, statuses


def test_missing_empty_and_overlong_entries_are_error_records():
    long = "atorvastatin " * 100
    records = crampcheck.screen([None, "", "   ", long, "lipitor"])
    entries = by_entry(records)
    assert sorted(entries) == [0, 1, 2, 3, 4]
    for i in (0, 1, 2):
        assert [(r["status"], r["note"]) for r in entries[i]] == [("error", "missing medication")]
    (over,) = entries[3]
    assert over["status"] == "error" and over["note"].startswith("entry longer than 1024 bytes")
    assert over["input"].endswith("…") and len(over["input"].encode()) <= 1024 + 3
    assert entries[4][0]["status"] == "flagged"


def test_a_single_string_is_refused_not_screened_letter_by_letter():
    with pytest.raises(TypeError):
        crampcheck.screen("lipitor")


def table(rows):
    return pa.RecordBatch.from_pylist(rows, schema=pa.schema([("patient_id", pa.string()),
                                                                ("medication", pa.string()),
                                                                ("n", pa.int64())]))


ROWS = [
    {"patient_id": "P1", "medication": "lipitor", "n": 1},
    {"patient_id": "P1", "medication": None, "n": 2},
    {"patient_id": "P2", "medication": "", "n": 3},
    {"patient_id": "P2", "medication": "losartan/hctz 100-25", "n": 4},
    {"patient_id": "P3", "medication": "x" * 2000, "n": 5},
    {"patient_id": "P3", "medication": "quinine 324 mg", "n": 6},
    {"patient_id": "P4", "medication": 'Atacand "Plus"\n16/12.5', "n": 7},
    {"patient_id": None, "medication": "metformin 500 mg", "n": 8},
    {"patient_id": "P5", "medication": "lipitor", "n": 9},
    {"patient_id": "P5", "medication": "xyzzy", "n": 10},
]


def test_screen_arrow_carries_keys_and_accounts_for_every_row():
    batch = table(ROWS)
    out = crampcheck.screen_arrow(batch, medication="medication", keys=["patient_id", "n"])
    assert out.schema.names == ["patient_id", "n"] + list(crampcheck.FIELDS)
    assert out.schema.field("n").type == pa.int64()
    assert out.schema.field("score").type == pa.float64()
    got = out.to_pylist()
    assert sorted({r["entry"] for r in got}) == list(range(len(ROWS)))
    for r in got:
        row = ROWS[r["entry"]]
        assert (r["patient_id"], r["n"]) == (row["patient_id"], row["n"])
    statuses = {r["n"]: r["status"] for r in got if r["finding"] == 1}
    assert statuses[2] == statuses[3] == statuses[5] == "error"
    assert statuses[6] == "warning" and statuses[1] == "flagged"
    assert ("flagged", "hydrochlorothiazide") in {(r["status"], r["ingredient"]) for r in got if r["n"] == 7}


def test_screen_arrow_gives_the_records_of_screen():
    batch = table(ROWS)
    arrow = crampcheck.screen_arrow(batch).to_pylist()
    listed = crampcheck.screen([r["medication"] for r in ROWS])
    assert arrow == listed


def test_a_sliced_batch_is_read_from_its_offset():
    batch = table(ROWS * 3)
    whole = crampcheck.screen_arrow(batch, keys=["n"]).to_pylist()
    for start, length in [(1, 5), (3, 17), (9, 1), (13, 0), (7, 23)]:
        part = batch.slice(start, length)
        assert part.column(1).offset == start
        got = crampcheck.screen_arrow(part, keys=["n"]).to_pylist()
        want = [dict(r, entry=r["entry"] - start) for r in whole if start <= r["entry"] < start + length]
        assert got == want, (start, length)


def test_other_string_layouts_give_the_same_records():
    batch = table(ROWS)
    want = crampcheck.screen_arrow(batch, keys=["n"]).to_pylist()
    large = batch.cast(pa.schema([("patient_id", pa.string()), ("medication", pa.large_string()), ("n", pa.int64())]))
    assert crampcheck.screen_arrow(large, keys=["n"]).to_pylist() == want
    encoded = pa.RecordBatch.from_arrays([batch.column(0), batch.column(1).dictionary_encode(), batch.column(2)],
                                         names=batch.schema.names)
    assert crampcheck.screen_arrow(encoded, keys=["n"]).to_pylist() == want
    chunked = pa.Table.from_batches([batch.slice(0, 4), batch.slice(4)])
    out = crampcheck.screen_arrow(chunked, keys=["n"])
    assert isinstance(out, pa.Table) and out.to_pylist() == want


def test_an_empty_batch_gives_no_records_and_the_schema():
    out = crampcheck.screen_arrow(table([]), keys=["patient_id"])
    assert out.num_rows == 0 and out.schema.names == ["patient_id"] + list(crampcheck.FIELDS)


def test_lean_keeps_the_fields_of_the_cli_lean_profile():
    out = crampcheck.screen_arrow(table(ROWS), keys=["n"], lean=True)
    assert not set(crampcheck.LEAN_OMITS) & set(out.schema.names)
    # The CLI's --lean: patient,row,finding,status,ingredient,level,match (keys and entry stand
    # for patient and row here).
    assert out.schema.names == ["n", "entry", "finding", "status", "ingredient", "level", "match"]


def test_fields_chooses_the_fields_as_the_cli_does():
    out = crampcheck.screen_arrow(table(ROWS), keys=["n"], fields=["status", "ingredient"])
    assert out.schema.names == ["n", "entry", "finding", "status", "ingredient"]
    full = crampcheck.screen_arrow(table(ROWS), keys=["n"])
    assert out.column("ingredient").equals(full.column("ingredient"))
    with pytest.raises(ValueError, match="colour"):
        crampcheck.screen_arrow(table(ROWS), fields=["colour"])


def test_bad_arguments_are_clear_errors():
    with pytest.raises(KeyError, match="drug"):
        crampcheck.screen_arrow(table(ROWS), medication="drug")
    with pytest.raises(KeyError, match="nope"):
        crampcheck.screen_arrow(table(ROWS), keys=["nope"])
    clash = pa.RecordBatch.from_pylist([{"medication": "lipitor", "status": "x"}])
    with pytest.raises(ValueError, match="status"):
        crampcheck.screen_arrow(clash, keys=["status"])


def cli_records(binary, tmp_path, rows):
    """The CLI's JSONL records for these (patient, medication) rows, read from a CSV."""
    path = tmp_path / "in.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["patient_id", "medication"])
        w.writerows(rows)
    out = subprocess.run([binary, "batch", str(path), "-f", "jsonl"], capture_output=True, text=True)
    assert out.returncode in (0, 2, 3), out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_the_records_are_the_cli_records(binary, tmp_path):
    texts = ["lipitor", "hctz 25mg", "Atacand Plus 16/12.5", "quinine", "xyzzy", "metformin 500 mg",
             "ibersartan/hydrochlorothiazide", "Advare", "  furosemide 40 mg  ", "naproxen sodium 220"]
    cli = cli_records(binary, tmp_path, [(f"P{i}", t) for i, t in enumerate(texts)])
    ours = crampcheck.screen(texts)
    assert len(cli) == len(ours)
    for c, o in zip(cli, ours):
        assert c["row"] == o["entry"] + 1
        for name in crampcheck.FIELDS:
            if name in ("entry", "finding") and name not in c:
                continue  # `finding` comes with the CLI's new record model
            # The CLI's JSON writes null where a value is absent and an array for a list field;
            # here a list is its items joined as in the CLI's CSV (None when empty).
            value = c[name]
            if isinstance(value, list):
                value = (" | " if name in ("candidates", "citations") else "; ").join(value)
            assert (value if value not in ("", None) else None) == o[name], (o["input"], name)
