//! Flat byte tables read in place: little-endian `u32` arrays and string tables packed into one
//! buffer of sections, so that the compiled vocabulary needs no parsing at start-up.

/// Builds a blob: a count of sections, their end offsets, then the sections back to back.
#[derive(Debug, Default)]
pub struct BlobWriter {
    sections: Vec<Vec<u8>>,
}

impl BlobWriter {
    /// Adds a `u32` array section; returns its index.
    pub fn u32s(&mut self, values: &[u32]) -> usize {
        let mut bytes = Vec::with_capacity(values.len() * 4);
        for v in values {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        self.sections.push(bytes);
        self.sections.len() - 1
    }

    /// Adds a string table (two sections: end offsets, then the bytes); returns the first index.
    pub fn strings<S: AsRef<str>>(&mut self, strings: &[S]) -> usize {
        let mut ends = Vec::with_capacity(strings.len());
        let mut bytes = Vec::new();
        for s in strings {
            bytes.extend_from_slice(s.as_ref().as_bytes());
            ends.push(u32::try_from(bytes.len()).unwrap_or(u32::MAX));
        }
        let first = self.u32s(&ends);
        self.sections.push(bytes);
        first
    }

    /// The finished blob.
    #[must_use]
    pub fn finish(self) -> Vec<u8> {
        let mut out = Vec::new();
        let count = u32::try_from(self.sections.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&count.to_le_bytes());
        let mut end = 0u32;
        for s in &self.sections {
            end = end.saturating_add(u32::try_from(s.len()).unwrap_or(u32::MAX));
            out.extend_from_slice(&end.to_le_bytes());
        }
        for s in self.sections {
            out.extend_from_slice(&s);
        }
        out
    }
}

/// Reads a blob made by [`BlobWriter`]. Out-of-range reads give zero or empty values instead of
/// panicking, so a corrupt blob cannot crash the program.
#[derive(Clone, Copy, Debug)]
pub struct Blob<'a> {
    bytes: &'a [u8],
}

/// A `u32` array section.
#[derive(Clone, Copy, Debug)]
pub struct U32s<'a> {
    bytes: &'a [u8],
}

impl U32s<'_> {
    /// Number of values.
    #[must_use]
    pub fn len(&self) -> usize {
        self.bytes.len() / 4
    }

    /// Whether the array is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.bytes.len() < 4
    }

    /// Value `i` (0 when out of range).
    #[must_use]
    pub fn get(&self, i: usize) -> u32 {
        self.bytes
            .get(i * 4..i * 4 + 4)
            .and_then(|b| b.try_into().ok())
            .map_or(0, u32::from_le_bytes)
    }
}

impl<'a> U32s<'a> {
    /// The bytes of values `start..end` (little-endian, four each; empty when out of range).
    #[must_use]
    pub fn raw(&self, start: usize, end: usize) -> &'a [u8] {
        self.bytes.get(start * 4..end * 4).unwrap_or_default()
    }

    /// Values `start..end`, as an iterator over the bytes in place.
    pub fn range(&self, start: usize, end: usize) -> impl Iterator<Item = u32> + 'a {
        self.raw(start, end)
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
    }
}

/// A string table. Its text is checked to be UTF-8 once, when the table is opened.
#[derive(Clone, Copy, Debug)]
pub struct Strings<'a> {
    ends: U32s<'a>,
    text: &'a str,
}

impl<'a> Strings<'a> {
    /// Number of strings.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the table is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// All the strings' text, back to back.
    #[must_use]
    pub fn text(&self) -> &'a str {
        self.text
    }

    fn span(&self, i: usize) -> (usize, usize) {
        let start = if i == 0 {
            0
        } else {
            self.ends.get(i - 1) as usize
        };
        (start, self.ends.get(i) as usize)
    }

    /// String `i` (empty when out of range).
    #[must_use]
    pub fn get(&self, i: usize) -> &'a str {
        let (start, end) = self.span(i);
        self.text.get(start..end).unwrap_or_default()
    }

    /// The length in bytes of string `i`, without slicing it.
    #[must_use]
    pub fn len_of(&self, i: usize) -> usize {
        let (start, end) = self.span(i);
        end.saturating_sub(start)
    }

    /// Index of `key` in a table sorted by byte order.
    #[must_use]
    pub fn find(&self, key: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.get(mid).cmp(key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// First index whose string is not less than `key` (tables sorted by byte order).
    #[must_use]
    pub fn lower_bound(&self, key: &str) -> usize {
        self.lower_bound_in(0, self.len(), key)
    }

    /// [`Strings::lower_bound`] when it is known to be in `lo..=hi`: the first index of that
    /// range whose string is not less than `key`, or `hi`.
    #[must_use]
    pub fn lower_bound_in(&self, lo: usize, hi: usize, key: &str) -> usize {
        let (mut lo, mut hi) = (lo, hi.min(self.len()));
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.get(mid) < key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }
}

impl<'a> Blob<'a> {
    /// A reader over `bytes`.
    #[must_use]
    pub fn new(bytes: &'a [u8]) -> Blob<'a> {
        Blob { bytes }
    }

    fn section(&self, i: usize) -> &'a [u8] {
        let header = U32s {
            bytes: self.bytes.get(4..).unwrap_or_default(),
        };
        let count = U32s { bytes: self.bytes }.get(0) as usize;
        if i >= count {
            return &[];
        }
        let base = 4 + 4 * count;
        let start = if i == 0 {
            0
        } else {
            header.get(i - 1) as usize
        };
        let end = header.get(i) as usize;
        self.bytes.get(base + start..base + end).unwrap_or_default()
    }

    /// The `u32` array in section `i`.
    #[must_use]
    pub fn u32s(&self, i: usize) -> U32s<'a> {
        U32s {
            bytes: self.section(i),
        }
    }

    /// The string table starting at section `i` (empty if its text is not UTF-8).
    #[must_use]
    pub fn strings(&self, i: usize) -> Strings<'a> {
        let text = std::str::from_utf8(self.section(i + 1)).unwrap_or_default();
        self.strings_with_text(i, text)
    }

    /// The string table starting at section `i`, with its text already checked: the text of a
    /// table read before with [`Blob::strings`] (see [`Strings::text`]), kept to skip the check.
    #[must_use]
    pub fn strings_with_text(&self, i: usize, text: &'a str) -> Strings<'a> {
        Strings {
            ends: self.u32s(i),
            text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_round_trip() {
        let mut w = BlobWriter::default();
        let a = w.u32s(&[1, 2, 300_000]);
        let s = w.strings(&["alpha", "beta", ""]);
        let bytes = w.finish();
        let b = Blob::new(&bytes);
        assert_eq!((b.u32s(a).len(), b.u32s(a).get(2)), (3, 300_000));
        assert_eq!(b.strings(s).get(1), "beta");
        assert_eq!(b.strings(s).get(2), "");
        assert_eq!(b.strings(s).find("beta"), Some(1));
        assert_eq!(b.strings(s).lower_bound("b"), 1);
    }

    #[test]
    fn a_corrupt_blob_reads_as_empty_instead_of_panicking() {
        let b = Blob::new(&[9, 0, 0, 0, 1]);
        assert!(b.u32s(3).is_empty());
        assert_eq!(b.strings(0).get(5), "");
    }
}
