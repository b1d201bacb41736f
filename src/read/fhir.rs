//! FHIR input: MedicationStatement and MedicationRequest resources (R4, and R5's
//! `medication` CodeableReference) read from a Bundle document or from Bulk Data NDJSON, each
//! turned into one entry (key, patient, medication text, line), with Medication references
//! resolved against contained, bundled and earlier NDJSON Medications. docs/fhir.md has the rules.
//!
//! The two shapes are told apart by the first lines: a first line that is a whole JSON value
//! starts NDJSON (a Bundle on one line is read as NDJSON whose line holds a Bundle); a first line
//! that opens a value it does not close starts one document, unless the next line is a whole
//! resource (then it is NDJSON whose first line is cut short). Resources are deserialised into a
//! few fields each, so the narrative (`text.div`) and everything else is skipped, not stored.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::io::{self, BufRead, Read};
use std::marker::PhantomData;

use anyhow::{Result, anyhow};
use serde::Deserialize;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::error::Category;

/// The most bytes one JSON document may take: a Bundle read whole, or one NDJSON line. Past it
/// reading stops with an error; larger exports belong in Bulk Data NDJSON (one resource a line).
pub const MAX_DOCUMENT_BYTES: usize = 64 << 20;
/// How many entries NDJSON reading holds back while the first of them waits for a Medication
/// that has not appeared yet (a forward reference). Past it the waiting entry is given up: its
/// reference's `display`, or an error entry.
pub const MAX_WAITING: usize = 100_000;
/// How many Medication resources are remembered for references; later ones are counted but not
/// remembered, and an entry that needs one says so in its error.
pub const MAX_MEDICATIONS: usize = 1_000_000;

/// One medication entry read from a MedicationStatement or MedicationRequest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FhirEntry {
    /// `resourceType/id` (the Bundle entry's `fullUrl` when the resource has no id; empty for
    /// a line that holds no resource).
    pub key: String,
    /// `subject.reference` (`Patient/123`), else `subject.display`, else empty.
    pub patient: String,
    /// The medication as text to screen; empty when `error` is set.
    pub text: String,
    /// The 1-based line where the resource starts (NDJSON) or where its Bundle entry starts.
    pub line: u64,
    /// Why no medication text could be read; the entry is still reported.
    pub error: Option<String>,
}

/// Reads FHIR entries from a Bundle or Bulk Data NDJSON; see the module documentation.
pub struct FhirReader<R: BufRead> {
    src: R,
    name: String,
    /// Lines consumed so far.
    line: u64,
    /// The line being read (with its line break).
    buf: Vec<u8>,
    state: State,
    /// Entries in input order; the first may wait for a Medication.
    queue: VecDeque<Pending>,
    /// Sequence number of the queue's first entry.
    base: u64,
    /// Lookup key → sequence numbers of the entries waiting for it.
    waiting: HashMap<String, Vec<u64>>,
    /// Lookup key → the Medication's text (or why it has none).
    known: HashMap<String, Result<String, String>>,
    /// More Medications were read than [`MAX_MEDICATIONS`].
    forgot: bool,
    medications: u64,
    skipped: u64,
    /// A fatal error, returned once the entries read before it are out.
    fatal: Option<anyhow::Error>,
    /// [`MAX_WAITING`] and [`MAX_DOCUMENT_BYTES`], smaller in tests.
    window: usize,
    max_document: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    Lines,
    /// Nothing more to read.
    End,
    /// The fatal error has been returned.
    Failed,
}

/// An entry, complete or waiting for a Medication.
struct Pending {
    entry: FhirEntry,
    wait: Option<Wait>,
}

/// A Medication reference not resolved yet.
struct Wait {
    reference: String,
    display: Option<String>,
    /// The lookup keys it is registered under in `waiting`.
    keys: Vec<String>,
}

impl<R: BufRead> FhirReader<R> {
    /// A reader over `reader`; `name` (a path, or `<stdin>`) names the input in errors.
    pub fn new(reader: R, name: &str) -> FhirReader<R> {
        FhirReader {
            src: reader,
            name: name.to_string(),
            line: 0,
            buf: Vec::new(),
            state: State::Start,
            queue: VecDeque::new(),
            base: 0,
            waiting: HashMap::new(),
            known: HashMap::new(),
            forgot: false,
            medications: 0,
            skipped: 0,
            fatal: None,
            window: MAX_WAITING,
            max_document: MAX_DOCUMENT_BYTES,
        }
    }

    /// Resources of other types (Patient, Encounter, …) and Bundle entries without a resource,
    /// skipped so far.
    #[must_use]
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    /// Medication resources read so far (top level or bundled; contained ones are not counted).
    #[must_use]
    pub fn medications(&self) -> u64 {
        self.medications
    }

