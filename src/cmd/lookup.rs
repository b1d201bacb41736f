//! `lookup`: the whole trail for a name — normalized text, candidates with scores and whether each
//! is a target, the outcome, why it won, and the knowledge-base entry with its evidence and sources.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use super::{Context, Outcome};
use crate::escape;
use crate::names::lexicon::Meaning;
use crate::names::matcher::{self, Candidate, How, Resolution};
use crate::report::{Format, csv_cell, drug_text, write_json};
use crate::screen::{self, Finding, Status};

/// Options of `lookup`.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Names or entries to explain.
    pub names: Vec<String>,
}

/// One candidate name.
#[derive(Debug, Serialize)]
struct CandidateView {
    name: String,
    ingredient: String,
    target: bool,
    score: f64,
}

/// One finding of the entry with its explanation.
#[derive(Debug, Serialize)]
struct FindingView {
    status: &'static str,
    ingredient: String,
    class: String,
    level: String,
    text: String,
    matched_as: String,
    #[serde(rename = "match")]
    how: String,
    score: Option<f64>,
    why: String,
    evidence: String,
    advice: String,
    sources: Vec<String>,
}

/// The trail for one name.
#[derive(Debug, Serialize)]
struct Trail {
    input: String,
    normalized: String,
    findings: Vec<FindingView>,
    candidates: Vec<CandidateView>,
    unmatched: Vec<String>,
}

fn round(x: f32) -> f64 {
    (f64::from(x) * 100.0).round() / 100.0
}

fn why(f: &Finding) -> String {
    match (f.status, f.how) {
        (Status::Unrecognized, _) => {
            "no name in the knowledge base or the vocabulary is close enough".into()
        }
        // What the combination word after the drug says, and why.
        (_, Some(How::Suffix)) => f.note.clone(),
        // A name with two meanings, or one that products of different markets share: the note
        // says which.
        (Status::Review, _) if !f.note.is_empty() => f.note.clone(),
        (Status::Review, _) if !f.candidates.contains(" | ") => format!(
            "the nearest name is a target, but not near enough to be sure ({}): a person must \
             decide",
            f.candidates
        ),
        (Status::Review, _) => format!(
            "two drugs are about equally close ({}); one is a target, so a person must decide",
            f.candidates
        ),
        (_, Some(How::Fuzzy)) => {
            let mut s = format!(
                "closest known name, similarity {:.2}",
                f.score.unwrap_or_default()
            );
            if f.runner_up.is_empty() {
                s.push_str("; no other drug within the edit limit");
            } else {
                s.push_str(&format!(
                    "; the next other drug, {}, is clearly further",
                    f.runner_up
                ));
            }
            s
        }
        (_, Some(How::Exact)) => "exact ingredient name (exact names win over fuzzy ones)".into(),
        (_, Some(How::Vocabulary)) => "exact name in the FDA UNII vocabulary".into(),
        (_, Some(How::Joined)) => "the words match a known name once joined".into(),
        (_, Some(How::Ending)) => "an other-language ending of a known name".into(),
        (_, Some(How::Shorthand)) => {
            "a truncated name next to a strength that starts only this drug's names".into()
        }
        (_, Some(How::Alias(k))) => format!("exact {} name in the knowledge base", k.as_str()),
        (_, None) => String::new(),
    }
}

