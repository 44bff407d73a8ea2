//! Serialized nodes: reads the traversal's output (`walk.js` documents the tokens) into
//! [`SnapNode`]s, applying the privacy rules to the elements the traversal marked, and
//! reading the state that lives in properties (values, checked, scroll, stylesheet rules,
//! a blocked element's size).

use super::sheet_text;
use crate::capture::privacy::{self, Control, InputPrivacy, Privacy};
use crate::ids::NodeIds;
use js_sys::Array;
use recorder_core::event::{
    Attr, Container, Doctype, Element, ElementState, Namespace, Size, SnapNode,
};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};

/// Kinds of marked elements (a bit set; must match `walk.js`).
pub(super) mod special {
    /// An input, textarea or select: value and checked state.
    pub const CONTROL: u32 = 1;
    /// A selected `<option>`.
    pub const OPTION: u32 = 2;
    /// A `<link rel=stylesheet>`, or an empty `<style>` (rules inserted through CSSOM).
    pub const SHEET: u32 = 4;
    /// A blocked element.
    pub const BLOCKED: u32 = 8;
    /// An element scrolled away from 0,0.
    pub const SCROLL: u32 = 16;
}

/// The traversal's output did not have the expected shape (a bug, or a page that broke a
/// DOM API under us): the batch is dropped and a full snapshot taken instead.
#[derive(Debug)]
pub(super) struct Malformed;

/// What reading needs besides the tokens.
pub(super) struct Context<'a> {
    pub privacy: &'a Privacy,
    pub ids: &'a NodeIds,
    /// The elements marked in the output, as `[element, kind, element, kind, …]`.
    pub specials: &'a Array,
}

/// A cursor over the traversal's tokens.
pub(super) struct Reader<'a> {
    tokens: std::str::Split<'a, char>,
    ctx: Context<'a>,
    next_special: u32,
}

/// Upper bound for capacities taken from the input (the input is ours, but a wrong count
/// must not turn into a huge allocation).
const MAX_PREALLOCATE: usize = 256;

impl<'a> Reader<'a> {
    pub(super) fn new(text: &'a str, ctx: Context<'a>) -> Reader<'a> {
        Reader {
            tokens: text.split('\0'),
            ctx,
            next_special: 0,
        }
    }

    pub(super) fn ctx(&self) -> &Context<'a> {
        &self.ctx
    }

    pub(super) fn token(&mut self) -> Result<&'a str, Malformed> {
        self.tokens.next().ok_or(Malformed)
    }

    pub(super) fn number(&mut self) -> Result<u32, Malformed> {
        self.token()?.parse().map_err(|_| Malformed)
    }

    pub(super) fn string(&mut self) -> Result<String, Malformed> {
        Ok(unescape(self.token()?))
    }

    /// The next marked element and its kind.
    pub(super) fn special(&mut self) -> Result<(web_sys::Element, u32), Malformed> {
        let i = self.next_special;
        if i + 1 >= self.ctx.specials.length() {
            return Err(Malformed);
        }
        self.next_special = i + 2;
        let element = self.ctx.specials.get(i);
        let kind = self.ctx.specials.get(i + 1).as_f64().ok_or(Malformed)? as u32;
        if !element.is_object() {
            return Err(Malformed);
        }
        Ok((element.unchecked_into(), kind))
    }

    /// Reads one node and its subtree, appending them in pre-order.
    pub(super) fn subtree(&mut self, out: &mut Vec<SnapNode>) -> Result<(), Malformed> {
        let mut remaining: u64 = 1;
        while remaining > 0 {
            let node = self.node()?;
            remaining = remaining - 1 + u64::from(node.child_count());
            out.push(node);
        }
        Ok(())
    }

    fn node(&mut self) -> Result<SnapNode, Malformed> {
        Ok(match self.token()? {
            "d" => SnapNode::Document(Container {
                children: self.number()?,
            }),
            "s" => SnapNode::ShadowRoot(Container {
                children: self.number()?,
            }),
            "y" => SnapNode::Doctype(Doctype {
                name: self.string()?,
                public_id: self.string()?,
                system_id: self.string()?,
            }),
            "t" => SnapNode::Text(self.string()?),
            "x" => SnapNode::Text(privacy::mask_text(&unescape(self.token()?))),
            "c" => SnapNode::Comment(self.string()?),
            "a" => SnapNode::CData(self.string()?),
            "e" => SnapNode::Element(self.element(false)?),
            "E" => SnapNode::Element(self.element(true)?),
            _ => return Err(Malformed),
        })
    }

    fn element(&mut self, marked: bool) -> Result<Element, Malformed> {
        let tag = self.string()?;
        let namespace = match self.token()? {
            "s" => Namespace::Svg,
            "m" => Namespace::MathMl,
            _ => Namespace::Html,
        };
        let special = if marked { Some(self.special()?) } else { None };
        let count = self.number()? as usize;
        let mut attrs = Vec::with_capacity(count.min(MAX_PREALLOCATE));
        for _ in 0..count {
            let name = self.string()?;
            let value = self.string()?;
            attrs.push(Attr { name, value });
        }
        let children = self.number()?;
        let state = match special {
            Some((element, kind)) => element_state(&self.ctx, &element, kind, &tag, &mut attrs),
            None => None,
        };
        Ok(Element {
            tag,
            namespace,
            attrs,
            children,
            state,
        })
    }
}

