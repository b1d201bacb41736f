//! `list`: the knowledge base (filtered by class or level) or its sources.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;
use tabled::builder::Builder;
use tabled::settings::Style;

use super::{Context, Outcome};
use crate::escape;
use crate::kb::Level;
use crate::report::{Format, csv_cell, wrap, write_json};

/// Options of `list`.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Only classes containing this text.
    pub class: Option<String>,
    /// Only this level.
    pub level: Option<Level>,
    /// List sources instead of drugs.
    pub sources: bool,
}

#[derive(Serialize)]
struct DrugView<'a> {
    ingredient: &'a str,
    class: &'a str,
    level: &'a str,
    evidence: &'a str,
    advice: &'a str,
    sources: String,
    aliases: String,
}

/// Writes the knowledge base.
///
/// # Errors
/// When the output cannot be written.
pub fn run(ctx: &Context, opts: &Options, out: &mut dyn Write) -> Result<Outcome> {
    let format = ctx.format.unwrap_or(Format::Table);
    if opts.sources {
        let rows: Vec<&crate::kb::Source> = ctx.kb.sources.iter().collect();
        let cells = |s: &crate::kb::Source| {
            vec![
                s.id.clone(),
                wrap(&s.citation, 70),
                s.pmid.clone(),
                s.doi.clone(),
            ]
        };
        let fields = ["id", "citation", "pmid", "doi"];
        emit(out, format, ctx.raw, &fields, &fields, &rows, cells)?;
        return Ok(Outcome::default());
    }
    let class = opts.class.as_deref().map(str::to_lowercase);
    let mut drugs: Vec<(usize, &crate::kb::Drug)> = ctx
        .kb
        .drugs
        .iter()
        .enumerate()
        .filter(|(_, d)| {
            class
                .as_deref()
                .is_none_or(|c| d.class.to_lowercase().contains(c))
        })
        .filter(|(_, d)| opts.level.is_none_or(|l| d.level == l))
        .collect();
    drugs.sort_by(|a, b| {
        b.1.level
            .cmp(&a.1.level)
            .then(a.1.class.cmp(&b.1.class))
            .then(a.1.ingredient.cmp(&b.1.ingredient))
    });
    let views: Vec<DrugView<'_>> = drugs
        .iter()
        .map(|&(id, d)| DrugView {
            ingredient: &d.ingredient,
            class: &d.class,
            level: d.level.as_str(),
            evidence: &d.evidence,
            advice: &d.advice,
            sources: d.sources.join("; "),
            aliases: ctx
                .kb
                .aliases
                .iter()
                .filter(|a| a.ingredients.contains(&id))
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let cells = |v: &DrugView<'_>| {
        vec![
            v.ingredient.to_owned(),
            v.class.to_owned(),
            v.level.to_owned(),
            wrap(v.evidence, 50),
            v.sources.clone(),
            wrap(&v.aliases, 40),
        ]
    };
    let refs: Vec<&DrugView<'_>> = views.iter().collect();
    let header = [
        "ingredient",
        "class",
        "level",
        "evidence",
        "sources",
        "aliases",
    ];
    let fields = [
        "ingredient",
        "class",
        "level",
        "evidence",
        "advice",
        "sources",
        "aliases",
    ];
    emit(out, format, ctx.raw, &header, &fields, &refs, |v| cells(v))?;
    if format == Format::Table {
        writeln!(
            out,
            "{} drugs; knowledge base: {}",
            views.len(),
            ctx.kb.origin
        )?;
    }
    Ok(Outcome::default())
}

/// Writes rows as a table (`header` over `cells`), or as CSV, JSON Lines or JSON (`fields`, the
/// serialized names in order, are the CSV columns; `raw` keeps formula-looking CSV cells).
fn emit<T: Serialize>(
    out: &mut dyn Write,
    format: Format,
    raw: bool,
    header: &[&str],
    fields: &[&str],
    rows: &[&T],
    cells: impl Fn(&T) -> Vec<String>,
) -> Result<()> {
    match format {
        Format::Table | Format::Html => {
            let mut b = Builder::default();
            b.push_record(header.iter().copied());
            for r in rows {
                b.push_record(cells(r).iter().map(|c| escape::terminal(c).into_owned()));
            }
            let mut t = b.build();
            t.with(Style::sharp());
            writeln!(out, "{t}")?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            w.write_record(fields)?;
            for r in rows {
                let value = serde_json::to_value(r)?;
                w.write_record(fields.iter().map(|f| {
                    let text = match value.get(f) {
                        Some(serde_json::Value::String(s)) => s.clone(),
                        Some(serde_json::Value::Null) | None => String::new(),
                        Some(v) => v.to_string(),
                    };
                    csv_cell(&text, raw).into_owned()
                }))?;
            }
            w.flush()?;
        }
        Format::Jsonl => {
            for r in rows {
                write_json(out, r, false)?;
                writeln!(out)?;
            }
        }
        Format::Json => {
            write_json(out, rows, true)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(())
}
