//! The one door the hooks' privacy rules go through: URLs, headers and bodies are redacted
//! here before they become events.
//!
//! This is a small local implementation of the rules in DESIGN.md ("Privacy defaults"),
//! kept behind [`Redaction`]'s five methods so that switching to `recorder_core::redact`
//! (its `Redactor` and `BodyPolicy`) is one edit of this file and nothing else:
//!
//! - headers `Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie` and any whose
//!   name contains a sensitive word (token, secret, password, api-key…), plus the
//!   `redactHeaders` option, get the value [`REDACTED`];
//! - URL query parameters, form fields and JSON keys with such names get [`REDACTED`];
//! - digit runs that look like card numbers (13–19 digits passing the Luhn check) keep
//!   only their last four digits;
//! - bodies are captured for text-like content types only, same-origin unless an allow
//!   pattern matches, never when a deny pattern matches, and cut at `maxBodyBytes`.

use crate::options::Options;
use recorder_core::event::{Body, Header};

/// What a redacted value is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Words that make a name sensitive wherever they occur in it, after lower-casing and
/// dropping everything but letters and digits (`X-Api-Key` → `xapikey`).
const SENSITIVE_WORDS: &[&str] = &[
    "passw",
    "secret",
    "token",
    "apikey",
    "authorization",
    "cookie",
    "credential",
    "sessionid",
    "sessid",
    "csrf",
    "xsrf",
    "privatekey",
    "accesskey",
];

/// Short names that are sensitive only as a whole.
const SENSITIVE_EXACT: &[&str] = &["pwd", "pass", "pin", "otp", "ssn", "jwt", "auth"];

/// The recording's redaction rules.
#[derive(Debug, Clone, Default)]
pub struct Redaction {
    extra_headers: Vec<String>,
    allow_urls: Vec<String>,
    deny_urls: Vec<String>,
    max_body_bytes: usize,
}

impl Redaction {
    /// The rules for a recording's options.
    pub fn new(options: &Options) -> Redaction {
        Redaction {
            extra_headers: options
                .redact_headers
                .iter()
                .map(|h| normalize(h))
                .filter(|h| !h.is_empty())
                .collect(),
            allow_urls: options.body_allow_urls.clone(),
            deny_urls: options.body_deny_urls.clone(),
            max_body_bytes: options.max_body_bytes as usize,
        }
    }

    /// The URL with sensitive query parameters and any password in it redacted.
    pub fn url(&self, url: &str) -> String {
        redact_url(url)
    }

    /// A recorded header: lower-case name, value redacted when the name is sensitive.
    pub fn header(&self, name: &str, value: &str) -> Header {
        let name = name.trim().to_ascii_lowercase();
        let normalized = normalize(&name);
        let sensitive =
            is_sensitive(&normalized) || self.extra_headers.iter().any(|h| normalized.contains(h));
        let value = if sensitive && !value.is_empty() {
            REDACTED.to_owned()
        } else {
            mask_cards(value)
        };
        Header { name, value }
    }

    /// Whether to capture a body of `content_type` sent to or received from `url`
    /// (absolute) by a page at `page_origin`.
    pub fn should_capture(&self, url: &str, page_origin: &str, content_type: &str) -> bool {
        if self.max_body_bytes == 0
            || !is_text_content_type(content_type)
            || self.deny_urls.iter().any(|p| url_matches(p, url))
        {
            return false;
        }
        self.allow_urls.iter().any(|p| url_matches(p, url)) || same_origin(url, page_origin)
    }

    /// The recorded body: cut at `maxBodyBytes` on a character boundary, then redacted by
    /// its content type (form fields, JSON keys, card numbers).
    pub fn body(&self, content_type: &str, text: &str) -> Body {
        let full = text.len();
        let mut cut = text.len().min(self.max_body_bytes);
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let kept = &text[..cut];
        let mime = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let text = if mime == "application/x-www-form-urlencoded" {
            redact_pairs(kept)
        } else if mime.contains("json") || kept.trim_start().starts_with(['{', '[']) {
            redact_json(kept)
        } else {
            mask_cards(kept)
        };
        Body {
            text,
            truncated: cut < full,
        }
    }
}