    /// Reads one line into `buf`; false at the end of the input.
    fn read_line(&mut self) -> Result<bool> {
        self.buf.clear();
        loop {
            let chunk = match self.src.fill_buf() {
                Ok(chunk) => chunk,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(anyhow!(e).context(format!(
                        "{}: reading line {}",
                        self.name,
                        self.line + 1
                    )));
                }
            };
            if chunk.is_empty() {
                if self.buf.is_empty() {
                    return Ok(false);
                }
                break;
            }
            let (take, done) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            if self.buf.len() + take > self.max_document + 2 {
                return Err(anyhow!(
                    "{}: line {} is longer than {} MiB, the most one FHIR resource may take",
                    self.name,
                    self.line + 1,
                    self.max_document >> 20
                ));
            }
            self.buf.extend_from_slice(&chunk[..take]);
            self.src.consume(take);
            if done {
                break;
            }
        }
        self.line += 1;
        Ok(true)
    }

    /// Reads the first lines and decides between NDJSON and one document.
    fn start(&mut self) -> Result<()> {
        loop {
            if !self.read_line()? {
                self.state = State::End;
                return Ok(());
            }
            if !is_blank(&self.buf) {
                break;
            }
        }
        let first = self.line;
        let first_line = std::mem::take(&mut self.buf);
        match parse_line(&first_line) {
            Err(e) if e.classify() == Category::Eof => {}
            _ => {
                self.state = State::Lines;
                return self.take_line(first, &first_line);
            }
        }
        // The first line opens a value it does not close: one document, or NDJSON whose first
        // line is cut short (then the next line is a whole resource). The document keeps its
        // line numbers: the blank lines before it become line breaks.
        let mut doc = vec![b'\n'; usize::try_from(first - 1).unwrap_or(0)];
        doc.extend_from_slice(&first_line);
        loop {
            if !self.read_line()? {
                return self.read_document(doc, first);
            }
            doc.extend_from_slice(&self.buf);
            if !is_blank(&self.buf) {
                break;
            }
        }
        let whole_resource = matches!(
            parse_line(&self.buf),
            Ok(Obj::Is(ref r)) if r.resource_type.as_ref().is_some_and(Value::is_string)
        );
        if whole_resource {
            self.state = State::Lines;
            self.take_line(first, &first_line)?;
            let second_line = std::mem::take(&mut self.buf);
            return self.take_line(self.line, &second_line);
        }
        self.read_document(doc, first)
    }

    /// Reads the rest of the input as one document (a Bundle, or a single resource).
    fn read_document(&mut self, mut doc: Vec<u8>, first: u64) -> Result<()> {
        self.state = State::End;
        let room = (self.max_document + 1).saturating_sub(doc.len()) as u64;
        (&mut self.src)
            .take(room)
            .read_to_end(&mut doc)
            .map_err(|e| anyhow!(e).context(format!("{}: reading the FHIR document", self.name)))?;
        if doc.len() > self.max_document {
            return Err(anyhow!(
                "{}: the FHIR document is larger than {} MiB, the most read into memory; \
                 export it as Bulk Data NDJSON (one resource a line) instead",
                self.name,
                self.max_document >> 20
            ));
        }
        let text = doc.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&doc);
        let top: Obj<Box<Resource>> = serde_json::from_slice(text).map_err(|e| {
            let what = if e.classify() == Category::Data {
                "not a FHIR Bundle or resource"
            } else {
                "not valid JSON (read as one FHIR document, such as a Bundle)"
            };
            anyhow!("{}: {what}: {e}", self.name)
        })?;
        let resource = match top {
            Obj::Is(r) if r.resource_type.as_ref().is_some_and(Value::is_string) => r,
            Obj::Is(_) => {
                return Err(anyhow!(
                    "{}: not a FHIR Bundle or resource: the JSON document has no resourceType",
                    self.name
                ));
            }
            Obj::Not(kind) => {
                return Err(anyhow!(
                    "{}: not a FHIR Bundle or resource: the document is {kind}, not an object",
                    self.name
                ));
            }
        };
        let lines = entry_lines(text);
        let mut parts = Vec::new();
        flatten(resource, first, None, &lines, &mut parts, &mut self.skipped);
        self.take(parts, false);
        Ok(())
    }

    /// Takes one NDJSON line (a resource, a Bundle, or something that is an error entry).
    fn take_line(&mut self, line: u64, bytes: &[u8]) -> Result<()> {
        if is_blank(bytes) {
            return Ok(());
        }
        let mut parts = Vec::new();
        match parse_line(bytes) {
            Ok(Obj::Is(r)) if r.resource_type.as_ref().is_some_and(Value::is_string) => {
                flatten(r, line, None, &[], &mut parts, &mut self.skipped);
            }
            Ok(Obj::Is(_)) => parts.push(Part::Bad(
                line,
                "not a FHIR resource: a JSON object without resourceType".to_string(),
            )),
            Ok(Obj::Not(kind)) => parts.push(Part::Bad(
                line,
                format!("not a FHIR resource: the line holds {kind}, not an object"),
            )),
            Err(e) => {
                if declares_bundle(bytes) {
                    return Err(anyhow!(
                        "{}: line {line}: a Bundle that is not valid JSON: {e}",
                        self.name
                    ));
                }
                let what = if e.classify() == Category::Data {
                    "not a FHIR resource"
                } else {
                    "not JSON"
                };
                parts.push(Part::Bad(line, format!("{what}: {}", message(&e))));
            }
        }
        self.take(parts, true);
        Ok(())
    }

    /// Takes the resources of one line or document: Medications first (so references inside
    /// the same Bundle resolve whatever their order), then the entries in order.
    fn take(&mut self, parts: Vec<Part>, more_may_come: bool) {
        for part in &parts {
            if let Part::Resource(r, _, full_url) = part
                && type_of(r) == Some("Medication")
            {
                self.remember(r, full_url.as_deref());
            }
        }
        for part in parts {
            match part {
                Part::Resource(r, line, full_url) => match type_of(&r) {
                    Some(kind @ ("MedicationStatement" | "MedicationRequest")) => {
                        let kind = kind.to_string();
                        let pending = self.entry(&r, &kind, line, full_url, more_may_come);
                        self.push(pending);
                    }
                    Some("Medication") => {}
                    _ => self.skipped += 1,
                },
                Part::Bad(line, error) => self.push(Pending {
                    entry: FhirEntry {
                        line,
                        error: Some(error),
                        ..FhirEntry::default()
                    },
                    wait: None,
                }),
            }
        }
    }

    /// Remembers a Medication and completes the entries waiting for it.
    fn remember(&mut self, r: &Resource, full_url: Option<&str>) {
        self.medications += 1;
        let mut keys = Vec::new();
        if let Some(id) =
            r.id.as_ref()
                .and_then(Value::as_str)
                .filter(|id| !id.is_empty())
        {
            keys.push(format!("Medication/{id}"));
        }
        if let Some(url) = full_url {
            keys.extend(reference_keys(url));
        }
        let text = medication_text(r.code.as_ref(), r.ingredient.as_ref());
        for key in keys {
            for seq in self.waiting.remove(&key).unwrap_or_default() {
                let index = seq
                    .checked_sub(self.base)
                    .and_then(|i| usize::try_from(i).ok());
                let Some(pending) = index.and_then(|i| self.queue.get_mut(i)) else {
                    continue;
                };
                if let Some(wait) = pending.wait.take() {
                    unregister(&mut self.waiting, &wait.keys, seq);
                    complete(
                        &mut pending.entry,
                        Some(&text),
                        wait.display,
                        &wait.reference,
                    );
                }
            }
            if self.known.len() < MAX_MEDICATIONS || self.known.contains_key(&key) {
                self.known.insert(key, text.clone());
            } else {
                self.forgot = true;
            }
        }
    }

    /// The entry for a MedicationStatement or MedicationRequest.
    fn entry(
        &mut self,
        r: &Resource,
        kind: &str,
        line: u64,
        full_url: Option<String>,
        more_may_come: bool,
    ) -> Pending {
        let key = match r
            .id
            .as_ref()
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
        {
            Some(id) => format!("{kind}/{id}"),
            None => full_url.unwrap_or_else(|| kind.to_string()),
        };
        let patient = r
            .subject
            .as_ref()
            .and_then(|s| non_empty(s, "reference").or_else(|| non_empty(s, "display")))
            .unwrap_or_default();
        let mut entry = FhirEntry {
            key,
            patient,
            line,
            ..FhirEntry::default()
        };
        // R4: medicationCodeableConcept | medicationReference; R5: medication.concept | .reference.
        let r5 = r.medication.as_ref();
        let concept = r
            .concept
            .as_ref()
            .or_else(|| r5.and_then(|m| m.get("concept")));
        let reference = r
            .reference
            .as_ref()
            .or_else(|| r5.and_then(|m| m.get("reference")));
        let concept_error = match concept.map(concept_text) {
            Some(Ok(text)) => {
                entry.text = text;
                return Pending { entry, wait: None };
            }
            Some(Err(why)) => Some(why),
            None => None,
        };
        let Some(reference) = reference.filter(|r| r.is_object()) else {
            entry.error = Some(match concept_error {
                Some(codes) => format!(
                    "no medication text: medicationCodeableConcept has no text and no coding \
                     display{}",
                    only_codes(&codes)
                ),
                None => "no medication: neither medicationCodeableConcept nor medicationReference"
                    .to_string(),
            });
            return Pending { entry, wait: None };
        };
        let display = non_empty(reference, "display");
        let Some(target) = non_empty(reference, "reference") else {
            complete(&mut entry, None, display, "");
            return Pending { entry, wait: None };
        };
        if let Some(id) = target.strip_prefix('#') {
            let found = contained_medication(r.contained.as_ref(), id)
                .map(|m| medication_text(m.get("code"), m.get("ingredient")));
            complete(&mut entry, found.as_ref(), display, &target);
            return Pending { entry, wait: None };
        }
        let keys = reference_keys(&target);
        if let Some(text) = keys.iter().find_map(|k| self.known.get(k)) {
            complete(&mut entry, Some(text), display, &target);
            return Pending { entry, wait: None };
        }
        if !more_may_come {
            complete(&mut entry, None, display, &target);
            return Pending { entry, wait: None };
        }
        let seq = self.base + self.queue.len() as u64;
        for key in &keys {
            self.waiting.entry(key.clone()).or_default().push(seq);
        }
        Pending {
            entry,
            wait: Some(Wait {
                reference: target,
                display,
                keys,
            }),
        }
    }

    fn push(&mut self, pending: Pending) {
        self.queue.push_back(pending);
    }

    /// Gives up the first entry's wait: its reference's display, or an error.
    fn give_up_front(&mut self, at_end: bool) {
        let (forgot, window, stopped) = (self.forgot, self.window, self.fatal.is_some());
        let seq = self.base;
        if let Some(front) = self.queue.front_mut()
            && let Some(wait) = front.wait.take()
        {
            unregister(&mut self.waiting, &wait.keys, seq);
            complete(&mut front.entry, None, wait.display, &wait.reference);
            if let Some(error) = front.entry.error.as_mut() {
                if !at_end {
                    error.push_str(&format!(
                        " before it or in the {window} entries after it \
                         (put Medication resources first)"
                    ));
                } else if stopped {
                    error.push_str(" before reading stopped at an error");
                } else if forgot {
                    error.push_str(&format!(
                        " (only the first {MAX_MEDICATIONS} Medications are remembered)"
                    ));
                }
            }
        }
    }
}

