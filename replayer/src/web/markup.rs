//! A whole recorded document as sanitized markup, so that the player builds it with one
//! call into the browser (its HTML parser) instead of a call per node and attribute.
//!
//! The markup shows exactly what [`Live`](super::render::Live)'s node-by-node build would:
//! every attribute goes through the same [`sanitize`] policy (handlers dropped, active URLs
//! and self-acting attributes renamed, the player's own `type` on scripts and `sandbox` on
//! iframes), blocked elements are their empty placeholders, and inlined stylesheets are
//! `<style>` elements. What markup cannot say safely or exactly is left out of it and built
//! through the DOM afterwards ([`Markup::deferred`], [`Markup::fills`]): the content of
//! raw-text elements (`<script>`, `<style>`, … — their text is never parsed, so it cannot
//! end the element early), shadow roots, iframe documents, and comments that would end
//! early. Anything else the parser would not rebuild as recorded (a tag or attribute name
//! it would change, a NUL, a `<plaintext>`) makes [`write`] give up, and the player builds
//! the document node by node.
//!
//! The parser may still build a different tree (an element the recording has inside a
//! `<p>` or a `<table>` where HTML does not allow it, adjacent texts merged): the
//! [`Markup::shape`] lets the JavaScript side (`markup.js`) check every node it maps, and
//! refuse the result on any difference.

use super::sanitize::{self, Role, Verdict};
use recorder_core::dom::{NodeData, NodeKind, NodeRef, VOID_ELEMENTS};
use recorder_core::event::{Doctype, Namespace, NodeId};

/// Shape codes (see `markup.js`).
const DOCUMENT: u32 = 0;
const ELEMENT: u32 = 1;
const TEXT: u32 = 2;
const COMMENT: u32 = 3;
const DOCTYPE: u32 = 4;

/// HTML elements whose content the tokenizer does not parse (or, `<plaintext>`, never
/// leaves): their children are built through the DOM.
const RAW_TEXT: &[&str] = &["style", "script", "xmp", "iframe", "noembed", "noframes"];

/// SVG attribute names the parser writes in mixed case (HTML standard, "adjust SVG
/// attributes"); any other name on a foreign element comes out of the parser lower case.
const SVG_MIXED_CASE: &[&str] = &[
    "attributeName",
    "attributeType",
    "baseFrequency",
    "baseProfile",
    "calcMode",
    "clipPathUnits",
    "diffuseConstant",
    "edgeMode",
    "filterUnits",
    "glyphRef",
    "gradientTransform",
    "gradientUnits",
    "kernelMatrix",
    "kernelUnitLength",
    "keyPoints",
    "keySplines",
    "keyTimes",
    "lengthAdjust",
    "limitingConeAngle",
    "markerHeight",
    "markerUnits",
    "markerWidth",
    "maskContentUnits",
    "maskUnits",
    "numOctaves",
    "pathLength",
    "patternContentUnits",
    "patternTransform",
    "patternUnits",
    "pointsAtX",
    "pointsAtY",
    "pointsAtZ",
    "preserveAlpha",
    "preserveAspectRatio",
    "primitiveUnits",
    "refX",
    "refY",
    "repeatCount",
    "repeatDur",
    "requiredExtensions",
    "requiredFeatures",
    "specularConstant",
    "specularExponent",
    "spreadMethod",
    "startOffset",
    "stdDeviation",
    "stitchTiles",
    "surfaceScale",
    "systemLanguage",
    "tableValues",
    "targetX",
    "targetY",
    "textLength",
    "viewBox",
    "viewTarget",
    "xChannelSelector",
    "yChannelSelector",
    "zoomAndPan",
];

/// Prefixed names the parser puts in the XLink, XML or XMLNS namespace on foreign
/// elements (as the node-by-node build does for every name with these prefixes).
const FOREIGN_NAMESPACED: &[&str] = &[
    "xlink:actuate",
    "xlink:arcrole",
    "xlink:href",
    "xlink:role",
    "xlink:show",
    "xlink:title",
    "xlink:type",
    "xml:lang",
    "xml:space",
    "xmlns",
    "xmlns:xlink",
];

/// A recorded document as markup, and what the markup leaves to the DOM.
#[derive(Default)]
pub(crate) struct Markup {
    /// The document's markup, doctype first.
    pub html: String,
    /// Two numbers per node the markup makes, in tree order (see `markup.js`).
    pub shape: Vec<u32>,
    /// The elements' local names, space-separated, in tree order.
    pub tags: String,
    /// The recorded id of each node of `shape`, in the same order.
    pub ids: Vec<NodeId>,
    /// Recorded children to build through the DOM into their (recorded) parent, in order:
    /// raw-text content, shadow roots, iframe documents.
    pub deferred: Vec<(NodeId, NodeId)>,
    /// Nodes whose text is set through the DOM: inlined stylesheets, unsafe comments.
    pub fills: Vec<NodeId>,
    /// Elements with form state, and with a scroll offset (as the node-by-node build).
    pub forms: Vec<NodeId>,
    pub scrolls: Vec<NodeId>,
}

