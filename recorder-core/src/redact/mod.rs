//! The privacy rules: what the browser recorder removes before anything is encoded.
//!
//! Everything here is a pure function over plain data, so the rules are tested natively
//! and behave the same in every recorder:
//!
//! - [`Redactor`] — network redaction, built from [`RedactOptions`]: header values
//!   ([`Redactor::header`]), URL query parameters ([`Redactor::redact_url`]), JSON and
//!   form bodies ([`Redactor::redact_body`]) and card numbers in all of them.
//! - [`BodyPolicy`] — which request and response bodies are captured at all, and the cap
//!   that cuts them ([`BodyPolicy::capture`] returns the [`Body`] of a `Network` event).
//! - [`InputPolicy`] — whether a form control's value is recorded, masked or omitted
//!   ([`InputPrivacy`]), plus [`mask_value`] and [`mask_text`] for masked content.
//! - [`mask_card_numbers`] — card-number-like digit runs in any text (console, text nodes).
//!
//! # Names
//! Headers, parameters and JSON keys are judged by name. A name is *normalized* first:
//! percent-escapes (`%70assword`) and JSON escapes (`pass\u0077ord`) are decoded, ASCII
//! letters lower-cased and everything but ASCII letters and digits dropped, so
//! `X-Api-Key`, `api_key`, `apiKey` and `user[api-key]` all contain `apikey`. A name is
//! sensitive when its normalized form contains one of [`SENSITIVE_WORDS`], or equals one
//! of [`SENSITIVE_PARAMS`] (query and form parameters) or [`SENSITIVE_FIELDS`] (JSON
//! keys) — unless it is one of [`NEVER_SENSITIVE`]. The word `auth` does not match inside
//! `author`/`authority` (but does in `authorization`). Options add names (matched like
//! the words) and allow names (matched exactly after normalization); allowing wins.
//!
//! # Replacements
//! A sensitive value becomes [`REDACTED`], except values that hold no secret and help
//! debugging: an empty value, and in JSON `null`, `true`, `false`, `""`, `[]`, `{}`.
//! Card numbers keep their last four digits (`**** **** **** 1111`); masked input keeps
//! its length ([`mask_value`]); passwords are not recorded at all ([`InputPrivacy::Omit`]).
//!
//! # Example
//! ```
//! use recorder_core::redact::{BodyPolicy, Redactor};
//!
//! let redactor = Redactor::default();
//! assert_eq!(
//!     redactor.redact_url("/login?next=%2Fhome&token=abc#top"),
//!     "/login?next=%2Fhome&token=[redacted]#top"
//! );
//! let header = redactor.header("X-Auth-Token", "abc");
//! assert_eq!((header.name.as_str(), header.value.as_str()), ("x-auth-token", "[redacted]"));
//!
//! let policy = BodyPolicy::default();
//! assert!(policy.should_capture("/api/login", "https://app.example", "application/json"));
//! let body = policy.capture(&redactor, "application/json", r#"{"user":"ann","password":"hunt"#);
//! assert_eq!(body.text, r#"{"user":"ann","password":"[redacted]""#);
//! ```

mod body;
mod card;
mod headers;
mod input;
mod json;
mod names;
mod url;

pub use crate::event::Body;
pub use body::{is_same_origin, is_text_content_type, url_matches, BodyPolicy};
pub use input::{mask_text, mask_value, InputElement, InputPolicy, InputPrivacy, MAX_MASKED_CHARS};
pub use names::{NEVER_SENSITIVE, SENSITIVE_FIELDS, SENSITIVE_PARAMS, SENSITIVE_WORDS};

use names::NameKind;
use std::borrow::Cow;

/// What a redacted value is replaced with, everywhere.
pub const REDACTED: &str = "[redacted]";

/// Options for a [`Redactor`]. The default is the documented rules with nothing added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedactOptions {
    /// More header names to redact, matched like [`SENSITIVE_WORDS`] (contained in the
    /// normalized name). Default: none.
    pub redact_headers: Vec<String>,
    /// Header names never redacted, matched exactly after normalization; this overrides
    /// every rule, including `Authorization`. Default: none.
    pub allow_headers: Vec<String>,
    /// More query/form parameter and JSON key names to redact, matched like
    /// [`SENSITIVE_WORDS`]. Default: none.
    pub redact_fields: Vec<String>,
    /// Parameter and key names never redacted, matched exactly after normalization
    /// (e.g. `max_tokens`, which the word `token` would otherwise catch). Default: none.
    pub allow_fields: Vec<String>,
    /// Mask card-number-like digit runs in URLs and bodies. Default: `true`.
    pub mask_card_numbers: bool,
}