impl<R: BufRead> Iterator for FhirReader<R> {
    type Item = Result<FhirEntry>;

    fn next(&mut self) -> Option<Result<FhirEntry>> {
        loop {
            if let Some(front) = self.queue.front() {
                if front.wait.is_none() {
                    let pending = self.queue.pop_front()?;
                    self.base += 1;
                    if self.queue.is_empty() {
                        self.waiting.clear();
                    }
                    return Some(Ok(pending.entry));
                }
                let at_end = matches!(self.state, State::End | State::Failed);
                if at_end || self.queue.len() > self.window {
                    self.give_up_front(at_end);
                    continue;
                }
            }
            let step = match self.state {
                State::Start => self.start(),
                State::Lines => match self.read_line() {
                    Ok(true) => {
                        let line = std::mem::take(&mut self.buf);
                        let taken = self.take_line(self.line, &line);
                        self.buf = line;
                        taken
                    }
                    Ok(false) => {
                        self.state = State::End;
                        Ok(())
                    }
                    Err(e) => Err(e),
                },
                State::End => {
                    if self.queue.is_empty() {
                        return self.fatal.take().map(|e| {
                            self.state = State::Failed;
                            Err(e)
                        });
                    }
                    Ok(())
                }
                State::Failed => return None,
            };
            if let Err(e) = step {
                // Entries read before the error come out first, then the error.
                self.fatal = Some(e);
                self.state = State::End;
            }
        }
    }
}

/// Forgets that the entry `seq` waits under `keys`.
fn unregister(waiting: &mut HashMap<String, Vec<u64>>, keys: &[String], seq: u64) {
    for key in keys {
        if let Some(seqs) = waiting.get_mut(key) {
            seqs.retain(|&s| s != seq);
            if seqs.is_empty() {
                waiting.remove(key);
            }
        }
    }
}

/// Completes an entry from its referenced Medication (`found`: its text, or why it has none;
/// `None`: not found), falling back on the reference's display.
fn complete(
    entry: &mut FhirEntry,
    found: Option<&Result<String, String>>,
    display: Option<String>,
    reference: &str,
) {
    match (found, display) {
        (Some(Ok(text)), _) => entry.text = text.clone(),
        (_, Some(display)) => entry.text = display,
        (Some(Err(why)), None) => {
            entry.error = Some(format!(
                "no medication text: the Medication {reference} {why}"
            ));
        }
        (None, None) if reference.is_empty() => {
            entry.error =
                Some("no medication: the medication reference has no reference or display".into());
        }
        (None, None) if reference.starts_with('#') => {
            entry.error = Some(format!(
                "medication not found: no contained Medication {reference}"
            ));
        }
        (None, None) => {
            entry.error = Some(format!(
                "medication not found: {reference} is not in the input"
            ));
        }
    }
}

/// A resource read from a line or a Bundle entry, or a slot that holds no resource.
enum Part {
    Resource(Box<Resource>, u64, Option<String>),
    Bad(u64, String),
}

