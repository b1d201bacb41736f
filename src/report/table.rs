//! The terminal table: quinine warnings set apart first, then every finding sorted by status and
//! level, then a one-line summary. Control characters from the input are escaped.

use std::fmt::Write as _;
use std::io::{self, Write};

use tabled::builder::Builder;
use tabled::settings::Style;

use super::{Entry, Summary, class_level, score_text};
use crate::escape;
use crate::kb::Kb;
use crate::screen::{Finding, Status};

/// One finding, as text cells.
#[derive(Debug)]
struct Row {
    status: Status,
    level: Option<crate::kb::Level>,
    patient: String,
    row: u64,
    input: String,
    ingredient: String,
    class: String,
    level_text: &'static str,
    matched: String,
    evidence: String,
    advice: String,
    sources: String,
}

/// Rows collected until [`Table::render`].
#[derive(Debug, Default)]
pub(super) struct Table {
    rows: Vec<Row>,
}

/// Greedy word wrap at `width` characters (a longer word stands on its own line), so table cells
/// never start a line with a space.
#[must_use]
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut line = 0;
    for word in text.split_whitespace() {
        let n = word.chars().count();
        if line > 0 && line + 1 + n > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += n;
    }
    out
}

fn matched_text(f: &Finding) -> String {
    let Some(how) = f.how else {
        return String::new();
    };
    let mut s = format!("{} \u{201c}{}\u{201d}", how.as_str(), f.matched_as);
    if f.score.is_some_and(|s| s < 1.0) {
        let _ = write!(s, " {}", score_text(f));
    }
    if !f.runner_up.is_empty() {
        let _ = write!(s, "; runner-up {}", f.runner_up);
    }
    if !f.candidates.is_empty() {
        let _ = write!(s, "; candidates {}", f.candidates);
    }
    s
}

impl Table {
    pub(super) fn push(&mut self, kb: &Kb, entry: Entry<'_>, findings: &[Finding]) {
        for f in findings {
            let (class, level_text) = class_level(kb, f);
            let (evidence, advice, sources, _) = super::drug_text(
                kb,
                f.drug.filter(|_| {
                    matches!(f.status, Status::Flagged | Status::Warning | Status::Review)
                }),
            );
            let evidence = if evidence.is_empty() {
                f.note.clone()
            } else {
                evidence
            };
            self.rows.push(Row {
                status: f.status,
                level: f.drug.map(|d| kb.drugs[d].level),
                patient: escape::terminal(entry.patient).into_owned(),
                row: entry.row,
                input: escape::terminal(entry.input).into_owned(),
                ingredient: f.ingredient.clone(),
                class,
                level_text,
                matched: escape::terminal(&matched_text(f)).into_owned(),
                evidence,
                advice,
                sources,
            });
        }
    }

    pub(super) fn render<W: Write>(
        &mut self,
        out: &mut W,
        summary: &Summary,
        color: bool,
    ) -> io::Result<()> {
        self.rows.sort_by(|a, b| {
            a.status
                .cmp(&b.status)
                .then(b.level.cmp(&a.level))
                .then(a.patient.cmp(&b.patient))
                .then(a.row.cmp(&b.row))
        });
        let paint = |code: &str, s: &str| {
            if color {
                format!("\x1b[{code}m{s}\x1b[0m")
            } else {
                s.to_owned()
            }
        };
        let with_patient = self.rows.iter().any(|r| !r.patient.is_empty());
        let (warnings, rest): (Vec<&Row>, Vec<&Row>) =
            self.rows.iter().partition(|r| r.status == Status::Warning);
        for w in &warnings {
            let who = if w.patient.is_empty() {
                String::new()
            } else {
                format!("patient {}, ", w.patient)
            };
            writeln!(
                out,
                "{} {who}row {}: {} ({})",
                paint("1;31", "QUININE WARNING"),
                w.row,
                w.input,
                w.matched
            )?;
            writeln!(out, "  {}", w.evidence)?;
            if !w.advice.is_empty() {
                writeln!(out, "  Advice: {}", w.advice)?;
            }
            writeln!(out, "  Sources: {}", w.sources)?;
            writeln!(out)?;
        }
        if !rest.is_empty() {
            let mut b = Builder::default();
            let mut header = vec![
                "row",
                "input",
                "status",
                "ingredient",
                "class",
                "level",
                "match",
                "evidence",
                "sources",
            ];
            if with_patient {
                header.insert(0, "patient");
            }
            b.push_record(header);
            for r in &rest {
                let status = match r.status {
                    Status::Flagged => paint("33", "flagged"),
                    Status::Review => paint("35", "review"),
                    Status::Clear => paint("32", "clear"),
                    Status::Error => paint("31", "error"),
                    s => s.as_str().to_owned(),
                };
                let mut rec = vec![
                    r.row.to_string(),
                    wrap(&r.input, 28),
                    status,
                    r.ingredient.clone(),
                    r.class.clone(),
                    r.level_text.to_owned(),
                    wrap(&r.matched, 30),
                    wrap(&r.evidence, 48),
                    r.sources.clone(),
                ];
                if with_patient {
                    rec.insert(0, r.patient.clone());
                }
                b.push_record(rec);
            }
            let mut t = b.build();
            t.with(Style::sharp());
            writeln!(out, "{t}")?;
        }
        let mut line = summary.line();
        if summary.warnings > 0 {
            line = paint("1;31", &line);
        } else if summary.flagged > 0 {
            line = paint("33", &line);
        }
        writeln!(out, "{line}")?;
        writeln!(
            out,
            "Decision support for professionals, not medical advice."
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_breaks_between_words_and_never_starts_a_line_with_a_space() {
        assert_eq!(wrap("aa bb cc", 5), "aa bb\ncc");
        assert_eq!(wrap("a  verylongword b", 4), "a\nverylongword\nb");
    }
}
