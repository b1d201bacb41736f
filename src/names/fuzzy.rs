//! Approximate name search: a bigram index over every compact name key, filtered by the q-gram
//! lemma, then scored by optimal-string-alignment distance on the spelling and on a phonetic key.

use super::blob::{Blob, BlobWriter, Strings, U32s};
use super::skeleton::{self, SkeletonIndex};

/// One approximate match.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    /// Position of the key in the index (see [`FuzzyIndex::value`]).
    pub slot: usize,
    /// Edit distance; a difference only in sound counts half an edit more than the phonetic distance.
    pub distance: f32,
    /// Similarity from 0 to 1: `1 - distance / longer length`.
    pub score: f32,
}

impl Hit {
    /// The order of search results: nearest first, then higher score, then lower slot.
    #[must_use]
    pub fn best_first(a: &Hit, b: &Hit) -> std::cmp::Ordering {
        a.distance
            .total_cmp(&b.distance)
            .then(b.score.total_cmp(&a.score))
            .then(a.slot.cmp(&b.slot))
    }
}

const BIGRAMS: usize = 26 * 26;
/// Postings are grouped by the key's first letter (`a` to `z`, then one group for every other
/// first byte), because a search reads only the keys starting with one of a few letters.
const GROUPS: usize = 27;
const BUCKETS: usize = GROUPS * BIGRAMS;
/// Key lengths as postings hold them: 63 stands for 63 bytes and more.
const LENGTHS: usize = 64;
/// A posting is a slot with its key's length ([`LENGTHS`] - 1 at most) in the top bits, so that
/// a bucket sorted by posting is sorted by length and the keys of a plausible length are one run.
const LENGTH_SHIFT: u32 = 26;
const SLOT_MASK: u32 = (1 << LENGTH_SHIFT) - 1;
/// The most keys an index holds (further keys are left out of the postings).
pub const MAX_KEYS: usize = 1 << LENGTH_SHIFT;

/// Where the string tables of an index start, counted from its first section.
const KEYS_AT: usize = 0;
const PHONETIC_AT: usize = 5;

/// The group of keys whose first byte is `first`.
fn group(first: u8) -> usize {
    if first.is_ascii_lowercase() {
        usize::from(first - b'a')
    } else {
        GROUPS - 1
    }
}

fn bucket(group: usize, bigram: usize) -> usize {
    group * BIGRAMS + bigram
}

/// A slot and its key's length, as a posting.
fn posting(slot: u32, len: usize) -> u32 {
    let len = u32::try_from(len.min(LENGTHS - 1)).unwrap_or(0);
    (len << LENGTH_SHIFT) | (slot & SLOT_MASK)
}

/// Per-thread search buffers, kept between searches so that a search allocates only its hits.
#[derive(Default)]
struct Scratch {
    /// Shared-bigram counts, one per key, kept zeroed between searches.
    counts: Vec<u8>,
    /// The postings (slot and length) whose count a search raised from zero.
    touched: Vec<u32>,
    /// Rows for the table OSA (names over 64 bytes).
    rows: [Vec<usize>; 3],
    /// Bit tables of the spelling and sound patterns, kept zeroed between searches (see
    /// [`Pattern`]), 256 words each once a search has run.
    positions: [Vec<u64>; 2],
    /// Which bigrams of the query a search has read, kept all false between searches.
    seen: Vec<bool>,
    /// The query's distinct bigrams.
    bigrams: Vec<usize>,
    /// Posting spans of the query's bigrams (start and end positions), each with the slot range
    /// its postings must fall in (all slots, except in the group of other first bytes).
    spans: Vec<(usize, usize, (u32, u32))>,
    /// The bigrams, rarest first: postings, position in the query, their spans.
    order: Vec<(usize, usize, usize, usize)>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Letter-table entries: the first slot of keys starting with each ASCII byte below 127, and one
/// past (see [`FuzzyIndex::letter_slots`]).
const LETTER_STARTS: usize = 128;

fn bigram(a: u8, b: u8) -> Option<usize> {
    let (a, b) = (a.wrapping_sub(b'a') as usize, b.wrapping_sub(b'a') as usize);
    (a < 26 && b < 26).then_some(a * 26 + b)
}

/// How many distinct bigrams of a-z letters `s` holds.
fn distinct_bigrams(s: &[u8]) -> usize {
    let mut seen = [0u64; BIGRAMS.div_ceil(64)];
    let mut n = 0;
    for w in s.windows(2) {
        if let Some(b) = bigram(w[0], w[1])
            && let Some(word) = seen.get_mut(b / 64)
        {
            let bit = 1u64 << (b % 64);
            n += usize::from(*word & bit == 0);
            *word |= bit;
        }
    }
    n
}

/// Counts a shared bigram for every key of `postings` (the bytes of a span) whose slot is in
/// `lo..hi`, noting in `touched` the keys counted for the first time.
fn count_finding(postings: &[u8], (lo, hi): (u32, u32), counts: &mut [u8], touched: &mut Vec<u32>) {
    // One comparison: a slot below `lo` wraps around to more than the width.
    let width = hi.saturating_sub(lo);
    let postings = postings.as_chunks::<4>().0;
    // Room for every posting, so that each is written before it is known to be new, and kept
    // only if it is.
    let mut n = touched.len();
    touched.resize(n + postings.len(), 0);
    for p in postings {
        let post = u32::from_le_bytes(*p);
        let slot = post & SLOT_MASK;
        if slot.wrapping_sub(lo) >= width {
            continue;
        }
        let Some(c) = counts.get_mut(slot as usize) else {
            continue;
        };
        if let Some(t) = touched.get_mut(n) {
            *t = post;
        }
        n += usize::from(*c == 0);
        *c = c.saturating_add(1);
    }
    touched.truncate(n);
}

/// Counts a shared bigram for the keys of `postings` in `lo..hi` already counted once.
fn count_found(postings: &[u8], (lo, hi): (u32, u32), counts: &mut [u8]) {
    let width = hi.saturating_sub(lo);
    for p in postings.as_chunks::<4>().0 {
        let slot = u32::from_le_bytes(*p) & SLOT_MASK;
        if slot.wrapping_sub(lo) >= width {
            continue;
        }
        if let Some(c) = counts.get_mut(slot as usize)
            && *c != 0
        {
            *c = c.saturating_add(1);
        }
    }
}

/// The steps of a binary search over `n` items, rounded up.
fn ceil_log2(n: usize) -> usize {
    (usize::BITS - n.leading_zeros()) as usize
}

/// How many edits a name of this length may carry and still be recognized: a change means more in
/// a short name, so names of four letters or fewer must be exact.
#[must_use]
pub fn max_edits(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=8 => 1,
        9..=13 => 2,
        _ => 3,
    }
}

