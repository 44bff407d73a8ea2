//! JSON (and JSON-like) text: values of sensitive keys, card numbers in strings and numbers.
//!
//! A single forward scan with no recursion and no parse tree, so it is linear in the
//! input, does not care how deep the nesting goes, and does not need valid input: bodies
//! are cut at the capture limit, console output is JavaScript-literal-like, GraphQL
//! queries carry `name: value` arguments. The rule it applies is: *a string or bare word
//! followed by `:` is a key*; when the key is sensitive, the value after it — a string, a
//! number or word, or a whole `{…}`/`[…]`/`(…)` group — is replaced by `"[redacted]"`,
//! also when the input ends inside it.

use super::card::{self, Seps};
use super::names::{self, NameKind};
use super::{Redactor, Rewriter};
use std::borrow::Cow;

/// A redacted value in JSON.
const QUOTED: &str = "\"[redacted]\"";

/// Values kept under a sensitive key: they hold no secret and say something useful
/// ("the password was empty").
const KEEP: &[&[u8]] = &[b"null", b"true", b"false", b"\"\"", b"''", b"[]", b"{}"];

impl Redactor {
    /// JSON text with the value of every sensitive key replaced by `"[redacted]"`, at any
    /// depth, and card numbers masked inside strings (a bare card-like number becomes a
    /// masked string, so valid JSON stays valid). Everything else is kept byte-for-byte.
    ///
    /// Invalid and truncated input is redacted as far as it goes and never panics: a
    /// body cut at `{"password":"hunt` comes out as `{"password":"[redacted]"`. The
    /// scanner also accepts single-quoted strings and unquoted keys (`{token: 'x'}`), and
    /// GraphQL arguments (`login(password: "x")`), but not JSON encoded inside a string.
    ///
    /// ```
    /// use recorder_core::redact::redact_json;
    /// assert_eq!(
    ///     redact_json(r#"{"user":{"name":"ann","apiKey":{"id":1}},"items":[1,2]}"#),
    ///     r#"{"user":{"name":"ann","apiKey":"[redacted]"},"items":[1,2]}"#
    /// );
    /// ```
    pub fn redact_json<'a>(&self, text: &'a str) -> Cow<'a, str> {
        Scanner {
            redactor: self,
            bytes: text.as_bytes(),
            w: Rewriter::new(text),
            plain_from: 0,
        }
        .run()
    }
}

struct Scanner<'a, 'r> {
    redactor: &'r Redactor,
    bytes: &'a [u8],
    w: Rewriter<'a>,
    /// Start of the text outside strings not yet searched for card numbers.
    plain_from: usize,
}

/// The last string or bare word, a key if a `:` follows.
#[derive(Clone, Copy)]
struct Name {
    start: usize,
    end: usize,
    quoted: bool,
}

