//! Which bodies are captured, and how they are cut.

use super::card;
use super::url::authority;
use super::Redactor;
use crate::event::Body;

/// Which request and response bodies are captured, and how much of each.
///
/// A body is captured when its content type is text-like ([`is_text_content_type`]),
/// its URL matches no `deny_urls` pattern, and it either matches an `allow_urls`
/// pattern or is same-origin (while `same_origin` is on). Patterns are matched with
/// [`url_matches`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyPolicy {
    /// Capture bodies of same-origin requests. Default: `true` — the application's own
    /// API is what a developer debugs, and third parties' traffic is theirs.
    pub same_origin: bool,
    /// URL patterns whose bodies are captured even cross-origin. Default: none.
    pub allow_urls: Vec<String>,
    /// URL patterns whose bodies are never captured; wins over everything. Default: none.
    pub deny_urls: Vec<String>,
    /// Bytes kept of each body (UTF-8). Default: 64 KiB ([`BodyPolicy::DEFAULT_MAX_BYTES`]),
    /// enough for nearly every API payload while bounding what one request can cost.
    pub max_bytes: usize,
}

impl Default for BodyPolicy {
    fn default() -> Self {
        BodyPolicy {
            same_origin: true,
            allow_urls: Vec::new(),
            deny_urls: Vec::new(),
            max_bytes: Self::DEFAULT_MAX_BYTES,
        }
    }
}

impl BodyPolicy {
    /// The default cap per body.
    pub const DEFAULT_MAX_BYTES: usize = 64 * 1024;

    /// Whether to capture the body of a request to `url` (absolute, or relative to the
    /// page) made from a page at `page_origin` (`location.origin`, or the page URL), whose
    /// body has `content_type` (empty when unknown, which is not captured: it may be
    /// binary — `fetch` itself labels string bodies `text/plain`).
    pub fn should_capture(&self, url: &str, page_origin: &str, content_type: &str) -> bool {
        if !is_text_content_type(content_type) || self.deny_urls.iter().any(|p| url_matches(p, url))
        {
            return false;
        }
        self.allow_urls.iter().any(|p| url_matches(p, url))
            || (self.same_origin && is_same_origin(url, page_origin))
    }

    /// The recorded body: `text` cut to [`BodyPolicy::max_bytes`] on a character boundary,
    /// then redacted with `redactor` ([`Redactor::redact_body`]).
    ///
    /// Cutting first bounds the work on huge bodies; the redaction rules are built to
    /// handle a cut anywhere. The cut moves forward past a digit run it would split (at
    /// most 24 bytes), so half a card number cannot slip past the card mask. The result
    /// can therefore exceed `max_bytes` by that and by what redaction markers add.
    pub fn capture(&self, redactor: &Redactor, content_type: &str, text: &str) -> Body {
        let cut = cut_point(text, self.max_bytes);
        let kept = text.get(..cut).unwrap_or_default();
        Body {
            text: redactor.redact_body(content_type, kept).into_owned(),
            truncated: cut < text.len(),
        }
    }
}

/// Where to cut `text` to keep about `max` bytes (see [`BodyPolicy::capture`]).
pub(crate) fn cut_point(text: &str, max: usize) -> usize {
    if text.len() <= max {
        return text.len();
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let b = text.as_bytes();
    let in_run = |k: usize| {
        b[k].is_ascii_digit()
            || (matches!(b[k], b' ' | b'-' | b'+')
                && k > 0
                && b[k - 1].is_ascii_digit()
                && b.get(k + 1).is_some_and(u8::is_ascii_digit))
    };
    if cut > 0 && in_run(cut - 1) {
        let limit = (cut + card::MAX_SPAN).min(b.len());
        while cut < limit && in_run(cut) {
            cut += 1;
        }
    }
    cut
}

/// Whether a body of this `Content-Type` is text worth recording: `text/*` (but not
/// `text/event-stream`, which never ends), JSON and `+json`, XML and `+xml`, form
/// encoding, GraphQL, JavaScript and NDJSON. Parameters (`; charset=…`) and case are
/// ignored. Multipart bodies are not captured: they usually carry files.
pub fn is_text_content_type(content_type: &str) -> bool {
    let mime = essence(content_type);
    let (kind, sub) = mime.split_once('/').unwrap_or((mime.as_str(), ""));
    match kind {
        "text" => !sub.is_empty() && sub != "event-stream",
        "application" => {
            matches!(
                sub,
                "json"
                    | "xml"
                    | "x-www-form-urlencoded"
                    | "graphql"
                    | "javascript"
                    | "ecmascript"
                    | "x-javascript"
                    | "x-ndjson"
                    | "ndjson"
                    | "jsonl"
                    | "x-jsonlines"
            ) || sub.ends_with("+json")
                || sub.ends_with("+xml")
        }
        _ => false,
    }
}

/// The lower-case `type/subtype` of a `Content-Type` value.
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// How a body's text is redacted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `name=value&…`
    Form,
    /// XML or HTML: only card numbers.
    Markup,
    /// JSON and everything else: keys followed by `:`.
    Structured,
}