/// Adds the sections of a fuzzy index over `entries` (compact lowercase keys, each with a value) to
/// a blob: sorted keys, their values, and bigram postings (by first letter and bigram, each
/// bucket sorted by key length, then slot). Duplicate keys keep their first value; keys beyond
/// [`MAX_KEYS`] have no postings. Returns the index of the first section, for [`FuzzyIndex::read`].
pub fn write_index(w: &mut BlobWriter, mut entries: Vec<(String, u32)>) -> usize {
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.dedup_by(|a, b| a.0 == b.0);
    let mut postings: Vec<Vec<u32>> = vec![Vec::new(); BUCKETS];
    for (slot, (key, _)) in entries.iter().enumerate().take(MAX_KEYS) {
        let slot = u32::try_from(slot).unwrap_or(SLOT_MASK);
        let Some(&first) = key.as_bytes().first() else {
            continue;
        };
        let group = group(first);
        for w in key.as_bytes().windows(2) {
            if let Some(b) = bigram(w[0], w[1]) {
                // Each bigram once per key, so a count is the number of shared distinct bigrams.
                let p = &mut postings[bucket(group, b)];
                let post = posting(slot, key.len());
                // A key's postings go in before the next key's: a repeat is the last one.
                if p.last() != Some(&post) {
                    p.push(post);
                }
            }
        }
    }
    let keys: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    let first = w.strings(&keys);
    w.u32s(&entries.iter().map(|e| e.1).collect::<Vec<_>>());
    let mut ends = Vec::with_capacity(BUCKETS);
    let mut flat = Vec::new();
    for p in &mut postings {
        p.sort_unstable();
        flat.extend_from_slice(p);
        ends.push(u32::try_from(flat.len()).unwrap_or(u32::MAX));
    }
    w.u32s(&ends);
    w.u32s(&flat);
    let phonetic: Vec<String> = keys.iter().map(|k| phonetic_key(k)).collect();
    w.strings(&phonetic);
    // The first slot whose key is not below the one-byte string of each ASCII byte.
    let starts: Vec<u32> = (0..LETTER_STARTS)
        .map(|c| {
            let byte = [u8::try_from(c).unwrap_or(u8::MAX)];
            let letter = std::str::from_utf8(&byte).unwrap_or_default();
            let slot = keys.partition_point(|k| *k < letter);
            u32::try_from(slot).unwrap_or(u32::MAX)
        })
        .collect();
    w.u32s(&starts);
    let (dir, table) = length_tables(&postings);
    w.u32s(&dir);
    w.u32s(&table);
    skeleton::write_index(w, keys.iter().copied().zip(0..));
    first
}

/// Buckets of more postings than this have a length table.
const SMALL_BUCKET: usize = 8;

/// For each bucket of more than [`SMALL_BUCKET`] postings (and fewer than 65,536), where each
/// key length starts: the bucket's lowest length `lo`, then for each length from `lo` to one past
/// its highest the position of its first posting, counted from the bucket's start, as 16-bit
/// entries (two to a word, the first in the low half). Returns the position of each bucket's
/// first entry (the same as the next bucket's when it has none, and one past the last) and the
/// words of entries.
fn length_tables(postings: &[Vec<u32>]) -> (Vec<u32>, Vec<u32>) {
    let len_of = |post: u32| post >> LENGTH_SHIFT;
    let mut dir = Vec::with_capacity(postings.len() + 1);
    let mut entries: Vec<u16> = Vec::new();
    for p in postings {
        dir.push(u32::try_from(entries.len()).unwrap_or(u32::MAX));
        let (Some(&low), Some(&high)) = (p.first(), p.last()) else {
            continue;
        };
        if p.len() <= SMALL_BUCKET || u16::try_from(p.len()).is_err() {
            continue;
        }
        let (lo, hi) = (len_of(low), len_of(high));
        entries.push(u16::try_from(lo).unwrap_or(u16::MAX));
        for len in lo..=hi + 1 {
            let at = p.partition_point(|&x| len_of(x) < len);
            entries.push(u16::try_from(at).unwrap_or(u16::MAX));
        }
    }
    dir.push(u32::try_from(entries.len()).unwrap_or(u32::MAX));
    let table = entries
        .chunks(2)
        .map(|pair| u32::from(pair[0]) | (u32::from(pair.get(1).copied().unwrap_or(0)) << 16))
        .collect();
    (dir, table)
}

/// A fuzzy index read in place from a blob.
#[derive(Clone, Copy, Debug)]
pub struct FuzzyIndex<'a> {
    keys: Strings<'a>,
    values: U32s<'a>,
    ends: U32s<'a>,
    postings: U32s<'a>,
    phonetic: Strings<'a>,
    letter_starts: U32s<'a>,
    /// Where each bucket's length table starts (see [`length_tables`]); empty in an index
    /// written without them, whose spans are then searched.
    length_dir: U32s<'a>,
    length_table: U32s<'a>,
    /// The keys by consonant skeleton (values are slots).
    skeletons: SkeletonIndex<'a>,
}

/// A fuzzy index in a blob of its own (its first section 0), with the text of its string tables
/// checked once, so that opening it again costs no UTF-8 check.
#[derive(Debug)]
pub struct OwnedIndex {
    blob: Vec<u8>,
    keys: Box<str>,
    phonetic: Box<str>,
}

impl OwnedIndex {
    /// Takes a blob made by [`write_index`] into an empty [`BlobWriter`].
    #[must_use]
    pub fn new(blob: Vec<u8>) -> OwnedIndex {
        let index = FuzzyIndex::read(Blob::new(&blob), 0);
        let (keys, phonetic) = (index.keys.text().into(), index.phonetic.text().into());
        OwnedIndex {
            blob,
            keys,
            phonetic,
        }
    }

    /// The index, read in place.
    #[must_use]
    pub fn index(&self) -> FuzzyIndex<'_> {
        let blob = Blob::new(&self.blob);
        FuzzyIndex::read_with(
            blob,
            0,
            blob.strings_with_text(KEYS_AT, &self.keys),
            blob.strings_with_text(PHONETIC_AT, &self.phonetic),
        )
    }
}

impl<'a> FuzzyIndex<'a> {
    /// Reads the index whose first section is `first`.
    #[must_use]
    pub fn read(blob: Blob<'a>, first: usize) -> FuzzyIndex<'a> {
        FuzzyIndex::read_with(
            blob,
            first,
            blob.strings(first + KEYS_AT),
            blob.strings(first + PHONETIC_AT),
        )
    }

    fn read_with(
        blob: Blob<'a>,
        first: usize,
        keys: Strings<'a>,
        phonetic: Strings<'a>,
    ) -> FuzzyIndex<'a> {
        FuzzyIndex {
            keys,
            values: blob.u32s(first + 2),
            ends: blob.u32s(first + 3),
            postings: blob.u32s(first + 4),
            phonetic,
            letter_starts: blob.u32s(first + 7),
            length_dir: blob.u32s(first + 8),
            length_table: blob.u32s(first + 9),
            skeletons: SkeletonIndex::read(blob, first + 10),
        }
    }

