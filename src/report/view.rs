//! The report as people read it, shared by the table and the HTML page: entries grouped and
//! ordered (quinine first, then review, flagged by level, clear, unrecognized, not read), with
//! the options of the view and what is said beside the findings (notes, patient context).

use crate::kb::{Kb, Level};
use crate::screen::cascade::Note;
use crate::screen::context::ContextLine;
use crate::screen::{Finding, Status};

/// How the people-facing formats lay a report out.
#[derive(Clone, Debug)]
pub struct View {
    /// Line width of the table, in terminal columns.
    pub width: usize,
    /// Every column in one wide table instead of compact blocks.
    pub wide: bool,
    /// The evidence under each finding and full citations at the foot.
    pub explain: bool,
    /// The non-drug measures and when to see a doctor, at the end.
    pub advice: bool,
    /// Patient context lines (from `--age`, `--condition`…), computed by the command.
    pub context: Vec<ContextLine>,
    /// The date shown on printable reports (`YYYY-MM-DD`).
    pub date: String,
}

impl Default for View {
    fn default() -> View {
        View {
            width: DEFAULT_WIDTH,
            wide: false,
            explain: false,
            advice: true,
            context: Vec::new(),
            date: String::new(),
        }
    }
}

/// The width used when the output is not a terminal and nothing else says.
pub const DEFAULT_WIDTH: usize = 80;
/// The narrowest width the table lays out for.
pub const MIN_WIDTH: usize = 40;
/// Entries a table or HTML report holds (it is laid out at the end, so it is kept in memory);
/// beyond this, use CSV or JSON Lines, which stream.
pub const MAX_ENTRIES: u64 = 100_000;

/// One entry with its findings, as given (not escaped).
#[derive(Clone, Debug)]
pub struct Item {
    /// Patient id (empty outside batch).
    pub patient: String,
    /// 1-based record number.
    pub row: u64,
    /// The entry as given.
    pub input: String,
    /// Its findings, most pressing first.
    pub findings: Vec<Finding>,
}

/// Where an entry goes in the report, in report order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// Quinine.
    Quinine,
    /// A person must decide which drug is meant.
    Review,
    /// A drug associated with cramps.
    Flagged,
    /// Another drug.
    Clear,
    /// Nothing recognized.
    Unrecognized,
    /// The record could not be read.
    Error,
}

impl Item {
    /// The entry's most pressing status.
    #[must_use]
    pub fn status(&self) -> Status {
        self.findings
            .iter()
            .map(|f| f.status)
            .min()
            .unwrap_or(Status::Unrecognized)
    }

    /// The group the entry is shown in.
    #[must_use]
    pub fn group(&self) -> Group {
        match self.status() {
            Status::Warning => Group::Quinine,
            Status::Review => Group::Review,
            Status::Flagged => Group::Flagged,
            Status::Clear => Group::Clear,
            Status::Unrecognized => Group::Unrecognized,
            Status::Error => Group::Error,
        }
    }

    /// The highest level among the entry's flagged and quinine findings.
    #[must_use]
    pub fn level(&self, kb: &Kb) -> Option<Level> {
        self.findings
            .iter()
            .filter(|f| matches!(f.status, Status::Flagged | Status::Warning))
            .filter_map(|f| f.drug.and_then(|d| kb.drugs.get(d)).map(|d| d.level))
            .max()
    }
}

/// Sorts entries into report order: by group, flagged ones by level (highest first), then by
/// patient and row.
pub fn order(kb: &Kb, items: &mut [Item]) {
    items.sort_by(|a, b| {
        a.group()
            .cmp(&b.group())
            .then(b.level(kb).cmp(&a.level(kb)))
            .then(a.patient.cmp(&b.patient))
            .then(a.row.cmp(&b.row))
    });
}

/// The source ids cited by the shown findings, notes and context, in number order.
#[must_use]
pub fn cited(kb: &Kb, items: &[Item], notes: &[Note], view: &View) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let mut add = |id: &str| {
        if !ids.iter().any(|i| i == id) {
            ids.push(id.to_owned());
        }
    };
    for item in items {
        for f in &item.findings {
            if let Some(d) = shown_drug(f).and_then(|d| kb.drugs.get(d)) {
                d.sources.iter().for_each(|s| add(s));
            }
        }
    }
    for n in notes {
        n.sources.iter().for_each(|s| add(s));
    }
    for c in &view.context {
        c.sources.iter().for_each(|s| add(s));
    }
    if view.advice {
        for m in &kb.context {
            if m.is_advice() {
                m.sources.iter().for_each(|s| add(s));
            }
        }
    }
    // S0, S1, …, S24 in number order.
    ids.sort_by_key(|id| {
        (
            id.trim_start_matches(|c: char| !c.is_ascii_digit())
                .parse::<u32>()
                .unwrap_or(u32::MAX),
            id.clone(),
        )
    });
    ids
}

/// The knowledge-base drug whose evidence a finding shows (none for clear and the like).
#[must_use]
pub fn shown_drug(f: &Finding) -> Option<crate::kb::DrugId> {
    f.drug
        .filter(|_| matches!(f.status, Status::Flagged | Status::Warning | Status::Review))
}

/// How a finding matched: `brand “Lipitor”`, with the score and runner-up of inexact matches.
#[must_use]
pub fn matched_text(f: &Finding) -> String {
    let Some(how) = f.how else {
        return String::new();
    };
    let mut s = format!("{} \u{201c}{}\u{201d}", how.as_str(), f.matched_as);
    if let Some(score) = f.score.filter(|s| *s < 1.0) {
        s.push_str(&format!(" {score:.2}"));
    }
    if !f.runner_up.is_empty() {
        s.push_str(&format!("; runner-up {}", f.runner_up));
    }
    s
}

/// What to do with an entry for review.
pub const REVIEW_ADVICE: &str =
    "Check with the prescriber or patient which drug is meant before acting on this entry";
