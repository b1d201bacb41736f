//! The printable report: one self-contained HTML page whose input text is escaped, rendered in a
//! real browser (headless Chromium) to PDF and PNG, the PDF's text checked for every finding.
//! Without Chromium the browser tests say so and pass, except in CI (`CI=true`), where its
//! absence is a failure (`.ci/run` installs it).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Record, Status, crampcheck, parse_csv, stdout_of};

const PATIENT: &str = "data/sample/patient.csv";
/// 2023-11-14 22:13:20 UTC.
const EPOCH: &str = "1700000000";

fn html(args: &[&str]) -> String {
    String::from_utf8(stdout_of(
        crampcheck()
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .args(["--format", "html"])
            .args(args),
    ))
    .unwrap()
}

/// Text as HTML shows it (the five characters the report escapes).
fn escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[test]
fn markup_and_scripts_in_the_input_are_escaped() {
    let page = html(&[
        "check",
        "<script>alert(1)</script> lipitor",
        "<img src=x onerror=alert(2)>",
        "\"quoted\" & 'single' quinine",
    ]);
    assert!(
        !page.contains("<script") && !page.contains("<img"),
        "{page}"
    );
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; lipitor"));
    assert!(page.contains("&lt;img src=x onerror=alert(2)&gt;"));
    assert!(page.contains("&quot;quoted&quot; &amp; &#39;single&#39; quinine"));
}

#[test]
fn the_page_is_self_contained_and_dated_from_source_date_epoch() {
    let page = html(&["check", "--file", PATIENT]);
    assert!(page.starts_with("<!DOCTYPE html>"));
    for forbidden in [
        "<script", "<link", "src=", "href=", "url(", "@import", "http://", "https://",
    ] {
        assert!(!page.contains(forbidden), "{forbidden}");
    }
    assert!(page.contains("<style>") && page.contains("@page"));
    assert!(page.contains("Date: 2023-11-14"));
    assert!(page.contains(concat!("crampcheck ", env!("CARGO_PKG_VERSION"))));
    assert!(page.contains("knowledge base: built-in (data "));
    assert!(page.contains("Decision support for professionals, not medical advice."));
    assert_eq!(
        page,
        html(&["check", "--file", PATIENT]),
        "not deterministic"
    );
}

#[test]
fn the_page_holds_every_finding_evidence_and_full_citations() {
    let page = html(&[
        "check",
        "--file",
        PATIENT,
        "--age",
        "72",
        "--condition",
        "pvd",
    ]);
    let records: Vec<Record> = parse_csv(&stdout_of(
        crampcheck().args(["check", "--format", "csv", "--file", PATIENT]),
    ));
    for r in &records {
        assert!(page.contains(&r.input), "{}", r.input);
        assert!(page.contains(&r.ingredient), "{}", r.ingredient);
        if matches!(r.status, Status::Flagged | Status::Warning) {
            assert!(page.contains(&escaped(&r.evidence)), "{}", r.evidence);
        }
    }
    assert!(page.contains("[S1] Garrison SR, Dormuth CR"));
    assert!(page.contains("Prescribing cascade"));
    assert!(page.contains("Peripheral vascular disease: odds ratio 2.9"));
    assert!(page.contains("What helps"));
    assert!(!html(&["check", "lipitor", "--no-advice"]).contains("What helps"));
}

#[test]
fn batch_summary_html_gives_each_patient_a_page() {
    let page = html(&["batch", "data/sample/batch.csv", "--summary"]);
    assert_eq!(page.matches("<section class=\"patient\">").count(), 41);
    assert!(page.contains(".patient { break-before: page; }"));
    assert!(page.contains("<h2>Patient P007</h2>"));
}

#[test]
fn html_is_refused_where_it_has_no_meaning() {
    crampcheck()
        .args(["lookup", "--format", "html", "lipitor"])
        .assert()
        .code(2);
}