    /// Number of keys.
    #[must_use]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the index is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The key in a slot.
    #[must_use]
    pub fn key(&self, slot: usize) -> &'a str {
        self.keys.get(slot)
    }

    /// The keys by consonant skeleton: [`SkeletonIndex::candidates`] gives slots.
    #[must_use]
    pub fn skeletons(&self) -> SkeletonIndex<'a> {
        self.skeletons
    }

    /// The value in a slot.
    #[must_use]
    pub fn value(&self, slot: usize) -> u32 {
        self.values.get(slot)
    }

    /// The postings of a bucket, as a range of posting positions.
    fn bucket_span(&self, bucket: usize) -> (usize, usize) {
        let start = match bucket.checked_sub(1) {
            Some(before) => self.ends.get(before) as usize,
            None => 0,
        };
        (start, (self.ends.get(bucket) as usize).max(start))
    }

    /// The part of a bucket's postings (sorted by length, then slot) whose keys are `lengths`
    /// long: a range of posting positions, found by binary search (a bucket seldom spans more than
    /// a few cache lines).
    fn length_span(
        &self,
        bucket: usize,
        (start, end): (usize, usize),
        lengths: &std::ops::RangeInclusive<usize>,
    ) -> (usize, usize) {
        if self.length_dir.len() == BUCKETS + 1 {
            let (from, to) = (
                self.length_dir.get(bucket) as usize,
                self.length_dir.get(bucket + 1) as usize,
            );
            if to > from + 1 {
                let entry = |i: usize| {
                    let word = self.length_table.get(i / 2);
                    ((word >> (16 * (i % 2))) & 0xffff) as usize
                };
                let lo = entry(from);
                let offsets = to - from - 1;
                // The first position of a key of `len` bytes or more.
                let first_at_least = |len: usize| {
                    let at = match len.checked_sub(lo) {
                        None | Some(0) => 0,
                        Some(i) if i < offsets => entry(from + 1 + i),
                        Some(_) => end - start,
                    };
                    (start + at).min(end)
                };
                return (
                    first_at_least(*lengths.start()),
                    first_at_least(lengths.end() + 1),
                );
            }
        }
        self.length_span_searched((start, end), lengths)
    }

    /// [`FuzzyIndex::length_span`] by binary search.
    fn length_span_searched(
        &self,
        (start, end): (usize, usize),
        lengths: &std::ops::RangeInclusive<usize>,
    ) -> (usize, usize) {
        let first_at_least = |len: usize, lo: usize| {
            let bound = (len as u64) << LENGTH_SHIFT;
            let (mut lo, mut hi) = (lo, end);
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if u64::from(self.postings.get(mid)) < bound {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            lo
        };
        let first = first_at_least(*lengths.start(), start);
        (first, first_at_least(lengths.end() + 1, first))
    }

    /// Whether the postings `start..end` (sorted) hold `post`, by binary search.
    fn holds(&self, start: usize, end: usize, post: u32) -> bool {
        let (mut lo, mut hi) = (start, end);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let p = self.postings.get(mid);
            if p < post {
                lo = mid + 1;
            } else if p > post {
                hi = mid;
            } else {
                return true;
            }
        }
        false
    }

    /// The slot range of keys starting with `letter` (keys are sorted): read from the letter table
    /// for ASCII letters, else by binary search.
    fn letter_slots(&self, letter: u8) -> (usize, usize) {
        let l = usize::from(letter);
        if l + 1 < LETTER_STARTS && self.letter_starts.len() == LETTER_STARTS {
            let start = |l: usize| self.letter_starts.get(l) as usize;
            return (start(l), start(l + 1));
        }
        self.letter_slots_searched(letter)
    }

    /// The slot range of keys whose first byte is `letter`, by binary search over the bytes (a
    /// byte above 127 is not a string of its own, so [`Strings::lower_bound`] cannot be asked).
    fn letter_slots_searched(&self, letter: u8) -> (usize, usize) {
        let first_not_below = |bound: &[u8]| {
            let (mut lo, mut hi) = (0, self.keys.len());
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                if self.keys.get(mid).as_bytes() < bound {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            lo
        };
        let lo = first_not_below(&[letter]);
        let hi = letter
            .checked_add(1)
            .map_or(self.keys.len(), |next| first_not_below(&[next]));
        (lo, hi.max(lo))
    }

    /// Keys within [`max_edits`] of `query` (a compact, lowercase, letters-only string), best first;
    /// keys half an edit beyond (a difference in sound only) are included for tie-breaking.
    ///
    /// Precisely, with `k = max_edits(query.len())` (lengths in bytes; no hits when `k` is 0), a key
    /// is a hit when all of these hold:
    /// - its first byte is the query's, or its [`phonetic_key`] starts as the query's does;
    /// - its length is within `k + 1` of the query's;
    /// - it shares at least `max(1, d - (2k + 1))` distinct bigrams of a-z letters with the
    ///   query, `d` being the larger of the query's and the key's numbers of distinct such
    ///   bigrams;
    /// - its distance is at most `k + 0.5`: the optimal-string-alignment distance of the spellings
    ///   when that is at most 1, else the smaller of it and the OSA distance of the phonetic keys
    ///   plus a half.
    ///
    /// Hits are ordered by distance, then score (higher first), then slot.
    #[must_use]
    pub fn search(&self, query: &str) -> Vec<Hit> {
        self.search_within(query, max_edits(query.len()))
    }

    /// [`FuzzyIndex::search`] with `k` edits instead of [`max_edits`] (for names shown to look
    /// at, one edit further than a match may be).
    #[must_use]
    pub fn search_within(&self, query: &str, k: usize) -> Vec<Hit> {
        if k == 0 || self.keys.is_empty() {
            return Vec::new();
        }
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            if scratch.counts.len() < self.keys.len() {
                scratch.counts.resize(self.keys.len(), 0);
            }
            // search_with zeroes the counts it touched before returning.
            self.search_with(query, k, &mut scratch)
        })
    }

    fn search_with(&self, query: &str, k: usize, scratch: &mut Scratch) -> Vec<Hit> {
        let Scratch {
            counts,
            touched,
            rows,
            positions: [spelling_bits, sound_bits],
            seen,
            bigrams,
            spans,
            order,
        } = scratch;
        let q = query.as_bytes();
        let qp = phonetic_key(query);
        let (Some(spelling), Some(sound)) = (
            Pattern::new(q, spelling_bits),
            Pattern::new(qp.as_bytes(), sound_bits),
        ) else {
            return Vec::new();
        };
        // A key must share the query's first letter, or its first sound: only the keys starting
        // with such letters are read, in the posting groups of those letters. The group of other
        // first bytes holds keys of several: its postings are kept to the letter's slot range
        // (keys are sorted, so each letter is one slot range).
        let mut ranges = [(0, (0, 0)); 5];
        let mut n_ranges = 0;
        let mut add = |letter: u8| {
            let group = group(letter);
            let slots = if group == GROUPS - 1 {
                let (lo, hi) = self.letter_slots(letter);
                let clamp = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
                (clamp(lo), clamp(hi))
            } else {
                (0, u32::MAX)
            };
            ranges[n_ranges] = (group, slots);
            n_ranges += 1;
        };
        if let Some(&first) = q.first() {
            add(first);
        }
        if let Some(&p) = qp.as_bytes().first() {
            let sources: &[u8] = match p {
                b'k' => b"kcqx",
                b's' => b"scz",
                b'f' => b"fp",
                b'i' => b"iy",
                _ => std::slice::from_ref(&p),
            };
            for &l in sources {
                if q.first() != Some(&l) {
                    add(l);
                }
            }
        }
        let ranges = &ranges[..n_ranges];
        // The query's distinct bigrams, in order.
        seen.resize(BIGRAMS, false);
        bigrams.clear();
        for w in q.windows(2) {
            if let Some(b) = bigram(w[0], w[1])
                && !std::mem::replace(&mut seen[b], true)
            {
                bigrams.push(b);
            }
        }
        for &b in bigrams.iter() {
            seen[b] = false;
        }
        // The fewest shared bigrams a key needs (q-gram lemma: an edit destroys at most two
        // bigrams, a transposition three; one transposition is allowed for). Bigrams are counted
        // once each, so the bound starts from the query's distinct bigrams, not its length: a
        // repeated bigram (`ol` in `atenolol`) or a digit must not make it stricter.
        let slack = 2 * k + 1;
        let need_min = bigrams.len().saturating_sub(slack).max(1);
        // A key with `need_min` of the query's bigrams has one of any `len - need_min + 1` of them:
        // the other bigrams only count for keys already found.
        let finders = bigrams.len().saturating_sub(need_min) + 1;
        // Keys of 63 bytes and more share the last length.
        let lengths = q.len().saturating_sub(k + 1).clamp(2, LENGTHS - 1)
            ..=(q.len() + k + 1).min(LENGTHS - 1);
        // Each bigram's posting spans, and how many postings they hold: the rarest bigrams find
        // the candidates, so that fewer keys are found only to be dropped.
        spans.clear();
        order.clear();
        for (i, &b) in bigrams.iter().enumerate() {
            let first = spans.len();
            for &(group, slots) in ranges {
                let at = bucket(group, b);
                let (start, end) = self.length_span(at, self.bucket_span(at), &lengths);
                if start < end {
                    spans.push((start, end, slots));
                }
            }
            let size: usize = spans[first..]
                .iter()
                .map(|&(start, end, _)| end - start)
                .sum();
            order.push((size, i, first, spans.len()));
        }
        order.sort_unstable();
        touched.clear();
        for (n, &(size, _, first, last)) in order.iter().enumerate() {
            let bigram_spans = spans.get(first..last).unwrap_or_default();
            if n < finders {
                for &(start, end, slots) in bigram_spans {
                    count_finding(self.postings.raw(start, end), slots, counts, touched);
                }
                continue;
            }
            // This bigram and the ones after it raise a count by one each at most: a key whose
            // count cannot reach `need_min` any more is dropped now (its count zeroed), so that
            // the common bigrams only count for the few keys left.
            let left = order.len() - n;
            // (Every key found has a count of one or more.)
            if left + 1 < need_min {
                touched.retain(|&post| {
                    let s = (post & SLOT_MASK) as usize;
                    let Some(c) = counts.get_mut(s) else {
                        return false;
                    };
                    if usize::from(*c) + left < need_min {
                        *c = 0;
                        return false;
                    }
                    true
                });
            }
            if touched.is_empty() {
                break;
            }
            if touched.len() * (bigram_spans.len() * ceil_log2(size) + 1) < size {
                // Few keys: each is looked up in the bigram's spans (sorted by posting; a key has
                // the same posting in every bucket it is in, and is in one group only).
                for &post in touched.iter() {
                    let slot = post & SLOT_MASK;
                    let found = bigram_spans.iter().any(|&(start, end, (lo, hi))| {
                        slot >= lo && slot < hi && self.holds(start, end, post)
                    });
                    if found && let Some(c) = counts.get_mut(slot as usize) {
                        *c = c.saturating_add(1);
                    }
                }
            } else {
                for &(start, end, slots) in bigram_spans {
                    count_found(self.postings.raw(start, end), slots, counts);
                }
            }
        }
        let mut hits = Vec::new();
        for &post in touched.iter() {
            let s = (post & SLOT_MASK) as usize;
            let shared = usize::from(std::mem::take(&mut counts[s]));
            if shared < need_min {
                continue;
            }
            // The posting holds the key's length, unless it is 63 bytes or more.
            let key_len = match (post >> LENGTH_SHIFT) as usize {
                len if len < LENGTHS - 1 => len,
                _ => self.keys.len_of(s),
            };
            if q.len().abs_diff(key_len) > k + 1 {
                continue;
            }
            let longer = q.len().max(key_len);
            let kb = self.keys.get(s).as_bytes();
            // The same bound from the key's side (its distinct bigrams counted only when its
            // length alone does not already clear it).
            if shared < key_len.saturating_sub(1).saturating_sub(slack)
                && shared < distinct_bigrams(kb).saturating_sub(slack)
            {
                continue;
            }
            let kp = self.phonetic.get(s);
            if kb.first() != q.first() && kp.as_bytes().first() != qp.as_bytes().first() {
                continue;
            }
            let raw = spelling.osa(kb, k + 1, rows);
            let distance = if raw <= 1 {
                raw as f32
            } else {
                let phon = sound.osa(kp.as_bytes(), k, rows) as f32 + 0.5;
                phon.min(raw as f32)
            };
            if distance > k as f32 + 0.5 {
                continue;
            }
            let score = (1.0 - distance / longer as f32).max(0.0);
            hits.push(Hit {
                slot: s,
                distance,
                score,
            });
        }
        hits.sort_by(Hit::best_first);
        hits
    }

    /// Slots whose key starts with `prefix`.
    #[must_use]
    pub fn prefixed(&self, prefix: &str) -> std::ops::Range<usize> {
        // Keys are sorted: those starting with the prefix's first byte are one range, and the
        // first key not below the prefix is in it (or just past it).
        let start = match prefix.as_bytes().first() {
            Some(&first) => {
                let (lo, hi) = self.letter_slots(first);
                self.keys.lower_bound_in(lo, hi, prefix)
            }
            None => self.keys.lower_bound(prefix),
        };
        let mut end = start;
        while end < self.keys.len() && self.keys.get(end).starts_with(prefix) {
            end += 1;
        }
        start..end
    }
}

