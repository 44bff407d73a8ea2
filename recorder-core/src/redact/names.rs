//! Which names — headers, query and form parameters, JSON keys — hold secrets.

/// Words that make a header, parameter or JSON key sensitive wherever they occur in its
/// normalized name (`x-csrf-token`, `refresh_token`, `userPassword`, `X-Api-Key`).
///
/// `passw` covers password, passwd and passwort; `sessid` PHP's `PHPSESSID`; `auth`
/// covers authorization, oauth and `x-auth-token` but not author or authority.
pub const SENSITIVE_WORDS: &[&str] = &[
    "passw",
    "passphrase",
    "secret",
    "token",
    "auth",
    "apikey",
    "accesskey",
    "privatekey",
    "credential",
    "cookie",
    "sessionid",
    "sessionkey",
    "sessid",
    "csrf",
    "xsrf",
    "signature",
    "cardnumber",
    "ccnumber",
    "creditcard",
    "cvv",
    "cvc",
    "socialsecurity",
];

/// Query and form parameter names that are sensitive on their own (exact normalized
/// match): short names that would match too much as words. `code` is the OAuth
/// authorization code, `key` and `sig` the usual API-key and signed-URL parameters,
/// `ticket` a CAS login ticket.
pub const SENSITIVE_PARAMS: &[&str] = &[
    "pwd", "pw", "pass", "key", "sig", "code", "otp", "pin", "ssn", "sid", "session", "jwt",
    "ticket",
];

/// JSON keys that are sensitive on their own (exact normalized match). Unlike
/// parameters, `code`, `key` and `session` are left out: in JSON they are mostly error
/// codes, map entries and whole session objects.
pub const SENSITIVE_FIELDS: &[&str] = &["pwd", "pw", "pass", "otp", "pin", "ssn", "sid", "jwt"];

/// Names that match a word but hold no secret: authentication challenges, which say why
/// a request failed, and the CORS credentials flag.
pub const NEVER_SENSITIVE: &[&str] = &[
    "wwwauthenticate",
    "proxyauthenticate",
    "accesscontrolallowcredentials",
];

/// What a name names; the exact-name lists differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NameKind {
    Header,
    Param,
    Field,
}

/// The normalized form of a name given as (already decoded) bytes: ASCII letters and
/// digits, lower-cased; everything else dropped.
pub(crate) fn normalize(bytes: impl IntoIterator<Item = u8>) -> Vec<u8> {
    bytes
        .into_iter()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_lowercase())
        .collect()
}

/// Whether a normalized name is sensitive by the built-in lists.
pub(crate) fn is_sensitive(kind: NameKind, normalized: &[u8]) -> bool {
    if normalized.is_empty() || NEVER_SENSITIVE.iter().any(|n| n.as_bytes() == normalized) {
        return false;
    }
    let exact: &[&str] = match kind {
        NameKind::Header => &[],
        NameKind::Param => SENSITIVE_PARAMS,
        NameKind::Field => SENSITIVE_FIELDS,
    };
    exact.iter().any(|e| e.as_bytes() == normalized)
        || SENSITIVE_WORDS
            .iter()
            .any(|w| contains(normalized, w.as_bytes()))
}

/// Whether `word` occurs in `haystack`; `auth` only where it is not the start of
/// `author…` other than `authoriz…`/`authoris…`.
pub(crate) fn contains(haystack: &[u8], word: &[u8]) -> bool {
    if word.is_empty() || haystack.len() < word.len() {
        return false;
    }
    let author_check = word == b"auth";
    haystack.windows(word.len()).enumerate().any(|(i, w)| {
        w == word
            && !(author_check && is_author(haystack.get(i + word.len()..).unwrap_or_default()))
    })
}