/// Why the markup cannot be used; the caller builds node by node instead.
struct Unfit;

/// The markup of `document` (a recorded document node), or `None` when the parser would
/// not rebuild it as recorded. `resolve` resolves a URL against the recorded page's.
pub(crate) fn write(
    document: NodeRef<'_>,
    resolve: &dyn Fn(&str) -> Option<String>,
) -> Option<Markup> {
    if document.kind() != NodeKind::Document {
        return None;
    }
    let mut w = Writer {
        m: Markup::default(),
        resolve,
        names: Vec::new(),
    };
    w.document(document).ok()?;
    Some(w.m)
}

struct Writer<'r> {
    m: Markup,
    resolve: &'r dyn Fn(&str) -> Option<String>,
    /// Where the attribute names of the element being written are in the markup
    /// (duplicates make the parser keep the first, the DOM the last).
    names: Vec<std::ops::Range<usize>>,
}

/// What is left to do on the way down the tree.
enum Step<'a> {
    Node(NodeRef<'a>),
    End(&'a str),
}

impl<'r> Writer<'r> {
    fn document(&mut self, document: NodeRef<'_>) -> Result<(), Unfit> {
        self.m.ids.push(document.id());
        let n = self.children_shown(document)?;
        self.m.shape.extend([DOCUMENT, n]);
        let mut stack: Vec<Step<'_>> = Vec::new();
        push_children(&mut stack, document);
        while let Some(step) = stack.pop() {
            match step {
                Step::End(tag) => {
                    self.m.html.push_str("</");
                    self.m.html.push_str(tag);
                    self.m.html.push('>');
                }
                Step::Node(node) => self.node(node, &mut stack)?,
            }
        }
        Ok(())
    }

    /// How many of `node`'s children the markup makes (the others are deferred).
    fn children_shown(&mut self, node: NodeRef<'_>) -> Result<u32, Unfit> {
        let mut n = 0u32;
        for c in node.children() {
            match c.kind() {
                NodeKind::ShadowRoot | NodeKind::Document => {
                    self.m.deferred.push((node.id(), c.id()));
                }
                _ => n = n.checked_add(1).ok_or(Unfit)?,
            }
        }
        Ok(n)
    }

    fn node<'a>(&mut self, node: NodeRef<'a>, stack: &mut Vec<Step<'a>>) -> Result<(), Unfit> {
        match node.data() {
            NodeData::Document | NodeData::ShadowRoot => return Err(Unfit),
            NodeData::Doctype(d) => self.doctype(d)?,
            NodeData::Text(t) | NodeData::CData(t) => {
                escape(&mut self.m.html, t, false)?;
                self.m.shape.extend([TEXT, utf16_len(t)?]);
            }
            NodeData::Comment(t) => {
                let safe = !(t.contains("-->")
                    || t.contains("--!>")
                    || t.starts_with('>')
                    || t.starts_with("->")
                    || t.ends_with("<!-")
                    || t.ends_with('-')
                    || t.contains('\0'));
                self.m.html.push_str("<!--");
                if safe {
                    self.m.html.push_str(t);
                    self.m.shape.extend([COMMENT, utf16_len(t)?]);
                } else {
                    self.m.fills.push(node.id());
                    self.m.shape.extend([COMMENT, 0]);
                }
                self.m.html.push_str("-->");
            }
            NodeData::Element(_) => self.element(node, stack)?,
        }
        self.m.ids.push(node.id());
        Ok(())
    }

    fn doctype(&mut self, d: &Doctype) -> Result<(), Unfit> {
        let markup = sanitize::doctype_markup(&d.name, &d.public_id, &d.system_id);
        // Only a doctype that sanitizing leaves as recorded: the parser's node must match.
        let exact = if d.public_id.is_empty() && !d.system_id.is_empty() {
            format!("<!DOCTYPE {} SYSTEM \"{}\">", d.name, d.system_id)
        } else if d.public_id.is_empty() {
            format!("<!DOCTYPE {}>", d.name)
        } else if d.system_id.is_empty() {
            format!("<!DOCTYPE {} PUBLIC \"{}\">", d.name, d.public_id)
        } else {
            format!(
                "<!DOCTYPE {} PUBLIC \"{}\" \"{}\">",
                d.name, d.public_id, d.system_id
            )
        };
        if markup != exact || !self.m.html.is_empty() || d.name.is_empty() {
            return Err(Unfit);
        }
        self.m.html.push_str(&markup);
        self.m.shape.extend([DOCTYPE, 0]);
        Ok(())
    }

    fn element<'a>(&mut self, node: NodeRef<'a>, stack: &mut Vec<Step<'a>>) -> Result<(), Unfit> {
        let Some(e) = node.element() else {
            return Err(Unfit);
        };
        let html = e.namespace == Namespace::Html;
        let tag = e.tag.as_str();
        let role = Role::of(e.namespace, tag);
        let state = e.state.as_deref();
        self.names.clear();

        if super::render::inlined_css(e).is_some() {
            // A `<style>` whose rules are set through the DOM (never parsed as markup).
            self.m.html.push_str("<style");
            if tag == "link" {
                if let Some(media) = e.attr("media") {
                    self.attr("media", media)?;
                }
                if let Some(href) = e.attr("href") {
                    self.attr("data-tapedeck-href", href)?;
                }
            } else {
                for a in &e.attrs {
                    self.policy_attr(Role::Other, "style", Namespace::Html, &a.name, &a.value)?;
                }
            }
            self.m.html.push_str("></style>");
            self.m.fills.push(node.id());
            self.shape_element(Namespace::Html, "style", 0)?;
            return Ok(());
        }

        check_tag(tag, html)?;
        self.m.html.push('<');
        self.m.html.push_str(tag);
        // The player's own attributes first: a recorded one of the same name is renamed.
        match role {
            Role::Script => self.attr("type", sanitize::DISABLED_SCRIPT_TYPE)?,
            Role::Frame => self.attr("sandbox", sanitize::IFRAME_SANDBOX)?,
            _ => {}
        }
        let void = html && VOID_ELEMENTS.contains(&tag);
        if let Some(size) = state.and_then(|s| s.blocked) {
            // The empty placeholder, as the node-by-node build makes it.
            let mut styled = false;
            for a in &e.attrs {
                if a.name == "style" {
                    self.attr("style", &super::render::blocked_style(&a.value, size))?;
                    styled = true;
                } else {
                    self.policy_attr(role, tag, e.namespace, &a.name, &a.value)?;
                }
            }
            if !styled {
                self.attr("style", &super::render::blocked_style("", size))?;
            }
            self.attr("data-tapedeck-blocked", "")?;
            self.m.html.push('>');
            if !void {
                stack.push(Step::End(tag));
            }
            return self.shape_element(e.namespace, tag, 0);
        }
        for a in &e.attrs {
            self.policy_attr(role, tag, e.namespace, &a.name, &a.value)?;
        }
        self.m.html.push('>');
        if let Some(s) = state {
            if s.value.is_some() || s.checked.is_some() {
                self.m.forms.push(node.id());
            }
            if s.scroll.is_some() {
                self.m.scrolls.push(node.id());
            }
        }
        if void {
            if node.first_child().is_some() {
                return Err(Unfit);
            }
            return self.shape_element(e.namespace, tag, 0);
        }
        stack.push(Step::End(tag));
        if html && RAW_TEXT.contains(&tag) {
            for c in node.children() {
                self.m.deferred.push((node.id(), c.id()));
            }
            return self.shape_element(e.namespace, tag, 0);
        }
        let n = self.children_shown(node)?;
        self.shape_element(e.namespace, tag, n)?;
        // The parser drops a newline right after these start tags.
        if html && matches!(tag, "pre" | "listing" | "textarea") && starts_with_newline(node) {
            self.m.html.push('\n');
        }
        push_children(stack, node);
        Ok(())
    }

    fn shape_element(
        &mut self,
        namespace: Namespace,
        tag: &str,
        children: u32,
    ) -> Result<(), Unfit> {
        let attrs = u32::try_from(self.names.len()).map_err(|_| Unfit)?;
        let code = ELEMENT | ((namespace as u32) << 3) | attrs.checked_mul(64).ok_or(Unfit)?;
        self.m.shape.extend([code, children]);
        if !self.m.tags.is_empty() {
            self.m.tags.push(' ');
        }
        self.m.tags.push_str(tag);
        Ok(())
    }

    /// A recorded attribute through the policy, as `Live::set_attr` sets it.
    fn policy_attr(
        &mut self,
        role: Role,
        tag: &str,
        namespace: Namespace,
        name: &str,
        value: &str,
    ) -> Result<(), Unfit> {
        match sanitize::attribute(role, tag, name, value) {
            Verdict::Drop => Ok(()),
            Verdict::Keep => self.checked_attr(namespace, name, value),
            Verdict::Rename => self.checked_attr(namespace, &sanitize::renamed(name), value),
            Verdict::BaseHref => match (self.resolve)(value) {
                Some(url) if sanitize::base_allowed(&url) => {
                    self.checked_attr(namespace, name, &url)
                }
                _ => self.checked_attr(namespace, &sanitize::renamed(name), value),
            },
        }
    }

    /// A recorded name: only when the parser gives it back as the DOM would set it.
    fn checked_attr(&mut self, namespace: Namespace, name: &str, value: &str) -> Result<(), Unfit> {
        check_attr_name(name, namespace)?;
        self.attr(name, value)
    }

    /// ` name="value"`, for a name the parser keeps as it is.
    fn attr(&mut self, name: &str, value: &str) -> Result<(), Unfit> {
        let plain = !name.is_empty()
            && name.bytes().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':' | b'@')
            });
        let html = &self.m.html;
        if !plain || self.names.iter().any(|r| html.get(r.clone()) == Some(name)) {
            return Err(Unfit);
        }
        self.m.html.push(' ');
        let start = self.m.html.len();
        self.m.html.push_str(name);
        self.names.push(start..self.m.html.len());
        self.m.html.push_str("=\"");
        escape(&mut self.m.html, value, true)?;
        self.m.html.push('"');
        Ok(())
    }
}

