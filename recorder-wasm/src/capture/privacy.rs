//! Privacy decisions of the DOM and input capture, in one place: which elements are
//! blocked, which texts are masked, which form values are recorded, masked or never read.
//! (When `recorder_core::redact` lands, the rules below move there and this module becomes
//! the thin browser side of it: reading attributes and matching selectors.)
//!
//! The rules (DESIGN.md, "Privacy defaults"):
//! - **Passwords never leave the page**: the value of an `<input type=password>`, or of any
//!   control whose `autocomplete` is `current-password`, `new-password`, `one-time-code`,
//!   `cc-number` or `cc-csc`, is never read: no value, no masked length, no input event.
//!   An element once seen as secret stays secret (a "show password" toggle switching the
//!   type to `text` does not unmask it).
//! - **Input values are masked by default** (each character becomes `*`), unless
//!   `maskAllInputs: false`, the input type (or `textarea`/`select`) is listed in
//!   `unmaskInputTypes`, or the element or an ancestor carries `data-tapedeck-unmask` or
//!   matches `unmaskSelector`. `maskInputSelector` (element or ancestor) masks again.
//! - **Text is recorded as is** unless the element or an ancestor carries
//!   `data-tapedeck-mask` or matches `maskTextSelector`: then every non-whitespace
//!   character becomes `*` (whitespace is kept so the layout survives). `<style>` text is
//!   never masked (it is CSS, and masking it would break the replay).
//! - **Blocked** elements (`data-tapedeck-block` or `blockSelector`) are recorded without
//!   children, keeping only the block marker, `id` and `class`, with their size.

use crate::ids::NodeIds;
use crate::options::Options;
use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

/// Marks an element (and its subtree) to be replaced by a same-size placeholder.
pub const BLOCK_ATTR: &str = "data-tapedeck-block";
/// Marks an element whose texts (and its descendants') are masked.
pub const MASK_ATTR: &str = "data-tapedeck-mask";
/// Marks a form control (or a container of them) whose values are recorded unmasked.
pub const UNMASK_ATTR: &str = "data-tapedeck-unmask";

/// `autocomplete` tokens that make a control's value secret.
const SECRET_AUTOCOMPLETE: &[&str] = &[
    "current-password",
    "new-password",
    "one-time-code",
    "cc-number",
    "cc-csc",
];

/// URL query parameters whose value is replaced by [`REDACTED`] (substring match, case
/// insensitive).
const SECRET_PARAMS: &[&str] = &[
    "token", "secret", "password", "passwd", "api-key", "api_key", "apikey",
];

/// What a redacted value is replaced with.
pub const REDACTED: &str = "[redacted]";

/// What may be recorded of a form control's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputPolicy {
    /// The value as is.
    Record,
    /// One `*` per character.
    Mask,
    /// Nothing at all: the value is not even read.
    Never,
}

impl InputPolicy {
    /// `value` as this policy allows it to be recorded.
    pub fn apply(self, value: &str) -> Option<String> {
        match self {
            InputPolicy::Record => Some(value.to_owned()),
            InputPolicy::Mask => Some(mask_value(value)),
            InputPolicy::Never => None,
        }
    }
}

/// What kind of value a form control holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    /// Text the user types or picks (`input` of a text-like type, `textarea`).
    Text,
    /// A checkbox or radio button: only `checked` is recorded.
    Checkable,
    /// A button-like input whose `value` is its label, part of the page: recorded as is.
    Button,
    /// A `<select>`.
    Select,
}

impl Control {
    /// The kind of control an element is, from its local name and (for `<input>`) its
    /// `type` property (always lower case); `None` when it is not a form control.
    pub fn of(tag: &str, input_type: &str) -> Option<Control> {
        match tag {
            "input" => Some(match input_type {
                "checkbox" | "radio" => Control::Checkable,
                "submit" | "reset" | "button" | "image" => Control::Button,
                _ => Control::Text,
            }),
            "textarea" => Some(Control::Text),
            "select" => Some(Control::Select),
            _ => None,
        }
    }
}

/// The privacy rules of one recording, with its selectors validated and combined.
#[derive(Debug)]
pub struct Privacy {
    block: String,
    mask_text: String,
    unmask: String,
    mask_input: Option<String>,
    mask_all_inputs: bool,
    unmask_types: Vec<String>,
}

