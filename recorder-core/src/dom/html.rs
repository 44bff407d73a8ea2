//! HTML serialization (the HTML standard's fragment serializing algorithm, plus recorded
//! state) and one-line descriptions of nodes.
//!
//! Differences from `outerHTML`, all so that the output shows the page at the recorded
//! moment and renders on its own:
//! - form state becomes attributes: `value` and `checked` on inputs, `selected` on options
//!   (also derived from a `<select>`'s recorded value), a textarea's value as its content;
//! - a `<link>` with inlined rules becomes `<style data-tapedeck-href="…">`, and a
//!   `<style>` with CSSOM-changed rules shows those rules;
//! - a blocked element is an empty placeholder of its recorded size, marked
//!   `data-tapedeck-blocked`;
//! - an open shadow root is declarative shadow DOM, `<template shadowrootmode="open">`;
//! - an iframe's document becomes its `srcdoc` (nested up to [`MAX_SRCDOC_DEPTH`] deep);
//! - the doctype keeps its public and system ids (they decide quirks mode);
//! - empty SVG and MathML elements are self-closing (`<path d="…"/>`);
//! - attribute values also escape `<` and `>`, as the standard does since 2025, and text
//!   and attribute values escape a carriage return as `&#13;` (the parser would turn it,
//!   or CR LF, into LF);
//! - a `<pre>`, `<listing>` or `<textarea>` whose content starts with a newline gets one
//!   more after its start tag, since the parser drops the first (the standard's algorithm,
//!   and so `outerHTML`, lose that newline).
//!
//! Text of `<script>`, `<style>` and the other raw-text elements is written as recorded,
//! as `outerHTML` does (except that `</style` in a `<style>`'s text is written `<\/style`,
//! the same CSS, so that the text cannot end the element early): the output is as
//! trustworthy as the recorded page, and is only to be rendered sandboxed.

use super::{Dom, NodeData, NIL};
use crate::event::{Attr, Doctype, ElementState, Namespace, NodeId};
use std::borrow::Cow;

/// How many iframe documents deep `srcdoc` nesting goes; deeper documents are left out
/// (each level escapes the one inside again, so the output would grow quadratically).
pub const MAX_SRCDOC_DEPTH: u32 = 8;

/// HTML elements that have no end tag and whose children are not serialized (the HTML
/// standard's void elements, plus the legacy ones parsers still treat so). Public so
/// other serializers of a [`Dom`](super::Dom) (the browser player's) agree with this one.
pub const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// HTML elements whose text children are serialized without escaping.
const RAW_TEXT: &[&str] = &[
    "style",
    "script",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
    "noscript",
];

impl Dom {
    /// The whole mirror as HTML (a document's children; empty without a root).
    pub fn to_html(&self) -> String {
        let mut w = Writer::new(self, 0);
        if self.root != NIL {
            w.subtree(self.root);
        }
        w.out
    }

    /// One node as HTML: an element's outer HTML, a document's children, a shadow root as
    /// a declarative `<template>`.
    pub fn node_to_html(&self, id: NodeId) -> Option<String> {
        let slot = *self.index.get(&id)?;
        let mut w = Writer::new(self, 0);
        w.subtree(slot);
        Some(w.out)
    }

    /// A short description for timelines: `button#save.primary "Save changes"`.
    ///
    /// Elements give their tag, id, first two classes and a label: `aria-label`, else their
    /// text (whitespace collapsed, cut to 40 characters), else `placeholder`, `alt`,
    /// `title` or `name`. Other nodes: `"text"`, `<!-- comment -->`, `#document`, …
    pub fn describe(&self, id: NodeId) -> Option<String> {
        let node = self.node(id)?;
        Some(match node.data() {
            NodeData::Document => "#document".to_owned(),
            NodeData::ShadowRoot => "#shadow-root".to_owned(),
            NodeData::Doctype(d) => format!("<!DOCTYPE {}>", d.name),
            NodeData::Text(t) => format!("\"{}\"", short(t)),
            NodeData::Comment(t) => format!("<!-- {} -->", short(t)),
            NodeData::CData(t) => format!("<![CDATA[{}]]>", short(t)),
            NodeData::Element(e) => {
                let mut out = e.tag.clone();
                if let Some(id) = e.attr("id").map(str::trim).filter(|s| !s.is_empty()) {
                    out.push('#');
                    out.push_str(id);
                }
                for class in e
                    .attr("class")
                    .unwrap_or("")
                    .split_ascii_whitespace()
                    .take(2)
                {
                    out.push('.');
                    out.push_str(class);
                }
                let text = self.text_for_label(node.slot);
                let label = [e.attr("aria-label"), Some(text.as_str())]
                    .into_iter()
                    .chain(["placeholder", "alt", "title", "name"].map(|a| e.attr(a)))
                    .flatten()
                    .map(short)
                    .find(|s| !s.is_empty());
                if let Some(label) = label {
                    out.push_str(" \"");
                    out.push_str(&label);
                    out.push('"');
                }
                out
            }
        })
    }