/// Optimal-string-alignment distance (edits plus adjacent transpositions), giving up early with
/// `limit + 1` once every alignment costs more than `limit`. `rows` is reusable scratch.
fn osa(a: &[u8], b: &[u8], limit: usize, rows: &mut [Vec<usize>; 3]) -> usize {
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let n = b.len();
    for r in rows.iter_mut() {
        r.clear();
        r.resize(n + 1, 0);
    }
    let [prev2, prev, cur] = rows;
    for (j, v) in prev.iter_mut().enumerate() {
        *v = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut best = cur[0];
        for j in 1..=n {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
            best = best.min(d);
        }
        if best > limit {
            return limit + 1;
        }
        std::mem::swap(prev2, prev);
        std::mem::swap(prev, cur);
    }
    prev[n].min(limit + 1)
}

/// [`osa`] for a caller without rows of its own (the thread's search scratch): the distance when
/// it is at most `limit`.
#[must_use]
pub fn osa_within(a: &[u8], b: &[u8], limit: usize) -> Option<usize> {
    let d = SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut scratch) => osa(a, b, limit, &mut scratch.rows),
        Err(_) => osa(a, b, limit, &mut Default::default()),
    });
    (d <= limit).then_some(d)
}

/// A string compared with many others: for each byte, the positions where it occurs, as the bits
/// of a word, for the bit-parallel OSA distance of Hyyrö (2003), one step per byte of the other
/// string. Strings longer than 64 bytes use the table ([`osa`]). The bits are set in a caller's
/// zeroed table, and cleared again when the pattern is dropped, so that the table can be reused.
struct Pattern<'a> {
    text: &'a [u8],
    positions: &'a mut [u64; 256],
}