/// Lower-case ASCII letters and digits only: `X-Api-Key` → `xapikey`.
fn normalize(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether a normalized name holds a secret.
fn is_sensitive(normalized: &str) -> bool {
    SENSITIVE_WORDS.iter().any(|w| normalized.contains(w)) || SENSITIVE_EXACT.contains(&normalized)
}

/// Whether a raw parameter or key name (percent-encoded or not) holds a secret.
fn is_sensitive_name(raw: &str) -> bool {
    is_sensitive(&normalize(&percent_decode(raw)))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' && i + 2 < bytes.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(if b == b'+' { b' ' } else { b });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Redacts the password of `user:password@`, sensitive query parameters, and card
/// numbers anywhere in the URL.
fn redact_url(url: &str) -> String {
    let (rest, fragment) = match url.find('#') {
        Some(i) => url.split_at(i),
        None => (url, ""),
    };
    let (base, query) = match rest.find('?') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let mut out = String::with_capacity(url.len());
    match base.find("://") {
        Some(scheme_end) => {
            let authority_start = scheme_end + 3;
            let authority_end = base[authority_start..]
                .find('/')
                .map_or(base.len(), |i| authority_start + i);
            let authority = &base[authority_start..authority_end];
            match authority.rfind('@') {
                Some(at) if authority[..at].contains(':') => {
                    let colon = authority[..at].find(':').unwrap_or(at);
                    out.push_str(&base[..authority_start + colon + 1]);
                    out.push_str(REDACTED);
                    out.push_str(&base[authority_start + at..]);
                }
                _ => out.push_str(base),
            }
        }
        None => out.push_str(base),
    }
    if let Some(query) = query {
        out.push('?');
        out.push_str(&redact_pairs(query));
    }
    out.push_str(fragment);
    mask_cards(&out)
}

/// `a=1&token=x` → `a=1&token=[redacted]` (query strings and form bodies).
fn redact_pairs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, pair) in text.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((name, value)) if !value.is_empty() && is_sensitive_name(name) => {
                out.push_str(name);
                out.push('=');
                out.push_str(REDACTED);
            }
            _ => out.push_str(pair),
        }
    }
    mask_cards(&out)
}

/// Replaces the value of every sensitive key in JSON text with `"[redacted]"` (`null`
/// stays). Works on cut or invalid JSON too: a value that runs to the end is redacted
/// to the end, so cutting a body never lets a secret through.
fn redact_json(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0; // bytes of `text` already in `out`
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'"' {
            i += 1;
            continue;
        }
        let end = skip_string(bytes, i);
        let mut j = skip_ws(bytes, end);
        if j < bytes.len() && bytes[j] == b':' && is_sensitive_name(&text[i + 1..end - 1]) {
            j = skip_ws(bytes, j + 1);
            let value_end = skip_value(bytes, j);
            if &bytes[j..value_end] != b"null" && j < value_end {
                out.push_str(&text[copied..j]);
                out.push('"');
                out.push_str(REDACTED);
                out.push('"');
                copied = value_end;
            }
            i = value_end;
        } else {
            i = end;
        }
    }
    out.push_str(&text[copied..]);
    mask_cards(&out)
}