impl<'a> Scanner<'a, '_> {
    fn run(mut self) -> Cow<'a, str> {
        let b = self.bytes;
        let mut name: Option<Name> = None;
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                c if is_space(c) => i += 1,
                b'"' | b'\'' => {
                    let (end, closed) = scan_string(b, i);
                    let content_end = if closed { end - 1 } else { end };
                    self.flush_plain(i);
                    if self.redactor.mask_cards {
                        let w = &mut self.w;
                        card::find(b, i + 1, content_end, Seps::Text, |m| {
                            w.mask_digits(m.start, m.mask_end)
                        });
                    }
                    self.plain_from = end;
                    name = Some(Name {
                        start: i + 1,
                        end: content_end,
                        quoted: true,
                    });
                    i = end;
                }
                b':' => {
                    i += 1;
                    if let Some(key) = name.take() {
                        if self.is_sensitive(key) {
                            i = self.redact_value(i);
                        }
                    }
                }
                c if is_delimiter(c) => {
                    name = None;
                    i += 1;
                }
                _ => {
                    let end = bare_end(b, i);
                    name = Some(Name {
                        start: i,
                        end,
                        quoted: false,
                    });
                    i = end;
                }
            }
        }
        self.flush_plain(b.len());
        self.w.finish()
    }

    fn is_sensitive(&self, key: Name) -> bool {
        let raw = self.bytes.get(key.start..key.end).unwrap_or_default();
        let normalized = if key.quoted {
            names::normalize(unescape(raw))
        } else {
            names::normalize(raw.iter().copied())
        };
        self.redactor.is_sensitive(NameKind::Field, &normalized)
    }

    /// Replaces the value starting after the `:` at `from`; returns where scanning resumes.
    fn redact_value(&mut self, from: usize) -> usize {
        let b = self.bytes;
        let mut v = from;
        while v < b.len() && is_space(b[v]) {
            v += 1;
        }
        let Some(&first) = b.get(v) else {
            return v;
        };
        let (end, complete) = match first {
            b'"' | b'\'' => scan_string(b, v),
            b'{' | b'[' | b'(' => scan_group(b, v),
            b':' => return v,
            c if is_delimiter(c) => return v,
            _ => {
                let end = bare_end(b, v);
                (end, end < b.len())
            }
        };
        if complete && KEEP.contains(&b.get(v..end).unwrap_or_default()) {
            return end;
        }
        self.flush_plain(v);
        self.w.replace(v, end, QUOTED);
        self.plain_from = end;
        end
    }

    /// Masks card numbers in `plain_from..to`, text outside strings. A bare number that is
    /// a card number becomes a quoted masked string; digits elsewhere are masked in place.
    fn flush_plain(&mut self, to: usize) {
        let from = self.plain_from;
        self.plain_from = to;
        if !self.redactor.mask_cards || from >= to {
            return;
        }
        let b = self.bytes;
        let w = &mut self.w;
        card::find(b, from, to, Seps::Text, |m| {
            let token_start = m.start == 0 || !is_bare(b[m.start - 1]);
            let token_end = b.get(m.end).is_none_or(|&c| !is_bare(c));
            let whole = (!m.grouped && token_start && token_end)
                .then(|| card::masked_number(&b[m.start..m.end]))
                .flatten();
            match whole {
                // Concatenated rather than `format!`ed: keeps `core::fmt` out of the recorder.
                Some(masked) => w.replace(m.start, m.end, &["\"", &masked, "\""].concat()),
                None => w.mask_digits(m.start, m.mask_end),
            }
        });
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Punctuation that ends a bare word and forgets the last name (`:` and quotes are
/// handled on their own).
fn is_delimiter(b: u8) -> bool {
    matches!(b, b'{' | b'}' | b'[' | b']' | b'(' | b')' | b',' | b';')
}

/// Part of a bare word (number, `true`, unquoted key). An apostrophe inside a word
/// (`don't`) does not start a string.
fn is_bare(b: u8) -> bool {
    !is_space(b) && !is_delimiter(b) && b != b':' && b != b'"'
}

fn bare_end(b: &[u8], from: usize) -> usize {
    b[from..]
        .iter()
        .position(|&c| !is_bare(c))
        .map_or(b.len(), |p| from + p)
}

/// The end of the string whose quote is at `start` (after its closing quote), and
/// whether it was closed before the input ended.
fn scan_string(b: &[u8], start: usize) -> (usize, bool) {
    let quote = b[start];
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            c if c == quote => return (i + 1, true),
            _ => i += 1,
        }
    }
    (b.len(), false)
}