impl Drop for Pattern<'_> {
    fn drop(&mut self) {
        for &c in self.text {
            self.positions[usize::from(c)] = 0;
        }
    }
}

impl<'a> Pattern<'a> {
    /// A pattern over `text` in `table` (all zero, or empty to be made so; `None` if it is
    /// neither 256 words long nor empty).
    fn new(text: &'a [u8], table: &'a mut Vec<u64>) -> Option<Pattern<'a>> {
        if table.is_empty() {
            table.resize(256, 0);
        }
        let positions: &mut [u64; 256] = table.as_mut_slice().try_into().ok()?;
        if text.len() <= 64 {
            for (i, &c) in text.iter().enumerate() {
                positions[usize::from(c)] |= 1 << i;
            }
        }
        Some(Pattern { text, positions })
    }

    /// The same value as [`osa`]: the distance to `b`, or `limit + 1` when it is more than `limit`.
    fn osa(&self, b: &[u8], limit: usize, rows: &mut [Vec<usize>; 3]) -> usize {
        let a = self.text;
        if a.len().abs_diff(b.len()) > limit {
            return limit + 1;
        }
        if a.len() > 64 {
            return osa(a, b, limit, rows);
        }
        let Some(last) = a.len().checked_sub(1) else {
            return b.len().min(limit + 1);
        };
        // Bit i of the vertical deltas is row i + 1 of the current column minus row i.
        let mask = 1u64 << last;
        let (mut vp, mut vn, mut d0, mut before) = (!0u64, 0u64, 0u64, 0u64);
        let mut distance = a.len();
        for &c in b {
            let eq = self.positions[usize::from(c)];
            let transposed = ((!d0 & eq) << 1) & before;
            d0 = ((eq & vp).wrapping_add(vp) ^ vp) | eq | vn | transposed;
            let hp = vn | !(d0 | vp);
            let hn = d0 & vp;
            distance = distance + usize::from(hp & mask != 0) - usize::from(hn & mask != 0);
            let hp = (hp << 1) | 1;
            let hn = hn << 1;
            vp = hn | !(d0 | hp);
            vn = hp & d0;
            before = eq;
        }
        distance.min(limit + 1)
    }
}

