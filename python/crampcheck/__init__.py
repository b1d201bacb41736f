"""crampcheck: screen medication lists for drugs associated with nocturnal leg cramps, and warn
about quinine. The same library as the `crampcheck` CLI, in process.

    >>> import crampcheck
    >>> [r["status"] for r in crampcheck.screen(["lipitor"])]
    ['flagged']

- ``screen(texts)``: a list of dicts, one per finding.
- ``screen_arrow(batch, medication=..., keys=[...])``: a pyarrow RecordBatch (or Table), one row
  per finding, your key columns carried.
- ``crampcheck.spark.screen(df, medication=..., keys=[...])``: the same over Spark's mapInArrow.

Every entry yields at least one record: ``flagged``, ``warning`` (quinine), ``review``,
``clear``, ``unrecognized``, or ``error`` (a missing, empty or overlong entry). Decision support
for professionals, not medical advice.
"""

from ._native import DISCLAIMER
from ._native import LEAN as _LEAN
from ._native import fields as _fields
from ._native import screen as _screen
from ._native import screen_buffers as _screen_buffers

__all__ = ["DISCLAIMER", "FIELDS", "LEAN_FIELDS", "LEAN_OMITS", "screen", "screen_arrow"]

_TEXT_FIELDS, _RECORD_FIELDS = _fields()

#: The fields of a record, in order: ``entry`` (the entry's 0-based index in your input),
#: ``finding`` (1, 2… within the entry), then the CLI's record fields from ``input`` to
#: ``citations``. The CLI's ``patient`` and ``row`` are its own numbering of a file's records;
#: here your key columns (``keys=``) and ``entry`` take their place.
FIELDS = tuple(_RECORD_FIELDS)

#: The fields ``lean=True`` keeps besides ``entry`` and ``finding``: the CLI's ``--lean``
#: profile (what a join needs). Everything else depends only on the ingredient or repeats your
#: input: join ``crampcheck list --format csv`` on ``ingredient`` for class, evidence, advice
#: and sources.
LEAN_FIELDS = tuple(f for f in FIELDS if f in _LEAN)

#: The fields ``lean=True`` leaves out.
LEAN_OMITS = tuple(f for f in FIELDS if f not in LEAN_FIELDS and f not in ("entry", "finding"))


def screen(texts):
    """Screens a list of medication texts (None for a missing one).

    Returns one dict per finding, in input order then finding order, with the keys of
    ``FIELDS``; an absent value (no class for a clear drug, no score) is None.
    """
    if isinstance(texts, (str, bytes)):
        raise TypeError("screen() takes a list of texts; for one text, screen([text])")
    return _screen(list(texts))


def _as_keys(keys):
    if keys is None:
        return []
    if isinstance(keys, str):
        return [keys]
    return list(keys)


def screen_arrow(batch, medication="medication", keys=(), lean=False, fields=None):
    """Screens the ``medication`` column of a pyarrow RecordBatch (or Table).

    Returns a RecordBatch (a Table for a Table, a RecordBatchReader streaming the records of a
    RecordBatchReader, one batch at a time) with one row per finding: the ``keys`` columns
    taken from the input row, then ``FIELDS``. Text fields are strings, null when absent;
    ``score`` is a float64; ``entry`` an int64 (the input row), ``finding`` an int32.
    ``lean=True`` keeps only ``LEAN_FIELDS``, the CLI's ``--lean`` profile; ``fields=[...]``
    keeps only those of ``FIELDS`` (as the CLI's ``--fields``), ``entry`` and ``finding`` always.
    """
    import pyarrow as pa
    import pyarrow.compute  # noqa: F401 (pa.compute)

    keys = _as_keys(keys)
    omit = _chosen(lean, fields)
    if isinstance(batch, pa.Table):
        batches = batch.to_batches() or [
            pa.RecordBatch.from_arrays([pa.array([], f.type) for f in batch.schema], schema=batch.schema)
        ]
        parts, start = [], 0
        for b in batches:
            part = _screen_batch(pa, b, medication, keys, omit)
            if start:
                # Each batch numbers its own rows: `entry` becomes the table's row.
                i = part.schema.get_field_index("entry")
                part = part.set_column(i, "entry", pa.compute.add(part.column(i), start))
            parts.append(part)
            start += b.num_rows
        return pa.Table.from_batches(parts)
    if isinstance(batch, pa.RecordBatchReader):
        return _stream(pa, batch, medication, keys, omit)
    if not isinstance(batch, pa.RecordBatch):
        raise TypeError(f"screen_arrow() takes a pyarrow RecordBatch or Table, not {type(batch).__name__}")
    return _screen_batch(pa, batch, medication, keys, omit)


