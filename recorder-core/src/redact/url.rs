//! URLs and form bodies: values of sensitive parameters, userinfo passwords, card numbers.

use super::card::{self, Seps};
use super::names::{self, NameKind};
use super::{then, Redactor, Rewriter, REDACTED};
use std::borrow::Cow;

impl Redactor {
    /// `url` with the values of sensitive query parameters replaced by [`REDACTED`], and
    /// everything else byte-for-byte as given: other parameters are not re-encoded.
    ///
    /// Works on absolute and relative URLs. Parameters are split on `&` and `;`, and on a
    /// further `?` so that an unencoded URL in a value (`?next=/reset?token=…`) is covered
    /// too; names are percent-decoded before matching; empty values and names without `=`
    /// are kept. The fragment is treated the same way, because OAuth implicit flows and
    /// hash routers (`#/reset?token=…`) put tokens there. A password in the userinfo
    /// (`https://user:pw@host/`) is redacted, and card numbers anywhere are masked.
    ///
    /// ```
    /// use recorder_core::redact::redact_url;
    /// assert_eq!(
    ///     redact_url("https://x.test/cb?state=a%20b&code=xyz#access_token=t1&type=bearer"),
    ///     "https://x.test/cb?state=a%20b&code=[redacted]#access_token=[redacted]&type=bearer"
    /// );
    /// ```
    pub fn redact_url<'a>(&self, url: &'a str) -> Cow<'a, str> {
        let bytes = url.as_bytes();
        let mut w = Rewriter::new(url);
        if let Some((start, end)) = authority(url) {
            let auth = &bytes[start..end];
            if let Some(at) = auth.iter().rposition(|&b| b == b'@') {
                if let Some(colon) = auth[..at].iter().position(|&b| b == b':') {
                    if colon + 1 < at {
                        w.replace(start + colon + 1, start + at, REDACTED);
                    }
                }
            }
        }
        let hash = bytes.iter().position(|&b| b == b'#').unwrap_or(bytes.len());
        if let Some(q) = bytes[..hash].iter().position(|&b| b == b'?') {
            self.params(bytes, q + 1, hash, &mut w);
        }
        if hash < bytes.len() {
            self.params(bytes, hash + 1, bytes.len(), &mut w);
        }
        self.cards_after(w.finish())
    }

    /// An `application/x-www-form-urlencoded` body with the values of sensitive fields
    /// replaced by [`REDACTED`] and card numbers masked (`+`-joined groups included); the
    /// rest byte-for-byte, as for [`Redactor::redact_url`].
    pub fn redact_form<'a>(&self, body: &'a str) -> Cow<'a, str> {
        let mut w = Rewriter::new(body);
        self.params(body.as_bytes(), 0, body.len(), &mut w);
        self.cards_after(w.finish())
    }

    fn cards_after<'a>(&self, text: Cow<'a, str>) -> Cow<'a, str> {
        if !self.mask_cards {
            return text;
        }
        then(text, |s| match card::mask(s, Seps::Url) {
            Cow::Owned(masked) => Some(masked),
            Cow::Borrowed(_) => None,
        })
    }

    /// Redacts sensitive values among the `name=value` pairs of `bytes[start..end]`
    /// (separated by `&`, `;` or `?`).
    fn params(&self, bytes: &[u8], start: usize, end: usize, w: &mut Rewriter<'_>) {
        let mut seg = start;
        while seg < end {
            let seg_end = bytes[seg..end]
                .iter()
                .position(|&b| matches!(b, b'&' | b';' | b'?'))
                .map_or(end, |p| seg + p);
            if let Some(eq) = bytes[seg..seg_end].iter().position(|&b| b == b'=') {
                let value = seg + eq + 1;
                if value < seg_end {
                    let name = names::normalize(decode_name(&bytes[seg..seg + eq]));
                    if self.is_sensitive(NameKind::Param, &name) {
                        w.replace(value, seg_end, REDACTED);
                    }
                }
            }
            seg = seg_end + 1;
        }
    }
}

