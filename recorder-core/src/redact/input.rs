//! Form controls: whether a value is recorded, masked or omitted, and how masking looks.

use super::names::{self, NameKind};
use std::borrow::Cow;

/// What happens to a form control's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InputPrivacy {
    /// Recorded as typed.
    Record,
    /// Recorded as [`mask_value`]: the replay shows that and how much was typed. A value
    /// that is not text — a checkbox's state, a select's chosen options — cannot be masked
    /// character by character, so the recorder leaves it out, as for `Omit`.
    Mask,
    /// Not recorded at all, not even its length: passwords, one-time codes, card numbers
    /// and security codes. The recorder emits no value for it — neither in `Input` events
    /// nor in snapshots (including the `value` attribute).
    Omit,
}

impl InputPrivacy {
    /// The value to record for `value`, or `None` when nothing may be recorded.
    pub fn apply(self, value: &str) -> Option<Cow<'_, str>> {
        match self {
            InputPrivacy::Record => Some(Cow::Borrowed(value)),
            InputPrivacy::Mask => Some(Cow::Owned(mask_value(value))),
            InputPrivacy::Omit => None,
        }
    }
}

/// A form control, described by plain data the browser side collects.
///
/// Mask and unmask marks are `data-tapedeck-mask` / `data-tapedeck-unmask` attributes and
/// the user's mask / unmask selectors, on the element or an ancestor; the browser finds
/// the nearest of each (`closest()`) and passes how far up it is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InputElement<'a> {
    /// Tag name: `input`, `textarea`, `select` (any case).
    pub tag: &'a str,
    /// The `type` attribute of an `<input>` (any case; empty or unknown means `text`).
    pub input_type: &'a str,
    /// The `autocomplete` attribute: space-separated tokens (`shipping cc-number`).
    pub autocomplete: &'a str,
    /// The `name` attribute.
    pub name: &'a str,
    /// The `id` attribute.
    pub id: &'a str,
    /// Levels up to the nearest mask mark: `Some(0)` on the element itself, `None` if none.
    pub mask_depth: Option<u32>,
    /// Levels up to the nearest unmask mark: `Some(0)` on the element itself, `None` if none.
    pub unmask_depth: Option<u32>,
}

/// `autocomplete` tokens whose fields are never recorded.
const OMIT_AUTOCOMPLETE: &[&str] = &[
    "current-password",
    "new-password",
    "one-time-code",
    "cc-number",
    "cc-csc",
];

/// Input types whose "value" is not typed data: a checkbox's state, a button's label.
const NOT_TYPED: &[&str] = &["checkbox", "radio", "button", "submit", "reset", "image"];

/// Whether form control values are recorded. The default masks every value; it never
/// records passwords, one-time codes or card data, whatever the options say.
///
/// For an element the rules apply in this order, the first that applies deciding:
/// 1. **Omit** a password field (`type=password`) or an `autocomplete` of
///    `current-password`, `new-password`, `one-time-code`, `cc-number` or `cc-csc` —
///    a hard rule, no option or mark lifts it.
/// 2. The **nearest mark** decides: a mask mark masks, an unmask mark records; on the
///    same element, mask wins.
/// 3. **Mask** a field whose `name` or `id` looks sensitive (the JSON key rules:
///    `cvv`, `card_number`, `api_token`…) or whose `autocomplete` is any other `cc-*`.
/// 4. The control's kind — the input `type`, or `textarea`/`select` — in
///    [`InputPolicy::mask_types`] masks, in [`InputPolicy::unmask_types`] records.
/// 5. Checkboxes, radios and buttons record (their state and label are not typed data).
/// 6. Everything else follows [`InputPolicy::mask_all_inputs`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputPolicy {
    /// Mask every value not unmasked otherwise. Default: `true` — forms hold names,
    /// addresses and messages; recording them must be a decision.
    pub mask_all_inputs: bool,
    /// Kinds (`email`, `tel`, `textarea`…) always masked unless an element is unmasked.
    /// Default: none.
    pub mask_types: Vec<String>,
    /// Kinds recorded unless an element is masked (`search`, `select`…). Default: none.
    pub unmask_types: Vec<String>,
}

impl Default for InputPolicy {
    fn default() -> Self {
        InputPolicy {
            mask_all_inputs: true,
            mask_types: Vec::new(),
            unmask_types: Vec::new(),
        }
    }
}