/// Unpacks Bundles (nested ones too) into their resources; `lines` are the start lines of the
/// outermost Bundle's entries (empty: every part is on `line`).
fn flatten(
    r: Box<Resource>,
    line: u64,
    full_url: Option<String>,
    lines: &[u64],
    out: &mut Vec<Part>,
    skipped: &mut u64,
) {
    if type_of(&r) != Some("Bundle") {
        out.push(Part::Resource(r, line, full_url));
        return;
    }
    let entries = match r.entry {
        None => return,
        Some(Arr::Is(entries)) => entries,
        Some(Arr::Not(kind)) => {
            out.push(Part::Bad(
                line,
                format!("not a FHIR Bundle: its entry is {kind}, not a list"),
            ));
            return;
        }
    };
    for (i, slot) in entries.into_iter().enumerate() {
        let at = lines.get(i).copied().unwrap_or(line);
        match slot {
            Obj::Is(Entry {
                resource: Some(Obj::Is(resource)),
                full_url,
            }) => {
                let full_url = full_url
                    .as_ref()
                    .and_then(Value::as_str)
                    .map(str::to_string);
                if resource
                    .resource_type
                    .as_ref()
                    .is_some_and(Value::is_string)
                {
                    flatten(resource, at, full_url, &[], out, skipped);
                } else {
                    out.push(Part::Bad(
                        at,
                        "not a FHIR resource: a Bundle entry's resource has no resourceType"
                            .to_string(),
                    ));
                }
            }
            Obj::Is(Entry {
                resource: Some(Obj::Not(kind)),
                ..
            }) => out.push(Part::Bad(
                at,
                format!("not a FHIR resource: a Bundle entry's resource is {kind}"),
            )),
            Obj::Is(Entry { resource: None, .. }) => *skipped += 1,
            Obj::Not(kind) => out.push(Part::Bad(
                at,
                format!("not a FHIR Bundle entry: {kind}, not an object"),
            )),
        }
    }
}

fn type_of(r: &Resource) -> Option<&str> {
    r.resource_type.as_ref().and_then(Value::as_str)
}

/// The text of a CodeableConcept: its `text`, else the distinct displays of its codings in
/// order joined with " / " (RxNorm's own separator for combination products). Every coding
/// names the same medication, so an ingredient named by any of them is in it; keeping them all
/// means a brand-only display beside a generic one loses nothing. Err holds the bare codes.
fn concept_text(concept: &Value) -> Result<String, Vec<String>> {
    if let Some(text) = non_empty(concept, "text") {
        return Ok(text);
    }
    let codings = concept.get("coding").and_then(Value::as_array);
    let mut displays: Vec<String> = Vec::new();
    for coding in codings.into_iter().flatten() {
        if let Some(display) = non_empty(coding, "display")
            && !displays.iter().any(|d| d.eq_ignore_ascii_case(&display))
        {
            displays.push(display);
        }
    }
    if !displays.is_empty() {
        return Ok(displays.join(" / "));
    }
    Err(codings
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let code = non_empty(c, "code")?;
            Some(match non_empty(c, "system") {
                Some(system) => format!("{system}|{code}"),
                None => code,
            })
        })
        .collect())
}

/// ", only codes (a, b)" for the codes of a concept without text, or nothing.
fn only_codes(codes: &[String]) -> String {
    if codes.is_empty() {
        String::new()
    } else {
        format!(", only codes ({})", codes.join(", "))
    }
}

/// The text of a Medication: its `code`, else the names of its ingredients (R4
/// `itemCodeableConcept`, R5 `item.concept`) joined with " / ".
fn medication_text(code: Option<&Value>, ingredient: Option<&Value>) -> Result<String, String> {
    let codes = match code.map(concept_text) {
        Some(Ok(text)) => return Ok(text),
        Some(Err(codes)) => codes,
        None => Vec::new(),
    };
    let names: Vec<String> = ingredient
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|i| {
            let item = i
                .get("itemCodeableConcept")
                .or_else(|| i.get("item").and_then(|item| item.get("concept")))?;
            concept_text(item).ok()
        })
        .collect();
    if names.is_empty() {
        Err(format!(
            "has no code text, coding display or named ingredient{}",
            only_codes(&codes)
        ))
    } else {
        Ok(names.join(" / "))
    }
}

/// The contained Medication with this id.
fn contained_medication<'a>(contained: Option<&'a Value>, id: &str) -> Option<&'a Value> {
    contained?.as_array()?.iter().find(|c| {
        c.get("resourceType").and_then(Value::as_str) == Some("Medication")
            && c.get("id").and_then(Value::as_str) == Some(id)
    })
}

/// The keys a Medication reference is looked up by: as written (without `/_history/…`), and
/// as `Medication/id` from its last two segments (an absolute URL on a server's base).
fn reference_keys(reference: &str) -> Vec<String> {
    let reference = match reference.find("/_history/") {
        Some(i) => &reference[..i],
        None => reference,
    };
    let mut keys = vec![reference.to_string()];
    let mut segments = reference.rsplit('/');
    if let (Some(id), Some("Medication")) = (segments.next(), segments.next()) {
        let relative = format!("Medication/{id}");
        if !id.is_empty() && relative != reference {
            keys.push(relative);
        }
    }
    keys
}

/// A non-empty trimmed string field of an object.
fn non_empty(v: &Value, field: &str) -> Option<String> {
    let s = v.get(field)?.as_str()?.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}

fn parse_line(bytes: &[u8]) -> serde_json::Result<Obj<Box<Resource>>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    serde_json::from_slice(bytes)
}

/// A serde_json message without its position (the line is the entry's own field).
fn message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    match text.strip_suffix(&position) {
        Some(bare) if e.line() > 0 => format!("{bare} (column {})", e.column()),
        _ => text,
    }
}

/// Whether a line that is not valid JSON says it is a Bundle (its first resourceType).
fn declares_bundle(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let key = b"\"resourceType\"";
    let Some(at) = memchr::memmem::find(head, key) else {
        return false;
    };
    let rest = &head[at + key.len()..];
    let rest = rest.trim_ascii_start();
    rest.strip_prefix(b":")
        .is_some_and(|r| r.trim_ascii_start().starts_with(b"\"Bundle\""))
}

/// The 1-based lines where the elements of the top-level object's `entry` array start, found
/// by a scan of the (already validated) document's structure.
fn entry_lines(doc: &[u8]) -> Vec<u64> {
    let mut lines = Vec::new();
    let mut line = 1u64;
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut string_start = 0usize;
    let mut last_key_is_entry = false;
    let mut in_entries = false;
    let mut expect_element = false;
    for (i, &b) in doc.iter().enumerate() {
        if b == b'\n' {
            line += 1;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
                if depth == 1 {
                    last_key_is_entry = &doc[string_start..i] == b"entry";
                }
            }
            continue;
        }
        if in_entries && depth == 2 && expect_element && !b.is_ascii_whitespace() && b != b']' {
            lines.push(line);
            expect_element = false;
        }
        match b {
            b'"' => {
                in_string = true;
                string_start = i + 1;
            }
            b'{' | b'[' => {
                if b == b'[' && depth == 1 && last_key_is_entry {
                    in_entries = true;
                    expect_element = true;
                }
                depth += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 1 {
                    in_entries = false;
                }
            }
            b',' if in_entries && depth == 2 => expect_element = true,
            _ => {}
        }
    }
    lines
}

