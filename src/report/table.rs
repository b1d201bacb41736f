//! The terminal report, laid out for the terminal's width: the quinine warning set apart at the
//! top, entries for review next, then one compact block per flagged entry by level (drug, class,
//! level, how it matched, the advice), clear and unrecognized entries one line each, notes on the
//! whole list, patient context, what helps, a summary line whose counts add up, the disclaimer.
//! `--wide` shows every column in one table instead. Text from the input is escaped (control,
//! bidi and zero-width characters, line and paragraph separators) and long cells are cut.

use std::fmt::Write as _;
use std::io::{self, Write};

use tabled::builder::Builder;
use tabled::settings::Style;
use unicode_width::UnicodeWidthChar;

use super::view::{self, Group, Item, View};
use super::{Entry, Summary, class_level};
use crate::escape;
use crate::kb::{Kb, Level};
use crate::screen::cascade::{self, Note};
use crate::screen::{Finding, Status};

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

/// A cell's text made safe for the terminal: controls, bidi controls, zero-width characters and
/// U+2028/2029 shown visibly ([`escape::terminal`]), so that an entry cannot move the cursor or
/// reorder or hide the text shown around it.
#[must_use]
pub fn escape_cell(s: &str) -> String {
    escape::terminal(s).into_owned()
}

/// Columns taken by a string in a terminal.
fn cols(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// `s` cut to `width` columns, with `…` when cut.
#[must_use]
pub fn truncate(s: &str, width: usize) -> String {
    if cols(s) <= width {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Wraps `text` into lines of at most `width` columns, the first starting with `first`, the
/// others with `rest`; a word longer than a line is split (the only break inside a word).
#[must_use]
pub fn fill(text: &str, first: &str, rest: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_owned();
    let mut used = cols(first);
    let mut empty = true;
    let indent = cols(rest);
    for word in text.split_whitespace() {
        let n = cols(word);
        if !empty && used + 1 + n > width {
            lines.push(std::mem::replace(&mut line, rest.to_owned()));
            used = indent;
            empty = true;
        }
        if !empty {
            line.push(' ');
            used += 1;
        }
        // A word wider than what is left of an empty line is split across lines.
        for c in word.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > width && used > indent {
                lines.push(std::mem::replace(&mut line, rest.to_owned()));
                used = indent;
            }
            line.push(c);
            used += w;
        }
        empty = false;
    }
    lines.push(line);
    lines
}

/// Entries collected until [`Table::render`].
#[derive(Debug, Default)]
pub(super) struct Table {
    items: Vec<Item>,
}

/// ANSI colours, or none.
struct Paint(bool);

impl Paint {
    fn on(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }

    fn level(&self, level: Option<Level>, s: &str) -> String {
        let code = match level {
            Some(Level::Warning) => "1;31",
            Some(Level::High) => "31",
            Some(Level::Moderate) => "33",
            Some(Level::Low) => "36",
            None => "0",
        };
        self.on(code, s)
    }
}

impl Table {
    pub(super) fn push(&mut self, entry: Entry<'_>, findings: &[Finding]) {
        self.items.push(Item {
            patient: entry.patient.to_owned(),
            row: entry.row,
            input: entry.input.to_owned(),
            findings: findings.to_vec(),
        });
    }

    /// The entries in report order, for other renderers.
    pub(super) fn into_items(mut self, kb: &Kb) -> Vec<Item> {
        view::order(kb, &mut self.items);
        self.items
    }

    pub(super) fn render<W: Write>(
        self,
        out: &mut W,
        kb: &Kb,
        summary: &Summary,
        view: &View,
        color: bool,
    ) -> io::Result<()> {
        let items = self.into_items(kb);
        let notes = notes_by_patient(kb, &items);
        let mut text = String::new();
        let p = Paint(color);
        if view.wide {
            wide(&mut text, kb, &items, &p);
        } else {
            compact(&mut text, kb, &items, view, &p);
        }
        let width = view.width;
        let para = |text: &mut String, first: &str, rest: &str, body: &str| {
            for l in fill(body, first, rest, width) {
                text.push_str(&l);
                text.push('\n');
            }
        };
        if !notes.is_empty() {
            text.push('\n');
            for (who, n) in &notes {
                let title = format!("{}{}: ", n.title.to_uppercase(), who);
                para(
                    &mut text,
                    &title,
                    "  ",
                    &format!("{} {}", n.text, ids(&n.sources)),
                );
            }
        }
        if !view.context.is_empty() {
            text.push_str(
                "\nPATIENT CONTEXT (what raises the odds of night cramps; not a score)\n",
            );
            for c in &view.context {
                para(&mut text, "  - ", "    ", &c.sentence());
            }
        }
        if view.advice {
            text.push('\n');
            para(
                &mut text,
                "",
                "",
                "WHAT HELPS (non-drug measures the article lists [S0], for the patient):",
            );
            for m in kb.context.iter().filter(|m| m.is_advice()) {
                let line = format!("{}: {} [{}]", m.label, m.text, m.sources.join("; "));
                para(&mut text, "  - ", "    ", &line);
            }
        }
        text.push('\n');
        if view.explain {
            let cited = view::cited(kb, &items, &notes_only(&notes), view);
            text.push_str("SOURCES\n");
            for id in cited {
                if let Some(s) = kb.source(&id) {
                    para(&mut text, &format!("  [{}] ", s.id), "      ", &s.citation);
                }
            }
            text.push('\n');
        } else if !view.wide {
            para(
                &mut text,
                "",
                "",
                "Evidence and full citations: run again with --explain.",
            );
        }
        let code = if summary.warnings > 0 {
            "1;31"
        } else if summary.flagged > 0 {
            "33"
        } else {
            "0"
        };
        for line in [summary.entry_line(), summary.finding_line()] {
            for l in fill(&line, "", "  ", width) {
                text.push_str(&p.on(code, &l));
                text.push('\n');
            }
        }
        for l in fill(super::DISCLAIMER, "", "", width) {
            text.push_str(&l);
            text.push('\n');
        }
        out.write_all(text.as_bytes())
    }
}

/// Notes per patient (`(" for patient P1", note)`; the suffix is empty outside batch).
pub(super) fn notes_by_patient(kb: &Kb, items: &[Item]) -> Vec<(String, Note)> {
    let mut patients: Vec<&str> = items.iter().map(|i| i.patient.as_str()).collect();
    patients.sort_unstable();
    patients.dedup();
    let mut out = Vec::new();
    for who in patients {
        let mut found: Vec<(u64, &Finding)> = Vec::new();
        for i in items.iter().filter(|i| i.patient == who) {
            found.extend(i.findings.iter().map(|f| (i.row, f)));
        }
        let suffix = if who.is_empty() {
            String::new()
        } else {
            format!(" (patient {})", escape_cell(who))
        };
        for n in cascade::notes(kb, found) {
            out.push((suffix.clone(), n));
        }
    }
    out
}

fn notes_only(notes: &[(String, Note)]) -> Vec<Note> {
    notes.iter().map(|(_, n)| n.clone()).collect()
}

/// `[S1; S11]`, or nothing.
fn ids(sources: &[String]) -> String {
    if sources.is_empty() {
        String::new()
    } else {
        format!("[{}]", sources.join("; "))
    }
}

/// `row 3: input` (with the patient in batch), cut to fit after `tag`.
fn heading(tag: &str, item: &Item, width: usize) -> String {
    let who = if item.patient.is_empty() {
        String::new()
    } else {
        format!("patient {}, ", escape_cell(&item.patient))
    };
    let head = format!("{tag} {who}row {}: {}", item.row, escape_cell(&item.input));
    truncate(&head, width)
}

fn compact(text: &mut String, kb: &Kb, items: &[Item], view: &View, p: &Paint) {
    let width = view.width;
    let mut push = |text: &mut String, first: &str, rest: &str, body: &str| {
        for l in fill(body, first, rest, width) {
            text.push_str(&l);
            text.push('\n');
        }
    };
    let mut last: Option<Group> = None;
    for item in items {
        let group = item.group();
        if matches!(group, Group::Clear | Group::Unrecognized) {
            if last != Some(group) {
                if last.is_some() {
                    text.push('\n');
                }
                text.push_str(&p.on(
                    if group == Group::Clear { "32" } else { "2" },
                    if group == Group::Clear {
                        "CLEAR (no cramp association known)"
                    } else {
                        "UNRECOGNIZED (no known drug name)"
                    },
                ));
                text.push('\n');
            }
            last = Some(group);
            let what = if group == Group::Clear {
                let names: Vec<&str> = item
                    .findings
                    .iter()
                    .map(|f| f.ingredient.as_str())
                    .collect();
                format!(" → {}", names.join(", "))
            } else {
                String::new()
            };
            let who = if item.patient.is_empty() {
                String::new()
            } else {
                format!("{}, ", escape_cell(&item.patient))
            };
            let line = format!(
                "  {who}row {}: {}{}",
                item.row,
                escape_cell(&item.input),
                escape_cell(&what)
            );
            text.push_str(&truncate(&line, width));
            text.push('\n');
            // What a pharmacist should still read: a clear entry's note (a drink with quinine in
            // it, words left unmatched) and an unrecognized entry's nearest names.
            for f in &item.findings {
                if group == Group::Clear && !f.note.is_empty() {
                    push(text, "    ", "      ", &escape_cell(&f.note));
                } else if group == Group::Unrecognized && !f.candidates.is_empty() {
                    push(
                        text,
                        "    Nearest names: ",
                        "      ",
                        &escape_cell(&f.candidates),
                    );
                }
            }
            continue;
        }
        if last.is_some() {
            text.push('\n');
        }
        last = Some(group);
        let level = item.level(kb);
        let (tag, level_for_colour) = match group {
            Group::Quinine => ("QUININE WARNING".to_owned(), Some(Level::Warning)),
            Group::Review => ("FOR REVIEW".to_owned(), None),
            Group::Flagged => (
                format!(
                    "FLAGGED {}",
                    level.map_or("", |l| l.as_str()).to_uppercase()
                ),
                level,
            ),
            _ => ("NOT READ".to_owned(), None),
        };
        let head = heading(&tag, item, width);
        let cut = tag.len().min(head.len());
        let cut = if head.is_char_boundary(cut) { cut } else { 0 };
        let (tag_part, rest_part) = head.split_at(cut);
        let tag_painted = match group {
            Group::Review => p.on("35", tag_part),
            Group::Error => p.on("31", tag_part),
            _ => p.level(level_for_colour, tag_part),
        };
        text.push_str(&tag_painted);
        text.push_str(rest_part);
        text.push('\n');
        for f in &item.findings {
            finding(text, kb, f, view, &mut push);
        }
    }
}

fn finding(
    text: &mut String,
    kb: &Kb,
    f: &Finding,
    view: &View,
    push: &mut impl FnMut(&mut String, &str, &str, &str),
) {
    let (class, level) = class_level(kb, f);
    let drug = view::shown_drug(f).and_then(|d| kb.drugs.get(d));
    match f.status {
        Status::Error => {
            push(text, "  ", "  ", &escape_cell(&f.note));
            return;
        }
        Status::Clear | Status::Unrecognized => {
            let what = if f.ingredient.is_empty() {
                f.note.clone()
            } else {
                format!("{} (clear) · {}", f.ingredient, view::matched_text(f))
            };
            push(text, "  ", "    ", &escape_cell(&what));
            return;
        }
        Status::Warning | Status::Flagged | Status::Review => {}
    }
    let mut parts = vec![f.ingredient.clone()];
    for p in [class, level.to_owned()] {
        if !p.is_empty() {
            parts.push(p);
        }
    }
    parts.push(view::matched_text(f));
    if let Some(d) = drug {
        parts.push(ids(&d.sources));
    }
    push(text, "  ", "    ", &escape_cell(&parts.join(" · ")));
    if f.status == Status::Review {
        push(text, "  Candidates: ", "    ", &escape_cell(&f.candidates));
        push(text, "  Advice: ", "    ", view::REVIEW_ADVICE);
    } else if let Some(d) = drug {
        push(text, "  Advice: ", "    ", &d.advice);
    }
    if view.explain
        && let Some(d) = drug
    {
        push(text, "  Evidence: ", "    ", &d.evidence);
    }
    if !f.note.is_empty() {
        push(text, "  Note: ", "    ", &escape_cell(&f.note));
    }
}

/// Every column in one table (`--wide`); cells are wrapped or cut to keep rows readable.
fn wide(text: &mut String, kb: &Kb, items: &[Item], p: &Paint) {
    let with_patient = items.iter().any(|i| !i.patient.is_empty());
    let mut b = Builder::default();
    let mut header = vec![
        "row",
        "input",
        "status",
        "ingredient",
        "class",
        "level",
        "match",
        "candidates",
        "note",
        "evidence",
        "advice",
        "sources",
    ];
    if with_patient {
        header.insert(0, "patient");
    }
    b.push_record(header);
    for item in items {
        for f in &item.findings {
            let (class, level) = class_level(kb, f);
            let drug = view::shown_drug(f).and_then(|d| kb.drugs.get(d));
            let status = match f.status {
                Status::Warning => p.on("1;31", "warning"),
                Status::Flagged => p.level(drug.map(|d| d.level), "flagged"),
                Status::Review => p.on("35", "review"),
                Status::Clear => p.on("32", "clear"),
                Status::Error => p.on("31", "error"),
                Status::Unrecognized => "unrecognized".to_owned(),
            };
            let mut rec = vec![
                item.row.to_string(),
                wrap(&truncate(&escape_cell(&item.input), 120), 28),
                status,
                f.ingredient.clone(),
                class,
                level.to_owned(),
                wrap(&escape_cell(&view::matched_text(f)), 30),
                wrap(&escape_cell(&f.candidates), 30),
                wrap(&truncate(&escape_cell(&f.note), 120), 24),
                wrap(drug.map_or("", |d| d.evidence.as_str()), 48),
                wrap(drug.map_or("", |d| d.advice.as_str()), 40),
                drug.map(|d| d.sources.join("; ")).unwrap_or_default(),
            ];
            if with_patient {
                rec.insert(0, truncate(&escape_cell(&item.patient), 24));
            }
            b.push_record(rec);
        }
    }
    let mut t = b.build();
    t.with(Style::sharp());
    let _ = writeln!(text, "{t}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_breaks_between_words_and_never_starts_a_line_with_a_space() {
        assert_eq!(wrap("aa bb cc", 5), "aa bb\ncc");
        assert_eq!(wrap("a  verylongword b", 4), "a\nverylongword\nb");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_cell("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape_cell("plain"), "plain");
    }

    #[test]
    fn bidi_zero_width_and_separators_are_escaped_visibly() {
        assert_eq!(escape_cell("a\u{202e}b"), "a<U+202E>b");
        assert_eq!(escape_cell("a\u{200b}b\u{2066}"), "a<U+200B>b<U+2066>");
        assert_eq!(escape_cell("x\u{2028}y\u{2029}"), "x<U+2028>y<U+2029>");
        assert_eq!(escape_cell("\u{feff}q"), "<U+FEFF>q");
        assert_eq!(escape_cell("café"), "café");
    }

    #[test]
    fn filled_lines_never_exceed_the_width_even_with_a_long_word() {
        let text = format!("short words then {} and more", "x".repeat(130));
        for w in [40, 80] {
            let lines = fill(&text, "  Advice: ", "    ", w);
            assert!(lines.iter().all(|l| cols(l) <= w), "{lines:#?}");
            assert!(lines[0].starts_with("  Advice: short"));
        }
        assert_eq!(fill("aa bb cc", "", "", 5), ["aa bb", "cc"]);
    }

    #[test]
    fn truncation_marks_the_cut_and_counts_wide_characters() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(cols(&truncate("日本語日本語", 5)), 5);
    }
}