impl InputPolicy {
    /// What happens to `element`'s value (see the rules on [`InputPolicy`]).
    ///
    /// ```
    /// use recorder_core::redact::{InputElement, InputPolicy, InputPrivacy};
    /// let policy = InputPolicy::default();
    /// let search = InputElement { tag: "input", input_type: "search", ..Default::default() };
    /// assert_eq!(policy.privacy(&search), InputPrivacy::Mask);
    /// let unmasked = InputElement { unmask_depth: Some(2), ..search };
    /// assert_eq!(policy.privacy(&unmasked), InputPrivacy::Record);
    /// let password = InputElement { input_type: "password", ..unmasked };
    /// assert_eq!(policy.privacy(&password), InputPrivacy::Omit);
    /// ```
    pub fn privacy(&self, el: &InputElement<'_>) -> InputPrivacy {
        let kind = kind(el);
        let tokens = || el.autocomplete.split_ascii_whitespace();
        if kind == "password"
            || tokens().any(|t| OMIT_AUTOCOMPLETE.iter().any(|o| t.eq_ignore_ascii_case(o)))
        {
            return InputPrivacy::Omit;
        }
        match (el.mask_depth, el.unmask_depth) {
            (Some(m), Some(u)) if u < m => return InputPrivacy::Record,
            (Some(_), _) => return InputPrivacy::Mask,
            (None, Some(_)) => return InputPrivacy::Record,
            (None, None) => {}
        }
        let sensitive_name =
            |n: &str| names::is_sensitive(NameKind::Field, &names::normalize(n.bytes()));
        if sensitive_name(el.name)
            || sensitive_name(el.id)
            || tokens().any(|t| t.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("cc-")))
        {
            return InputPrivacy::Mask;
        }
        let listed = |list: &[String]| list.iter().any(|t| t.eq_ignore_ascii_case(&kind));
        if listed(&self.mask_types) {
            InputPrivacy::Mask
        } else if listed(&self.unmask_types) || NOT_TYPED.contains(&kind.as_str()) {
            InputPrivacy::Record
        } else if self.mask_all_inputs {
            InputPrivacy::Mask
        } else {
            InputPrivacy::Record
        }
    }
}

/// The control's kind: the lower-case input type (`text` when absent), else the tag.
fn kind(el: &InputElement<'_>) -> String {
    let tag = el.tag.to_ascii_lowercase();
    if tag != "input" {
        return tag;
    }
    let t = el.input_type.trim().to_ascii_lowercase();
    if t.is_empty() {
        "text".to_owned()
    } else {
        t
    }
}

/// The most characters a masked value keeps; longer values are cut (a masked textarea
/// need not cost its full length in every event).
pub const MAX_MASKED_CHARS: usize = 256;

/// A masked form value: each character becomes `*`, except line breaks, which are kept so
/// a masked textarea keeps its lines; at most [`MAX_MASKED_CHARS`] characters. The length
/// shows typing progress in the replay without the content (as rrweb does).
///
/// ```
/// assert_eq!(recorder_core::redact::mask_value("ann lee\nx"), "*******\n*");
/// ```
pub fn mask_value(value: &str) -> String {
    value
        .chars()
        .take(MAX_MASKED_CHARS)
        .map(|c| if c == '\n' || c == '\r' { c } else { '*' })
        .collect()
}

