//! `crampcheck._native`: the Python module over the crampcheck library — a list of texts to
//! dicts, and an Arrow string column (its buffers) to the columns of [`crampcheck::frame`],
//! handed back as bytes that pyarrow wraps without parsing. Screening runs with the GIL
//! released; the screener (knowledge base, names, cache) is built once per process.

use std::sync::OnceLock;

use crampcheck::frame::{ArrowStrings, Frame, Screener, StringColumn, TEXT_FIELDS, field_names};
use pyo3::buffer::PyBuffer;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PySlice};

static SCREENER: OnceLock<Result<Screener, String>> = OnceLock::new();

fn screener() -> PyResult<&'static Screener> {
    SCREENER
        .get_or_init(|| Screener::builtin().map_err(|e| format!("{e:#}")))
        .as_ref()
        .map_err(|e| PyRuntimeError::new_err(e.clone()))
}

/// Bytes `from..to` of a Python buffer (a pyarrow Buffer, a memoryview…), copied: the object
/// is sliced first (a pyarrow Buffer and a memoryview slice without copying), so only the bytes
/// needed are copied.
fn copy_range(
    py: Python<'_>,
    buf: &Bound<'_, PyAny>,
    from: u64,
    to: u64,
    what: &str,
) -> PyResult<Vec<u8>> {
    let size = buf.len()?;
    let range = usize::try_from(from).ok().zip(usize::try_from(to).ok());
    let Some((a, b)) = range.filter(|&(a, b)| a <= b && b <= size) else {
        return Err(PyValueError::new_err(format!(
            "the {what} buffer ({size} bytes) does not hold bytes {from}..{to}"
        )));
    };
    let isize = |n: usize| isize::try_from(n).map_err(|e| PyValueError::new_err(e.to_string()));
    let part = buf.get_item(PySlice::new(py, isize(a)?, isize(b)?, 1))?;
    // A pyarrow Buffer exports signed bytes (format `b`), bytes and memoryviews unsigned ones.
    match PyBuffer::<u8>::get(&part) {
        Ok(b) => b.to_vec(py),
        Err(_) => Ok(PyBuffer::<i8>::get(&part)?
            .to_vec(py)?
            .into_iter()
            .map(|b| b.to_ne_bytes()[0])
            .collect()),
    }
}

fn bytes<'py>(py: Python<'py>, b: &[u8]) -> Bound<'py, PyBytes> {
    PyBytes::new(py, b)
}

fn le<T: Copy, const N: usize>(values: &[T], f: impl Fn(T) -> [u8; N]) -> Vec<u8> {
    values.iter().flat_map(|&v| f(v)).collect()
}

fn bitmap(present: &[bool]) -> Vec<u8> {
    let mut bits = vec![0u8; present.len().div_ceil(8)];
    for (i, _) in present.iter().enumerate().filter(|(_, p)| **p) {
        bits[i / 8] |= 1 << (i % 8);
    }
    bits
}

fn string_column<'py>(py: Python<'py>, c: &StringColumn) -> PyResult<Bound<'py, PyAny>> {
    (
        bytes(py, &c.offsets),
        bytes(py, &c.data),
        bytes(py, &c.validity),
        c.nulls,
    )
        .into_pyobject(py)
        .map(Bound::into_any)
}

/// A frame as a dict of little-endian buffers: `entry` (int64), `finding` and `distinct`
/// (int32) per record; per distinct finding `text` (one `(offsets, data, validity, nulls)` per
/// text field) and `score` (`(float64 values, validity, nulls)`); and the counts.
fn frame_dict<'py>(py: Python<'py>, f: &Frame) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("records", f.len())?;
    d.set_item("distinct_len", f.distinct_len())?;
    d.set_item("record_bytes", f.record_bytes)?;
    d.set_item("entry", bytes(py, &le(&f.entry, i64::to_le_bytes)))?;
    d.set_item("finding", bytes(py, &le(&f.finding, i32::to_le_bytes)))?;
    d.set_item("distinct", bytes(py, &le(&f.distinct, i32::to_le_bytes)))?;
    let text = PyList::empty(py);
    for c in &f.text {
        text.append(string_column(py, c)?)?;
    }
    d.set_item("text", text)?;
    let nulls = f.score.1.iter().filter(|p| !**p).count();
    d.set_item(
        "score",
        (
            bytes(py, &le(&f.score.0, f64::to_le_bytes)),
            bytes(py, &bitmap(&f.score.1)),
            nulls,
        ),
    )?;
    Ok(d)
}

