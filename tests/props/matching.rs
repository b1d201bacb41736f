//! Normalization, resolution and screening on arbitrary text and on near misses of real names.

use std::sync::OnceLock;

use crampcheck::names::lexicon::Meaning;
use crampcheck::names::matcher::{How, resolve};
use crampcheck::normalize;
use crampcheck::screen::{Status, screen};
use proptest::prelude::*;
use proptest::sample::Index;

use crate::ctx;

/// Display names of the lexicon: those that lead to a target first, then every name.
fn names() -> &'static (Vec<String>, Vec<String>) {
    static NAMES: OnceLock<(Vec<String>, Vec<String>)> = OnceLock::new();
    NAMES.get_or_init(|| {
        let lex = &ctx().lex;
        let mut targets = Vec::new();
        let mut all = Vec::new();
        for id in 0..lex.len() {
            let name = lex.name(u32::try_from(id).expect("fewer than 2^32 names"));
            if matches!(name.meaning, Meaning::Targets(_)) {
                targets.push(name.display.to_string());
            }
            all.push(name.display.to_string());
        }
        (targets, all)
    })
}

/// One typing mistake.
#[derive(Clone, Debug)]
enum Edit {
    Delete(Index),
    Replace(Index, char),
    Insert(Index, char),
    Swap(Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    let letter = prop::char::range('a', 'z');
    prop_oneof![
        any::<Index>().prop_map(Edit::Delete),
        (any::<Index>(), letter.clone()).prop_map(|(i, c)| Edit::Replace(i, c)),
        (any::<Index>(), letter).prop_map(|(i, c)| Edit::Insert(i, c)),
        any::<Index>().prop_map(Edit::Swap),
    ]
}

fn apply(name: &str, edits: &[Edit]) -> String {
    let mut c: Vec<char> = name.chars().collect();
    for e in edits {
        if c.is_empty() {
            break;
        }
        match e {
            Edit::Delete(i) => {
                c.remove(i.index(c.len()));
            }
            Edit::Replace(i, ch) => {
                let i = i.index(c.len());
                c[i] = *ch;
            }
            Edit::Insert(i, ch) => c.insert(i.index(c.len() + 1), *ch),
            Edit::Swap(i) if c.len() > 1 => {
                let i = i.index(c.len() - 1);
                c.swap(i, i + 1);
            }
            Edit::Swap(_) => {}
        }
    }
    c.into_iter().collect()
}

const SUFFIXES: &[&str] = &[
    "",
    " 20 mg",
    " 40mg tab",
    " 10 MG Oral Tablet",
    " 500 mg bid",
    " 0.625 mg po qd",
    " HCl 25mg",
    " sodium",
    "/hctz 100-25",
    " [Lipitor]",
    " 1 tab at bedtime for cramps",
];

/// A real name (a target name half the time), with up to three typing mistakes and a dose.
fn near_name() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        any::<Index>(),
        prop::collection::vec(edit(), 0..=3),
        prop::sample::select(SUFFIXES),
        any::<bool>(),
    )
        .prop_map(|(target, i, edits, suffix, upper)| {
            let (targets, all) = names();
            let pool = if target && !targets.is_empty() {
                targets
            } else {
                all
            };
            let name = apply(&pool[i.index(pool.len())].to_lowercase(), &edits);
            let name = if upper { name.to_uppercase() } else { name };
            format!("{name}{suffix}")
        })
}

/// Entry text: arbitrary Unicode, control characters, digits and punctuation, real-looking
/// entries, and one or two near misses of real names.
fn entry() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        2 => "(?s).{0,40}",
        2 => "[ -~]{0,60}",
        1 => "[\\x00-\\x1f\\x7f a-z0-9.,/-]{0,30}",
        1 => "[a-zA-Z0-9 ®™©℠éèüößæœøµμ.()/+-]{0,40}",
        4 => near_name(),
        2 => prop::collection::vec(near_name(), 1..=3).prop_map(|v| v.join(" / ")),
    ]
}

/// A key: words of lowercase ASCII letters (or a vitamin-style letter and one or two digits,
/// `b12`), separated by single spaces, nothing around them.
fn well_formed_key(k: &str) -> bool {
    let word = |w: &str| {
        let b = w.as_bytes();
        b.iter().all(u8::is_ascii_lowercase)
            || ((2..=3).contains(&b.len())
                && b[0].is_ascii_lowercase()
                && b[1..].iter().all(u8::is_ascii_digit))
    };
    k.is_empty() || k.split(' ').all(|w| !w.is_empty() && word(w))
}

proptest! {
    #![proptest_config(crate::config(512))]

    #[test]
    fn normalizing_a_key_again_gives_the_same_key(s in entry()) {
        let k = normalize::key(&s);
        prop_assert_eq!(normalize::key(&k), k.clone(), "input {:?}", s);
        prop_assert!(well_formed_key(&k), "key {:?} of {:?}", k, s);
    }
}

proptest! {
    #![proptest_config(crate::config(384))]

    #[test]
    fn any_entry_resolves_without_panicking_and_yields_at_least_one_finding(s in entry()) {
        let c = ctx();
        let res = resolve(&c.lex, &s);
        let findings = screen(&c.kb, &c.lex, &res);
        prop_assert!(!findings.is_empty(), "no finding for {:?}", s);
        prop_assert!(findings.iter().all(|f| f.status != Status::Error), "{:?}", findings);
        prop_assert_eq!(res.normalized, normalize::normalize(&s).joined());
    }

    #[test]
    fn a_fuzzy_match_never_scores_1_and_a_review_always_has_candidates(s in entry()) {
        let c = ctx();
        let res = resolve(&c.lex, &s);
        for h in &res.hits {
            prop_assert!((0.0..=1.0).contains(&h.score), "score out of range {:?} for {:?}", h, s);
            if h.how == How::Fuzzy {
                prop_assert!(h.score < 1.0, "fuzzy hit scores 1 for {:?}: {:?}", s, h);
            }
        }
        let findings = screen(&c.kb, &c.lex, &res);
        for f in &findings {
            if f.how == Some(How::Fuzzy) {
                prop_assert!(f.score.is_some_and(|x| x < 1.0), "fuzzy finding scores 1 for {:?}: {:?}", s, f);
            }
            if f.status == Status::Review {
                prop_assert!(!f.candidates.is_empty(), "review without candidates for {:?}: {:?}", s, f);
            }
        }
        if res.hits.iter().any(|h| !h.review.is_empty()) {
            prop_assert!(findings.iter().any(|f| f.status == Status::Review), "{:?}", findings);
        }
    }
}

/// A fuzzy query: the compact key of a near miss of a real name, or any short run of letters.
fn fuzzy_query() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => near_name().prop_map(|s| normalize::key(&s).replace(' ', "")),
        1 => "[a-z]{1,20}",
    ]
}

proptest! {
    #![proptest_config(crate::config(1024))]

    #[test]
    fn a_remembered_fuzzy_search_returns_what_a_fresh_search_returns(q in fuzzy_query()) {
        let lex = &ctx().lex;
        let fresh = lex.fuzzy_search_uncached(&q);
        prop_assert_eq!(lex.fuzzy_search(&q), fresh.clone(), "first call for {:?}", q);
        prop_assert_eq!(lex.fuzzy_search(&q), fresh.clone(), "second call for {:?}", q);
        prop_assert_eq!(&*lex.fuzzy_hits(&q), &fresh[..], "shared hits for {:?}", q);
    }
}
