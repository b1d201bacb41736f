//! Approximate name search: a bigram index over every compact name key, filtered by the q-gram
//! lemma, then scored by optimal-string-alignment distance on the spelling and on a phonetic key.

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

/// The index: sorted compact keys (letters only), each with a caller-supplied value.
#[derive(Clone, Debug, Default)]
pub struct FuzzyIndex<V> {
    keys: Vec<Box<str>>,
    phonetic: Vec<Box<str>>,
    values: Vec<V>,
    postings: Vec<Vec<u32>>,
}

const BUCKETS: usize = 26 * 26;

fn bigram(a: u8, b: u8) -> Option<usize> {
    let (a, b) = (a.wrapping_sub(b'a') as usize, b.wrapping_sub(b'a') as usize);
    (a < 26 && b < 26).then_some(a * 26 + b)
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

impl<V: Copy> FuzzyIndex<V> {
    /// Builds the index; duplicate keys keep their first value.
    pub fn build(mut entries: Vec<(Box<str>, V)>) -> FuzzyIndex<V> {
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|a, b| a.0 == b.0);
        let mut postings = vec![Vec::new(); BUCKETS];
        let mut keys = Vec::with_capacity(entries.len());
        let mut values = Vec::with_capacity(entries.len());
        let mut phonetic = Vec::with_capacity(entries.len());
        for (slot, (key, value)) in entries.into_iter().enumerate() {
            let mut last = None;
            for w in key.as_bytes().windows(2) {
                if let Some(b) = bigram(w[0], w[1]) {
                    // Each bigram once per key, so a count is the number of shared distinct bigrams.
                    if last != Some(b) && postings[b].last() != Some(&(slot as u32)) {
                        postings[b].push(slot as u32);
                    }
                    last = Some(b);
                }
            }
            phonetic.push(phonetic_key(&key).into_boxed_str());
            keys.push(key);
            values.push(value);
        }
        FuzzyIndex {
            keys,
            phonetic,
            values,
            postings,
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
    pub fn key(&self, slot: usize) -> &str {
        &self.keys[slot]
    }

    /// The value in a slot.
    #[must_use]
    pub fn value(&self, slot: usize) -> V {
        self.values[slot]
    }

    /// Keys within [`max_edits`] of `query` (a compact, lowercase, letters-only string), best first;
    /// keys half an edit beyond (a difference in sound only) are included for tie-breaking.
    #[must_use]
    pub fn search(&self, query: &str) -> Vec<Hit> {
        let q = query.as_bytes();
        let k = max_edits(q.len());
        if k == 0 || self.keys.is_empty() {
            return Vec::new();
        }
        let mut counts: Vec<u16> = vec![0; self.keys.len()];
        let mut touched: Vec<u32> = Vec::new();
        let mut seen = [false; BUCKETS];
        for w in q.windows(2) {
            let Some(b) = bigram(w[0], w[1]) else {
                continue;
            };
            if std::mem::replace(&mut seen[b], true) {
                continue;
            }
            for &slot in &self.postings[b] {
                let c = &mut counts[slot as usize];
                if *c == 0 {
                    touched.push(slot);
                }
                *c = c.saturating_add(1);
            }
        }
        let qp = phonetic_key(query);
        let mut hits = Vec::new();
        for slot in touched {
            let s = slot as usize;
            let key = self.keys[s].as_bytes();
            let longer = q.len().max(key.len());
            if q.len().abs_diff(key.len()) > k + 2 {
                continue;
            }
            // q-gram lemma: each edit destroys at most three bigrams (a transposition does).
            let need = (longer.saturating_sub(1)).saturating_sub(3 * k).max(1);
            if usize::from(counts[s]) < need {
                continue;
            }
            let kp = &self.phonetic[s];
            if key.first() != q.first() && kp.as_bytes().first() != qp.as_bytes().first() {
                continue;
            }
            let raw = strsim::osa_distance(query, &self.keys[s]);
            let distance = if raw <= 1 {
                raw as f32
            } else {
                let phon = strsim::osa_distance(&qp, kp) as f32 + 0.5;
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
        hits.sort_by(|a, b| {
            a.distance
                .total_cmp(&b.distance)
                .then(b.score.total_cmp(&a.score))
                .then(a.slot.cmp(&b.slot))
        });
        hits
    }

    /// Slots whose key starts with `prefix`.
    #[must_use]
    pub fn prefixed(&self, prefix: &str) -> std::ops::Range<usize> {
        let start = self.keys.partition_point(|k| k.as_ref() < prefix);
        let end = start + self.keys[start..].partition_point(|k| k.starts_with(prefix));
        start..end
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

    fn index(names: &[&str]) -> FuzzyIndex<usize> {
        FuzzyIndex::build(
            names
                .iter()
                .enumerate()
                .map(|(i, n)| (Box::from(*n), i))
                .collect(),
        )
    }

    fn best(idx: &FuzzyIndex<usize>, q: &str) -> Option<String> {
        idx.search(q).first().map(|h| idx.key(h.slot).to_owned())
    }

    #[test]
    fn short_names_must_be_exact() {
        assert_eq!(max_edits(4), 0);
        assert_eq!(max_edits(6), 1);
        assert!(index(&["lasix"]).search("lasx").is_empty());
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
    fn distance_and_score_are_reported() {
        let idx = index(&["furosemide"]);
        let h = idx.search("furosimide")[0];
        assert!((h.distance - 1.0).abs() < f32::EPSILON);
        assert!((h.score - 0.9).abs() < 1e-6);
    }

    #[test]
    fn phonetic_keys_meet_across_spellings() {
        assert_eq!(phonetic_key("qualaquine"), phonetic_key("qualaquin"));
        assert_eq!(phonetic_key("furosemid"), phonetic_key("furosemide"));
        assert_ne!(phonetic_key("quinidine"), phonetic_key("quinine"));
    }

    #[test]
    fn prefixes_select_a_range() {
        let idx = index(&["atorvastatin", "atenolol", "rosuvastatin"]);
        let r = idx.prefixed("atorva");
        assert_eq!(r.len(), 1);
        assert_eq!(idx.key(r.start), "atorvastatin");
        assert!(idx.prefixed("zzz").is_empty());
    }
}
