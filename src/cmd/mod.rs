//! The commands, one file each, with one entry signature: `run(&Context, &Options, out)`.

pub mod batch;
pub mod check;
pub mod completions;
pub mod list;
pub mod lookup;
pub mod man;
pub mod merge;

use crate::kb::{Kb, Level};
use crate::names::lexicon::Lexicon;
use crate::names::matcher::resolve;
use crate::report::{self, Encoded, Format, Summary};
use crate::screen::{Finding, screen};

/// What every command needs: the knowledge base, the name index and the output settings.
pub struct Context {
    /// The knowledge base.
    pub kb: Kb,
    /// Every known name.
    pub lex: Lexicon,
    /// The output format chosen by the user, if any.
    pub format: Option<Format>,
    /// Whether to colour table output.
    pub color: bool,
    /// Keep CSV cells that look like formulas as they are (`--raw`).
    pub raw: bool,
    /// How the table and HTML report are laid out.
    pub view: report::View,
}

impl Context {
    /// Resolves, screens and encodes one entry.
    #[must_use]
    pub fn screen_entry(&self, format: Format, text: &str) -> Encoded {
        let findings = screen(&self.kb, &self.lex, &resolve(&self.lex, text));
        report::encode(format, self.raw, &self.kb, text, findings)
    }

    /// Resolves, screens and encodes one entry for an encoder's layout.
    #[must_use]
    pub fn screen_with(&self, records: &report::RecordEncoder, text: &str) -> Encoded {
        let findings = screen(&self.kb, &self.lex, &resolve(&self.lex, text));
        records.encode(&self.kb, text, findings)
    }

    /// Encodes an error entry for an encoder's layout.
    #[must_use]
    pub fn error_with(
        &self,
        records: &report::RecordEncoder,
        input: &str,
        reason: String,
    ) -> Encoded {
        records.encode(&self.kb, input, vec![Finding::error(reason)])
    }

    /// Encodes an error entry.
    #[must_use]
    pub fn error_entry(&self, format: Format, input: &str, reason: String) -> Encoded {
        report::encode(
            format,
            self.raw,
            &self.kb,
            input,
            vec![Finding::error(reason)],
        )
    }
}

/// What a command reports back for the exit code and for stderr.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Counts of findings, for commands that screen.
    pub summary: Option<Summary>,
    /// Lines for stderr that need the caller's attention (records that could not be read, a
    /// column that looks wrong).
    pub messages: Vec<String>,
    /// Lines for stderr that say what was done (the columns read, the records merged): left out
    /// with `--quiet`, before the messages otherwise.
    pub notes: Vec<String>,
}

impl Outcome {
    /// Whether a finding reached `level`.
    #[must_use]
    pub fn reaches(&self, level: Level) -> bool {
        self.summary
            .and_then(|s| s.highest)
            .is_some_and(|h| h >= level)
    }

    /// Whether some entry needs a look: anything flagged or quinine, for review or unrecognized.
    #[must_use]
    pub fn needs_review(&self) -> bool {
        self.summary
            .is_some_and(|s| s.highest.is_some() || s.review > 0 || s.unrecognized > 0)
    }

    /// Whether some input record could not be read.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.summary.is_some_and(|s| s.errors > 0)
    }
}
