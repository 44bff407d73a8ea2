//! The attribute policy: what of a recorded element may reach the live document.
//!
//! The iframe is sandboxed without `allow-scripts`, which on its own stops scripts, inline
//! handlers, `javascript:` navigation, form submission, popups and top navigation. This
//! policy is the second wall, so that a mistake in one does not make a recording active:
//!
//! - `on*` attributes are dropped;
//! - URL attributes (`href`, `src`, `action`, `formaction`, `xlink:href`, `data`, …) whose
//!   scheme is `javascript:`, `vbscript:` or a `data:` URL of an active type (HTML, XML,
//!   SVG outside images, …) are renamed `data-tapedeck-<name>`;
//! - attributes that act on their own are renamed the same way, whatever their value:
//!   `srcdoc`; an iframe's `src` and `sandbox` (the player sets its own sandbox); a
//!   `<meta>`'s `http-equiv` (refresh, CSP, cookies); `autofocus` (would take the focus
//!   from the player page); `autoplay`; `ping`; a `<script>`'s `type` (the player sets
//!   `text/tapedeck-disabled`);
//! - SVG animations that would set an `on*` attribute or animate to a `javascript:` URL
//!   lose those attributes (renamed likewise);
//! - a `<base href>` is kept only when it resolves to http(s) (the caller resolves it
//!   against the page URL, since the live document's own URL is not the page's).
//!
//! Renamed attributes stay visible for inspection and are inert.

use recorder_core::event::Namespace;

/// What to do with one recorded attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Set it as recorded.
    Keep,
    /// Do not set it at all (event handlers).
    Drop,
    /// Set it under [`renamed`]`(name)` instead: inert, but visible.
    Rename,
    /// A `<base href>`: set it if it resolves to http(s) against the page URL, else rename.
    BaseHref,
}

/// The MIME type the player gives `<script>` elements, so that they never run (on top of
/// the sandbox) and their `src` is never fetched.
pub(crate) const DISABLED_SCRIPT_TYPE: &str = "text/tapedeck-disabled";

/// The `sandbox` attribute of every iframe the player creates: scripts, forms, popups and
/// navigation of other frames stay off; same-origin only lets the player reach the
/// document it builds.
pub(crate) const IFRAME_SANDBOX: &str = "allow-same-origin";

/// The name a neutralized attribute is kept under: `data-tapedeck-<name>` (`:` → `-`).
pub(crate) fn renamed(name: &str) -> String {
    let mut out = String::with_capacity(14 + name.len());
    out.push_str("data-tapedeck-");
    out.extend(name.chars().map(|c| if c == ':' { '-' } else { c }));
    out
}

/// Elements the policy treats specially, by what they do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// `<script>` in any namespace.
    Script,
    /// HTML `<iframe>` or `<frame>`.
    Frame,
    /// HTML `<meta>`.
    Meta,
    /// HTML `<base>`.
    Base,
    /// SVG `<animate>`, `<set>`, `<animateMotion>`, `<animateTransform>`.
    Animation,
    /// Anything else.
    Other,
}

impl Role {
    /// The role of an element by namespace and tag (as recorded: lower case for HTML).
    pub(crate) fn of(namespace: Namespace, tag: &str) -> Role {
        if tag.eq_ignore_ascii_case("script") {
            return Role::Script;
        }
        match namespace {
            Namespace::Html => match tag {
                "iframe" | "frame" => Role::Frame,
                "meta" => Role::Meta,
                "base" => Role::Base,
                _ => Role::Other,
            },
            Namespace::Svg => match tag {
                "animate" | "set" | "animateMotion" | "animateTransform" => Role::Animation,
                _ => Role::Other,
            },
            Namespace::MathMl => Role::Other,
        }
    }
}

/// Whether `name` is renamed whatever its value (so that removing it must not touch the
/// attribute of the same name the player set itself, like a script's `type`).
pub(crate) fn always_renamed(role: Role, name: &str) -> bool {
    // Compared in place: this runs for every attribute of a rebuilt page.
    let is = |s: &str| name.eq_ignore_ascii_case(s);
    is("srcdoc")
        || is("autofocus")
        || is("autoplay")
        || is("ping")
        || match role {
            Role::Script => is("type"),
            Role::Frame => is("src") || is("sandbox"),
            Role::Meta => is("http-equiv"),
            _ => false,
        }
}

/// The verdict for attribute `name="value"` on an element of role `role` and tag `tag`.
pub(crate) fn attribute(role: Role, tag: &str, name: &str, value: &str) -> Verdict {
    if is_event_handler(name) {
        return Verdict::Drop;
    }
    if always_renamed(role, name) {
        return Verdict::Rename;
    }
    let is = |s: &str| name.eq_ignore_ascii_case(s);
    if role == Role::Base && is("href") {
        return Verdict::BaseHref;
    }
    if role == Role::Animation {
        if is("attributename") && is_event_handler(value.trim()) {
            return Verdict::Rename;
        }
        if (is("to") || is("from") || is("values") || is("by")) && mentions_active_scheme(value) {
            return Verdict::Rename;
        }
    }
    if is_url_attribute(name) && active_url(value, tag) {
        return Verdict::Rename;
    }
    Verdict::Keep
}

/// `on…`: every inline event handler content attribute (and, conservatively, any other
/// attribute whose name starts that way).
pub(crate) fn is_event_handler(name: &str) -> bool {
    name.len() > 2 && name.as_bytes()[..2].eq_ignore_ascii_case(b"on")
}