/// The end of the `{…}`, `[…]` or `(…)` group opening at `start`, skipping strings; any
/// closer closes any opener, so broken nesting still ends somewhere. Nesting is a
/// counter, never recursion.
fn scan_group(b: &[u8], start: usize) -> (usize, bool) {
    let mut depth = 0usize;
    let mut i = start;
    while i < b.len() {
        match b[i] {
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => {
                depth -= 1;
                if depth == 0 {
                    return (i + 1, true);
                }
            }
            b'"' => {
                i = scan_string(b, i).0;
                continue;
            }
            // A single-quoted string starts where a token may start.
            b'\'' if i > 0 && !is_bare(b[i - 1]) => {
                i = scan_string(b, i).0;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    (b.len(), false)
}

/// The bytes of a JSON string's content with escapes decoded as far as matching names
/// needs: `\uXXXX` below 128 becomes its byte; other escapes are dropped.
fn unescape(raw: &[u8]) -> impl Iterator<Item = u8> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || loop {
        let b = *raw.get(i)?;
        if b != b'\\' {
            i += 1;
            return Some(b);
        }
        if raw.get(i + 1) == Some(&b'u') {
            let code = raw
                .get(i + 2..i + 6)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u32::from_str_radix(h, 16).ok());
            if let Some(code) = code {
                i += 6;
                if let Ok(byte) = u8::try_from(code) {
                    if byte.is_ascii() {
                        return Some(byte);
                    }
                }
                continue;
            }
        }
        i += 2;
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::{RedactOptions, REDACTED};

    fn redact(s: &str) -> String {
        Redactor::default().redact_json(s).into_owned()
    }

    #[test]
    fn valid_json() {
        let table = [
            ("", ""),
            ("{}", "{}"),
            ("[]", "[]"),
            ("null", "null"),
            (r#"{"a":1,"b":"x"}"#, r#"{"a":1,"b":"x"}"#),
            (r#"{"password":"hunter2"}"#, r#"{"password":"[redacted]"}"#),
            (
                r#"{"password" : "hunter2" , "a" : 1}"#,
                r#"{"password" : "[redacted]" , "a" : 1}"#,
            ),
            (r#"{"Password":1234}"#, r#"{"Password":"[redacted]"}"#),
            (r#"{"pin":-1.5e3}"#, r#"{"pin":"[redacted]"}"#),
            (
                r#"{"token":{"a":[1,{"b":"}"}],"c":"]"},"x":1}"#,
                r#"{"token":"[redacted]","x":1}"#,
            ),
            (
                r#"{"tokens":["a","b"],"x":1}"#,
                r#"{"tokens":"[redacted]","x":1}"#,
            ),
            (
                r#"{"a":{"b":{"c":{"refresh_token":"r"}}}}"#,
                r#"{"a":{"b":{"c":{"refresh_token":"[redacted]"}}}}"#,
            ),
            (
                r#"[{"api_key":"k"},{"apiKey":"k"},{"API-KEY":"k"}]"#,
                r#"[{"api_key":"[redacted]"},{"apiKey":"[redacted]"},{"API-KEY":"[redacted]"}]"#,
            ),
            (
                r#"{"pass\u0077ord":"x"}"#,
                r#"{"pass\u0077ord":"[redacted]"}"#,
            ),
            (
                r#"{"password":"a\"b\\","n":1}"#,
                r#"{"password":"[redacted]","n":1}"#,
            ),
            (
                r#"{"password":null,"secret":"","token":true,"auth":false,"x":[],"cvv":{}}"#,
                r#"{"password":null,"secret":"","token":true,"auth":false,"x":[],"cvv":{}}"#,
            ),
            (
                r#"{"password":"","token":[ ]}"#,
                r#"{"password":"","token":"[redacted]"}"#,
            ),
            (
                r#"{"author":"ann","authorization":"Bearer x"}"#,
                r#"{"author":"ann","authorization":"[redacted]"}"#,
            ),
            (
                r#"{"note":"password: hunter2"}"#,
                r#"{"note":"password: hunter2"}"#,
            ),
            (r#"{"k":"password","v":"x"}"#, r#"{"k":"password","v":"x"}"#),
            (r#"["password","x"]"#, r#"["password","x"]"#),
            (
                r#"{"card_number":"4111111111111111","cvc":"123","ssn":"078-05-1120"}"#,
                r#"{"card_number":"[redacted]","cvc":"[redacted]","ssn":"[redacted]"}"#,
            ),
            (
                r#"{"note":"card 4111 1111 1111 1111 thanks"}"#,
                r#"{"note":"card **** **** **** 1111 thanks"}"#,
            ),
            (
                r#"{"n":4111111111111111,"t":1718036327123}"#,
                r#"{"n":"************1111","t":1718036327123}"#,
            ),
            (
                r#"{"lat":52.52000659999999,"f":0.4111111111111111}"#,
                r#"{"lat":52.52000659999999,"f":0.4111111111111111}"#,
            ),
            (
                r#"{"名前":"ünï","パスワード":"x","password":"ü€😀"}"#,
                r#"{"名前":"ünï","パスワード":"x","password":"[redacted]"}"#,
            ),
            (
                "{\n  \"password\":\n    \"x\"\n}",
                "{\n  \"password\":\n    \"[redacted]\"\n}",
            ),
            // Newline-delimited JSON: a sequence of values.
            (
                "{\"token\":\"a\"}\n{\"token\":\"b\"}\n",
                "{\"token\":\"[redacted]\"}\n{\"token\":\"[redacted]\"}\n",
            ),
        ];
        for (input, want) in table {
            assert_eq!(redact(input), want, "{input}");
        }
    }

    #[test]
    fn truncated_json() {
        let table = [
            (r#"{"password":"hunt"#, r#"{"password":"[redacted]""#),
            (r#"{"password":"hu\"#, r#"{"password":"[redacted]""#),
            (r#"{"password":"hu\u00"#, r#"{"password":"[redacted]""#),
            (r#"{"password":  "#, r#"{"password":  "#),
            (r#"{"password":"#, r#"{"password":"#),
            (r#"{"password""#, r#"{"password""#),
            (r#"{"passw"#, r#"{"passw"#),
            (r#"{"pass\"#, r#"{"pass\"#),
            (r#"{"password":12"#, r#"{"password":"[redacted]""#),
            (r#"{"password":tr"#, r#"{"password":"[redacted]""#),
            (r#"{"password":nul"#, r#"{"password":"[redacted]""#),
            (r#"{"token":{"a":"b","c":["#, r#"{"token":"[redacted]""#),
            (r#"{"token":["x","y"#, r#"{"token":"[redacted]""#),
            (
                r#"{"a":[{"b":"c"},{"secret":"s"#,
                r#"{"a":[{"b":"c"},{"secret":"[redacted]""#,
            ),
            (
                r#"{"note":"4111 1111 1111 11"#,
                r#"{"note":"4111 1111 1111 11"#,
            ),
            (r#"{"note":"ab"#, r#"{"note":"ab"#),
            ("\"", "\""),
            ("\\", "\\"),
            (":", ":"),
            ("{:", "{:"),
        ];
        for (input, want) in table {
            assert_eq!(redact(input), want, "{input}");
        }
    }

    #[test]
    fn javascript_and_graphql_syntax() {
        let table = [
            (
                "{password: 'hunter2', user: 'ann'}",
                "{password: \"[redacted]\", user: 'ann'}",
            ),
            ("{token: abc123, n: 1}", "{token: \"[redacted]\", n: 1}"),
            ("{'secret': 'it''s'}", "{'secret': \"[redacted]\"'s'}"),
            (
                "mutation { login(user: \"ann\", password: \"hunter2\") { token } }",
                "mutation { login(user: \"ann\", password: \"[redacted]\") { token } }",
            ),
            (
                "User {name: 'x', creds: {apiKey: 'k'}}",
                "User {name: 'x', creds: {apiKey: \"[redacted]\"}}",
            ),
            (
                "don't log my password: hunter2 please",
                "don't log my password: \"[redacted]\" please",
            ),
            (
                "time 12:30 at https://a.test/x",
                "time 12:30 at https://a.test/x",
            ),
            ("{\"token\":: 1}", "{\"token\":: 1}"),
            ("{\"token\":,\"a\":1}", "{\"token\":,\"a\":1}"),
            ("{\"token\":}", "{\"token\":}"),
            (
                "{\"token\": {'a': '}', b: 'c'}}",
                "{\"token\": \"[redacted]\"}",
            ),
            ("{\"token\": (1, 2)}", "{\"token\": \"[redacted]\"}"),
            ("}}}]]] \"password\": ]]] x", "}}}]]] \"password\": ]]] x"),
            ("[4111 1111 1111 1111]", "[**** **** **** 1111]"),
        ];
        for (input, want) in table {
            assert_eq!(redact(input), want, "{input}");
        }
    }

    #[test]
    fn unchanged_is_borrowed() {
        let r = Redactor::default();
        assert!(matches!(
            r.redact_json(r#"{"a":[1,2,{"b":null}]}"#),
            Cow::Borrowed(_)
        ));
        assert!(matches!(
            r.redact_json(r#"{"password":null}"#),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn options() {
        let r = Redactor::new(&RedactOptions {
            redact_fields: vec!["email".into()],
            allow_fields: vec!["max_tokens".into()],
            mask_card_numbers: false,
            ..RedactOptions::default()
        });
        assert_eq!(
            r.redact_json(r#"{"userEmail":"a@b","max_tokens":5,"maxTokens":6,"tokens":7,"n":"4111111111111111"}"#),
            r#"{"userEmail":"[redacted]","max_tokens":5,"maxTokens":6,"tokens":"[redacted]","n":"4111111111111111"}"#
        );
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let depth = 1_000_000;
        let open = "{\"a\":[".repeat(depth);
        assert!(matches!(
            Redactor::default().redact_json(&open),
            Cow::Borrowed(_)
        ));
        let secret = format!("{{\"token\":{}1{}}}", "[".repeat(depth), "]".repeat(depth));
        assert_eq!(redact(&secret), r#"{"token":"[redacted]"}"#);
        let unbalanced = format!("{{\"token\":{}", "[{".repeat(depth));
        assert_eq!(redact(&unbalanced), r#"{"token":"[redacted]""#);
        let closers = "]}".repeat(depth);
        assert_eq!(redact(&closers), closers);
    }

    #[test]
    fn huge_inputs_are_linear() {
        let n = 100_000;
        let pairs = format!(
            "{{{}\"z\":0}}",
            "\"password\":\"x\",\"ok\":\"y\",".repeat(n)
        );
        let out = redact(&pairs);
        assert_eq!(out.matches(REDACTED).count(), n);
        assert!(!out.contains("\"x\""));
        let long_string = format!("{{\"password\":\"{}", "\\\"".repeat(n * 10));
        assert_eq!(redact(&long_string), r#"{"password":"[redacted]""#);
        let long_key = format!("{{\"{}password\":\"x\"}}", "k".repeat(n * 10));
        assert!(redact(&long_key).ends_with(r#"password":"[redacted]"}"#));
        let colons = ":".repeat(n * 10);
        assert_eq!(redact(&colons), colons);
        let quotes = "\"".repeat(n * 10 + 1);
        assert_eq!(redact(&quotes), quotes);
        let digits = "4111 ".repeat(n * 5);
        assert_eq!(redact(&digits).len(), digits.len());
    }

    #[test]
    fn unescapes_names() {
        let u = |s: &str| unescape(s.as_bytes()).collect::<Vec<u8>>();
        assert_eq!(u(r"pass\u0077ord"), b"password");
        assert_eq!(u(r#"a\nb\\c\"d"#), b"abcd");
        assert_eq!(u(r"a\u00e9b"), b"ab");
        assert_eq!(u(r"a\u00"), b"a00");
        assert_eq!(u(r"a\u12zz"), b"a12zz");
        assert_eq!(u("a\\"), b"a");
    }
}