    /// The start of an element's visible text: enough for a label, bounded work.
    fn text_for_label(&self, top: u32) -> String {
        let mut text = String::new();
        let mut cur = self.next_preorder(top, top);
        let mut visited = 0;
        while cur != NIL && text.len() < 200 && visited < 1000 {
            visited += 1;
            let next = match &*self.slot(cur).data {
                NodeData::Text(t) => {
                    text.push_str(t);
                    text.push(' ');
                    self.next_preorder(cur, top)
                }
                NodeData::Element(e) if matches!(&*e.tag, "script" | "style" | "template") => {
                    self.next_skipping_children(cur, top)
                }
                NodeData::Element(_) => self.next_preorder(cur, top),
                _ => self.next_skipping_children(cur, top),
            };
            cur = next;
        }
        text
    }
}

/// `s` with whitespace collapsed, trimmed and cut to 40 characters.
fn short(s: &str) -> String {
    let mut out = String::new();
    for (i, word) in s.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
        if out.chars().count() > 40 {
            break;
        }
    }
    if out.chars().count() > 40 {
        let cut: String = out.chars().take(39).collect();
        return format!("{}…", cut.trim_end());
    }
    out
}

/// What to write once a node's children are written.
enum End<'a> {
    Nothing,
    Tag(&'a str),
    /// `</select>`, leaving the select's value context.
    Select,
}

/// The value context of an enclosing `<select>`: its recorded value, and whether an
/// option already matched it (only the first matching option is selected).
struct SelectCtx<'a> {
    value: Option<&'a str>,
    matched: bool,
}

struct Writer<'a> {
    dom: &'a Dom,
    out: String,
    selects: Vec<SelectCtx<'a>>,
    srcdoc_depth: u32,
}

impl<'a> Writer<'a> {
    fn new(dom: &'a Dom, srcdoc_depth: u32) -> Self {
        Writer {
            dom,
            out: String::new(),
            selects: Vec::new(),
            srcdoc_depth,
        }
    }

    /// Writes the subtree `top` without recursion: an explicit stack of end tags.
    fn subtree(&mut self, top: u32) {
        let dom = self.dom;
        let mut ends: Vec<End<'a>> = Vec::new();
        let mut cur = top;
        loop {
            let slot = dom.slot(cur);
            let end = self.enter(cur, top);
            if let Some(end) = end {
                if slot.first != NIL {
                    ends.push(end);
                    cur = slot.first;
                    continue;
                }
                self.finish(end);
            }
            // Done with `cur`: move to its next sibling, closing finished ancestors.
            loop {
                if cur == top {
                    return;
                }
                let s = dom.slot(cur);
                if s.next != NIL {
                    cur = s.next;
                    break;
                }
                cur = s.parent;
                if let Some(end) = ends.pop() {
                    self.finish(end);
                }
            }
        }
    }

    fn finish(&mut self, end: End<'a>) {
        match end {
            End::Nothing => {}
            End::Tag(tag) => {
                self.out.push_str("</");
                self.out.push_str(tag);
                self.out.push('>');
            }
            End::Select => {
                self.selects.pop();
                self.out.push_str("</select>");
            }
        }
    }