pub(crate) fn kind(content_type: &str, text: &str) -> Kind {
    let mime = essence(content_type);
    let sub = mime.split_once('/').map_or("", |(_, sub)| sub);
    if mime == "application/x-www-form-urlencoded" {
        Kind::Form
    } else if sub == "html" || sub == "xml" || sub.ends_with("+xml") {
        Kind::Markup
    } else if (mime.is_empty() || mime == "text/plain") && looks_like_form(text) {
        Kind::Form
    } else {
        Kind::Structured
    }
}

/// `a=1&b=2`: an `=`, and no whitespace or JSON brackets.
fn looks_like_form(text: &str) -> bool {
    text.contains('=')
        && !text
            .bytes()
            .any(|b| b.is_ascii_whitespace() || matches!(b, b'{' | b'[' | b'"'))
}

/// Whether `pattern` matches `url`. A pattern matches a URL that starts with it, where
/// `*` stands for any run of characters: `https://api.example.com/` matches everything on
/// that origin, `https://*.example.com/upload` any subdomain's upload path and below. A
/// pattern starting with one `/` is matched against the URL's path (with its query):
/// `/api/*/admin`. Matching is case-sensitive, as URL paths are. An empty pattern
/// matches nothing, so a stray `""` in a list does not allow or deny everything.
pub fn url_matches(pattern: &str, url: &str) -> bool {
    if pattern.is_empty() {
        return false;
    }
    let target = if pattern.starts_with('/') && !pattern.starts_with("//") {
        match authority(url) {
            Some((_, end)) => url.get(end..).unwrap_or_default(),
            None => url,
        }
    } else {
        url
    };
    glob_prefix(pattern.as_bytes(), target.as_bytes())
}

/// Whether `text` starts with something matching `pattern` (`*` = any run). Greedy with
/// backtracking to the last star: at most `pattern × text` steps, and patterns are short.
fn glob_prefix(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p == pattern.len() {
            return true;
        }
        if pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if t < text.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star.filter(|&(_, st)| st < text.len()) {
            star = Some((sp, st + 1));
            p = sp + 1;
            t = st + 1;
        } else {
            return false;
        }
    }
}

/// Whether `url` has the same origin as `page_origin`. Relative URLs do; `//host/…`
/// takes the page's scheme; URLs without an authority (`data:`, `blob:`) do not. Hosts
/// compare case-insensitively and default ports (80, 443) are implied.
pub fn is_same_origin(url: &str, page_origin: &str) -> bool {
    let Some(page) = Origin::parse(page_origin, None) else {
        return false;
    };
    let url = url.trim();
    if !url.starts_with("//") && scheme(url).is_none() {
        return true;
    }
    Origin::parse(url, Some(&page.scheme)).is_some_and(|o| o == page)
}

/// The scheme of an absolute URL (`https` of `https:…`), lower-cased.
fn scheme(url: &str) -> Option<String> {
    let colon = url.find(':')?;
    let s = &url[..colon];
    let valid = s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| s.to_ascii_lowercase())
}

#[derive(Debug, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: String,
    port: Option<u16>,
}