impl Default for RedactOptions {
    fn default() -> Self {
        RedactOptions {
            redact_headers: Vec::new(),
            allow_headers: Vec::new(),
            redact_fields: Vec::new(),
            allow_fields: Vec::new(),
            mask_card_numbers: true,
        }
    }
}

/// Applies the network redaction rules; build one per recording and reuse it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redactor {
    // Normalized names (see the module docs), so matching never re-normalizes them.
    redact_headers: Vec<Vec<u8>>,
    allow_headers: Vec<Vec<u8>>,
    redact_fields: Vec<Vec<u8>>,
    allow_fields: Vec<Vec<u8>>,
    mask_cards: bool,
}

impl Default for Redactor {
    fn default() -> Self {
        DEFAULT.clone()
    }
}

/// The default rules, for the free functions (a `const` so they never allocate).
static DEFAULT: Redactor = Redactor {
    redact_headers: Vec::new(),
    allow_headers: Vec::new(),
    redact_fields: Vec::new(),
    allow_fields: Vec::new(),
    mask_cards: true,
};

impl From<RedactOptions> for Redactor {
    fn from(options: RedactOptions) -> Self {
        Redactor::new(&options)
    }
}

impl Redactor {
    /// A redactor for `options`.
    pub fn new(options: &RedactOptions) -> Self {
        let norm = |names: &[String]| -> Vec<Vec<u8>> {
            names
                .iter()
                .map(|n| names::normalize(n.bytes()))
                .filter(|n| !n.is_empty())
                .collect()
        };
        Redactor {
            redact_headers: norm(&options.redact_headers),
            allow_headers: norm(&options.allow_headers),
            redact_fields: norm(&options.redact_fields),
            allow_fields: norm(&options.allow_fields),
            mask_cards: options.mask_card_numbers,
        }
    }

    /// Whether a header's value is redacted.
    pub fn is_sensitive_header(&self, name: &str) -> bool {
        self.is_sensitive(NameKind::Header, &names::normalize(name.bytes()))
    }

    /// Whether a URL query or form parameter's value is redacted (`name` as it appears in
    /// the URL, percent-encoded or not).
    pub fn is_sensitive_param(&self, name: &str) -> bool {
        self.is_sensitive(
            NameKind::Param,
            &names::normalize(url::decode_name(name.as_bytes())),
        )
    }

    /// Whether a JSON key's value is redacted (`key` unescaped, as a JS object key). The
    /// browser's console renderer uses this while walking logged objects.
    pub fn is_sensitive_field(&self, key: &str) -> bool {
        self.is_sensitive(NameKind::Field, &names::normalize(key.bytes()))
    }

    fn is_sensitive(&self, kind: NameKind, normalized: &[u8]) -> bool {
        let (extra, allow) = match kind {
            NameKind::Header => (&self.redact_headers, &self.allow_headers),
            NameKind::Param | NameKind::Field => (&self.redact_fields, &self.allow_fields),
        };
        if allow.iter().any(|a| a.as_slice() == normalized) {
            return false;
        }
        extra.iter().any(|e| names::contains(normalized, e))
            || names::is_sensitive(kind, normalized)
    }

    /// A body's text with sensitive content redacted, chosen by its `Content-Type`:
    /// form bodies by parameter name; XML and HTML only for card numbers; JSON and every
    /// other text (GraphQL, `text/plain` — which is what `fetch` sends for a string
    /// body —, unknown types) by key, tolerating JavaScript-literal syntax and truncation
    /// (see [`Redactor::redact_json`]). A `text/plain` or untyped body that looks like a
    /// form (`a=1&b=2`, no whitespace) is treated as one.
    pub fn redact_body<'a>(&self, content_type: &str, text: &'a str) -> Cow<'a, str> {
        match body::kind(content_type, text) {
            body::Kind::Form => self.redact_form(text),
            body::Kind::Markup => self.mask_cards_in(text, card::Seps::Text),
            body::Kind::Structured => self.redact_json(text),
        }
    }

    /// `text` with card numbers masked, if this redactor masks them.
    fn mask_cards_in<'a>(&self, text: &'a str, seps: card::Seps) -> Cow<'a, str> {
        if self.mask_cards {
            card::mask(text, seps)
        } else {
            Cow::Borrowed(text)
        }
    }
}

