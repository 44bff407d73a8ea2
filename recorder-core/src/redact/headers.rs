//! HTTP headers.

use super::names::{self, NameKind};
use super::{Redactor, REDACTED};
use crate::event::Header;

/// Headers whose value is a URL, which may carry sensitive query parameters.
const URL_HEADERS: &[&str] = &["referer", "location", "content-location"];

impl Redactor {
    /// A header as recorded: the name lower-cased (as `fetch` reports it); the value
    /// replaced by [`REDACTED`] when the name is sensitive and the value not empty, or,
    /// for `Referer`, `Location` and `Content-Location`, redacted as a URL.
    pub fn header(&self, name: &str, value: &str) -> Header {
        let name = name.to_ascii_lowercase();
        let value = self.header_value(&name, value);
        Header { name, value }
    }

    /// [`Redactor::header`] applied in place, for headers already collected.
    pub fn redact_headers(&self, headers: &mut [Header]) {
        for h in headers {
            h.name.make_ascii_lowercase();
            let value = self.header_value(&h.name, &h.value);
            h.value = value;
        }
    }

    fn header_value(&self, lower_name: &str, value: &str) -> String {
        if value.is_empty() {
            return String::new();
        }
        if self.is_sensitive(NameKind::Header, &names::normalize(lower_name.bytes())) {
            return REDACTED.to_owned();
        }
        if URL_HEADERS.contains(&lower_name) {
            return self.redact_url(value).into_owned();
        }
        value.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::RedactOptions;

    #[test]
    fn redacts_by_name() {
        let r = Redactor::default();
        let table = [
            ("Authorization", "Bearer abc", "authorization", REDACTED),
            ("COOKIE", "a=b", "cookie", REDACTED),
            ("Set-Cookie", "sid=1; HttpOnly", "set-cookie", REDACTED),
            (
                "Proxy-Authorization",
                "Basic x",
                "proxy-authorization",
                REDACTED,
            ),
            ("X-Auth-Token", "t", "x-auth-token", REDACTED),
            ("x-csrf-token", "t", "x-csrf-token", REDACTED),
            ("X-API-Key", "k", "x-api-key", REDACTED),
            ("authorization", "", "authorization", ""),
            ("Content-Length", "42", "content-length", "42"),
            (
                "Content-Type",
                "application/json",
                "content-type",
                "application/json",
            ),
            (
                "WWW-Authenticate",
                "Bearer error=\"invalid_token\"",
                "www-authenticate",
                "Bearer error=\"invalid_token\"",
            ),
            (
                "Referer",
                "https://a.test/p?token=t&x=1",
                "referer",
                "https://a.test/p?token=[redacted]&x=1",
            ),
            ("Location", "/cb?code=c", "location", "/cb?code=[redacted]"),
            ("X-Note", "ünïcödé ✓", "x-note", "ünïcödé ✓"),
        ];
        for (name, value, want_name, want_value) in table {
            assert_eq!(
                r.header(name, value),
                Header::new(want_name, want_value),
                "{name}"
            );
        }
    }

    #[test]
    fn extra_and_allowed_names() {
        let r = Redactor::new(&RedactOptions {
            redact_headers: vec!["X-Tenant".into()],
            allow_headers: vec!["Authorization".into(), "x-csrf-token".into()],
            ..RedactOptions::default()
        });
        let mut headers = vec![
            Header::new("X-Tenant-Id", "acme"),
            Header::new("Authorization", "Bearer visible"),
            Header::new("X-CSRF-Token", "visible"),
            Header::new("Cookie", "a=b"),
            Header::new("Accept", "*/*"),
        ];
        r.redact_headers(&mut headers);
        assert_eq!(
            headers,
            vec![
                Header::new("x-tenant-id", REDACTED),
                Header::new("authorization", "Bearer visible"),
                Header::new("x-csrf-token", "visible"),
                Header::new("cookie", REDACTED),
                Header::new("accept", "*/*"),
            ]
        );
    }
}