/// The names of the text fields (in their column order) and of every record field in order.
#[pyfunction]
fn fields() -> (Vec<&'static str>, Vec<&'static str>) {
    (TEXT_FIELDS.to_vec(), field_names())
}

/// Screens a list of texts (`None` for a missing one): one dict per finding, with `entry` (the
/// text's index), `finding` (1, 2… within it) and the record's fields; an absent value is None.
#[pyfunction]
fn screen<'py>(py: Python<'py>, texts: Vec<Option<String>>) -> PyResult<Bound<'py, PyList>> {
    let s = screener()?;
    let frame = py.detach(|| s.screen(texts.iter().map(Option::as_deref)));
    let names = field_names();
    let out = PyList::empty(py);
    for r in 0..frame.len() {
        let d = PyDict::new(py);
        for &name in &names {
            let value = frame.get(r, name).unwrap_or_default();
            match name {
                "entry" => d.set_item(name, frame.entry.get(r).copied())?,
                "finding" => d.set_item(name, frame.finding.get(r).copied())?,
                "score" => d.set_item(name, value.parse::<f64>().ok())?,
                _ if value.is_empty() => d.set_item(name, py.None())?,
                _ => d.set_item(name, value)?,
            }
        }
        out.append(d)?;
    }
    Ok(out)
}

/// Screens an Arrow string column given by its buffers: `offsets` (int32, or int64 when
/// `large`), `data`, `validity` (or None), the array's `offset` and `length`; `keep`, when
/// given, names the text fields to fill (the others come back null). Returns the frame's
/// buffers (see `frame_dict`).
#[pyfunction]
#[pyo3(signature = (offsets, data, validity, offset, length, large, keep=None))]
#[allow(clippy::too_many_arguments)]
fn screen_buffers<'py>(
    py: Python<'py>,
    offsets: &Bound<'py, PyAny>,
    data: &Bound<'py, PyAny>,
    validity: Option<&Bound<'py, PyAny>>,
    offset: u64,
    length: u64,
    large: bool,
    keep: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyDict>> {
    let s = screener()?;
    let keep: Vec<bool> = TEXT_FIELDS
        .iter()
        .map(|f| keep.as_ref().is_none_or(|k| k.iter().any(|n| n == f)))
        .collect();
    let w = if large { 8 } else { 4 };
    let offsets = copy_range(
        py,
        offsets,
        offset * w,
        (offset + length + 1) * w,
        "offsets",
    )?;
    let len = usize::try_from(length).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let (first, last) = ArrowStrings::data_range(&offsets, large, len)
        .map_err(|e| PyValueError::new_err(format!("{e:#}")))?;
    let data = copy_range(py, data, first, last, "data")?;
    let validity = match validity {
        Some(v) => {
            let from = offset / 8;
            let to = (offset + length).div_ceil(8);
            Some(copy_range(py, v, from, to, "validity")?)
        }
        None => None,
    };
    let bit = usize::try_from(offset % 8).unwrap_or(0);
    let frame = py.detach(|| {
        let col = ArrowStrings {
            offsets: &offsets,
            large,
            data: &data,
            validity: validity.as_deref().map(|v| (v, bit)),
            len,
        };
        col.values().map(|values| s.screen_keeping(values, &keep))
    });
    let frame = frame.map_err(|e| PyValueError::new_err(format!("{e:#}")))?;
    frame_dict(py, &frame)
}

/// The Python module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(fields, m)?)?;
    m.add_function(wrap_pyfunction!(screen, m)?)?;
    m.add_function(wrap_pyfunction!(screen_buffers, m)?)?;
    m.add("DISCLAIMER", crampcheck::report::DISCLAIMER)?;
    // The CLI's `--lean` profile, so that `lean=True` keeps the same fields.
    let lean: Vec<&str> = crampcheck::report::fields::LEAN
        .iter()
        .map(|f| f.name())
        .collect();
    m.add("LEAN", lean)?;
    Ok(())
}