/// Masked text content (for elements masked by `data-tapedeck-mask` or a mask selector):
/// every character but whitespace becomes `*`, so words and lines keep their shape and
/// the replayed layout stays close to the original. Not capped: text length is layout.
///
/// ```
/// assert_eq!(recorder_core::redact::mask_text(" Hi, Zoë!\n\tok "), " *** ****\n\t** ");
/// ```
pub fn mask_text(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_whitespace() { c } else { '*' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use InputPrivacy::{Mask, Omit, Record};

    fn input<'a>(input_type: &'a str) -> InputElement<'a> {
        InputElement {
            tag: "input",
            input_type,
            ..InputElement::default()
        }
    }

    #[test]
    fn default_policy() {
        let p = InputPolicy::default();
        let table: Vec<(InputElement<'_>, InputPrivacy)> = vec![
            (input(""), Mask),
            (input("text"), Mask),
            (input("email"), Mask),
            (input("hidden"), Mask),
            (input("date"), Mask),
            (input("file"), Mask),
            (input("weird"), Mask),
            (
                InputElement {
                    tag: "TEXTAREA",
                    ..InputElement::default()
                },
                Mask,
            ),
            (
                InputElement {
                    tag: "select",
                    ..InputElement::default()
                },
                Mask,
            ),
            (input("checkbox"), Record),
            (input("RADIO"), Record),
            (input("submit"), Record),
            (input("password"), Omit),
            (input("Password"), Omit),
            (input(" password "), Omit),
            (
                InputElement {
                    autocomplete: "current-password",
                    ..input("text")
                },
                Omit,
            ),
            (
                InputElement {
                    autocomplete: "section-a NEW-PASSWORD",
                    ..input("text")
                },
                Omit,
            ),
            (
                InputElement {
                    autocomplete: "one-time-code",
                    ..input("text")
                },
                Omit,
            ),
            (
                InputElement {
                    autocomplete: "billing cc-number",
                    ..input("tel")
                },
                Omit,
            ),
            (
                InputElement {
                    autocomplete: "cc-csc",
                    ..input("text")
                },
                Omit,
            ),
            (
                InputElement {
                    autocomplete: "username",
                    ..input("text")
                },
                Mask,
            ),
            (
                InputElement {
                    autocomplete: "cc-number-x",
                    ..input("text")
                },
                Mask,
            ),
        ];
        for (el, want) in table {
            assert_eq!(p.privacy(&el), want, "{el:?}");
        }
    }

    #[test]
    fn marks_and_hard_rules() {
        let open = InputPolicy {
            mask_all_inputs: false,
            ..InputPolicy::default()
        };
        let strict = InputPolicy::default();
        let unmasked = |el: InputElement<'static>| InputElement {
            unmask_depth: Some(0),
            ..el
        };
        // (element, with mask_all_inputs off, with the default policy)
        let table: Vec<(InputElement<'static>, InputPrivacy, InputPrivacy)> = vec![
            (input("text"), Record, Mask),
            (unmasked(input("text")), Record, Record),
            (unmasked(input("password")), Omit, Omit),
            (
                InputElement {
                    mask_depth: Some(0),
                    ..input("password")
                },
                Omit,
                Omit,
            ),
            (
                unmasked(InputElement {
                    autocomplete: "cc-number",
                    ..input("text")
                }),
                Omit,
                Omit,
            ),
            (
                InputElement {
                    mask_depth: Some(3),
                    ..input("text")
                },
                Mask,
                Mask,
            ),
            (
                InputElement {
                    mask_depth: Some(3),
                    unmask_depth: Some(1),
                    ..input("text")
                },
                Record,
                Record,
            ),
            (
                InputElement {
                    mask_depth: Some(1),
                    unmask_depth: Some(3),
                    ..input("text")
                },
                Mask,
                Mask,
            ),
            (
                InputElement {
                    mask_depth: Some(0),
                    unmask_depth: Some(0),
                    ..input("text")
                },
                Mask,
                Mask,
            ),
            (
                InputElement {
                    mask_depth: Some(0),
                    ..input("checkbox")
                },
                Mask,
                Mask,
            ),
            (
                InputElement {
                    name: "card_number",
                    ..input("tel")
                },
                Mask,
                Mask,
            ),
            (
                InputElement {
                    id: "user-cvv",
                    ..input("text")
                },
                Mask,
                Mask,
            ),
            (
                InputElement {
                    name: "password",
                    ..input("text")
                },
                Mask,
                Mask,
            ),
            (
                InputElement {
                    autocomplete: "cc-exp",
                    ..input("text")
                },
                Mask,
                Mask,
            ),
            (
                unmasked(InputElement {
                    name: "api_token",
                    ..input("text")
                }),
                Record,
                Record,
            ),
            (
                InputElement {
                    name: "author",
                    ..input("text")
                },
                Record,
                Mask,
            ),
        ];
        for (el, want_open, want_strict) in table {
            assert_eq!(open.privacy(&el), want_open, "open {el:?}");
            assert_eq!(strict.privacy(&el), want_strict, "strict {el:?}");
        }
    }

    #[test]
    fn type_lists() {
        let p = InputPolicy {
            mask_types: vec!["Email".into(), "checkbox".into()],
            unmask_types: vec!["search".into(), "textarea".into(), "text".into()],
            ..InputPolicy::default()
        };
        let table = [
            (input("search"), Record),
            (input(""), Record),
            (input("email"), Mask),
            (input("checkbox"), Mask),
            (input("tel"), Mask),
            (
                InputElement {
                    tag: "textarea",
                    ..InputElement::default()
                },
                Record,
            ),
            (
                InputElement {
                    name: "cvc",
                    ..input("search")
                },
                Mask,
            ),
            (input("password"), Omit),
            (
                InputElement {
                    mask_depth: Some(0),
                    ..input("search")
                },
                Mask,
            ),
        ];
        for (el, want) in table {
            assert_eq!(p.privacy(&el), want, "{el:?}");
        }
    }

    #[test]
    fn apply() {
        assert_eq!(Record.apply("abc").as_deref(), Some("abc"));
        assert_eq!(Mask.apply("abc").as_deref(), Some("***"));
        assert_eq!(Omit.apply("abc"), None);
    }

    #[test]
    fn masking() {
        for (value, want) in [
            ("", ""),
            ("a", "*"),
            ("ann lee", "*******"),
            ("a\r\nb", "*\r\n*"),
            ("Zoë😀", "****"),
        ] {
            assert_eq!(mask_value(value), want, "{value}");
        }
        assert_eq!(
            mask_value(&"x".repeat(10_000)),
            "*".repeat(MAX_MASKED_CHARS)
        );
        for (text, want) in [
            ("", ""),
            ("   ", "   "),
            ("Hello world", "***** *****"),
            ("a\u{a0}b\u{3000}c", "*\u{a0}*\u{3000}*"),
            ("日本語 テキスト", "*** ****"),
        ] {
            assert_eq!(mask_text(text), want, "{text}");
        }
        let long = "word ".repeat(100_000);
        assert_eq!(mask_text(&long).len(), long.len());
    }
}