fn trail(ctx: &Context, text: &str) -> Trail {
    let res: Resolution = matcher::resolve(&ctx.lex, text);
    let findings = screen::screen(&ctx.kb, &ctx.lex, &res);
    let compact: String = res.normalized.split(' ').collect();
    let mut candidates: Vec<CandidateView> = Vec::new();
    let mut push = |c: Candidate| {
        let name = ctx.lex.name(c.name);
        if candidates.iter().any(|v| v.name == *name.display) {
            return;
        }
        candidates.push(CandidateView {
            name: name.display.to_string(),
            ingredient: screen::ingredient_of(&ctx.kb, &ctx.lex, c.name),
            target: !matches!(name.meaning, Meaning::Other(_)),
            score: round(c.score),
        });
    };
    for h in &res.hits {
        push(Candidate {
            name: h.name,
            score: h.score,
        });
        h.review.iter().copied().for_each(&mut push);
        h.runner_up.into_iter().for_each(&mut push);
    }
    let mut queries: Vec<String> = res.hits.iter().map(|h| h.text.replace(' ', "")).collect();
    queries.extend(res.unmatched.iter().cloned());
    if res.hits.is_empty() && !compact.is_empty() {
        queries.push(compact);
    }
    for q in queries {
        for h in ctx.lex.fuzzy_search(&q).into_iter().take(5) {
            push(Candidate {
                name: h.name,
                score: h.score,
            });
        }
    }
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    candidates.truncate(8);
    let findings = findings
        .iter()
        .map(|f| {
            let shown = f.drug.filter(|_| f.status != Status::Clear);
            let (evidence, advice, _, _) = drug_text(&ctx.kb, shown);
            let sources = shown
                .map(|d| {
                    ctx.kb.drugs[d]
                        .sources
                        .iter()
                        .filter_map(|id| ctx.kb.source(id))
                        .map(|s| format!("[{}] {}", s.id, s.citation))
                        .collect()
                })
                .unwrap_or_default();
            FindingView {
                status: f.status.as_str(),
                ingredient: f.ingredient.clone(),
                class: shown
                    .map(|d| ctx.kb.drugs[d].class.clone())
                    .unwrap_or_default(),
                level: shown
                    .map(|d| ctx.kb.drugs[d].level.to_string())
                    .unwrap_or_default(),
                text: f.text.clone(),
                matched_as: f.matched_as.clone(),
                how: f.how.map(|h| h.as_str().to_owned()).unwrap_or_default(),
                score: f.score.map(round),
                why: why(f),
                evidence,
                advice,
                sources,
            }
        })
        .collect();
    Trail {
        input: text.to_owned(),
        normalized: res.normalized,
        findings,
        candidates,
        unmatched: res.unmatched,
    }
}

/// Explains each name.
///
/// # Errors
/// When the output cannot be written.
pub fn run(ctx: &Context, opts: &Options, out: &mut dyn Write) -> Result<Outcome> {
    let format = ctx.format.unwrap_or(Format::Table);
    let trails: Vec<Trail> = opts.names.iter().map(|n| trail(ctx, n)).collect();
    match format {
        Format::Table | Format::Html => {
            for (i, t) in trails.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                render_text(out, t)?;
            }
        }
        Format::Jsonl => {
            for t in &trails {
                write_json(out, t, false)?;
                writeln!(out)?;
            }
        }
        Format::Json => {
            write_json(out, &trails, true)?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            w.write_record([
                "input",
                "normalized",
                "candidate",
                "ingredient",
                "target",
                "score",
            ])?;
            for t in &trails {
                for c in &t.candidates {
                    let score = format!("{:.2}", c.score);
                    let target = if c.target { "yes" } else { "no" };
                    w.write_record(
                        [
                            t.input.as_str(),
                            &t.normalized,
                            &c.name,
                            &c.ingredient,
                            target,
                            &score,
                        ]
                        .map(|s| csv_cell(s, ctx.raw).into_owned()),
                    )?;
                }
            }
            w.flush()?;
        }
    }
    out.flush()?;
    Ok(Outcome::default())
}

fn render_text(out: &mut dyn Write, t: &Trail) -> std::io::Result<()> {
    writeln!(out, "{}", escape::terminal(&t.input))?;
    writeln!(
        out,
        "  normalized: {}",
        if t.normalized.is_empty() {
            "(nothing)".into()
        } else {
            escape::terminal(&t.normalized)
        }
    )?;
    for f in &t.findings {
        let mut head = format!("  → {} {}", f.status, f.ingredient);
        if !f.class.is_empty() {
            head.push_str(&format!(" ({}, level {})", f.class, f.level));
        }
        writeln!(out, "{head}")?;
        if !f.how.is_empty() {
            let score = f
                .score
                .map(|s| format!(", score {s:.2}"))
                .unwrap_or_default();
            writeln!(
                out,
                "    matched “{}” as “{}”: {}{score}",
                escape::terminal(&f.text),
                escape::terminal(&f.matched_as),
                f.how
            )?;
        }
        writeln!(out, "    why: {}", f.why)?;
        if !f.evidence.is_empty() {
            writeln!(out, "    evidence: {}", f.evidence)?;
        }
        if !f.advice.is_empty() {
            writeln!(out, "    advice: {}", f.advice)?;
        }
        for s in &f.sources {
            writeln!(out, "    source: {s}")?;
        }
    }
    if !t.candidates.is_empty() {
        writeln!(out, "  candidates:")?;
        for c in &t.candidates {
            let target = if c.target { "  [target]" } else { "" };
            writeln!(
                out,
                "    {:.2}  {} → {}{target}",
                c.score, c.name, c.ingredient
            )?;
        }
    }
    if !t.unmatched.is_empty() {
        writeln!(
            out,
            "  unmatched words: {}",
            escape::terminal(&t.unmatched.join(" "))
        )?;
    }
    Ok(())
}