/// Attributes whose value is a URL that the browser may load or navigate to.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "codebase",
    "cite",
    "longdesc",
    "lowsrc",
    "dynsrc",
    "manifest",
    "archive",
    "classid",
    "icon",
    "profile",
];

/// Whether `name` (in any case) is one of [`URL_ATTRIBUTES`].
fn is_url_attribute(name: &str) -> bool {
    URL_ATTRIBUTES.iter().any(|a| name.eq_ignore_ascii_case(a))
}

/// The URL with what the URL parser ignores taken out (leading and trailing C0 controls
/// and spaces; tabs and newlines anywhere), lower-cased, cut to what a scheme check needs.
fn scheme_prefix(value: &str) -> String {
    value
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|&c| !matches!(c, '\t' | '\n' | '\r'))
        .take(40)
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a URL attribute value would run code or render an active document: a
/// `javascript:` or `vbscript:` URL, or a `data:` URL of a type other than images (SVG
/// images only on image elements), fonts, audio, video, plain text and CSS.
pub(crate) fn active_url(value: &str, tag: &str) -> bool {
    let v = scheme_prefix(value);
    if v.starts_with("javascript:") || v.starts_with("vbscript:") {
        return true;
    }
    let Some(rest) = v.strip_prefix("data:") else {
        return false;
    };
    let mime = rest
        .split([';', ','])
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| c <= ' ');
    let inert = (mime.starts_with("image/") && mime != "image/svg+xml")
        || (mime == "image/svg+xml" && matches!(tag, "img" | "image" | "source" | "use"))
        || mime.starts_with("font/")
        || mime.starts_with("audio/")
        || mime.starts_with("video/")
        || matches!(mime, "text/plain" | "text/css" | "application/font-woff");
    !inert
}

/// Whether a value mentions an active scheme anywhere (animation value lists).
fn mentions_active_scheme(value: &str) -> bool {
    let v: String = value
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .flat_map(char::to_lowercase)
        .collect();
    v.contains("javascript:") || v.contains("vbscript:") || v.contains("data:")
}

/// Whether a resolved `<base href>` may be used: http and https only.
pub(crate) fn base_allowed(resolved: &str) -> bool {
    let v = scheme_prefix(resolved);
    v.starts_with("http:") || v.starts_with("https:")
}

/// `<!DOCTYPE …>` markup for a recorded doctype, written into a fresh document only so
/// that the browser's parser picks the same rendering mode (quirks, limited-quirks or
/// no-quirks) as the recorded page. Quotes, `<`, `>` and controls are removed, so the
/// markup is one doctype token and nothing else. No doctype gives empty markup (quirks).
pub(crate) fn doctype_markup(name: &str, public_id: &str, system_id: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .filter(|&c| !matches!(c, '"' | '\'' | '<' | '>') && !c.is_control())
            .collect()
    };
    let name: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
        .collect();
    let mut out = format!("<!DOCTYPE {name}");
    let (public_id, system_id) = (clean(public_id), clean(system_id));
    if !public_id.is_empty() {
        out.push_str(&format!(" PUBLIC \"{public_id}\""));
        if !system_id.is_empty() {
            out.push_str(&format!(" \"{system_id}\""));
        }
    } else if !system_id.is_empty() {
        out.push_str(&format!(" SYSTEM \"{system_id}\""));
    }
    out.push('>');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn handlers_are_dropped_and_active_urls_renamed() {
        let other = Role::Other;
        assert_eq!(attribute(other, "img", "onerror", "x()"), Verdict::Drop);
        assert_eq!(attribute(other, "body", "ONLOAD", "x()"), Verdict::Drop);
        assert_eq!(attribute(other, "a", "href", "/next"), Verdict::Keep);
        assert_eq!(
            attribute(other, "a", "href", " JaVa\tScript:x()"),
            Verdict::Rename
        );
        assert_eq!(
            attribute(other, "form", "action", "vbscript:x"),
            Verdict::Rename
        );
        assert_eq!(
            attribute(other, "object", "data", "data:text/html,<script>"),
            Verdict::Rename
        );
        assert_eq!(
            attribute(other, "img", "src", "data:image/png;base64,AA"),
            Verdict::Keep
        );
        assert_eq!(
            attribute(other, "img", "src", "data:image/svg+xml,<svg/>"),
            Verdict::Keep
        );
        assert_eq!(
            attribute(other, "embed", "src", "data:image/svg+xml,<svg/>"),
            Verdict::Rename
        );
        assert_eq!(
            attribute(Role::Script, "script", "type", "module"),
            Verdict::Rename
        );
        assert_eq!(
            attribute(Role::Frame, "iframe", "src", "https://a"),
            Verdict::Rename
        );
        assert_eq!(
            attribute(Role::Meta, "meta", "http-equiv", "refresh"),
            Verdict::Rename
        );
        assert_eq!(
            attribute(Role::Base, "base", "href", "/"),
            Verdict::BaseHref
        );
        assert_eq!(
            attribute(Role::Animation, "set", "to", "javascript:x()"),
            Verdict::Rename
        );
        assert_eq!(renamed("xlink:href"), "data-tapedeck-xlink-href");
    }

    #[wasm_bindgen_test]
    fn doctype_markup_is_one_token() {
        assert_eq!(doctype_markup("html", "", ""), "<!DOCTYPE html>");
        assert_eq!(
            doctype_markup("html><script>", "a\">b", ""),
            "<!DOCTYPE htmlscript PUBLIC \"ab\">"
        );
    }
}
