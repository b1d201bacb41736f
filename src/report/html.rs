//! The printable report: one self-contained HTML page (inline CSS, no scripts, no external
//! requests), laid out for A4 and Letter, with the date, the knowledge-base version, the
//! disclaimer, the findings with their evidence, notes, patient context, what helps and full
//! citations. Every string from the input is escaped here, once.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::view::{self, Group, Item, View};
use super::{Summary, class_level};
use crate::kb::Kb;
use crate::screen::Status;
use crate::screen::cascade::Note;

/// Escapes text for HTML element content and quoted attribute values.
#[must_use]
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Inline style: plain, printable, no web fonts; page breaks between patients.
const STYLE: &str = "\
@page { margin: 14mm 12mm; }
html { font: 10.5pt/1.4 \"DejaVu Sans\", \"Liberation Sans\", Arial, sans-serif; color: #111; }
body { max-width: 190mm; margin: 0 auto; padding: 8px; }
h1 { font-size: 16pt; margin: 0 0 4px; }
h2 { font-size: 12.5pt; margin: 16px 0 6px; border-bottom: 1px solid #999; }
h3 { font-size: 11pt; margin: 10px 0 2px; }
.meta { color: #333; font-size: 9.5pt; margin: 0 0 6px; }
.disclaimer { border: 1px solid #555; padding: 4px 8px; font-weight: bold; margin: 6px 0; }
.entry { border-left: 4px solid #999; padding: 2px 0 4px 8px; margin: 8px 0; break-inside: avoid; }
.quinine { border-color: #b00000; background: #fdecec; }
.high { border-color: #c0392b; }
.moderate { border-color: #d68910; }
.low { border-color: #2e86c1; }
.review { border-color: #7d3c98; }
.tag { font-weight: bold; text-transform: uppercase; font-size: 9pt; letter-spacing: .04em; }
dl { margin: 2px 0; display: grid; grid-template-columns: 7.5em 1fr; gap: 1px 8px; }
dl + dl { border-top: 1px dotted #bbb; padding-top: 3px; }
dt { font-weight: bold; color: #333; }
dd { margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; }
th, td { border: 1px solid #bbb; padding: 2px 5px; text-align: left; vertical-align: top; }
ul { margin: 2px 0; padding-left: 18px; }
.sources li { font-size: 9pt; }
.summary { font-weight: bold; margin-top: 12px; }
.patient { break-before: page; }
.patient:first-of-type { break-before: auto; }
@media print { body { padding: 0; } .entry { background: none; } }
";

/// The page's opening: doctype, inline style, title, date, knowledge-base version, disclaimer.
pub(super) fn open(out: &mut String, kb: &Kb, view: &View, title: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n\
         <p class=\"meta\">Date: {} · crampcheck {} · knowledge base: {} (data {})</p>\n\
         <p class=\"disclaimer\">{} It reports associations from the literature with their \
         evidence and sources; it does not diagnose. The prescriber and the pharmacist decide.</p>\n",
        escape(title),
        escape(title),
        escape(&view.date),
        env!("CARGO_PKG_VERSION"),
        escape(&kb.origin),
        escape(&kb.fingerprint),
        super::DISCLAIMER,
    );
}

/// The page's end.
pub(super) fn close(out: &mut String) {
    out.push_str("</body>\n</html>\n");
}

/// Notes, patient context and what helps, as sections.
pub(super) fn extras(out: &mut String, kb: &Kb, notes: &[(String, Note)], view: &View) {
    if !notes.is_empty() {
        out.push_str("<h2>Notes on the whole list</h2>\n<ul class=\"notes\">\n");
        for (who, n) in notes {
            let _ = writeln!(
                out,
                "<li><strong>{}{}:</strong> {} [{}]</li>",
                escape(n.title),
                escape(who),
                escape(&n.text),
                escape(&n.sources.join("; "))
            );
        }
        out.push_str("</ul>\n");
    }
    if !view.context.is_empty() {
        out.push_str(
            "<h2>Patient context</h2>\n<p class=\"meta\">What raises the odds of night cramps, \
             with its figure and source: context, not a score.</p>\n<ul class=\"context\">\n",
        );
        for c in &view.context {
            let _ = writeln!(out, "<li>{}</li>", escape(&c.sentence()));
        }
        out.push_str("</ul>\n");
    }
    if view.advice {
        out.push_str(
            "<h2>What helps</h2>\n<p class=\"meta\">Non-drug measures the article lists [S0], \
             worded to pass on to the patient.</p>\n<ul class=\"helps\">\n",
        );
        for m in kb.context.iter().filter(|m| m.is_advice()) {
            let _ = writeln!(
                out,
                "<li><strong>{}:</strong> {} [{}]</li>",
                escape(&m.label),
                escape(&m.text),
                escape(&m.sources.join("; "))
            );
        }
        out.push_str("</ul>\n");
    }
}

/// Full citations of the given source ids.
pub(super) fn sources(out: &mut String, kb: &Kb, ids: &[String]) {
    if ids.is_empty() {
        return;
    }
    out.push_str("<h2>Sources</h2>\n<ul class=\"sources\">\n");
    for id in ids {
        if let Some(s) = kb.source(id) {
            let mut extra = String::new();
            if !s.pmid.is_empty() {
                let _ = write!(extra, " PMID {}.", s.pmid);
            }
            if !s.doi.is_empty() {
                let _ = write!(extra, " doi:{}.", s.doi);
            }
            let _ = writeln!(
                out,
                "<li>[{}] {}{}</li>",
                escape(&s.id),
                escape(&s.citation),
                escape(&extra)
            );
        }
    }
    out.push_str("</ul>\n");
}

/// Writes the whole report for the entries of `check` (or of `batch`, in report order).
///
/// # Errors
/// On a write error.
pub(super) fn render<W: Write>(
    w: &mut W,
    kb: &Kb,
    items: &[Item],
    summary: &Summary,
    view: &View,
) -> io::Result<()> {
    let notes = super::table::notes_by_patient(kb, items);
    let mut out = String::with_capacity(16 * 1024);
    open(
        &mut out,
        kb,
        view,
        "Nocturnal leg cramps: medication screen",
    );
    let _ = writeln!(out, "<p class=\"summary\">{}</p>", escape(&summary.line()));
    let mut last: Option<Group> = None;
    for item in items {
        let group = item.group();
        if last != Some(group) {
            if matches!(last, Some(Group::Clear | Group::Unrecognized)) {
                out.push_str("</tbody></table>\n");
            }
            let title = match group {
                Group::Quinine => "Quinine warning",
                Group::Review => "For review",
                Group::Flagged => "Flagged",
                Group::Clear => "Clear",
                Group::Unrecognized => "Unrecognized",
                Group::Error => "Not read",
            };
            let _ = writeln!(out, "<h2>{title}</h2>");
            if matches!(group, Group::Clear | Group::Unrecognized) {
                out.push_str(
                    "<table><thead><tr><th>row</th><th>entry</th><th>drug or note</th></tr>\
                     </thead><tbody>\n",
                );
            }
            last = Some(group);
        }
        if matches!(group, Group::Clear | Group::Unrecognized) {
            let what: Vec<String> = item
                .findings
                .iter()
                .map(|f| {
                    // A clear entry's note (a drink with quinine in it, words left unmatched)
                    // and an unrecognized entry's nearest names are shown with it.
                    let mut s = if f.ingredient.is_empty() {
                        f.note.clone()
                    } else if f.note.is_empty() {
                        f.ingredient.clone()
                    } else {
                        format!("{} ({})", f.ingredient, f.note)
                    };
                    if group == Group::Unrecognized && !f.candidates.is_empty() {
                        s.push_str("; nearest names: ");
                        s.push_str(&f.candidates);
                    }
                    s
                })
                .collect();
            let _ = writeln!(
                out,
                "<tr><td>{}{}</td><td>{}</td><td>{}</td></tr>",
                who(item),
                item.row,
                escape(&item.input),
                escape(&what.join(", "))
            );
            continue;
        }
        entry(&mut out, kb, item);
    }
    if matches!(last, Some(Group::Clear | Group::Unrecognized)) {
        out.push_str("</tbody></table>\n");
    }
    extras(&mut out, kb, &notes, view);
    let notes_only: Vec<Note> = notes.iter().map(|(_, n)| n.clone()).collect();
    sources(&mut out, kb, &view::cited(kb, items, &notes_only, view));
    let _ = writeln!(
        out,
        "<p class=\"summary\">{}</p>\n<p class=\"disclaimer\">{}</p>",
        escape(&summary.line()),
        super::DISCLAIMER
    );
    close(&mut out);
    w.write_all(out.as_bytes())
}

/// The page of `batch --summary --format html`: one section per patient, each starting a new
/// printed page.
#[must_use]
pub fn summaries(kb: &Kb, view: &View, patients: &[super::summary::PatientSummary]) -> String {
    let mut out = String::with_capacity(4096 + patients.len() * 1024);
    open(
        &mut out,
        kb,
        view,
        "Nocturnal leg cramps: patient summaries",
    );
    let mut cited: Vec<String> = Vec::new();
    for p in patients {
        let _ = writeln!(
            out,
            "<section class=\"patient\">\n<h2>Patient {}</h2>\n<table><tbody>\n\
             <tr><th>entries</th><td>{}</td></tr>\n<tr><th>quinine</th><td>{}</td></tr>\n\
             <tr><th>flagged findings</th><td>{}</td></tr>\n<tr><th>highest level</th><td>{}</td></tr>\n\
             <tr><th>flagged drugs</th><td>{}</td></tr>\n<tr><th>for review</th><td>{}</td></tr>\n\
             <tr><th>unrecognized</th><td>{}</td></tr>\n<tr><th>not read</th><td>{}</td></tr>\n\
             </tbody></table>",
            escape(&p.patient),
            p.entries,
            escape(&p.quinine),
            p.flagged,
            escape(&p.highest_level),
            escape(&p.flagged_drugs),
            p.review,
            p.unrecognized,
            p.errors
        );
        let notes: Vec<(String, Note)> = p
            .note_list()
            .into_iter()
            .map(|n| (String::new(), n))
            .collect();
        let mut pview = view.clone();
        pview.context.clone_from(&p.context_lines);
        pview.advice = false;
        extras(&mut out, kb, &notes, &pview);
        for id in notes
            .iter()
            .flat_map(|(_, n)| n.sources.iter())
            .chain(p.context_lines.iter().flat_map(|c| c.sources.iter()))
        {
            if !cited.contains(id) {
                cited.push(id.clone());
            }
        }
        out.push_str("</section>\n");
    }
    out.push_str("<section class=\"patient\">\n");
    let mut closing = view.clone();
    closing.context.clear();
    extras(&mut out, kb, &[], &closing);
    if view.advice {
        for m in kb.context.iter().filter(|m| m.is_advice()) {
            for id in &m.sources {
                if !cited.contains(id) {
                    cited.push(id.clone());
                }
            }
        }
    }
    sources(&mut out, kb, &cited);
    let _ = writeln!(
        out,
        "<p class=\"disclaimer\">{}</p>\n</section>",
        super::DISCLAIMER
    );
    close(&mut out);
    out
}

fn who(item: &Item) -> String {
    if item.patient.is_empty() {
        String::new()
    } else {
        format!("{} · ", escape(&item.patient))
    }
}

fn entry(out: &mut String, kb: &Kb, item: &Item) {
    let level = item.level(kb);
    let (class, tag) = match item.group() {
        Group::Quinine => ("quinine", "Quinine warning".to_owned()),
        Group::Review => ("review", "For review".to_owned()),
        Group::Flagged => (
            level.map_or("", |l| l.as_str()),
            format!("Flagged {}", level.map_or("", |l| l.as_str())),
        ),
        _ => ("", "Not read".to_owned()),
    };
    let _ = writeln!(
        out,
        "<div class=\"entry {class}\">\n<div><span class=\"tag\">{}</span> {}row {}: \
         <strong>{}</strong></div>",
        escape(&tag),
        who(item),
        item.row,
        escape(&item.input)
    );
    for f in &item.findings {
        let (fclass, flevel) = class_level(kb, f);
        let drug = view::shown_drug(f).and_then(|d| kb.drugs.get(d));
        out.push_str("<dl>\n");
        let mut row = |k: &str, v: &str| {
            if !v.is_empty() {
                let _ = writeln!(out, "<dt>{k}</dt><dd>{}</dd>", escape(v));
            }
        };
        if f.status == Status::Error {
            row("Reason", &f.note);
        } else {
            row("Drug", &f.ingredient);
            row("Class", &fclass);
            row("Level", flevel);
            row("Matched", &view::matched_text(f));
            row("Candidates", &f.candidates);
            if f.status == Status::Review {
                row("Advice", view::REVIEW_ADVICE);
            } else if f.status == Status::Clear {
                row("Status", "clear");
            }
            if let Some(d) = drug.filter(|_| f.status != Status::Review) {
                row("Advice", &d.advice);
            }
            if let Some(d) = drug {
                row("Evidence", &d.evidence);
                row("Sources", &d.sources.join("; "));
            }
            row("Note", &f.note);
        }
        out.push_str("</dl>\n");
    }
    out.push_str("</div>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_scripts_from_the_input_are_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(escape("a\x1bb"), "a\\u{1b}b");
    }

    #[test]
    fn the_style_asks_for_nothing_outside_the_page() {
        assert!(!STYLE.contains("url("));
        assert!(!STYLE.contains("@import"));
    }
}
