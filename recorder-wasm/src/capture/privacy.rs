//! The browser side of the privacy rules: which elements are blocked, which texts are
//! masked, and what is recorded of a form control's value. The rules themselves live in
//! `recorder_core::redact` ([`InputPolicy`] decides record / mask / omit from plain facts
//! about a control); this module gathers those facts from the DOM — attributes, the
//! nearest mask and unmask marks (attributes and selectors, matched with `closest()`) —
//! and remembers controls once seen as secret.
//!
//! The rules (DESIGN.md, "Privacy defaults"; `InputPolicy` has the full order):
//! - **Passwords never leave the page**: the value of an `<input type=password>`, or of any
//!   control whose `autocomplete` is `current-password`, `new-password`, `one-time-code`,
//!   `cc-number` or `cc-csc`, is never read: no value, no masked length, no input event.
//!   An element once seen as secret stays secret (a "show password" toggle switching the
//!   type to `text` does not unmask it) — the one rule kept here, since it needs memory.
//! - **Input values are masked by default** (see [`mask_value`]), unless
//!   `maskAllInputs: false`, the input type (or `textarea`/`select`) is listed in
//!   `unmaskInputTypes`, or the element or an ancestor carries `data-tapedeck-unmask` or
//!   matches `unmaskSelector`. A mask mark (`data-tapedeck-mask` or `maskInputSelector`)
//!   nearer than any unmask mark masks again; fields named like secrets (`cvv`,
//!   `card_number`…) are masked unless unmasked by a mark. Checkboxes and radios record
//!   their state unless masked by a mark; a masked select records a masked value.
//! - **Text is recorded as is** unless the element or an ancestor carries
//!   `data-tapedeck-mask` or matches `maskTextSelector`: then every non-whitespace
//!   character becomes `*` (whitespace is kept so the layout survives). `<style>` text is
//!   never masked (it is CSS, and masking it would break the replay).
//! - **Blocked** elements (`data-tapedeck-block` or `blockSelector`) are recorded without
//!   children, keeping only the block marker, `id` and `class`, with their size.

use crate::ids::NodeIds;
use crate::options::Options;
pub use recorder_core::redact::{mask_text, mask_value, InputPrivacy};
use recorder_core::redact::{InputElement, InputPolicy};
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element};

/// Marks an element (and its subtree) to be replaced by a same-size placeholder.
pub const BLOCK_ATTR: &str = "data-tapedeck-block";
/// Marks an element whose texts (and its descendants') are masked, and whose form values
/// are masked.
pub const MASK_ATTR: &str = "data-tapedeck-mask";
/// Marks a form control (or a container of them) whose values are recorded unmasked.
pub const UNMASK_ATTR: &str = "data-tapedeck-unmask";

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
    /// Selector of mask marks for form values: the mask attribute, plus
    /// `maskInputSelector` (a JavaScript string, made once rather than per call).
    mask_input: JsValue,
    /// Selector of unmask marks: the unmask attribute, plus `unmaskSelector`.
    unmask: JsValue,
    policy: InputPolicy,
}

#[wasm_bindgen(module = "/src/glue.js")]
extern "C" {
    #[wasm_bindgen(js_name = controlFacts)]
    fn control_facts(
        element: &Element,
        mask_selector: &JsValue,
        unmask_selector: &JsValue,
    ) -> String;
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
        let mask_input = combine(MASK_ATTR, &options.mask_input_selector, "maskInputSelector")?;
        let unmask = combine(UNMASK_ATTR, &options.unmask_selector, "unmaskSelector")?;
        Ok(Privacy {
            block: combine(BLOCK_ATTR, &options.block_selector, "blockSelector")?,
            mask_text: combine(MASK_ATTR, &options.mask_text_selector, "maskTextSelector")?,
            mask_input: JsValue::from_str(&mask_input),
            unmask: JsValue::from_str(&unmask),
            policy: InputPolicy {
                mask_all_inputs: options.mask_all_inputs,
                mask_types: Vec::new(),
                unmask_types: options
                    .unmask_input_types
                    .iter()
                    .map(|t| t.trim().to_owned())
                    .collect(),
            },
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
    /// `input_type` is the `type` property of an `<input>`, empty otherwise), by
    /// [`InputPolicy`]. A control found secret (`Omit`) stays secret for the rest of the
    /// recording.
    pub fn input_privacy(
        &self,
        ids: &NodeIds,
        element: &Element,
        tag: &str,
        input_type: &str,
    ) -> InputPrivacy {
        let node: &JsValue = element.as_ref();
        if ids.is_secret(node) {
            return InputPrivacy::Omit;
        }
        // One call into JavaScript for every fact the rules need (see `controlFacts`):
        // this runs for each keystroke and each control of a snapshot.
        let facts = control_facts(element, &self.mask_input, &self.unmask);
        let mut parts = facts.split('\0');
        let mut next = || parts.next().unwrap_or_default();
        let (autocomplete, name, id, marks) = (next(), next(), next(), next());
        let (mask_depth, unmask_depth) = match marks {
            "0" => (None, None),
            "2" => (None, Some(0)),
            "3" => (Some(0), Some(1)),
            "4" => (Some(1), Some(0)),
            _ => (Some(0), None), // "1", or anything unexpected: masked
        };
        let privacy = self.policy.privacy(&InputElement {
            tag,
            input_type,
            autocomplete,
            name,
            id,
            mask_depth,
            unmask_depth,
        });
        if privacy == InputPrivacy::Omit {
            ids.mark_secret(node);
        }
        privacy
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

/// Whether a blocked element keeps attribute `name`.
pub fn keep_blocked_attr(name: &str) -> bool {
    name == BLOCK_ATTR || name == "id" || name == "class"
}

/// `url` with the values of sensitive query parameters redacted (and card numbers
/// masked), by the rules of `recorder_core::redact`.
pub fn redact_url(url: &str) -> String {
    recorder_core::redact::redact_url(url).into_owned()
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
        // The core rules cover the fragment too: OAuth implicit flows and hash routers
        // put tokens there.
        assert_eq!(
            redact_url("https://a.example/p#a?token=1"),
            "https://a.example/p#a?token=[redacted]"
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
