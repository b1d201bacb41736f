"""crampcheck over Spark: ``screen(df, medication=..., keys=[...])`` screens a DataFrame's
medication column with ``mapInArrow``, in each Python worker, through the same library as the
CLI (no subprocess, no text parsing).

The result has one row per finding: the ``keys`` columns, then ``finding`` and the record fields
of ``crampcheck.FIELDS`` from ``input`` on. ``entry`` (a row number within one Arrow batch) means
nothing across a DataFrame and is left out: your keys and ``finding`` identify a record.

The workers need crampcheck and pyarrow installed in the Python that Spark runs
(``PYSPARK_PYTHON``).
"""

import crampcheck

__all__ = ["screen", "schema"]

_ARROW_TYPES = {"finding": "int32", "score": "float64"}


def schema(df, keys=(), lean=False, fields=None):
    """The Spark schema of ``screen(df, keys=keys)``."""
    from pyspark.sql.types import DoubleType, IntegerType, StringType, StructField, StructType

    keys = crampcheck._as_keys(keys)
    omitted = crampcheck._chosen(lean, fields)
    by_name = {f.name: f for f in df.schema.fields}
    for k in keys:
        if k not in by_name:
            raise KeyError(f"no key column {k!r} (the columns are {', '.join(map(repr, by_name))})")
    fields = [by_name[k] for k in keys]
    for name in crampcheck.FIELDS:
        if name == "entry" or name in omitted:
            continue
        kind = {"finding": IntegerType(), "score": DoubleType()}.get(name, StringType())
        fields.append(StructField(name, kind, nullable=True))
    return StructType(fields)


def screen(df, medication="medication", keys=(), lean=False, fields=None):
    """Screens ``df[medication]``: a DataFrame with one row per finding (see the module's
    docstring); ``lean=True`` leaves out ``crampcheck.LEAN_OMITS``, ``fields=[...]`` keeps
    only those fields (``finding`` always). Lazy, like any transformation."""
    keys = crampcheck._as_keys(keys)
    if medication not in df.columns:
        raise KeyError(f"no column {medication!r} (the columns are {', '.join(map(repr, df.columns))})")
    out_schema = schema(df, keys, lean, fields)
    # Only the columns needed travel to the workers.
    wanted = list(dict.fromkeys(keys + [medication]))
    names = [f.name for f in out_schema.fields]

    def run(batches):
        import crampcheck as cc

        for batch in batches:
            out = cc.screen_arrow(batch, medication=medication, keys=keys, lean=lean, fields=fields)
            yield out.select(names)

    return df.select(*wanted).mapInArrow(run, out_schema)
