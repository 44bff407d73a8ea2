//! The one door the hooks' privacy rules go through: URLs, headers and bodies are redacted
//! here before they become events.
//!
//! The rules themselves are `recorder_core::redact` (DESIGN.md, "Privacy defaults"):
//! a [`Redactor`] for URLs, headers and body text, and a [`BodyPolicy`] for which bodies
//! are captured and how much of each. This module only maps the recording's [`Options`]
//! onto them, so every recorder applies the same rules and they are tested once, natively,
//! in recorder-core.

use crate::options::Options;
use recorder_core::event::{Body, Header};
use recorder_core::redact::{BodyPolicy, RedactOptions, Redactor};

/// The recording's redaction rules.
#[derive(Debug, Clone, Default)]
pub struct Redaction {
    redactor: Redactor,
    bodies: BodyPolicy,
    /// `captureBodies`, and a cap above 0: whether any body is captured at all.
    capture_bodies: bool,
}

impl Redaction {
    /// The rules for a recording's options: `redactHeaders` adds header names to redact;
    /// `captureBodies`, `maxBodyBytes`, `bodyAllowUrls` and `bodyDenyUrls` make the body
    /// policy (same-origin bodies are captured unless denied).
    pub fn new(options: &Options) -> Redaction {
        Redaction {
            redactor: Redactor::new(&RedactOptions {
                redact_headers: options.redact_headers.clone(),
                ..RedactOptions::default()
            }),
            bodies: BodyPolicy {
                same_origin: true,
                allow_urls: options.body_allow_urls.clone(),
                deny_urls: options.body_deny_urls.clone(),
                max_bytes: options.max_body_bytes as usize,
            },
            capture_bodies: options.capture_bodies && options.max_body_bytes > 0,
        }
    }

    /// The rules for free text (console arguments, error messages; see `render`).
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// The URL with sensitive query parameters, any password in it and card numbers
    /// redacted.
    pub fn url(&self, url: &str) -> String {
        self.redactor.redact_url(url).into_owned()
    }

    /// A recorded header: lower-case name, value redacted when the name is sensitive.
    pub fn header(&self, name: &str, value: &str) -> Header {
        self.redactor.header(name, value)
    }

    /// Whether to capture a body of `content_type` sent to or received from `url` by a
    /// page at `page_origin`.
    pub fn should_capture(&self, url: &str, page_origin: &str, content_type: &str) -> bool {
        self.capture_bodies && self.bodies.should_capture(url, page_origin, content_type)
    }

    /// The recorded body (for a body [`Redaction::should_capture`] accepted): cut at
    /// `maxBodyBytes`, then redacted by its content type (form fields, JSON keys, card
    /// numbers).
    pub fn body(&self, content_type: &str, text: &str) -> Body {
        self.bodies.capture(&self.redactor, content_type, text)
    }
}

#[cfg(test)]
mod tests {
    //! The mapping from options to rules; the rules are tested in recorder-core.
    use super::*;
    use recorder_core::redact::REDACTED;

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
    fn redact_headers_adds_to_the_built_in_names() {
        let r = rules();
        for name in ["Authorization", "X-Api-Key", "X-Tenant-Id"] {
            assert_eq!(r.header(name, "v").value, REDACTED, "{name}");
        }
        let default = Redaction::new(&Options::default());
        assert_eq!(default.header("X-Tenant-Id", "v").value, "v");
        let h = r.header("Content-Type", "application/json");
        assert_eq!(
            (h.name.as_str(), h.value.as_str()),
            ("content-type", "application/json")
        );
    }

    #[test]
    fn urls_and_bodies_use_the_core_rules() {
        let r = rules();
        assert_eq!(
            r.url("https://a.example/p?q=shoes&access_token=abc#frag"),
            "https://a.example/p?q=shoes&access_token=[redacted]#frag"
        );
        let body = r.body("application/json", r#"{"user":"ann","password":"hunter2"}"#);
        assert_eq!(body.text, r#"{"user":"ann","password":"[redacted]"}"#);
        assert!(!body.truncated);
    }

    #[test]
    fn max_body_bytes_cuts_bodies() {
        let body = rules().body("text/plain", &"x".repeat(100));
        assert_eq!((body.text.len(), body.truncated), (64, true));
    }

    #[test]
    fn allow_and_deny_urls_and_same_origin_choose_bodies() {
        let r = rules();
        let origin = "https://app.example";
        assert!(r.should_capture("https://app.example/api", origin, "application/json"));
        assert!(!r.should_capture("https://other.example/api", origin, "application/json"));
        assert!(!r.should_capture("https://app.example/private/x", origin, "text/plain"));
        assert!(r.should_capture("https://partner.example/orders/v1/x", origin, "text/xml"));
        assert!(!r.should_capture("https://app.example/api", origin, "image/png"));
    }

    #[test]
    fn capture_bodies_false_or_max_body_bytes_0_capture_none() {
        let origin = "https://app.example";
        for options in [
            Options {
                capture_bodies: false,
                ..Options::default()
            },
            Options {
                max_body_bytes: 0,
                ..Options::default()
            },
        ] {
            let r = Redaction::new(&options);
            assert!(!r.should_capture("https://app.example/api", origin, "application/json"));
        }
    }
}