/// A rough English/Romance phonetic key: `ph→f`, `th→t`, `ch→k`, `ck→k`, `qu→kw`, `x→ks`,
/// `y→i`, `z→s`, `c→s` before e/i and `k` otherwise, doubled letters collapsed, final a/e/o dropped
/// (so `hidroclorotiazida`, `qualaquine` and `furosemid` meet their English spellings).
#[must_use]
pub fn phonetic_key(s: &str) -> String {
    let b = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len() + 2);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        let (emit, step): (&[u8], usize) = match (c, next) {
            (b'p', Some(b'h')) => (b"f", 2),
            (b't', Some(b'h')) => (b"t", 2),
            (b'c', Some(b'h')) => (b"k", 2),
            (b'c', Some(b'k')) => (b"k", 2),
            (b'q', Some(b'u')) => (b"kw", 2),
            (b'c', Some(b'e' | b'i' | b'y')) => (b"s", 1),
            (b'c', _) => (b"k", 1),
            (b'x', _) => (b"ks", 1),
            (b'y', _) => (b"i", 1),
            (b'z', _) => (b"s", 1),
            _ => (std::slice::from_ref(&b[i]), 1),
        };
        for &e in emit {
            if out.last() != Some(&e) {
                out.push(e);
            }
        }
        i += step;
    }
    while out.len() > 3 && matches!(out.last(), Some(b'a' | b'e' | b'o')) {
        out.pop();
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(names: &[&str]) -> Vec<u8> {
        let mut w = BlobWriter::default();
        let entries = names
            .iter()
            .zip(0..)
            .map(|(n, i)| ((*n).to_owned(), i))
            .collect();
        write_index(&mut w, entries);
        w.finish()
    }

    fn best(blob: &[u8], q: &str) -> Option<String> {
        let idx = FuzzyIndex::read(Blob::new(blob), 0);
        idx.search(q).first().map(|h| idx.key(h.slot).to_owned())
    }

    #[test]
    fn short_names_must_be_exact() {
        assert_eq!(max_edits(4), 0);
        assert_eq!(max_edits(6), 1);
        assert!(best(&index(&["lasix"]), "lasx").is_none());
    }

    #[test]
    fn common_misspellings_find_their_drug() {
        let idx = index(&[
            "furosemide",
            "lipitor",
            "hydrochlorothiazide",
            "quinine",
            "qualaquin",
        ]);
        assert_eq!(best(&idx, "furosimide").as_deref(), Some("furosemide"));
        assert_eq!(best(&idx, "liptor").as_deref(), Some("lipitor"));
        assert_eq!(
            best(&idx, "hydrochlorthiazide").as_deref(),
            Some("hydrochlorothiazide")
        );
        assert_eq!(best(&idx, "qualaquine").as_deref(), Some("qualaquin"));
        assert_eq!(
            best(&idx, "hidroclorotiazida").as_deref(),
            Some("hydrochlorothiazide")
        );
    }

    #[test]
    fn a_word_with_a_repeated_bigram_is_found_one_transposition_away() {
        // `aetnolol` shares three distinct bigrams with `atenolol` (no, ol, lo: `ol` twice in
        // each): the bound counts distinct bigrams, so a repeated one cannot make it stricter.
        let blob = index(&["atenolol", "timolol", "nadolol"]);
        assert_eq!(best(&blob, "aetnolol").as_deref(), Some("atenolol"));
        assert_eq!(best(&blob, "tmiolol").as_deref(), Some("timolol"));
        assert_eq!(distinct_bigrams(b"atenolol"), 6);
        assert_eq!(
            distinct_bigrams(b"b12 ab"),
            1,
            "digits and spaces make no bigram"
        );
    }

    #[test]
    fn a_search_one_edit_wider_finds_a_key_beyond_the_length_limit() {
        let blob = index(&["lasix", "lanoxin"]);
        let idx = FuzzyIndex::read(Blob::new(&blob), 0);
        assert!(
            idx.search("laxis").is_empty(),
            "two edits from lasix: beyond the limit"
        );
        let wider = idx.search_within("laxis", max_edits(5) + 1);
        assert_eq!(wider.len(), 1, "{wider:?}");
        assert_eq!(idx.key(wider[0].slot), "lasix");
        assert!(wider[0].distance <= 2.0, "{wider:?}");
    }

    #[test]
    fn distance_and_score_are_reported() {
        let blob = index(&["furosemide"]);
        let h = FuzzyIndex::read(Blob::new(&blob), 0).search("furosimide")[0];
        assert!((h.distance - 1.0).abs() < f32::EPSILON);
        assert!((h.score - 0.9).abs() < 1e-6);
    }

    #[test]
    fn the_bounded_osa_agrees_with_strsim_within_its_limit() {
        let words = [
            "hydrochloride",
            "hydrochoride",
            "hdyroxide",
            "hydroxide",
            "sodium",
            "sodum",
            "ca",
            "",
            "potasium",
            "potassium",
            "abcdef",
            "badcfe",
            "succinate",
            "sucinate",
            "xyz",
        ];
        for a in words {
            for b in words {
                for limit in 0..3 {
                    let d = strsim::osa_distance(a, b);
                    let want = (d <= limit).then_some(d);
                    assert_eq!(
                        osa_within(a.as_bytes(), b.as_bytes(), limit),
                        want,
                        "{a} {b}"
                    );
                }
            }
        }
    }

    #[test]
    fn osa_agrees_with_strsim_within_its_limit() {
        let mut rows = Default::default();
        for (a, b) in [
            ("furosimide", "furosemide"),
            ("ca", "ac"),
            ("lipitor", "liptor"),
            ("abc", "xyz"),
            ("", "ab"),
        ] {
            let want = strsim::osa_distance(a, b);
            assert_eq!(
                osa(a.as_bytes(), b.as_bytes(), 5, &mut rows),
                want.min(6),
                "{a} {b}"
            );
        }
        assert_eq!(osa(b"aaaaaaaa", b"bbbbbbbb", 2, &mut rows), 3);
    }

    /// Every string of up to `len` letters over `alphabet`.
    fn all_strings(alphabet: &[u8], len: usize) -> Vec<Vec<u8>> {
        let mut out = vec![Vec::new()];
        let mut last = vec![Vec::new()];
        for _ in 0..len {
            last = last
                .iter()
                .flat_map(|s: &Vec<u8>| {
                    alphabet.iter().map(move |&c| {
                        let mut t = s.clone();
                        t.push(c);
                        t
                    })
                })
                .collect();
            out.extend(last.iter().cloned());
        }
        out
    }

    #[test]
    fn bit_parallel_osa_agrees_with_the_table_on_every_short_pair() {
        let mut rows = Default::default();
        let strings = all_strings(b"abc", 4);
        for a in &strings {
            let mut table = Vec::new();
            let p = Pattern::new(a, &mut table).unwrap();
            for b in &strings {
                for limit in [0, 1, 2, 3, 5] {
                    assert_eq!(
                        p.osa(b, limit, &mut rows),
                        osa(a, b, limit, &mut rows),
                        "{a:?} {b:?} {limit}"
                    );
                }
            }
        }
    }

    #[test]
    fn bit_parallel_osa_agrees_with_strsim_on_long_and_random_pairs() {
        let mut rows = Default::default();
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..3000 {
            let len = next(70) as usize;
            let a: Vec<u8> = (0..len).map(|_| b"abcde"[next(5) as usize]).collect();
            let mut b = a.clone();
            for _ in 0..next(5) {
                let i = next(b.len() as u64 + 1) as usize;
                match next(4) {
                    0 if i < b.len() => b[i] = b"abcdef"[next(6) as usize],
                    1 if i < b.len() => {
                        b.remove(i);
                    }
                    2 if i + 1 < b.len() => b.swap(i, i + 1),
                    _ => b.insert(i, b"abcde"[next(5) as usize]),
                }
            }
            let want = strsim::osa_distance(
                std::str::from_utf8(&a).unwrap(),
                std::str::from_utf8(&b).unwrap(),
            );
            for limit in [1, 3, 80] {
                assert_eq!(
                    Pattern::new(&a, &mut Vec::new())
                        .unwrap()
                        .osa(&b, limit, &mut rows),
                    want.min(limit + 1),
                    "{a:?} {b:?} {limit}"
                );
            }
        }
    }

    #[test]
    fn the_letter_table_gives_the_ranges_a_binary_search_gives() {
        let blob = index(&["", "9lives", "ace", "acid", "b", "zinc", "zz", "\u{7f}x"]);
        let idx = FuzzyIndex::read(Blob::new(&blob), 0);
        for letter in 0..=u8::MAX {
            assert_eq!(
                idx.letter_slots(letter),
                idx.letter_slots_searched(letter),
                "{letter}"
            );
        }
    }

    #[test]
    fn a_bucket_s_span_for_a_length_range_holds_exactly_the_keys_of_those_lengths() {
        // A large bucket (`ac` in keys starting with `a`: every length from 2 to 80, several
        // keys of each) and small ones.
        let mut keys: Vec<String> = Vec::new();
        for len in 2..=80 {
            for fill in ["x", "y", "z"] {
                keys.push(format!("ac{}", fill.repeat(len - 2)));
            }
        }
        keys.extend(
            [
                "9lives",
                "bacid",
                "cacid",
                "cacidase",
                "xacid",
                "\u{e9}acide",
            ]
            .map(String::from),
        );
        keys.dedup();
        let names: Vec<&str> = keys.iter().map(String::as_str).collect();
        let blob = index(&names);
        let idx = FuzzyIndex::read(Blob::new(&blob), 0);
        let ac = bigram(b'a', b'c').unwrap();
        let big = idx.bucket_span(bucket(0, ac));
        assert!(big.1 - big.0 > 200);
        for g in 0..GROUPS {
            let span = idx.bucket_span(bucket(g, ac));
            for lo in 2..LENGTHS {
                for hi in lo..(lo + 9).min(LENGTHS) {
                    let (start, end) = idx.length_span(bucket(g, ac), span, &(lo..=hi));
                    assert_eq!(
                        (start, end),
                        idx.length_span_searched(span, &(lo..=hi)),
                        "the table's span is the searched one"
                    );
                    let read: Vec<u32> = idx.postings.range(start, end).collect();
                    let len = |p: &u32| (p >> LENGTH_SHIFT) as usize;
                    assert!(read.windows(2).all(|w| w[0] < w[1]), "sorted");
                    assert!(read.iter().all(|p| (lo..=hi).contains(&len(p))));
                    let found: Vec<&str> = read
                        .iter()
                        .filter(|p| (lo..=hi).contains(&len(p)))
                        .map(|p| idx.key((p & SLOT_MASK) as usize))
                        .collect();
                    // By length (63 standing for longer keys too), then in key order.
                    let mut want: Vec<&str> = names
                        .iter()
                        .copied()
                        .filter(|k| {
                            (lo..=hi).contains(&k.len().min(LENGTHS - 1)) && k.contains("ac")
                        })
                        .filter(|k| group(k.as_bytes()[0]) == g)
                        .collect();
                    want.sort_by_key(|k| (k.len().min(LENGTHS - 1), *k));
                    assert_eq!(found, want, "group {g}, lengths {lo}..={hi}");
                }
            }
        }
    }

    #[test]
    fn the_length_tables_of_the_built_in_vocabulary_give_the_searched_spans() {
        let vocabulary = crate::names::vocab::Vocabulary::builtin();
        let index = vocabulary.index();
        let idx = index.fuzzy();
        assert_eq!(idx.length_dir.len(), BUCKETS + 1);
        let mut tabled = 0;
        for b in 0..BUCKETS {
            let span = idx.bucket_span(b);
            if span.1 - span.0 > SMALL_BUCKET {
                tabled += 1;
            }
            for lo in (2..LENGTHS).step_by(3) {
                for hi in lo..(lo + 8).min(LENGTHS) {
                    assert_eq!(
                        idx.length_span(b, span, &(lo..=hi)),
                        idx.length_span_searched(span, &(lo..=hi)),
                        "bucket {b}, lengths {lo}..={hi}"
                    );
                }
            }
        }
        assert!(tabled > 1000, "{tabled} buckets with a table");
    }

    #[test]
    fn an_owned_index_reads_as_the_blob_it_holds() {
        let blob = index(&["furosemide", "furosemida", "lipitor"]);
        let owned = OwnedIndex::new(blob.clone());
        let (a, b) = (owned.index(), FuzzyIndex::read(Blob::new(&blob), 0));
        assert_eq!(a.len(), 3);
        for slot in 0..3 {
            assert_eq!(a.key(slot), b.key(slot));
            assert_eq!(a.phonetic.get(slot), b.phonetic.get(slot));
        }
        assert_eq!(a.search("furosimide"), b.search("furosimide"));
        assert_eq!(a.prefixed("furo"), b.prefixed("furo"));
    }

    #[test]
    fn a_dropped_pattern_leaves_its_table_zeroed() {
        let mut table = Vec::new();
        let mut rows = Default::default();
        for text in [&b"furosemide"[..], b"", &[b'x'; 70]] {
            let p = Pattern::new(text, &mut table).unwrap();
            assert_eq!(
                p.osa(b"furosimide", 3, &mut rows).min(4),
                osa(text, b"furosimide", 3, &mut rows)
            );
            drop(p);
            assert!(table.len() == 256 && table.iter().all(|&w| w == 0));
        }
        assert!(Pattern::new(b"a", &mut vec![0; 3]).is_none());
    }

    #[test]
    fn a_search_repeated_on_the_same_thread_finds_the_same_hits() {
        let blob = index(&["furosemide", "furosemida", "fluoxetine", "lipitor"]);
        let idx = FuzzyIndex::read(Blob::new(&blob), 0);
        let first = idx.search("furosimide");
        assert_eq!(first.len(), 2);
        assert_eq!(idx.search("liptor").len(), 1);
        assert_eq!(idx.search("furosimide"), first);
    }

    #[test]
    fn a_key_starting_with_a_byte_above_ascii_is_found() {
        let blob = index(&["\u{e9}aaafaaaacaea", "\u{e9}tamsilat", "zz"]);
        assert_eq!(
            best(&blob, "\u{e9}aaafaaaacaea").as_deref(),
            Some("\u{e9}aaafaaaacaea")
        );
        assert_eq!(
            best(&blob, "\u{e9}tamsylat").as_deref(),
            Some("\u{e9}tamsilat")
        );
    }

    #[test]
    fn a_query_over_67_bytes_finds_its_key() {
        let key = "acaaaaeaaacofehccffhecqeiahfieochhisaokepatafafcpkaucifqkcsapckoaxce";
        assert_eq!(key.len(), 68);
        let blob = index(&[key]);
        let typo = "acaaaaeaakcofehccffhecqeiahfieochhisaokepatafafcpkaucifqkcsapckoaxce";
        assert_eq!(best(&blob, typo).as_deref(), Some(key));
        assert_eq!(best(&blob, key).as_deref(), Some(key));
    }

    #[test]
    fn phonetic_keys_meet_across_spellings() {
        assert_eq!(phonetic_key("qualaquine"), phonetic_key("qualaquin"));
        assert_eq!(phonetic_key("furosemid"), phonetic_key("furosemide"));
        assert_ne!(phonetic_key("quinidine"), phonetic_key("quinine"));
    }

    #[test]
    fn prefixes_select_a_range() {
        let blob = index(&["atorvastatin", "atenolol", "rosuvastatin"]);
        let idx = FuzzyIndex::read(Blob::new(&blob), 0);
        let r = idx.prefixed("atorva");
        assert_eq!(r.len(), 1);
        assert_eq!(idx.key(r.start), "atorvastatin");
        assert!(idx.prefixed("zzz").is_empty());
    }

    #[test]
    fn prefixes_select_the_range_a_scan_of_every_key_gives() {
        let names = [
            "", "9lives", "ace", "acid", "acids", "b", "zinc", "zz", "\u{e9}x", "\u{7f}x",
        ];
        let blob = index(&names);
        let idx = FuzzyIndex::read(Blob::new(&blob), 0);
        for prefix in [
            "", "a", "ac", "aci", "acid", "acidz", "b", "9", "z", "zz", "zzz", "\u{e9}", "\u{7f}",
            "c",
        ] {
            let want: Vec<usize> = (0..idx.len())
                .filter(|&s| idx.key(s).starts_with(prefix))
                .collect();
            let got: Vec<usize> = idx.prefixed(prefix).collect();
            assert_eq!(got, want, "{prefix:?}");
        }
    }
}