fn push_children<'a>(stack: &mut Vec<Step<'a>>, node: NodeRef<'a>) {
    let mut child = node.last_child();
    while let Some(c) = child {
        if !matches!(c.kind(), NodeKind::ShadowRoot | NodeKind::Document) {
            stack.push(Step::Node(c));
        }
        child = c.prev_sibling();
    }
}

/// A tag name the parser makes as written (it lower-cases HTML names; the walk in
/// `markup.js` checks foreign ones), and that cannot end the tag or make `<plaintext>`.
fn check_tag(tag: &str, html: bool) -> Result<(), Unfit> {
    let ok = tag.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !(html && (tag.bytes().any(|b| b.is_ascii_uppercase()) || tag == "plaintext"));
    if ok {
        Ok(())
    } else {
        Err(Unfit)
    }
}

/// A recorded attribute name the parser gives back with the same name and namespace.
fn check_attr_name(name: &str, namespace: Namespace) -> Result<(), Unfit> {
    // The parser lower-cases the name, then gives a few names on foreign elements their
    // mixed-case form.
    let mixed_case: &[&str] = match namespace {
        Namespace::Html => &[],
        Namespace::Svg => SVG_MIXED_CASE,
        Namespace::MathMl => &["definitionURL"],
    };
    let as_parsed = match mixed_case.iter().find(|n| n.eq_ignore_ascii_case(name)) {
        Some(n) => *n == name,
        None => !name.bytes().any(|b| b.is_ascii_uppercase()),
    };
    let prefixed = ["xlink:", "xml:", "xmlns:"]
        .iter()
        .any(|p| name.starts_with(p))
        || name == "xmlns";
    let namespaced_as_built =
        namespace == Namespace::Html || !prefixed || FOREIGN_NAMESPACED.contains(&name);
    if as_parsed && namespaced_as_built {
        Ok(())
    } else {
        Err(Unfit)
    }
}

/// Whether the content of `node` starts with a newline (its first non-empty text does,
/// with only empty texts before it).
fn starts_with_newline(node: NodeRef<'_>) -> bool {
    for c in node.children() {
        match c.data() {
            NodeData::Text(t) | NodeData::CData(t) if t.is_empty() => continue,
            NodeData::Text(t) | NodeData::CData(t) => return t.starts_with('\n'),
            _ => return false,
        }
    }
    false
}

fn utf16_len(s: &str) -> Result<u32, Unfit> {
    let len = if s.is_ascii() {
        s.len()
    } else {
        s.encode_utf16().count()
    };
    u32::try_from(len).map_err(|_| Unfit)
}

/// Escapes text (`&`, `<`, `>`, and a carriage return, which the parser would turn into
/// a newline) or a double-quoted attribute value (also `"`). A NUL, which the parser
/// would drop or replace, makes the markup unfit.
fn escape(out: &mut String, s: &str, attr: bool) -> Result<(), Unfit> {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            0 => return Err(Unfit),
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'\r' => "&#13;",
            b'"' if attr => "&quot;",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(rep);
        start = i + 1;
    }
    out.push_str(&s[start..]);
    Ok(())
}