impl Origin {
    /// The origin of an absolute URL (or of `//host` with `default_scheme`).
    fn parse(url: &str, default_scheme: Option<&str>) -> Option<Origin> {
        let url = url.trim();
        let scheme = match scheme(url) {
            Some(s) => s,
            None if url.starts_with("//") => default_scheme?.to_owned(),
            None => return None,
        };
        let (start, end) = authority(url)?;
        let auth = url.get(start..end)?;
        let host_port = auth.rsplit_once('@').map_or(auth, |(_, hp)| hp);
        // `[::1]:8080`: the port follows the bracket.
        let port_sep = match host_port.rfind(']') {
            Some(bracket) => host_port[bracket..].find(':').map(|p| bracket + p),
            None => host_port.rfind(':'),
        };
        let (host, port) = match port_sep {
            Some(p) => (&host_port[..p], &host_port[p + 1..]),
            None => (host_port, ""),
        };
        let port = if port.is_empty() {
            None
        } else {
            Some(port.parse::<u16>().ok()?)
        };
        let default_port = match scheme.as_str() {
            "http" | "ws" => Some(80),
            "https" | "wss" => Some(443),
            _ => None,
        };
        if host.is_empty() {
            return None;
        }
        Some(Origin {
            port: port.filter(|p| Some(*p) != default_port),
            host: host.to_ascii_lowercase(),
            scheme,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::REDACTED;

    #[test]
    fn content_types() {
        for ct in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON",
            " application/json ",
            "application/problem+json",
            "application/vnd.api+json",
            "application/graphql-response+json",
            "application/graphql",
            "application/x-www-form-urlencoded",
            "application/xml",
            "application/atom+xml",
            "application/x-ndjson",
            "application/javascript",
            "text/plain;charset=UTF-8",
            "text/html",
            "text/csv",
            "text/xml",
        ] {
            assert!(is_text_content_type(ct), "{ct}");
        }
        for ct in [
            "",
            "text",
            "text/",
            "text/event-stream",
            "application/octet-stream",
            "application/pdf",
            "application/jsonx",
            "multipart/form-data; boundary=x",
            "image/png",
            "image/svg+xml",
            "video/mp4",
            "application/protobuf",
        ] {
            assert!(!is_text_content_type(ct), "{ct}");
        }
    }

    #[test]
    fn same_origin() {
        let page = "https://app.example.com";
        let table = [
            ("/api/x", true),
            ("api/x", true),
            ("?q=1", true),
            ("", true),
            ("https://app.example.com/api", true),
            ("https://APP.example.com:443/api", true),
            ("https://u:p@app.example.com/api", true),
            ("//app.example.com/api", true),
            ("http://app.example.com/api", false),
            ("https://app.example.com:8443/api", false),
            ("https://api.example.com/x", false),
            ("https://app.example.com.evil.test/", false),
            ("https://evil.test/?https://app.example.com", false),
            ("https://evil.test#@app.example.com", false),
            ("//evil.test/api", false),
            ("data:text/plain,hi", false),
            ("blob:https://app.example.com/uuid", false),
            ("https://app.example.com:99999/", false),
            ("https:///x", false),
        ];
        for (url, want) in table {
            assert_eq!(is_same_origin(url, page), want, "{url}");
        }
        assert!(is_same_origin(
            "http://localhost:8080/x",
            "http://localhost:8080/page?x=1"
        ));
        assert!(!is_same_origin(
            "http://localhost:8081/x",
            "http://localhost:8080"
        ));
        assert!(is_same_origin("http://[::1]:8080/x", "http://[::1]:8080"));
        assert!(!is_same_origin("http://[::1]:8081/x", "http://[::1]:8080"));
        assert!(is_same_origin("http://[::1]/x", "http://[::1]:80"));
        assert!(!is_same_origin("/x", "null"));
        assert!(!is_same_origin("/x", ""));
    }

    #[test]
    fn patterns() {
        let table = [
            ("https://api.test/", "https://api.test/v1/x", true),
            ("https://api.test/", "https://api.test", false),
            ("https://*.test/upload", "https://a.b.test/upload/1", true),
            ("https://*.test/upload", "https://a.test/download", false),
            ("/api/*/admin", "https://app.test/api/v1/admin?x", true),
            ("/api/*/admin", "/api/v2/admin", true),
            ("/api/*/admin", "https://app.test/x/api/v1/admin", false),
            ("//cdn.test/", "//cdn.test/a", true),
            ("*", "anything", true),
            ("", "anything", false),
            ("*a*b*c", "xxaxxbxxc", true),
            ("*a*b*c", "xxaxxbxx", false),
            ("/API", "https://a.test/api", false),
        ];
        for (pattern, url, want) in table {
            assert_eq!(url_matches(pattern, url), want, "{pattern} ~ {url}");
        }
        let long = "a".repeat(100_000);
        assert!(!url_matches("*a*a*a*b", &long));
    }

    #[test]
    fn capture_decision() {
        let page = "https://app.test";
        let json = "application/json";
        let default = BodyPolicy::default();
        assert!(default.should_capture("/api", page, json));
        assert!(!default.should_capture("https://other.test/api", page, json));
        assert!(!default.should_capture("/api", page, "image/png"));
        assert!(!default.should_capture("/api", page, ""));

        let policy = BodyPolicy {
            allow_urls: vec!["https://other.test/api/".into()],
            deny_urls: vec!["/api/auth/".into(), "https://other.test/api/secret".into()],
            ..BodyPolicy::default()
        };
        assert!(policy.should_capture("https://other.test/api/x", page, json));
        assert!(!policy.should_capture("https://other.test/api/secret/x", page, json));
        assert!(!policy.should_capture("/api/auth/login", page, json));
        assert!(!policy.should_capture("https://app.test/api/auth/login", page, json));
        assert!(policy.should_capture("/api/orders", page, json));

        let only_allowed = BodyPolicy {
            same_origin: false,
            allow_urls: vec!["/api/public/".into()],
            ..BodyPolicy::default()
        };
        assert!(only_allowed.should_capture("/api/public/x", page, json));
        assert!(!only_allowed.should_capture("/api/private/x", page, json));
        assert!(crate::redact::should_capture_body("/x", page, "text/plain"));
    }

    #[test]
    fn capture_cuts_and_redacts() {
        let r = Redactor::default();
        let small = BodyPolicy {
            max_bytes: 20,
            ..BodyPolicy::default()
        };
        let body = small.capture(
            &r,
            "application/json",
            r#"{"user":"ann","password":"hunter2"}"#,
        );
        assert_eq!(body.text, r#"{"user":"ann","passw"#);
        assert!(body.truncated);
        let body = small.capture(&r, "application/json", r#"{"password":"hunter2hunter2"}"#);
        assert_eq!(body.text, format!(r#"{{"password":"{REDACTED}""#));
        assert!(body.truncated);
        let body = small.capture(&r, "application/json", r#"{"a":1}"#);
        assert_eq!((body.text.as_str(), body.truncated), (r#"{"a":1}"#, false));
        // Exactly at the cap.
        let body = small.capture(&r, "text/plain", "12345678901234567890");
        assert_eq!(
            (body.text.as_str(), body.truncated),
            ("12345678901234567890", false)
        );
        // A card number across the cut is finished and masked, not half-leaked.
        let body = small.capture(&r, "text/plain", "card: 4111 1111 1111 1111 exp 12/30");
        assert_eq!(body.text, "card: **** **** **** 1111");
        assert!(body.truncated);
        // Cuts land on character boundaries.
        let text = "ü".repeat(20);
        let body = small.capture(&r, "text/plain", &text);
        assert_eq!(body.text, "ü".repeat(10));
        let body = BodyPolicy {
            max_bytes: 3,
            ..BodyPolicy::default()
        }
        .capture(&r, "text/plain", "€€");
        assert_eq!(body.text, "€");
        let body = BodyPolicy {
            max_bytes: 0,
            ..BodyPolicy::default()
        }
        .capture(&r, "text/plain", "abc");
        assert_eq!((body.text.as_str(), body.truncated), ("", true));
        let body = small.capture(&r, "text/plain", "");
        assert_eq!((body.text.as_str(), body.truncated), ("", false));
    }

    #[test]
    fn cut_points() {
        assert_eq!(cut_point("abc", 5), 3);
        assert_eq!(cut_point("abcdef", 3), 3);
        assert_eq!(cut_point("ab 1234 5678", 5), 12);
        assert_eq!(cut_point("ab 1234 5678 x", 5), 12);
        assert_eq!(cut_point("ab 1234-", 5), 7);
        assert_eq!(cut_point("ab 12 x", 3), 3);
        let digits = "9".repeat(1000);
        assert_eq!(cut_point(&digits, 10), 10 + card::MAX_SPAN);
    }

    #[test]
    fn body_kinds() {
        let r = Redactor::default();
        let table = [
            (
                "application/x-www-form-urlencoded",
                "a=1&password=x",
                "a=1&password=[redacted]",
            ),
            (
                "text/plain;charset=UTF-8",
                "a=1&password=x",
                "a=1&password=[redacted]",
            ),
            ("", "a=1&password=x", "a=1&password=[redacted]"),
            (
                "text/plain;charset=UTF-8",
                r#"{"password":"x"}"#,
                r#"{"password":"[redacted]"}"#,
            ),
            (
                "application/json",
                r#"{"password":"x"}"#,
                r#"{"password":"[redacted]"}"#,
            ),
            (
                "application/vnd.api+json",
                r#"{"password":"x"}"#,
                r#"{"password":"[redacted]"}"#,
            ),
            (
                "application/graphql",
                "{ login(password: \"x\") }",
                "{ login(password: \"[redacted]\") }",
            ),
            (
                "text/plain",
                "my password: x ok",
                "my password: \"[redacted]\" ok",
            ),
            (
                "text/html",
                "<p>password: x 4111 1111 1111 1111</p>",
                "<p>password: x **** **** **** 1111</p>",
            ),
            (
                "application/xml",
                "<password>x</password>",
                "<password>x</password>",
            ),
            ("application/json", "a=1&password=x", "a=1&password=x"),
        ];
        for (ct, text, want) in table {
            assert_eq!(r.redact_body(ct, text), want, "{ct}: {text}");
        }
    }
}