/// The fields read from any resource; everything else (the narrative too) is skipped.
#[derive(Default, Deserialize)]
#[serde(default)]
struct Resource {
    #[serde(rename = "resourceType")]
    resource_type: Option<Value>,
    id: Option<Value>,
    subject: Option<Value>,
    #[serde(rename = "medicationCodeableConcept")]
    concept: Option<Value>,
    #[serde(rename = "medicationReference")]
    reference: Option<Value>,
    /// R5: a CodeableReference (`concept`, `reference`).
    medication: Option<Value>,
    /// Medication.code.
    code: Option<Value>,
    /// Medication.ingredient.
    ingredient: Option<Value>,
    contained: Option<Value>,
    /// Bundle.entry.
    entry: Option<Arr<Obj<Entry>>>,
}

/// A Bundle entry.
#[derive(Default, Deserialize)]
#[serde(default)]
struct Entry {
    #[serde(rename = "fullUrl")]
    full_url: Option<Value>,
    resource: Option<Obj<Box<Resource>>>,
}

/// A JSON value that should be an object (read as `T`) and may be anything else.
type Obj<T> = Lenient<T, false>;
/// A JSON value that should be an array (of `T`) and may be anything else.
type Arr<T> = Lenient<Vec<T>, true>;

/// A value of the expected shape, or what it was instead: a resource that is a string or an
/// entry list that is an object spoils only itself, not the Bundle or line around it, and
/// nothing is buffered to find out.
enum Lenient<T, const ARRAY: bool> {
    Is(T),
    Not(&'static str),
}

impl<'de, T: Deserialize<'de>, const ARRAY: bool> Deserialize<'de> for Lenient<T, ARRAY> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LenientVisitor::<T, ARRAY>(PhantomData))
    }
}

struct LenientVisitor<T, const ARRAY: bool>(PhantomData<T>);