/// `rest` follows `auth`: true for author, authority, authored — false for authoriz(ation).
fn is_author(rest: &[u8]) -> bool {
    match rest.strip_prefix(b"or") {
        Some(after) => !(after.starts_with(b"iz") || after.starts_with(b"is")),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(kind: NameKind, name: &str) -> bool {
        is_sensitive(kind, &normalize(name.bytes()))
    }

    #[test]
    fn headers() {
        let sensitive = [
            "Authorization",
            "authorization",
            "AUTHORIZATION",
            "Proxy-Authorization",
            "Cookie",
            "Set-Cookie",
            "X-Auth-Token",
            "X-CSRF-Token",
            "X-XSRF-TOKEN",
            "X-Api-Key",
            "x-goog-api-key",
            "X-Amz-Security-Token",
            "X-Access-Token",
            "X-Client-Secret",
            "X-Password",
            "X-Passwd",
            "X-Session-Id",
            "apikey",
            "api_key",
        ];
        for name in sensitive {
            assert!(check(NameKind::Header, name), "{name} should be sensitive");
        }
        let harmless = [
            "content-length",
            "content-type",
            "accept",
            "accept-encoding",
            "user-agent",
            "cache-control",
            "etag",
            "host",
            "origin",
            "referer",
            "traceparent",
            "tracestate",
            "x-request-id",
            "keep-alive",
            "vary",
            "www-authenticate",
            "WWW-Authenticate",
            "proxy-authenticate",
            "access-control-allow-credentials",
            "access-control-allow-headers",
            "x-author",
            ":authority",
            "sec-websocket-key",
            "strict-transport-security",
            "",
            "---",
        ];
        for name in harmless {
            assert!(
                !check(NameKind::Header, name),
                "{name} should not be sensitive"
            );
        }
    }

    #[test]
    fn params_and_fields() {
        // (name, sensitive as a parameter, sensitive as a JSON key)
        let table = [
            ("password", true, true),
            ("user[password]", true, true),
            ("pass_word", true, true),
            ("PASSWORD", true, true),
            ("passwort", true, true),
            ("access_token", true, true),
            ("refresh_token", true, true),
            ("id_token", true, true),
            ("apiKey", true, true),
            ("client_secret", true, true),
            ("card_number", true, true),
            ("cardNumber", true, true),
            ("cvv", true, true),
            ("cvc", true, true),
            ("ssn", true, true),
            ("social_security_number", true, true),
            ("PHPSESSID", true, true),
            ("JSESSIONID", true, true),
            ("X-Amz-Signature", true, true),
            ("X-Amz-Credential", true, true),
            ("pwd", true, true),
            ("pin", true, true),
            ("code", true, false),
            ("key", true, false),
            ("sig", true, false),
            ("session", true, false),
            ("ticket", true, false),
            ("author", false, false),
            ("authorId", false, false),
            ("authority", false, false),
            ("pinned", false, false),
            ("keyboard", false, false),
            ("status_code", false, false),
            ("passenger", false, false),
            ("compass", false, false),
            ("page", false, false),
            ("q", false, false),
            ("description", false, false),
            ("", false, false),
            ("名前", false, false),
            ("пароль", false, false),
        ];
        for (name, param, field) in table {
            assert_eq!(check(NameKind::Param, name), param, "param {name}");
            assert_eq!(check(NameKind::Field, name), field, "field {name}");
        }
    }

    #[test]
    fn author_rule() {
        for (name, sensitive) in [
            ("auth", true),
            ("authorization", true),
            ("authorisation", true),
            ("authorize", true),
            ("author", false),
            ("authors", false),
            ("authored", false),
            ("authorauthtoken", true),
            ("authorauth", true),
            ("oauth", true),
        ] {
            assert_eq!(contains(name.as_bytes(), b"auth"), sensitive, "{name}");
        }
    }

    #[test]
    fn long_names_are_linear() {
        let mut name = "a".repeat(200_000);
        assert!(!check(NameKind::Field, &name));
        name.push_str("Password");
        assert!(check(NameKind::Field, &name));
    }
}