/// [`Redactor::redact_url`] with the default rules.
pub fn redact_url(url: &str) -> Cow<'_, str> {
    DEFAULT.redact_url(url)
}

/// [`Redactor::redact_form`] with the default rules.
pub fn redact_form(body: &str) -> Cow<'_, str> {
    DEFAULT.redact_form(body)
}

/// [`Redactor::redact_json`] with the default rules.
pub fn redact_json(text: &str) -> Cow<'_, str> {
    DEFAULT.redact_json(text)
}

/// [`Redactor::redact_body`] with the default rules.
pub fn redact_body<'a>(content_type: &str, text: &'a str) -> Cow<'a, str> {
    DEFAULT.redact_body(content_type, text)
}

/// [`BodyPolicy::should_capture`] with the default policy: same-origin, text-like bodies.
pub fn should_capture_body(url: &str, page_origin: &str, content_type: &str) -> bool {
    BodyPolicy::default().should_capture(url, page_origin, content_type)
}

/// Masks card-number-like digit runs in any text, keeping the last four digits:
/// `4111 1111 1111 1111` → `**** **** **** 1111`.
///
/// A run is 13–19 digits, either unbroken or in groups of 3–6 digits joined by single
/// spaces or dashes, starting with 2–6 (the payment networks' ranges) and passing the
/// Luhn check. The Luhn check keeps timestamps, ids and phone numbers readable; the cost
/// is that a mistyped card number is not masked. Digits that are part of a decimal
/// number (`0.4111111111111111`) are left alone.
pub fn mask_card_numbers(text: &str) -> Cow<'_, str> {
    card::mask(text, card::Seps::Text)
}

/// Builds a copy of a source string with some ranges replaced, copying only when the
/// first change happens; edits must come in increasing, non-overlapping order.
#[derive(Debug)]
pub(crate) struct Rewriter<'a> {
    src: &'a str,
    out: String,
    copied: usize,
    changed: bool,
}

impl<'a> Rewriter<'a> {
    pub(crate) fn new(src: &'a str) -> Self {
        Rewriter {
            src,
            out: String::new(),
            copied: 0,
            changed: false,
        }
    }

    fn catch_up(&mut self, start: usize) {
        if !self.changed {
            self.changed = true;
            self.out.reserve(self.src.len() + REDACTED.len());
        }
        self.out
            .push_str(self.src.get(self.copied..start).unwrap_or_default());
    }

    /// Replaces `start..end` (char boundaries, at or after the last edit) with `with`.
    pub(crate) fn replace(&mut self, start: usize, end: usize, with: &str) {
        debug_assert!(self.copied <= start && start <= end);
        self.catch_up(start);
        self.out.push_str(with);
        self.copied = end;
    }

    /// Replaces every ASCII digit in `start..end` with `*`.
    pub(crate) fn mask_digits(&mut self, start: usize, end: usize) {
        debug_assert!(self.copied <= start && start <= end);
        self.catch_up(start);
        for c in self.src.get(start..end).unwrap_or_default().chars() {
            self.out.push(if c.is_ascii_digit() { '*' } else { c });
        }
        self.copied = end;
    }

    pub(crate) fn finish(mut self) -> Cow<'a, str> {
        if !self.changed {
            return Cow::Borrowed(self.src);
        }
        self.out
            .push_str(self.src.get(self.copied..).unwrap_or_default());
        Cow::Owned(self.out)
    }
}

/// Runs `second` over the result of a first pass, keeping the borrow when neither changed.
pub(crate) fn then<'a>(
    first: Cow<'a, str>,
    second: impl FnOnce(&str) -> Option<String>,
) -> Cow<'a, str> {
    match second(&first) {
        Some(changed) => Cow::Owned(changed),
        None => first,
    }
}