/// The bytes of a percent-encoded name, decoded (`+` is a space); bad escapes stay as is.
pub(crate) fn decode_name(raw: &[u8]) -> impl Iterator<Item = u8> + '_ {
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut i = 0;
    std::iter::from_fn(move || {
        let b = *raw.get(i)?;
        i += 1;
        if b == b'+' {
            return Some(b' ');
        }
        if b == b'%' {
            if let (Some(hi), Some(lo)) = (
                raw.get(i).and_then(|&h| hex(h)),
                raw.get(i + 1).and_then(|&l| hex(l)),
            ) {
                i += 2;
                return u8::try_from(hi * 16 + lo).ok();
            }
        }
        Some(b)
    })
}

/// The byte range of the authority (`user:pw@host:port`) of a URL with one: after
/// `scheme://` or a leading `//`, up to the next `/`, `?`, `#` or `\`.
pub(crate) fn authority(url: &str) -> Option<(usize, usize)> {
    let bytes = url.as_bytes();
    let start = if url.starts_with("//") {
        2
    } else {
        let colon = bytes.iter().position(|&b| b == b':')?;
        let scheme = &bytes[..colon];
        let valid = scheme.first().is_some_and(u8::is_ascii_alphabetic)
            && scheme
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
        if !valid || !url[colon + 1..].starts_with("//") {
            return None;
        }
        colon + 3
    };
    let end = bytes[start..]
        .iter()
        .position(|&b| matches!(b, b'/' | b'?' | b'#' | b'\\'))
        .map_or(bytes.len(), |p| start + p);
    Some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::RedactOptions;

    #[test]
    fn urls() {
        let r = Redactor::default();
        let table = [
            ("", ""),
            ("https://a.test/", "https://a.test/"),
            ("https://a.test/path?", "https://a.test/path?"),
            ("https://a.test/?q=1&page=2", "https://a.test/?q=1&page=2"),
            (
                "https://a.test/?token=abc",
                "https://a.test/?token=[redacted]",
            ),
            (
                "/api?x=%20y+z&token=abc&y=1",
                "/api?x=%20y+z&token=[redacted]&y=1",
            ),
            ("?token=abc", "?token=[redacted]"),
            ("token=abc", "token=abc"),
            ("/a?token=", "/a?token="),
            ("/a?token", "/a?token"),
            ("/a?token=&x=1", "/a?token=&x=1"),
            (
                "/a?token=1&token=2&TOKEN=3",
                "/a?token=[redacted]&token=[redacted]&TOKEN=[redacted]",
            ),
            ("/a?q=1;password=x;b=2", "/a?q=1;password=[redacted];b=2"),
            ("/a?pass%77ord=x", "/a?pass%77ord=[redacted]"),
            (
                "/a?user%5Bpassword%5D=x",
                "/a?user%5Bpassword%5D=[redacted]",
            ),
            ("/a?user[password]=x", "/a?user[password]=[redacted]"),
            ("/a?%zz=1&%=2&key=%", "/a?%zz=1&%=2&key=[redacted]"),
            ("/a?token=a=b&x=1", "/a?token=[redacted]&x=1"),
            ("/a?&&token=x&&", "/a?&&token=[redacted]&&"),
            ("/a?api_key=k#frag", "/a?api_key=[redacted]#frag"),
            ("/a?q=1#section-2", "/a?q=1#section-2"),
            (
                "/a#access_token=t&token_type=bearer&expires_in=3600",
                "/a#access_token=[redacted]&token_type=[redacted]&expires_in=3600",
            ),
            ("/#/reset?token=t&x=1", "/#/reset?token=[redacted]&x=1"),
            ("/#/auth/callback?x=1", "/#/auth/callback?x=1"),
            ("/a?x=1#?sig=s", "/a?x=1#?sig=[redacted]"),
            ("/a?x=?token=t", "/a?x=?token=[redacted]"),
            ("/a?next=/b?token=t", "/a?next=/b?token=[redacted]"),
            ("/a?q=what?&x=1", "/a?q=what?&x=1"),
            (
                "https://u:pw@a.test/p?x=1",
                "https://u:[redacted]@a.test/p?x=1",
            ),
            ("https://u@a.test/", "https://u@a.test/"),
            ("https://u:@a.test/", "https://u:@a.test/"),
            ("//u:p@a.test/", "//u:[redacted]@a.test/"),
            ("https://a.test/x@y:z", "https://a.test/x@y:z"),
            ("mailto:a@b.test?subject=hi", "mailto:a@b.test?subject=hi"),
            (
                "https://a.test/?q=%F0%9F%98%80&secret=ü",
                "https://a.test/?q=%F0%9F%98%80&secret=[redacted]",
            ),
            (
                "https://a.test/ünï?çødé=1&tökën=2",
                "https://a.test/ünï?çødé=1&tökën=2",
            ),
            (
                "/pay?card=4111+1111+1111+1111",
                "/pay?card=****+****+****+1111",
            ),
            ("/cards/4111111111111111/x", "/cards/************1111/x"),
            ("/a?ts=1718036327123", "/a?ts=1718036327123"),
            (
                "/s3?X-Amz-Credential=AK%2F1&X-Amz-Signature=ab&X-Amz-Expires=60",
                "/s3?X-Amz-Credential=[redacted]&X-Amz-Signature=[redacted]&X-Amz-Expires=60",
            ),
        ];
        for (input, want) in table {
            assert_eq!(r.redact_url(input), want, "{input}");
        }
    }

    #[test]
    fn unchanged_urls_are_borrowed() {
        let r = Redactor::default();
        assert!(matches!(
            r.redact_url("https://a.test/?q=1"),
            Cow::Borrowed(_)
        ));
        assert!(matches!(r.redact_form("a=1&b=2"), Cow::Borrowed(_)));
    }

    #[test]
    fn forms() {
        let r = Redactor::default();
        let table = [
            ("", ""),
            ("a=1&b=2", "a=1&b=2"),
            (
                "username=ann&password=hunter2",
                "username=ann&password=[redacted]",
            ),
            (
                "user%5Bpassword%5D=x&remember=1",
                "user%5Bpassword%5D=[redacted]&remember=1",
            ),
            ("pass+word=x", "pass+word=[redacted]"),
            ("password=hun", "password=[redacted]"),
            ("passw", "passw"),
            (
                "card=4111+1111+1111+1111&cvc=123",
                "card=****+****+****+1111&cvc=[redacted]",
            ),
            ("code=abc&state=xyz", "code=[redacted]&state=xyz"),
        ];
        for (input, want) in table {
            assert_eq!(r.redact_form(input), want, "{input}");
        }
    }

    #[test]
    fn options_add_and_allow() {
        let r = Redactor::new(&RedactOptions {
            redact_fields: vec!["email".into()],
            allow_fields: vec!["Code".into(), "session-id".into()],
            mask_card_numbers: false,
            ..RedactOptions::default()
        });
        assert_eq!(
            r.redact_url("/a?user_email=a%40b&code=c&session_id=s&token=t&n=4111111111111111"),
            "/a?user_email=[redacted]&code=c&session_id=s&token=[redacted]&n=4111111111111111"
        );
    }

    #[test]
    fn huge_urls_are_linear() {
        let r = Redactor::default();
        let url = format!("/a?{}", "x=1&".repeat(200_000));
        assert!(matches!(r.redact_url(&url), Cow::Borrowed(_)));
        let url = format!("/a?{}", "token=1&".repeat(200_000));
        assert_eq!(r.redact_url(&url).matches(REDACTED).count(), 200_000);
        let url = format!("/a?{}", "&".repeat(500_000));
        assert!(matches!(r.redact_url(&url), Cow::Borrowed(_)));
    }

    #[test]
    fn decodes_names() {
        let d = |s: &str| decode_name(s.as_bytes()).collect::<Vec<u8>>();
        assert_eq!(d("a%41+b"), b"aA b");
        assert_eq!(d("%"), b"%");
        assert_eq!(d("%4"), b"%4");
        assert_eq!(d("%zz"), b"%zz");
        assert_eq!(d("%E2%82%AC"), "€".as_bytes());
    }
}