/// The index after the string starting at `start` (a `"`), or the end of the text.
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// The index after the JSON value starting at `start` (or the end of the text).
fn skip_value(bytes: &[u8], start: usize) -> usize {
    let Some(&first) = bytes.get(start) else {
        return bytes.len();
    };
    match first {
        b'"' => skip_string(bytes, start),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = start;
            while i < bytes.len() {
                match bytes[i] {
                    b'"' => {
                        i = skip_string(bytes, i);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            bytes.len()
        }
        _ => {
            let mut i = start;
            while i < bytes.len() && !matches!(bytes[i], b',' | b'}' | b']') {
                i += 1;
            }
            // Trailing whitespace belongs to the layout, not the value.
            while i > start && bytes[i - 1].is_ascii_whitespace() {
                i -= 1;
            }
            i
        }
    }
}

/// Masks card-number-like runs (13–19 digits, single spaces or dashes between them, valid
/// Luhn checksum) except their last four digits.
pub fn mask_cards(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut digits = 0;
        while j < bytes.len() {
            if bytes[j].is_ascii_digit() {
                digits += 1;
                j += 1;
            } else if matches!(bytes[j], b' ' | b'-')
                && bytes.get(j + 1).is_some_and(u8::is_ascii_digit)
                && digits > 0
            {
                j += 1;
            } else {
                break;
            }
        }
        let run = &bytes[i..j];
        if (13..=19).contains(&digits) && luhn(run) {
            let mut seen = 0;
            for (k, b) in run.iter().enumerate() {
                if b.is_ascii_digit() {
                    seen += 1;
                    if seen <= digits - 4 {
                        out[i + k] = b'*';
                    }
                }
            }
        }
        i = j.max(i + 1);
    }
    // Only ASCII digits were replaced by ASCII `*`, so the text is still UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

fn luhn(run: &[u8]) -> bool {
    let mut sum = 0u32;
    for (n, b) in run.iter().rev().filter(|b| b.is_ascii_digit()).enumerate() {
        let mut d = u32::from(b - b'0');
        if n % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

/// Text-like content types whose bodies are worth recording: `text/*` (not
/// `text/event-stream`, which never ends), JSON, XML, form encoding, GraphQL, JavaScript.
pub fn is_text_content_type(content_type: &str) -> bool {
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let (kind, sub) = mime.split_once('/').unwrap_or((&mime, ""));
    match kind {
        "text" => !sub.is_empty() && sub != "event-stream",
        "application" => {
            matches!(
                sub,
                "json" | "xml" | "x-www-form-urlencoded" | "graphql" | "javascript" | "x-ndjson"
            ) || sub.ends_with("+json")
                || sub.ends_with("+xml")
        }
        _ => false,
    }
}

/// A URL pattern: the URL starts with it, `*` standing for any run of characters.
pub fn url_matches(pattern: &str, url: &str) -> bool {
    if pattern.is_empty() {
        return false;
    }
    let mut pieces = pattern.split('*');
    let first = pieces.next().unwrap_or("");
    let Some(mut rest) = url.strip_prefix(first) else {
        return false;
    };
    for piece in pieces {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}

/// Whether an absolute URL is on `origin` (`https://app.example:8443`).
pub fn same_origin(url: &str, origin: &str) -> bool {
    !origin.is_empty()
        && url
            .strip_prefix(origin)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Redaction {
        Redaction::new(&Options {
            redact_headers: vec!["X-Tenant".into()],
            body_allow_urls: vec!["https://partner.example/*/v1".into()],
            body_deny_urls: vec!["https://app.example/private".into()],
            max_body_bytes: 64,
            ..Options::default()
        })
    }

    #[test]
    fn headers() {
        let r = rules();
        for name in [
            "Authorization",
            "Cookie",
            "Set-Cookie",
            "Proxy-Authorization",
            "X-CSRF-Token",
            "X-Api-Key",
            "x-client-secret",
            "X-Tenant-Id",
        ] {
            assert_eq!(r.header(name, "v").value, REDACTED, "{name}");
        }
        let h = r.header("Content-Type", "application/json");
        assert_eq!(
            (h.name.as_str(), h.value.as_str()),
            ("content-type", "application/json")
        );
        assert_eq!(r.header("Authorization", "").value, "", "empty values stay");
    }

    #[test]
    fn urls() {
        let r = rules();
        assert_eq!(
            r.url("https://a.example/p?q=shoes&access_token=abc&api%5Fkey=1#frag"),
            "https://a.example/p?q=shoes&access_token=[redacted]&api%5Fkey=[redacted]#frag"
        );
        assert_eq!(
            r.url("https://ann:hunter2@a.example/x"),
            "https://ann:[redacted]@a.example/x"
        );
        assert_eq!(r.url("/plain/path"), "/plain/path");
        assert_eq!(
            r.url("https://a.example/cards/4111111111111111"),
            "https://a.example/cards/************1111"
        );
    }

    #[test]
    fn json_bodies() {
        let r = rules();
        let default = Redaction::new(&Options::default());
        let body = default.body(
            "application/json",
            r#"{"user":"ann","password":"hunter2","nested":{"apiKey":{"a":1}},"n":null}"#,
        );
        assert_eq!(
            body.text,
            r#"{"user":"ann","password":"[redacted]","nested":{"apiKey":"[redacted]"},"n":null}"#
        );
        assert!(!body.truncated);
        // A secret cut off mid-value is still redacted.
        let body = r.body(
            "application/json",
            r#"{"a":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","token":"abcdefghijklmnop"}"#,
        );
        assert!(body.truncated);
        assert!(!body.text.contains("abc"), "{}", body.text);
        let body = default.body("application/json", r#"[{"pwd" : 12345 }, "pwd"]"#);
        assert_eq!(body.text, r#"[{"pwd" : "[redacted]" }, "pwd"]"#);
    }

    #[test]
    fn form_and_text_bodies() {
        let r = rules();
        assert_eq!(
            r.body(
                "application/x-www-form-urlencoded",
                "user=ann&password=x&card=4242+4242"
            )
            .text,
            "user=ann&password=[redacted]&card=4242+4242"
        );
        assert_eq!(
            r.body("text/plain", "card 4242-4242-4242-4242 ok").text,
            "card ****-****-****-4242 ok"
        );
        assert_eq!(
            r.body("text/plain", "order 1234567890123 (not luhn)").text,
            "order 1234567890123 (not luhn)"
        );
        let long = "é".repeat(40);
        let body = r.body("text/plain", &long);
        assert!(body.truncated && body.text.len() <= 64 && body.text.chars().all(|c| c == 'é'));
    }

    #[test]
    fn body_policy() {
        let r = rules();
        let origin = "https://app.example";
        assert!(r.should_capture("https://app.example/api", origin, "application/json"));
        assert!(r.should_capture("https://app.example", origin, "text/plain;charset=UTF-8"));
        assert!(!r.should_capture("https://app.example.evil/api", origin, "text/plain"));
        assert!(!r.should_capture("https://other.example/api", origin, "application/json"));
        assert!(!r.should_capture("https://app.example/api", origin, "image/png"));
        assert!(!r.should_capture("https://app.example/api", origin, "text/event-stream"));
        assert!(!r.should_capture("https://app.example/private/x", origin, "text/plain"));
        assert!(r.should_capture("https://partner.example/orders/v1/x", origin, "text/xml"));
        assert!(!url_matches("", "https://x"));
    }
}