    /// Writes the start of `slot`; `Some` to continue with its children, `None` if the
    /// node is written completely.
    fn enter(&mut self, slot: u32, top: u32) -> Option<End<'a>> {
        let dom = self.dom;
        let s = dom.slot(slot);
        match &*s.data {
            // A document inside an element is written as its iframe's `srcdoc`.
            NodeData::Document => (slot == top).then_some(End::Nothing),
            NodeData::Doctype(d) => {
                self.doctype(d);
                None
            }
            NodeData::Text(t) => {
                let parent = (s.parent != NIL).then(|| &*dom.slot(s.parent).data);
                let raw = match parent {
                    Some(NodeData::Element(p)) if p.namespace == Namespace::Html => {
                        RAW_TEXT.contains(&&*p.tag).then_some(&*p.tag)
                    }
                    _ => None,
                };
                if raw == Some("style") {
                    escape_css(&mut self.out, t);
                } else if raw.is_some() {
                    self.out.push_str(t);
                } else {
                    escape_text(&mut self.out, t);
                }
                None
            }
            NodeData::Comment(t) => {
                self.out.push_str("<!--");
                self.out.push_str(t);
                self.out.push_str("-->");
                None
            }
            NodeData::CData(t) => {
                self.out.push_str("<![CDATA[");
                self.out.push_str(t);
                self.out.push_str("]]>");
                None
            }
            NodeData::ShadowRoot => {
                self.out.push_str("<template shadowrootmode=\"open\">");
                Some(End::Tag("template"))
            }
            NodeData::Element(e) => {
                self.element(slot, &e.tag, e.namespace, &e.attrs, e.state.as_deref())
            }
        }
    }

    fn doctype(&mut self, d: &Doctype) {
        self.out.push_str("<!DOCTYPE ");
        self.out.push_str(&d.name);
        let quoted = |out: &mut String, s: &str| {
            let q = if s.contains('"') { '\'' } else { '"' };
            out.push(' ');
            out.push(q);
            out.push_str(s);
            out.push(q);
        };
        if !d.public_id.is_empty() {
            self.out.push_str(" PUBLIC");
            quoted(&mut self.out, &d.public_id);
            if !d.system_id.is_empty() {
                quoted(&mut self.out, &d.system_id);
            }
        } else if !d.system_id.is_empty() {
            self.out.push_str(" SYSTEM");
            quoted(&mut self.out, &d.system_id);
        }
        self.out.push('>');
    }

    fn element(
        &mut self,
        slot: u32,
        tag: &'a str,
        namespace: Namespace,
        attrs: &'a [Attr],
        state: Option<&'a ElementState>,
    ) -> Option<End<'a>> {
        let dom = self.dom;
        let html = namespace == Namespace::Html;
        let is = |name: &str| html && tag == name;
        let has_children = dom.slot(slot).first != NIL;
        let void = html && VOID_ELEMENTS.contains(&tag);
        let mut overrides: Vec<(&str, Option<Cow<'a, str>>)> = Vec::new();

        if let Some(size) = state.and_then(|s| s.blocked) {
            let style = attrs
                .iter()
                .find(|a| a.name == "style")
                .map_or("", |a| &a.value);
            let sep = if style.trim_end().is_empty() || style.trim_end().ends_with(';') {
                ""
            } else {
                ";"
            };
            let style = format!(
                "{style}{sep}width:{}px;height:{}px",
                size.width, size.height
            );
            overrides.push(("style", Some(Cow::Owned(style))));
            overrides.push(("data-tapedeck-blocked", Some(Cow::Borrowed(""))));
            self.start_tag(tag, attrs, &overrides, !html);
            if html && !void {
                self.finish(End::Tag(tag));
            }
            return None;
        }

        let css = state.and_then(|s| s.css.as_deref());
        if let (Some(css), true) = (css, is("link") || is("style")) {
            if is("link") {
                let mut keep: Vec<Attr> = Vec::new();
                if let Some(media) = attrs.iter().find(|a| a.name == "media") {
                    keep.push(media.clone());
                }
                if let Some(href) = attrs.iter().find(|a| a.name == "href") {
                    keep.push(Attr::new("data-tapedeck-href", &*href.value));
                }
                self.start_tag("style", &keep, &[], false);
            } else {
                self.start_tag(tag, attrs, &[], false);
            }
            escape_css(&mut self.out, css);
            self.out.push_str("</style>");
            return None;
        }

        if is("iframe") {
            let doc = dom.node(dom.slot(slot).id).and_then(|n| {
                n.children()
                    .find(|c| matches!(c.data(), NodeData::Document))
            });
            if let Some(doc) = doc {
                if self.srcdoc_depth < MAX_SRCDOC_DEPTH {
                    let mut inner = Writer::new(dom, self.srcdoc_depth + 1);
                    inner.subtree(doc.slot);
                    overrides.push(("srcdoc", Some(Cow::Owned(inner.out))));
                }
                self.start_tag(tag, attrs, &overrides, false);
                self.finish(End::Tag(tag));
                return None;
            }
        }

        let value = state.and_then(|s| s.value.as_deref());
        let checked = state.and_then(|s| s.checked);
        let flag = |on: bool| on.then_some(Cow::Borrowed(""));
        if is("input") {
            if let Some(v) = value {
                overrides.push(("value", Some(Cow::Borrowed(v))));
            }
            if let Some(c) = checked {
                overrides.push(("checked", flag(c)));
            }
        } else if is("option") {
            if let Some(c) = checked {
                overrides.push(("selected", flag(c)));
            } else if let Some(ctx) = self.selects.last() {
                if let Some(select_value) = ctx.value {
                    let selected = !ctx.matched && self.option_value(slot, attrs) == select_value;
                    if selected {
                        if let Some(ctx) = self.selects.last_mut() {
                            ctx.matched = true;
                        }
                    }
                    overrides.push(("selected", flag(selected)));
                }
            }
        }
        self.start_tag(tag, attrs, &overrides, !html && !has_children);
        if void || (!html && !has_children) {
            return None;
        }
        let drops_newline = is("pre") || is("listing") || is("textarea");
        if is("textarea") {
            if let Some(v) = value {
                if v.starts_with('\n') {
                    self.out.push('\n');
                }
                escape_text(&mut self.out, v);
                self.finish(End::Tag(tag));
                return None;
            }
        }
        if drops_newline && self.text_starts_with_newline(slot) {
            self.out.push('\n');
        }
        if is("select") {
            self.selects.push(SelectCtx {
                value,
                matched: false,
            });
            return Some(End::Select);
        }
        Some(End::Tag(tag))
    }

    /// Whether the content of `slot` starts with a newline: its first child that is not an
    /// empty text is a text starting with one.
    fn text_starts_with_newline(&self, slot: u32) -> bool {
        let mut cur = self.dom.slot(slot).first;
        while cur != NIL {
            let s = self.dom.slot(cur);
            match &*s.data {
                NodeData::Text(t) if t.is_empty() => cur = s.next,
                NodeData::Text(t) => return t.starts_with('\n'),
                _ => return false,
            }
        }
        false
    }

    /// An option's value: its `value` attribute, else its text with whitespace collapsed.
    fn option_value(&self, slot: u32, attrs: &'a [Attr]) -> Cow<'a, str> {
        if let Some(v) = attrs.iter().find(|a| a.name == "value") {
            return Cow::Borrowed(&v.value);
        }
        let mut text = String::new();
        let mut cur = self.dom.next_preorder(slot, slot);
        while cur != NIL {
            if let NodeData::Text(t) = &*self.dom.slot(cur).data {
                text.push_str(t);
            }
            cur = self.dom.next_preorder(cur, slot);
        }
        Cow::Owned(text.split_ascii_whitespace().collect::<Vec<_>>().join(" "))
    }

    /// `<tag a="v" …>` (or `/>`), with `overrides` replacing (`Some`) or dropping (`None`)
    /// attributes; overrides of absent attributes are appended.
    fn start_tag(
        &mut self,
        tag: &str,
        attrs: &[Attr],
        overrides: &[(&str, Option<Cow<'_, str>>)],
        self_closing: bool,
    ) {
        self.out.push('<');
        self.out.push_str(tag);
        for attr in attrs {
            match overrides.iter().find(|(name, _)| *name == attr.name) {
                Some((_, Some(v))) => write_attr(&mut self.out, &attr.name, v),
                Some((_, None)) => {}
                None => write_attr(&mut self.out, &attr.name, &attr.value),
            }
        }
        for (name, value) in overrides {
            if let Some(v) = value {
                if !attrs.iter().any(|a| a.name == *name) {
                    write_attr(&mut self.out, name, v);
                }
            }
        }
        self.out.push_str(if self_closing { "/>" } else { ">" });
    }
}

fn write_attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    escape(out, value, true);
    out.push('"');
}

fn escape_text(out: &mut String, s: &str) {
    escape(out, s, false);
}

/// The standard's escaping: `&`, no-break space, and `<` `>` always; `"` in attributes;
/// and a carriage return, which the parser would not keep.
fn escape(out: &mut String, s: &str, attr: bool) {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let (rep, len) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' if attr => ("&quot;", 1),
            b'\r' => ("&#13;", 1),
            0xC2 if bytes.get(i + 1) == Some(&0xA0) => ("&nbsp;", 2),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[start..i]);
        out.push_str(rep);
        i += len;
        start = i;
    }
    out.push_str(&s[start..]);
}

/// CSS inside `<style>`, with `</style` written as `<\/style` (the same CSS) so that the
/// rules cannot end the element.
fn escape_css(out: &mut String, css: &str) {
    let bytes = css.as_bytes();
    let mut start = 0;
    for i in 0..bytes.len() {
        if bytes[i] == b'<'
            && bytes.get(i + 1) == Some(&b'/')
            && bytes
                .get(i + 2..i + 7)
                .is_some_and(|t| t.eq_ignore_ascii_case(b"style"))
        {
            out.push_str(&css[start..=i]);
            out.push('\\');
            start = i + 1;
        }
    }
    out.push_str(&css[start..]);
}
