//! Arbitrary bytes, decoded lossily, through `normalize`, `resolve` and `screen`: nothing panics,
//! normalization is idempotent, every entry yields a finding, a fuzzy finding never scores 1 and a
//! review always names its candidates.
#![no_main]

use std::sync::OnceLock;

use crampcheck::kb::Kb;
use crampcheck::names::lexicon::Lexicon;
use crampcheck::names::matcher::{How, resolve};
use crampcheck::normalize;
use crampcheck::screen::{Status, screen};
use libfuzzer_sys::fuzz_target;

fn setup() -> &'static (Kb, Lexicon) {
    static SETUP: OnceLock<(Kb, Lexicon)> = OnceLock::new();
    SETUP.get_or_init(|| crampcheck::load(None).expect("the built-in knowledge base loads"))
}

fuzz_target!(|data: &[u8]| {
    let (kb, lex) = setup();
    let text = String::from_utf8_lossy(data);

    let key = normalize::key(&text);
    assert_eq!(normalize::key(&key), key, "normalization is not idempotent");

    let res = resolve(lex, &text);
    assert_eq!(res.normalized, normalize::normalize(&text).joined());
    for h in &res.hits {
        assert!((0.0..=1.0).contains(&h.score), "score out of range: {h:?}");
        if h.how == How::Fuzzy {
            assert!(h.score < 1.0, "fuzzy hit scores 1: {h:?}");
        }
    }

    let findings = screen(kb, lex, &res);
    assert!(!findings.is_empty(), "no finding");
    for f in &findings {
        if f.how == Some(How::Fuzzy) {
            assert!(
                f.score.is_some_and(|s| s < 1.0),
                "fuzzy finding scores 1: {f:?}"
            );
        }
        if f.status == Status::Review {
            assert!(!f.candidates.is_empty(), "review without candidates: {f:?}");
        }
    }
});