def _chosen(lean, fields):
    """The fields left out, from ``lean`` and ``fields``."""
    if fields is None:
        return set(LEAN_OMITS) if lean is True else set(lean or ())
    fields = [fields] if isinstance(fields, str) else list(fields)
    unknown = [f for f in fields if f not in FIELDS]
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r} (the fields are {', '.join(FIELDS)})")
    out = {f for f in FIELDS if f not in fields and f not in ("entry", "finding")}
    return out | (set(LEAN_OMITS) if lean is True else set())


def _column(pa, batch, medication):
    names = batch.schema.names
    if medication not in names:
        raise KeyError(f"no column {medication!r} (the columns are {', '.join(map(repr, names))})")
    col = batch.column(names.index(medication))
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        # string_view, dictionary, null, numbers…: as text, computed by Arrow.
        col = col.cast(pa.large_string())
    return col


def _screen_batch(pa, batch, medication, keys, omit=frozenset()):
    for k in keys:
        if k not in batch.schema.names:
            raise KeyError(f"no key column {k!r} (the columns are {', '.join(map(repr, batch.schema.names))})")
        if k in FIELDS:
            raise ValueError(f"key column {k!r} has the name of a record field; rename it first")
    col = _column(pa, batch, medication)
    validity, offsets, data = col.buffers()[:3]
    if data is None:
        data = pa.py_buffer(b"")
    large = pa.types.is_large_string(col.type)
    if col.null_count == 0:
        validity = None
    # Only the text fields the caller keeps are filled in Rust (evidence and citations are
    # most of a record's bytes).
    keep = [f for f in _TEXT_FIELDS if f not in omit]
    d = _screen_buffers(offsets, data, validity, col.offset, len(col), large, keep)
    return _assemble(pa, batch, keys, d, omit)


def _assemble(pa, batch, keys, d, omit=frozenset()):
    n, m = d["distinct_len"], d["records"]
    buf = pa.py_buffer
    columns = {}
    for name, (offsets, data, validity, nulls) in zip(_TEXT_FIELDS, d["text"]):
        columns[name] = pa.StringArray.from_buffers(n, buf(offsets), buf(data), buf(validity), nulls)
    values, validity, nulls = d["score"]
    columns["score"] = pa.Array.from_buffers(pa.float64(), n, [buf(validity), buf(values)], null_count=nulls)
    names = [f for f in FIELDS if f in columns and f not in omit]
    distinct = pa.RecordBatch.from_arrays([columns[f] for f in names], names=names)
    if d["record_bytes"] >= 2**31 - 1:
        # More than i32 offsets hold once taken: the taken columns are large strings.
        distinct = distinct.cast(pa.schema([
            pa.field(f, pa.large_string() if f in _TEXT_FIELDS else pa.float64()) for f in names
        ]))
    which = pa.Array.from_buffers(pa.int32(), m, [None, buf(d["distinct"])])
    entry = pa.Array.from_buffers(pa.int64(), m, [None, buf(d["entry"])])
    finding = pa.Array.from_buffers(pa.int32(), m, [None, buf(d["finding"])])
    fields = distinct.take(which)
    arrays, out_names = [], []
    if keys:
        carried = batch.select(keys).take(entry)
        arrays += list(carried.columns)
        out_names += keys
    arrays += [entry, finding] + list(fields.columns)
    out_names += ["entry", "finding"] + names
    return pa.RecordBatch.from_arrays(arrays, names=out_names)


def _schema(pa, schema, keys, omit):
    """The schema of the records of a batch with this schema."""
    fields = [schema.field(k) for k in keys]
    for name in FIELDS:
        if name in omit:
            continue
        kind = {"entry": pa.int64(), "finding": pa.int32(), "score": pa.float64()}.get(name, pa.string())
        fields.append(pa.field(name, kind))
    return pa.schema(fields)


def _stream(pa, reader, medication, keys, omit):
    schema = _schema(pa, reader.schema, keys, omit)

    def batches():
        start = 0
        for b in reader:
            part = _screen_batch(pa, b, medication, keys, omit)
            if start:
                i = part.schema.get_field_index("entry")
                part = part.set_column(i, "entry", pa.compute.add(part.column(i), start))
            start += b.num_rows
            yield part if part.schema == schema else part.cast(schema)

    return pa.RecordBatchReader.from_batches(schema, batches())