/// `FuzzyIndex::search` compared with its definition, computed by brute force over every key of
/// small generated indexes, read with and without the letter table.
#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::{Index, select};
    use proptest::test_runner::Config;

    /// Letters the phonetic key treats specially and a few plain ones; rarely, two that are not
    /// a-z (read through the searched posting ranges).
    const LETTERS: &[char] = &[
        'a', 'c', 'e', 'f', 'h', 'i', 'k', 'o', 'p', 'q', 's', 't', 'u', 'x', 'y', 'z',
    ];

    fn letter() -> impl Strategy<Value = char> {
        prop_oneof![40 => select(LETTERS), 1 => select(&['9', 'é'][..])]
    }

    fn word(len: std::ops::Range<usize>) -> impl Strategy<Value = Vec<char>> {
        proptest::collection::vec(letter(), len)
    }

    #[derive(Clone, Debug)]
    enum Edit {
        Insert(Index, char),
        Delete(Index),
        Substitute(Index, char),
        Transpose(Index),
    }

    fn edits(most: usize) -> impl Strategy<Value = Vec<Edit>> {
        let edit = prop_oneof![
            (any::<Index>(), letter()).prop_map(|(i, c)| Edit::Insert(i, c)),
            any::<Index>().prop_map(Edit::Delete),
            (any::<Index>(), letter()).prop_map(|(i, c)| Edit::Substitute(i, c)),
            any::<Index>().prop_map(Edit::Transpose),
        ];
        proptest::collection::vec(edit, 0..=most)
    }

    fn apply(word: &[char], edits: &[Edit]) -> String {
        let mut w = word.to_vec();
        for e in edits {
            match *e {
                Edit::Insert(i, c) => w.insert(i.index(w.len() + 1), c),
                Edit::Delete(i) if !w.is_empty() => {
                    w.remove(i.index(w.len()));
                }
                Edit::Substitute(i, c) if !w.is_empty() => {
                    let i = i.index(w.len());
                    w[i] = c;
                }
                Edit::Transpose(i) if w.len() > 1 => {
                    let i = i.index(w.len() - 1);
                    w.swap(i, i + 1);
                }
                _ => {}
            }
        }
        w.into_iter().collect()
    }

    #[derive(Clone, Debug)]
    enum Query {
        /// A key with a few edits.
        Near(Index, Vec<Edit>),
        /// Any word.
        Any(Vec<char>),
    }

    /// Up to a few hundred keys: base words (a few over 64 bytes) and variants of them, so that
    /// near-duplicates and shared bigrams are common; and queries near keys, or anything.
    fn keys_and_queries() -> impl Strategy<Value = (Vec<String>, Vec<String>)> {
        // Sometimes only a few bases, so that many keys share a first letter and a bigram (large
        // buckets).
        let bases = (
            prop_oneof![
                3 => proptest::collection::vec(word(1..17), 1..40),
                1 => proptest::collection::vec(word(1..17), 1..4),
            ],
            proptest::collection::vec(word(60..76), 0..3),
        );
        let variants = proptest::collection::vec((any::<Index>(), edits(4)), 0..400);
        let query = prop_oneof![
            3 => (any::<Index>(), edits(4)).prop_map(|(i, e)| Query::Near(i, e)),
            1 => word(1..20).prop_map(Query::Any),
        ];
        let queries = proptest::collection::vec(query, 1..16);
        (bases, variants, queries).prop_map(|((mut bases, long), variants, queries)| {
            bases.extend(long);
            let mut keys: Vec<String> = bases.iter().map(|b| b.iter().collect()).collect();
            for (i, e) in &variants {
                keys.push(apply(&bases[i.index(bases.len())], e));
            }
            let queries = queries
                .iter()
                .map(|q| match q {
                    Query::Near(i, e) => {
                        let key: Vec<char> = keys[i.index(keys.len())].chars().collect();
                        apply(&key, e)
                    }
                    Query::Any(w) => w.iter().collect(),
                })
                .collect();
            (keys, queries)
        })
    }

    /// Optimal-string-alignment distance over bytes, the whole table, as textbooks define it.
    fn osa_distance(a: &[u8], b: &[u8]) -> usize {
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        d[0] = (0..=b.len()).collect();
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                d[i][j] = (d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1)
                    .min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                }
            }
        }
        d[a.len()][b.len()]
    }

    /// How many distinct bigrams of a-z letters `a` and `b` share.
    fn shared_bigrams(a: &[u8], b: &[u8]) -> usize {
        let set = |s: &[u8]| {
            s.windows(2)
                .filter(|w| w.iter().all(u8::is_ascii_lowercase))
                .map(|w| (w[0], w[1]))
                .collect::<std::collections::BTreeSet<_>>()
        };
        set(a).intersection(&set(b)).count()
    }

    /// The definition of [`FuzzyIndex::search`], over every key.
    fn reference(idx: &FuzzyIndex<'_>, query: &str) -> Vec<Hit> {
        let q = query.as_bytes();
        let k = max_edits(q.len());
        if k == 0 {
            return Vec::new();
        }
        let qp = phonetic_key(query);
        let mut hits = Vec::new();
        for slot in 0..idx.len() {
            let key = idx.key(slot);
            let kp = phonetic_key(key);
            if key.as_bytes().first() != q.first() && kp.as_bytes().first() != qp.as_bytes().first()
            {
                continue;
            }
            let raw = osa_distance(q, key.as_bytes());
            let longer = q.len().max(key.len());
            let d = shared_bigrams(q, q).max(shared_bigrams(key.as_bytes(), key.as_bytes()));
            if q.len().abs_diff(key.len()) > k + 1
                || shared_bigrams(q, key.as_bytes()) < d.saturating_sub(2 * k + 1).max(1)
            {
                continue;
            }
            let distance = if raw <= 1 {
                raw as f32
            } else {
                (osa_distance(qp.as_bytes(), kp.as_bytes()) as f32 + 0.5).min(raw as f32)
            };
            if distance > k as f32 + 0.5 {
                continue;
            }
            hits.push(Hit {
                slot,
                distance,
                score: (1.0 - distance / longer as f32).max(0.0),
            });
        }
        hits.sort_by(Hit::best_first);
        hits
    }

    fn cases() -> Config {
        Config {
            cases: std::env::var("FUZZY_CASES")
                .ok()
                .and_then(|c| c.parse().ok())
                .unwrap_or(512),
            failure_persistence: None,
            ..Config::default()
        }
    }

    proptest! {
        #![proptest_config(cases())]

        #[test]
        fn a_search_finds_exactly_the_keys_its_definition_names((keys, queries) in keys_and_queries()) {
            let mut w = BlobWriter::default();
            write_index(&mut w, keys.into_iter().zip(0..).collect());
            let blob = w.finish();
            let idx = FuzzyIndex::read(Blob::new(&blob), 0);
            let none = Blob::new(&[]).u32s(0);
            let bare = FuzzyIndex { letter_starts: none, length_dir: none, length_table: none, ..idx };
            for q in &queries {
                let want = reference(&idx, q);
                let keys = |hits: &[Hit]| hits.iter().map(|h| (idx.key(h.slot), h.distance)).collect::<Vec<_>>();
                prop_assert_eq!(keys(&idx.search(q)), keys(&want), "query {:?}", q);
                prop_assert_eq!(idx.search(q), want.clone(), "query {:?}", q);
                prop_assert_eq!(bare.search(q), want, "query {:?} without the letter table", q);
            }
        }
    }
}