impl<'de, T: Deserialize<'de>, const ARRAY: bool> Visitor<'de> for LenientVisitor<T, ARRAY> {
    type Value = Lenient<T, ARRAY>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        if ARRAY {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Lenient::Not("an object"));
        }
        T::deserialize(MapAccessDeserializer::new(map)).map(Lenient::Is)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        if ARRAY {
            return T::deserialize(SeqAccessDeserializer::new(seq)).map(Lenient::Is);
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Lenient::Not("an array"))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Lenient::Not("true or false"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Lenient::Not("a number"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Lenient::Not("a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Lenient::Not("a number"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Lenient::Not("a string"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient::Not("null"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUNDLE: &[u8] = include_bytes!("../../tests/data/fhir/bundle.json");
    const REQUESTS: &[u8] = include_bytes!("../../tests/data/fhir/bulk-medicationrequest.ndjson");
    const STATEMENTS: &[u8] = include_bytes!("../../tests/data/fhir/medication-statement.ndjson");
    const EDGES: &[u8] = include_bytes!("../../tests/data/fhir/edge-cases.ndjson");

    /// Every entry, or the fatal error's text in place of the rest.
    fn read_with(mut reader: FhirReader<&[u8]>) -> (Vec<FhirEntry>, Option<String>, u64) {
        let mut entries = Vec::new();
        let mut fatal = None;
        for item in reader.by_ref() {
            match item {
                Ok(entry) => entries.push(entry),
                Err(e) => {
                    assert!(fatal.is_none(), "a second fatal error");
                    fatal = Some(format!("{e:#}"));
                }
            }
        }
        (entries, fatal, reader.skipped())
    }

    fn read(input: &[u8]) -> Vec<FhirEntry> {
        let (entries, fatal, _) = read_with(FhirReader::new(input, "in.json"));
        assert_eq!(fatal, None);
        entries
    }

    fn fatal(input: &[u8]) -> String {
        let (_, fatal, _) = read_with(FhirReader::new(input, "in.json"));
        fatal.expect("a fatal error")
    }

    fn texts(entries: &[FhirEntry]) -> Vec<(&str, &str)> {
        entries
            .iter()
            .map(|e| (e.key.as_str(), e.error.as_deref().unwrap_or(&e.text)))
            .collect()
    }

    #[test]
    fn a_bundle_yields_one_entry_per_statement_and_request_with_its_entry_line() {
        let (entries, fatal, skipped) = read_with(FhirReader::new(BUNDLE, "bundle.json"));
        assert_eq!(fatal, None);
        assert_eq!(
            texts(&entries),
            [
                ("MedicationRequest/3123", "simvastatin 40 MG Oral Tablet"),
                (
                    "MedicationRequest/medrx0311",
                    "Chlorthalidone 50 mg oral tablet"
                ),
                ("MedicationStatement/example001", "Tylenol PM"),
                (
                    "MedicationStatement/uscore-ms1",
                    "atorvastatin 20 mg PO qhs"
                ),
            ]
        );
        let lines: Vec<u64> = entries.iter().map(|e| e.line).collect();
        assert_eq!(lines, [16, 39, 83, 117]);
        assert!(entries.iter().all(|e| e.patient == "Patient/347"));
        assert_eq!(skipped, 1, "the Patient");
    }

    #[test]
    fn blank_lines_before_a_bundle_keep_its_entry_lines_true() {
        let mut input = b"\n\r\n".to_vec();
        input.extend_from_slice(BUNDLE);
        let lines: Vec<u64> = read(&input).iter().map(|e| e.line).collect();
        assert_eq!(lines, [18, 41, 85, 119]);
    }

    #[test]
    fn a_bundle_resolves_a_medication_that_comes_after_the_request_naming_it() {
        let entries = read(BUNDLE);
        assert_eq!(entries[0].text, "simvastatin 40 MG Oral Tablet");
        assert_eq!(entries[0].error, None);
    }

    #[test]
    fn a_bundle_on_one_line_reads_like_the_same_bundle_pretty_printed() {
        let value: Value = serde_json::from_slice(BUNDLE).unwrap();
        let one_line = serde_json::to_vec(&value).unwrap();
        let entries = read(&one_line);
        assert_eq!(texts(&entries), texts(&read(BUNDLE)));
        assert!(entries.iter().all(|e| e.line == 1));
    }

    #[test]
    fn bulk_medication_requests_are_read_one_a_line() {
        let entries = read(REQUESTS);
        assert_eq!(
            texts(&entries),
            [
                (
                    "MedicationRequest/rx-1001",
                    "hydrochlorothiazide 25 MG Oral Tablet"
                ),
                ("MedicationRequest/rx-1002", "lisinopril 10 mg daily"),
                ("MedicationRequest/rx-1003", "furosemide 40 MG Oral Tablet"),
                (
                    "MedicationRequest/rx-1004",
                    "raloxifene hydrochloride 60 MG Oral Tablet"
                ),
                (
                    "MedicationRequest/rx-1005",
                    "losartan potassium 100 MG / hydrochlorothiazide 25 MG Oral Tablet / Hyzaar 100-25"
                ),
                ("MedicationRequest/rx-1006", "naproxen 500 mg BID"),
                ("MedicationRequest/rx-1007", "Qualaquin 324 MG Oral Capsule"),
            ]
        );
        let lines: Vec<u64> = entries.iter().map(|e| e.line).collect();
        assert_eq!(lines, [1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(entries[4].patient, "Patient/p3");
    }

    #[test]
    fn ndjson_statements_resolve_medications_read_before_and_after_them_in_input_order() {
        let (entries, fatal, skipped) = read_with(FhirReader::new(STATEMENTS, "statements.ndjson"));
        assert_eq!(fatal, None);
        assert_eq!(
            texts(&entries),
            [
                ("MedicationStatement/ms-1", "atorvastatin 20 MG Oral Tablet"),
                ("MedicationStatement/ms-2", "quinine sulfate 324 mg capsule"),
                (
                    "MedicationStatement/ms-3",
                    "chlorthalidone 25 MG Oral Tablet"
                ),
                ("MedicationStatement/ms-4", "atorvastatin 20 MG Oral Tablet"),
                ("MedicationStatement/ms-5", "quinine sulfate 324 mg capsule"),
                ("MedicationStatement/ms-6", "Atacand Plus 16/12.5"),
            ]
        );
        let lines: Vec<u64> = entries.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4, 5, 8, 9, 10]);
        assert_eq!(skipped, 1, "the Patient");
    }

    #[test]
    fn edge_cases_become_error_entries_on_their_own_lines_and_nothing_is_dropped() {
        let (entries, fatal, skipped) = read_with(FhirReader::new(EDGES, "edges.ndjson"));
        assert_eq!(fatal, None);
        let got: Vec<(u64, &str, &str)> = entries
            .iter()
            .map(|e| {
                let what = match &e.error {
                    Some(error) => error.as_str(),
                    None => e.text.as_str(),
                };
                (e.line, e.key.as_str(), what)
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    1,
                    "MedicationStatement/no-text",
                    "no medication text: medicationCodeableConcept has no text and no coding \
                     display, only codes (http://example.org/fhir/CodeSystem/formulary|F-1042)"
                ),
                (
                    2,
                    "MedicationStatement/unresolvable",
                    "medication not found: Medication/missing is not in the input"
                ),
                (3, "", "not JSON: expected ident (column 2)"),
                (
                    4,
                    "MedicationRequest/quinine",
                    "quinine sulfate 324 MG Oral Capsule / Qualaquin"
                ),
                (
                    5,
                    "MedicationRequest/losartan-hctz",
                    "losartan potassium 50 MG / hydrochlorothiazide 12.5 MG Oral Tablet"
                ),
                (
                    7,
                    "",
                    "not a FHIR resource: the line holds an array, not an object"
                ),
                (9, "MedicationStatement/display-only", "HCTZ 25mg"),
                (
                    10,
                    "MedicationStatement/contained-missing",
                    "medication not found: no contained Medication #med1"
                ),
                (
                    11,
                    "MedicationStatement/no-medication",
                    "no medication: neither medicationCodeableConcept nor medicationReference"
                ),
                (12, "", "not JSON: EOF while parsing a string (column 68)"),
            ]
        );
        assert_eq!(
            entries[6].patient, "Jane Roe",
            "subject.display without a reference"
        );
        assert!(
            entries
                .iter()
                .all(|e| e.error.is_none() || e.text.is_empty())
        );
        assert_eq!(skipped, 1, "the Patient");
    }

    #[test]
    fn invalid_json_in_a_bundle_is_a_fatal_error_naming_the_file() {
        let broken = b"{\n  \"resourceType\": \"Bundle\",\n  \"entry\": [\n    {,}\n  ]\n}\n";
        let (entries, fatal, _) = read_with(FhirReader::new(broken, "export/bundle.json"));
        assert!(entries.is_empty());
        let fatal = fatal.expect("a fatal error");
        assert!(
            fatal.starts_with("export/bundle.json: not valid JSON"),
            "{fatal}"
        );
        assert!(fatal.contains("line 4"), "{fatal}");
    }

    #[test]
    fn a_broken_bundle_on_one_ndjson_line_is_fatal_not_one_error_entry() {
        let input = b"{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{,}}]}\n";
        let fatal = fatal(input);
        assert!(
            fatal.starts_with("in.json: line 1: a Bundle that is not valid JSON"),
            "{fatal}"
        );
    }

    #[test]
    fn a_document_larger_than_the_limit_is_refused_with_a_clear_error() {
        let mut doc = b"{\n\"resourceType\": \"Bundle\"\n".to_vec();
        doc.resize(5000, b' ');
        doc.extend_from_slice(b"}\n");
        let mut reader = FhirReader::new(&doc[..], "big.json");
        reader.max_document = 4096;
        let (entries, fatal, _) = read_with(reader);
        assert!(entries.is_empty());
        let fatal = fatal.expect("a fatal error");
        assert!(
            fatal.starts_with("big.json: the FHIR document is larger than"),
            "{fatal}"
        );
        assert!(fatal.contains("NDJSON"), "{fatal}");
        // The same document within the limit is read.
        let mut reader = FhirReader::new(&doc[..], "big.json");
        reader.max_document = 8192;
        assert_eq!(read_with(reader).1, None);
    }

    #[test]
    fn a_line_longer_than_the_limit_is_fatal_after_the_entries_before_it() {
        let mut input = br#"{"resourceType":"MedicationStatement","id":"a","medicationCodeableConcept":{"text":"HCTZ 25mg"}}"#.to_vec();
        input.push(b'\n');
        input.extend(std::iter::repeat_n(b'x', 3000));
        let mut reader = FhirReader::new(&input[..], "in.ndjson");
        reader.max_document = 2048;
        let (entries, fatal, _) = read_with(reader);
        assert_eq!(texts(&entries), [("MedicationStatement/a", "HCTZ 25mg")]);
        let fatal = fatal.expect("a fatal error");
        assert!(
            fatal.starts_with("in.ndjson: line 2 is longer than"),
            "{fatal}"
        );
    }

    #[test]
    fn ndjson_whose_first_line_is_cut_short_is_still_read_line_by_line() {
        let input = concat!(
            "{\"resourceType\":\"MedicationRequest\",\"id\":\"cut\n",
            "{\"resourceType\":\"MedicationRequest\",\"id\":\"b\",\"medicationCodeableConcept\":{\"text\":\"furosemide 40 mg\"}}\n",
        );
        let entries = read(input.as_bytes());
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].line, 1);
        assert!(entries[0].error.as_deref().unwrap().starts_with("not JSON"));
        assert_eq!(entries[1].text, "furosemide 40 mg");
        assert_eq!(entries[1].line, 2);
    }

    #[test]
    fn a_single_pretty_printed_resource_is_one_entry_on_its_first_line() {
        let input = b"\n{\n  \"resourceType\": \"MedicationStatement\",\n  \"id\": \"x\",\n  \"medicationCodeableConcept\": {\"text\": \"Lipitor\"},\n  \"subject\": {\"reference\": \"Patient/9\"}\n}\n";
        let entries = read(input);
        assert_eq!(texts(&entries), [("MedicationStatement/x", "Lipitor")]);
        assert_eq!(entries[0].line, 2);
        assert_eq!(entries[0].patient, "Patient/9");
    }

    #[test]
    fn a_byte_order_mark_before_the_first_resource_is_ignored() {
        let input = b"\xEF\xBB\xBF{\"resourceType\":\"MedicationRequest\",\"id\":\"1\",\"medicationCodeableConcept\":{\"text\":\"Lipitor\"}}\n";
        assert_eq!(texts(&read(input)), [("MedicationRequest/1", "Lipitor")]);
        let pretty = b"\xEF\xBB\xBF{\n\"resourceType\":\"MedicationRequest\",\"id\":\"1\",\"medicationCodeableConcept\":{\"text\":\"Lipitor\"}}\n";
        assert_eq!(texts(&read(pretty)), [("MedicationRequest/1", "Lipitor")]);
    }

    #[test]
    fn codings_with_different_displays_are_joined_in_order_without_repeats() {
        let concept = serde_json::json!({"coding": [
            {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "display": "Hyzaar 100-25"},
            {"system": "http://snomed.info/sct", "display": "hyzaar 100-25"},
            {"system": "http://snomed.info/sct", "display": " Losartan and hydrochlorothiazide "},
            {"system": "http://snomed.info/sct", "code": "123"}
        ]});
        assert_eq!(
            concept_text(&concept).unwrap(),
            "Hyzaar 100-25 / Losartan and hydrochlorothiazide"
        );
        let with_text = serde_json::json!({"text": "  ", "coding": [{"display": "quinine"}]});
        assert_eq!(
            concept_text(&with_text).unwrap(),
            "quinine",
            "blank text is no text"
        );
    }

    #[test]
    fn a_medication_without_a_code_is_named_by_its_ingredients() {
        let input = concat!(
            r#"{"resourceType":"Medication","id":"compound","ingredient":[{"itemCodeableConcept":{"text":"quinine sulfate"}},{"item":{"concept":{"coding":[{"display":"vitamin E"}]}}}]}"#,
            "\n",
            r#"{"resourceType":"MedicationStatement","id":"s","medicationReference":{"reference":"Medication/compound"}}"#,
            "\n",
            r#"{"resourceType":"Medication","id":"bare"}"#,
            "\n",
            r#"{"resourceType":"MedicationStatement","id":"t","medicationReference":{"reference":"Medication/bare"}}"#,
            "\n",
        );
        assert_eq!(
            texts(&read(input.as_bytes())),
            [
                ("MedicationStatement/s", "quinine sulfate / vitamin E"),
                (
                    "MedicationStatement/t",
                    "no medication text: the Medication Medication/bare has no code text, coding display or named ingredient"
                ),
            ]
        );
    }

    #[test]
    fn the_r5_codeable_reference_shape_is_read_like_the_r4_one() {
        let input = concat!(
            r##"{"resourceType":"MedicationRequest","id":"medrx0311","contained":[{"resourceType":"Medication","id":"med0316","code":{"coding":[{"system":"http://snomed.info/sct","code":"317935006","display":"Chlorthalidone 50 mg oral tablet"}]}}],"medication":{"reference":{"reference":"#med0316"}},"subject":{"reference":"Patient/pat1","display":"Donald Duck"}}"##,
            "\n",
            r#"{"resourceType":"MedicationStatement","id":"c","medication":{"concept":{"coding":[{"display":"naproxen 250 MG Oral Tablet"}]}},"subject":{"reference":"Patient/pat1"}}"#,
            "\n",
        );
        assert_eq!(
            texts(&read(input.as_bytes())),
            [
                (
                    "MedicationRequest/medrx0311",
                    "Chlorthalidone 50 mg oral tablet"
                ),
                ("MedicationStatement/c", "naproxen 250 MG Oral Tablet"),
            ]
        );
    }

    #[test]
    fn a_forward_reference_waits_no_longer_than_the_window_and_then_says_why() {
        let mut input = String::from(
            r#"{"resourceType":"MedicationStatement","id":"early","medicationReference":{"reference":"Medication/late"}}"#,
        );
        input.push('\n');
        for i in 0..5 {
            input.push_str(&format!(
                r#"{{"resourceType":"MedicationStatement","id":"n{i}","medicationCodeableConcept":{{"text":"HCTZ"}}}}"#
            ));
            input.push('\n');
        }
        input.push_str(r#"{"resourceType":"Medication","id":"late","code":{"text":"furosemide"}}"#);
        input.push('\n');
        // Within the window the reference resolves, and order is kept.
        let entries = read(input.as_bytes());
        assert_eq!(entries[0].text, "furosemide");
        assert_eq!(
            entries.iter().map(|e| e.line).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5, 6]
        );
        // Past it the entry is given up with a reason, still first.
        let mut reader = FhirReader::new(input.as_bytes(), "in.ndjson");
        reader.window = 3;
        let (entries, fatal, _) = read_with(reader);
        assert_eq!(fatal, None);
        assert_eq!(entries.len(), 6);
        let error = entries[0].error.as_deref().unwrap();
        assert!(
            error.starts_with("medication not found: Medication/late"),
            "{error}"
        );
        assert!(error.contains("in the 3 entries after it"), "{error}");
        assert_eq!(
            entries.iter().map(|e| e.line).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5, 6]
        );
    }

    #[test]
    fn a_reference_display_stands_in_for_a_medication_with_no_text() {
        let input = concat!(
            r#"{"resourceType":"Medication","id":"m","code":{"coding":[{"code":"1"}]}}"#,
            "\n",
            r#"{"resourceType":"MedicationRequest","id":"r","medicationReference":{"reference":"Medication/m","display":"Maxzide"}}"#,
            "\n",
            r#"{"resourceType":"MedicationRequest","id":"q","medicationReference":{"reference":"Medication/m"}}"#,
            "\n",
        );
        assert_eq!(
            texts(&read(input.as_bytes())),
            [
                ("MedicationRequest/r", "Maxzide"),
                (
                    "MedicationRequest/q",
                    "no medication text: the Medication Medication/m has no code text, coding display or named ingredient, only codes (1)"
                ),
            ]
        );
    }

    #[test]
    fn bundled_references_match_by_full_url_or_by_type_and_id() {
        let input = br#"{"resourceType":"Bundle","type":"transaction","entry":[
{"fullUrl":"urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a","resource":{"resourceType":"Medication","code":{"text":"spironolactone 25 mg"}}},
{"fullUrl":"urn:uuid:88f151c0-a954-468a-88bd-5ae15c08e059","resource":{"resourceType":"MedicationRequest","medicationReference":{"reference":"urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a"}}},
{"resource":{"resourceType":"MedicationRequest","id":"h","medicationReference":{"reference":"http://other.example/fhir/Medication/m1/_history/2"}}},
{"resource":{"resourceType":"Medication","id":"m1","code":{"text":"Evista"}}},
{"request":{"method":"DELETE","url":"Patient/1"}}
]}
"#;
        let (entries, fatal, skipped) = read_with(FhirReader::new(&input[..], "in.json"));
        assert_eq!(fatal, None);
        assert_eq!(
            texts(&entries),
            [
                (
                    "urn:uuid:88f151c0-a954-468a-88bd-5ae15c08e059",
                    "spironolactone 25 mg"
                ),
                ("MedicationRequest/h", "Evista"),
            ]
        );
        assert_eq!(entries.iter().map(|e| e.line).collect::<Vec<_>>(), [3, 4]);
        assert_eq!(skipped, 1, "the entry without a resource");
    }

    #[test]
    fn a_bundle_inside_a_bundle_entry_is_unpacked_too() {
        let input = br#"{"resourceType":"Bundle","type":"batch-response","entry":[{"resource":{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"MedicationStatement","id":"n","medicationCodeableConcept":{"text":"Lasix"}}}]}}]}"#;
        assert_eq!(
            texts(&read(&input[..])),
            [("MedicationStatement/n", "Lasix")]
        );
    }

    #[test]
    fn a_bundle_entry_that_is_not_a_resource_is_an_error_entry_on_its_line() {
        let input = b"{\"resourceType\":\"Bundle\",\n\"entry\":[\n{\"resource\":\"oops\"},\n7,\n{\"resource\":{\"id\":\"x\"}}\n]}\n";
        let entries = read(input);
        let got: Vec<(u64, &str)> = entries
            .iter()
            .map(|e| (e.line, e.error.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(
            got,
            [
                (
                    3,
                    "not a FHIR resource: a Bundle entry's resource is a string"
                ),
                (4, "not a FHIR Bundle entry: a number, not an object"),
                (
                    5,
                    "not a FHIR resource: a Bundle entry's resource has no resourceType"
                ),
            ]
        );
    }

    #[test]
    fn a_document_that_is_no_resource_is_a_fatal_error() {
        assert!(fatal(b"[\n1]\n").contains("the document is an array"));
        assert!(fatal(b"{\n\"a\": 1}\n").contains("has no resourceType"));
    }

    #[test]
    fn entries_read_before_an_input_error_come_out_before_it_and_say_why_they_are_unresolved() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("disk on fire"))
            }
        }
        let good = br#"{"resourceType":"MedicationStatement","id":"a","medicationReference":{"reference":"Medication/later","display":"Lipitor"}}
{"resourceType":"MedicationStatement","id":"b","medicationReference":{"reference":"Medication/later"}}
"#;
        let src = io::BufReader::new(Read::chain(&good[..], Failing));
        let mut reader = FhirReader::new(src, "in.ndjson");
        let first = reader.next().unwrap().unwrap();
        assert_eq!(first.text, "Lipitor");
        let second = reader.next().unwrap().unwrap();
        assert_eq!(
            second.error.as_deref(),
            Some(
                "medication not found: Medication/later is not in the input before reading \
                 stopped at an error"
            )
        );
        let error = format!("{:#}", reader.next().unwrap().unwrap_err());
        assert!(error.starts_with("in.ndjson: reading line 3"), "{error}");
        assert!(error.contains("disk on fire"), "{error}");
        assert!(reader.next().is_none());
    }

    #[test]
    fn entry_lines_ignore_brackets_and_the_word_entry_inside_strings() {
        let doc = b"{\"text\": \"\\\"entry\\\": [ {\",\n \"entry\": [\n  {\"a\": [1, {\"entry\": [2]}]},\n\n  {\"b\": \"]\"}\n ],\n \"x\": {\"entry\": [3]}\n}";
        assert_eq!(entry_lines(doc), [3, 5]);
    }

    #[test]
    fn deeply_nested_input_is_an_error_entry_or_a_fatal_error_not_a_crash() {
        let mut line = "[".repeat(100_000);
        line.push('\n');
        line.push_str(r#"{"resourceType":"MedicationRequest","id":"after","medicationCodeableConcept":{"text":"Lasix"}}"#);
        line.push('\n');
        let entries = read(line.as_bytes());
        assert_eq!(entries.len(), 2);
        assert!(entries[0].error.as_deref().unwrap().starts_with("not JSON"));
        assert_eq!(entries[1].text, "Lasix");

        let mut bundles = String::new();
        for _ in 0..200 {
            bundles.push_str(r#"{"resourceType":"Bundle","entry":[{"resource":"#);
        }
        bundles.push_str("{}");
        bundles.push_str(&"}]}".repeat(200));
        let fatal = fatal(format!("{{\n{}", &bundles[1..]).as_bytes());
        assert!(fatal.contains("recursion limit"), "{fatal}");
    }

    #[test]
    fn an_empty_input_has_no_entries() {
        assert!(read(b"").is_empty());
        assert!(read(b"\n \n").is_empty());
    }
}