/// The first of these programs on PATH.
fn program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// Chromium and pdftotext, or `None` (with a message) when they are missing outside CI.
#[allow(clippy::print_stderr)] // the skip must be said where the test runner shows it
fn browser() -> Option<(PathBuf, PathBuf)> {
    let chromium = program(&["chromium", "chromium-browser", "google-chrome"]);
    let pdftotext = program(&["pdftotext"]);
    match (chromium, pdftotext) {
        (Some(c), Some(p)) => Some((c, p)),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI needs chromium and pdftotext (poppler-utils): .ci/run installs them")
        }
        _ => {
            eprintln!(
                "skipped: chromium or pdftotext is not installed \
                 (apt-get install -y chromium poppler-utils)"
            );
            None
        }
    }
}

/// Renders `html` with headless Chromium to `out` (`--print-to-pdf` or `--screenshot`).
fn render(chromium: &Path, dir: &Path, html: &Path, flag: &str, out: &Path) {
    let status = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .args(["--hide-scrollbars", "--window-size=1000,1400"])
        .arg(format!("{flag}={}", out.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    assert!(
        out.metadata().unwrap().len() > 1000,
        "{} is empty",
        out.display()
    );
}

fn pdf_text(pdftotext: &Path, pdf: &Path) -> String {
    let out = Command::new(pdftotext).arg(pdf).arg("-").output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn chromium_prints_the_report_and_the_pdf_text_holds_every_finding() {
    let Some((chromium, pdftotext)) = browser() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, html(&["check", "--file", PATIENT, "--age", "72"])).unwrap();
    let pdf = dir.path().join("report.pdf");
    render(&chromium, dir.path(), &page, "--print-to-pdf", &pdf);
    let png = dir.path().join("report.png");
    render(&chromium, dir.path(), &page, "--screenshot", &png);
    assert_eq!(&std::fs::read(&png).unwrap()[..8], b"\x89PNG\r\n\x1a\n");
    // Lines are broken by the layout: compare with runs of whitespace as one space.
    let text = pdf_text(&pdftotext, &pdf);
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let records: Vec<Record> = parse_csv(&stdout_of(
        crampcheck().args(["check", "--format", "csv", "--file", PATIENT]),
    ));
    for r in &records {
        assert!(
            flat.contains(&r.ingredient),
            "{} not in the PDF:\n{text}",
            r.ingredient
        );
        if matches!(r.status, Status::Flagged | Status::Warning) {
            let advice: String = r
                .advice
                .split_whitespace()
                .take(6)
                .collect::<Vec<_>>()
                .join(" ");
            assert!(flat.contains(&advice), "{advice} not in the PDF");
        }
    }
    for needle in [
        "QUININE WARNING row 5: quinine sulfate 324 MG Oral Capsule",
        "Decision support for professionals, not medical advice.",
        "Date: 2023-11-14",
        "Age over 65 (age 72)",
        "[S1] Garrison SR",
    ] {
        assert!(flat.contains(needle), "{needle} not in the PDF:\n{text}");
    }
}

#[test]
fn chromium_prints_each_patient_of_a_summary_on_its_own_page() {
    let Some((chromium, pdftotext)) = browser() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("summary.html");
    std::fs::write(
        &page,
        html(&["batch", "data/sample/batch.csv", "--summary"]),
    )
    .unwrap();
    let pdf = dir.path().join("summary.pdf");
    render(&chromium, dir.path(), &page, "--print-to-pdf", &pdf);
    let text = pdf_text(&pdftotext, &pdf);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(pages.len() >= 41, "{} pages", pages.len());
    for n in 1..=40 {
        let id = format!("Patient P{n:03}");
        let on = pages.iter().filter(|p| p.contains(&id)).count();
        assert_eq!(on, 1, "{id} is on {on} pages");
    }
}

#[test]
fn a_clear_row_carries_its_note_and_an_unrecognized_row_its_nearest_names() {
    let page = html(&["check", "tonic water", "quinestrol"]);
    let row = |input: &str| {
        page.lines()
            .find(|l| l.starts_with("<tr><td>") && l.contains(input))
            .unwrap()
            .to_owned()
    };
    assert!(row("tonic water").contains("holds quinine"), "{page}");
    assert!(row("quinestrol").contains("nearest names: "), "{page}");
}