/// Undoes `walk.js`'s escaping of U+0000 and U+0001.
pub(super) fn unescape(token: &str) -> String {
    if !token.contains('\u{1}') {
        return token.to_owned();
    }
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1}' {
            match chars.next() {
                Some('z') => out.push('\0'),
                Some('o') => out.push('\u{1}'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The state of a marked element; may rewrite its attributes (a blocked element keeps
/// only a few, an input's `value` attribute is masked or dropped).
fn element_state(
    ctx: &Context<'_>,
    element: &web_sys::Element,
    kind: u32,
    tag: &str,
    attrs: &mut Vec<Attr>,
) -> Option<Box<ElementState>> {
    let mut state = ElementState::default();
    if kind & special::BLOCKED != 0 {
        attrs.retain(|a| privacy::keep_blocked_attr(&a.name));
        let rect = element.get_bounding_client_rect();
        state.blocked = Some(Size {
            width: rect.width().round().max(0.0) as u32,
            height: rect.height().round().max(0.0) as u32,
        });
    }
    if kind & special::CONTROL != 0 {
        control_state(ctx, element, tag, attrs, &mut state);
    }
    if kind & special::OPTION != 0 {
        if let Ok(Some(select)) = element.closest("select") {
            if ctx.privacy.input_privacy(ctx.ids, &select, "select", "") == InputPrivacy::Record {
                state.checked = Some(true);
            }
        }
    }
    if kind & special::SHEET != 0 {
        state.css = sheet_text(element).filter(|css| !css.is_empty());
    }
    if kind & special::SCROLL != 0 {
        state.scroll = Some((element.scroll_left(), element.scroll_top()));
    }
    (!state.is_empty()).then(|| Box::new(state))
}

/// Value and checked state of a form control, and its `value` attribute, per the rules.
fn control_state(
    ctx: &Context<'_>,
    element: &web_sys::Element,
    tag: &str,
    attrs: &mut Vec<Attr>,
    state: &mut ElementState,
) {
    let input_type = if tag == "input" {
        element.unchecked_ref::<HtmlInputElement>().type_()
    } else {
        String::new()
    };
    let Some(control) = Control::of(tag, &input_type) else {
        return;
    };
    match control {
        Control::Button => {}
        Control::Checkable => {
            // A state cannot be masked: a masked checkbox's is left out.
            if ctx
                .privacy
                .input_privacy(ctx.ids, element, tag, &input_type)
                == InputPrivacy::Record
            {
                state.checked = Some(element.unchecked_ref::<HtmlInputElement>().checked());
            }
        }
        Control::Text | Control::Select => {
            let privacy = ctx
                .privacy
                .input_privacy(ctx.ids, element, tag, &input_type);
            let default = attrs
                .iter()
                .find(|a| a.name == "value")
                .map(|a| a.value.clone());
            if privacy == InputPrivacy::Omit {
                attrs.retain(|a| a.name != "value");
                return;
            }
            if tag == "input" && privacy == InputPrivacy::Mask {
                for attr in attrs.iter_mut().filter(|a| a.name == "value") {
                    attr.value = privacy::mask_value(&attr.value);
                }
            }
            let value = match tag {
                "input" => element.unchecked_ref::<HtmlInputElement>().value(),
                "textarea" => element.unchecked_ref::<HtmlTextAreaElement>().value(),
                _ => element.unchecked_ref::<HtmlSelectElement>().value(),
            };
            let same_as_attribute = match tag {
                "input" => value == default.unwrap_or_default(),
                _ => value.is_empty(),
            };
            if !same_as_attribute {
                state.value = privacy.apply(&value).map(|v| v.into_owned());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::unescape;

    #[test]
    fn unescape_restores_control_characters() {
        assert_eq!(unescape("plain"), "plain");
        assert_eq!(unescape("a\u{1}zb\u{1}oc"), "a\0b\u{1}c");
        assert_eq!(unescape("dangling\u{1}"), "dangling");
    }
}