impl Privacy {
    /// The rules from the recording options. Fails with a clear message when a selector
    /// option is not a valid CSS selector.
    pub fn new(options: &Options, document: &Document) -> Result<Privacy, JsValue> {
        let combine = |attr: &str, extra: &Option<String>, option: &str| {
            let base = ["[", attr, "]"].concat();
            match extra.as_deref().map(str::trim) {
                None | Some("") => Ok(base),
                Some(selector) => {
                    check_selector(document, selector, option)?;
                    Ok::<_, JsValue>([&base, ", ", selector].concat())
                }
            }
        };
        let mask_input = match options.mask_input_selector.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(selector) => {
                check_selector(document, selector, "maskInputSelector")?;
                Some(selector.to_owned())
            }
        };
        Ok(Privacy {
            block: combine(BLOCK_ATTR, &options.block_selector, "blockSelector")?,
            mask_text: combine(MASK_ATTR, &options.mask_text_selector, "maskTextSelector")?,
            unmask: combine(UNMASK_ATTR, &options.unmask_selector, "unmaskSelector")?,
            mask_input,
            mask_all_inputs: options.mask_all_inputs,
            unmask_types: options
                .unmask_input_types
                .iter()
                .map(|t| t.trim().to_ascii_lowercase())
                .collect(),
        })
    }

    /// Selector of blocked elements (the attribute, plus `blockSelector`).
    pub fn block_selector(&self) -> &str {
        &self.block
    }

    /// Selector of elements whose texts are masked (the attribute, plus
    /// `maskTextSelector`).
    pub fn mask_text_selector(&self) -> &str {
        &self.mask_text
    }

    /// What may be recorded of the value of form control `element` (local name `tag`;
    /// `input_type` is the `type` property of an `<input>`, empty otherwise).
    pub fn input_policy(
        &self,
        ids: &NodeIds,
        element: &Element,
        tag: &str,
        input_type: &str,
    ) -> InputPolicy {
        let node: &JsValue = element.as_ref();
        if ids.is_secret(node) {
            return InputPolicy::Never;
        }
        let secret = (tag == "input" && input_type == "password")
            || element.get_attribute("autocomplete").is_some_and(|a| {
                a.split_ascii_whitespace().any(|t| {
                    SECRET_AUTOCOMPLETE
                        .iter()
                        .any(|s| t.eq_ignore_ascii_case(s))
                })
            });
        if secret {
            ids.mark_secret(node);
            return InputPolicy::Never;
        }
        let matches = |selector: &str| matches!(element.closest(selector), Ok(Some(_)));
        if self.mask_input.as_deref().is_some_and(matches) {
            return InputPolicy::Mask;
        }
        let kind = if tag == "input" { input_type } else { tag };
        if !self.mask_all_inputs
            || self.unmask_types.iter().any(|t| t == kind)
            || matches(&self.unmask)
        {
            return InputPolicy::Record;
        }
        InputPolicy::Mask
    }
}

fn check_selector(document: &Document, selector: &str, option: &str) -> Result<(), JsValue> {
    match document.query_selector(selector) {
        Ok(_) => Ok(()),
        Err(_) => Err(JsValue::from_str(
            &[
                "tapedeck: option `",
                option,
                "` is not a valid CSS selector: ",
                &crate::text::quoted(selector),
            ]
            .concat(),
        )),
    }
}

/// A masked input value: one `*` per character.
pub fn mask_value(value: &str) -> String {
    "*".repeat(value.chars().count())
}

/// A masked text: every non-whitespace character becomes `*`.
pub fn mask_text(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_whitespace() { c } else { '*' })
        .collect()
}

/// Whether a blocked element keeps attribute `name`.
pub fn keep_blocked_attr(name: &str) -> bool {
    name == BLOCK_ATTR || name == "id" || name == "class"
}

/// `url` with the values of sensitive query parameters replaced by [`REDACTED`].
pub fn redact_url(url: &str) -> String {
    let (before_fragment, fragment) = match url.find('#') {
        Some(i) => url.split_at(i),
        None => (url, ""),
    };
    let Some((base, query)) = before_fragment.split_once('?') else {
        return url.to_owned();
    };
    let mut out = String::with_capacity(url.len());
    out.push_str(base);
    out.push('?');
    for (i, pair) in query.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((name, _)) if is_secret_param(name) => {
                out.push_str(name);
                out.push('=');
                out.push_str(REDACTED);
            }
            _ => out.push_str(pair),
        }
    }
    out.push_str(fragment);
    out
}

fn is_secret_param(name: &str) -> bool {
    let name = name.as_bytes();
    SECRET_PARAMS.iter().any(|s| {
        name.windows(s.len())
            .any(|w| w.eq_ignore_ascii_case(s.as_bytes()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_length_or_whitespace() {
        assert_eq!(mask_value("héllo w"), "*******");
        assert_eq!(mask_text(" two words\n"), " *** *****\n");
    }

    #[test]
    fn sensitive_query_parameters_are_redacted() {
        assert_eq!(
            redact_url("https://a.example/p?q=1&access_token=abc&API-KEY=x#frag"),
            "https://a.example/p?q=1&access_token=[redacted]&API-KEY=[redacted]#frag"
        );
        assert_eq!(
            redact_url("https://a.example/p#a?token=1"),
            "https://a.example/p#a?token=1"
        );
        assert_eq!(redact_url("/plain"), "/plain");
    }

    #[test]
    fn controls_are_classified_by_tag_and_type() {
        assert_eq!(Control::of("input", "password"), Some(Control::Text));
        assert_eq!(Control::of("input", "radio"), Some(Control::Checkable));
        assert_eq!(Control::of("input", "submit"), Some(Control::Button));
        assert_eq!(Control::of("select", ""), Some(Control::Select));
        assert_eq!(Control::of("div", ""), None);
    }
}
