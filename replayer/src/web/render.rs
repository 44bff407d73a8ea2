//! The live document: the mirror's nodes built inside the sandboxed iframe and kept in
//! step with it node by node.
//!
//! [`Live`] keeps a map from recorded [`NodeId`] to the live node, so a mutation batch or a
//! [`Patch`] touches only the nodes it names: removals detach, additions build the added
//! subtrees, attribute and text changes set one attribute or one text. A full rebuild is
//! only for a new root (a snapshot, or a patch with `reset`).
//!
//! A full rebuild of a page is written as [`markup`] and parsed by the browser in one call
//! (a call per node and attribute costs far more than the parser), then the parsed nodes
//! are checked against the recorded tree and mapped to their ids; when the parser would
//! not rebuild the recorded tree exactly, the document is built node by node instead.
//! Everything else is built node by node: every node created with `createElementNS` /
//! `createTextNode` / …, and every attribute, in markup as through the DOM, goes through
//! the [`sanitize`] policy. Recorded text is only ever parsed as escaped character data
//! (never the content of a `<script>` or `<style>`, which is set through the DOM). The
//! doctype token is built by [`sanitize::doctype_markup`], so that the browser picks the
//! recorded rendering mode.
//!
//! How recorded state is shown (the same choices as `Dom::to_html`, so the two compare):
//! - form values and checked/selected states are set as properties, after the subtree is
//!   built (a `<select>`'s value needs its options);
//! - a `<link rel=stylesheet>` with inlined rules becomes
//!   `<style media data-tapedeck-href>rules</style>`; a `<style>` whose rules changed
//!   through CSSOM shows those rules;
//! - a blocked element is the element, empty, with its recorded size added to its style
//!   and `data-tapedeck-blocked` (grey through the player's stylesheet);
//! - an open shadow root is attached with `attachShadow`;
//! - an iframe's recorded document is built into the nested iframe's own document
//!   (sandboxed the same way), up to [`MAX_FRAME_DEPTH`] deep;
//! - scroll offsets are applied once all changes of a step are in the document (setting
//!   one forces a synchronous layout, so once per step, see [`Live::flush_scrolls`]), and
//!   once more on the next animation frame (see [`Live::settle`]).
//!
//! Each document also gets a `<base data-tapedeck-injected href=page URL>` as the last
//! child of its root element (so a recorded `<base>` earlier in the tree still wins), and
//! an adopted stylesheet that hides `<noscript>` (scripting is off in the sandbox, where
//! it would otherwise show), paints blocked placeholders and turns scroll anchoring off.

use super::markup;
use super::sanitize::{self, Role, Verdict};
use recorder_core::dom::{Dom, ElementData, NodeData, NodeKind, NodeRef, Patch};
use recorder_core::event::{Doctype, ElementState, MutationBatch, Namespace, NodeId, Size};
use std::collections::HashMap;
use std::ops::RangeInclusive;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    Document, Element, HtmlDocument, HtmlIFrameElement, Node, ShadowRootInit, ShadowRootMode,
};

#[wasm_bindgen(module = "/src/web/markup.js")]
extern "C" {
    /// Fills an empty HTML document with `markup` and returns its nodes in the order of
    /// `shape`, or `null` if they differ from it (see `markup.js`).
    #[wasm_bindgen(js_name = writeDocument, catch)]
    fn write_document(
        doc: &Document,
        markup: &str,
        shape: &[u32],
        tags: &str,
    ) -> Result<JsValue, JsValue>;
}

/// How many iframe documents deep the player builds; deeper ones stay empty.
pub(crate) const MAX_FRAME_DEPTH: u32 = 8;

/// Marks the `<base>` elements the player adds to the recorded documents.
pub(crate) const INJECTED_ATTR: &str = "data-tapedeck-injected";

/// The stylesheet adopted by every recorded document. Scroll anchoring is off: the
/// recording has the scroll events anchoring caused on the page, and the player applies
/// them; anchoring again would move the view a second time.
const DOCUMENT_CSS: &str = "*{overflow-anchor:none!important}noscript{display:none!important}\
    [data-tapedeck-blocked]{background:repeating-linear-gradient(45deg,#d4d4d8 0 8px,#e4e4e7 8px 16px)!important}";

const HTML: &str = "http://www.w3.org/1999/xhtml";
const XLINK: &str = "http://www.w3.org/1999/xlink";
const XML: &str = "http://www.w3.org/XML/1998/namespace";
const XMLNS: &str = "http://www.w3.org/2000/xmlns/";

/// The live document of the player's iframe. See the [module docs](self).
pub(crate) struct Live {
    iframe: HtmlIFrameElement,
    nodes: HashMap<NodeId, Node>,
    /// The injected `<base>` of each recorded document.
    bases: Vec<Element>,
    /// The recorded page URL: the injected bases' href.
    base_url: String,
    /// The doctype markup last written into the top document (it decides its mode).
    top_doctype: Option<String>,
    /// Elements whose scroll offset changed: applied once by [`Live::flush_scrolls`],
    /// after every change of a step (each application forces a layout).
    scroll_queue: Vec<NodeId>,
    /// Elements whose scroll offset is applied again on the next frame.
    scrolled: Vec<NodeId>,
}

/// Work left for after a subtree is in place.
#[derive(Default)]
struct Build {
    /// Iframe documents to build: the iframe, the document's id, its nesting depth.
    docs: Vec<(HtmlIFrameElement, NodeId, u32)>,
    /// Elements with form state.
    forms: Vec<NodeId>,
    /// Elements with a scroll offset.
    scrolls: Vec<NodeId>,
}

/// What building one node gave.
enum Made {
    /// A node to insert, and whether its children are built into it.
    Insert(Node, bool),
    /// A shadow root, attached to its host already.
    Attached(Node),
    /// Nothing (deferred, or rejected by the browser).
    Skip,
}

impl Live {
    /// A live document in `iframe`, which must be in the document (so that it has a
    /// content document) and sandboxed.
    pub(crate) fn new(iframe: HtmlIFrameElement) -> Self {
        Live {
            iframe,
            nodes: HashMap::new(),
            bases: Vec::new(),
            base_url: String::new(),
            top_doctype: None,
            scroll_queue: Vec::new(),
            scrolled: Vec::new(),
        }
    }

    /// The iframe's document.
    pub(crate) fn document(&self) -> Option<Document> {
        self.iframe.content_document()
    }

    /// The live node of a recorded node.
    pub(crate) fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(&id)
    }

    /// Sets the URL relative URLs resolve against (the recorded page's).
    pub(crate) fn set_base_url(&mut self, url: &str) {
        if self.base_url == url {
            return;
        }
        url.clone_into(&mut self.base_url);
        for base in &self.bases {
            let _ = base.set_attribute("href", url);
        }
    }

    /// Replaces the whole live document with `dom`.
    pub(crate) fn rebuild(&mut self, dom: &Dom) {
        self.nodes.clear();
        self.bases.clear();
        self.scroll_queue.clear();
        self.scrolled.clear();
        let Some(doc) = self.document() else {
            return;
        };
        if self.rebuild_from_markup(dom, &doc) {
            return;
        }
        let root = dom.root();
        let doctype = root.and_then(doctype_of);
        self.reset_document(&doc, doctype, true);
        let mut build = Build::default();
        if let Some(root) = root {
            let doc_node: Node = doc.clone().into();
            if root.kind() == NodeKind::Document {
                self.nodes.insert(root.id(), doc_node.clone());
                let mut child = root.first_child();
                while let Some(c) = child {
                    self.build(c, &doc_node, None, None, 0, &mut build);
                    child = c.next_sibling();
                }
            } else {
                self.build(root, &doc_node, None, None, 0, &mut build);
            }
        }
        self.decorate(&doc);
        self.finish(dom, build);
    }

    /// Builds the whole document from its markup in one call (see [`markup`]), then maps
    /// the recorded ids to the parsed nodes and builds what the markup leaves out.
    /// `false`, with the document to be rebuilt, when the markup cannot show `dom` exactly.
    fn rebuild_from_markup(&mut self, dom: &Dom, doc: &Document) -> bool {
        let Some(root) = dom.root() else {
            return false;
        };
        if doc.content_type() != "text/html" {
            return false;
        }
        let Some(m) = markup::write(root, &|url| self.resolve(url)) else {
            return false;
        };
        self.reset_document(doc, doctype_of(root), true);
        let written = write_document(doc, &m.html, &m.shape, &m.tags);
        let Some(nodes) = written
            .ok()
            .and_then(|v| v.dyn_into::<js_sys::Array>().ok())
        else {
            return false;
        };
        if nodes.length() as usize != m.ids.len() {
            return false;
        }
        for (i, &id) in m.ids.iter().enumerate() {
            self.nodes.insert(id, nodes.get(i as u32).unchecked_into());
        }
        for id in m.fills {
            let (Some(node), Some(live)) = (dom.node(id), self.nodes.get(&id)) else {
                continue;
            };
            match node.data() {
                NodeData::Element(e) => live.set_text_content(inlined_css(e)),
                NodeData::Comment(t) => live.set_node_value(Some(t)),
                _ => {}
            }
        }
        let mut build = Build {
            forms: m.forms,
            scrolls: m.scrolls,
            ..Build::default()
        };
        for (parent, child) in m.deferred {
            let (Some(live), Some(child)) = (self.nodes.get(&parent).cloned(), dom.node(child))
            else {
                continue;
            };
            self.build(child, &live, None, None, 0, &mut build);
        }
        self.decorate(doc);
        self.finish(dom, build);
        true
    }

    /// Applies a batch the mirror has just applied: `dom` is the mirror after it, and
    /// `removed` every id in the subtrees it removed (see [`removed_ids`]).
    pub(crate) fn apply_batch(&mut self, dom: &Dom, batch: &MutationBatch, removed: &[NodeId]) {
        for id in &batch.removes {
            if let Some(node) = self.nodes.get(id) {
                detach(node);
            }
        }
        for id in removed {
            self.nodes.remove(id);
        }
        let mut build = Build::default();
        for tree in &batch.adds {
            if tree.parent == 0 {
                // A new root: only a whole new document can show it.
                self.rebuild(dom);
                return;
            }
            let (Some(top), Some(parent)) = (dom.node(tree.first_id), self.nodes.get(&tree.parent))
            else {
                continue;
            };
            let parent = children_parent(dom.node(tree.parent), parent);
            let before = tree.before.and_then(|b| self.nodes.get(&b).cloned());
            let last = u32::try_from(tree.nodes.len().saturating_sub(1))
                .ok()
                .and_then(|n| tree.first_id.checked_add(n))
                .unwrap_or(tree.first_id);
            let range = tree.first_id..=last;
            let depth = frame_depth(top);
            self.build(
                top,
                &parent,
                before.as_ref(),
                Some(&range),
                depth,
                &mut build,
            );
        }
        for change in &batch.attrs {
            self.attr_change(dom, change.id, &change.name, change.value.as_deref());
        }
        for change in &batch.texts {
            if let Some(node) = self.nodes.get(&change.id) {
                if is_character_data(node) {
                    node.set_node_value(Some(&change.text));
                }
            }
        }
        self.finish(dom, build);
        self.keep_bases();
    }

    /// Applies a patch computed against the mirror; `dom` is the patch's target.
    pub(crate) fn apply_patch(&mut self, dom: &Dom, patch: &Patch, removed: &[NodeId]) {
        if patch.reset {
            self.rebuild(dom);
            return;
        }
        self.apply_batch(dom, &patch.batch, removed);
        for input in &patch.inputs {
            self.sync_form(dom, input.id);
        }
        for scroll in &patch.scrolls {
            self.sync_scroll(dom, scroll.target);
        }
    }

    /// Shows the form state of `id` (and of the options below it) as recorded in `dom`.
    pub(crate) fn sync_form(&mut self, dom: &Dom, id: NodeId) {
        let Some(node) = dom.node(id) else {
            return;
        };
        for n in node.descendants() {
            if n.state()
                .is_some_and(|s| s.value.is_some() || s.checked.is_some())
            {
                self.apply_form(dom, n.id());
            }
        }
    }

    /// Queues showing the scroll offset of `id` (a document: of its root element) as in
    /// `dom` (see [`Live::flush_scrolls`]).
    pub(crate) fn sync_scroll(&mut self, dom: &Dom, id: NodeId) {
        let Some(node) = dom.node(id) else {
            return;
        };
        let id = if node.kind() == NodeKind::Document {
            match node.children().find(|c| c.kind() == NodeKind::Element) {
                Some(html) => html.id(),
                None => return,
            }
        } else {
            id
        };
        self.scroll_queue.push(id);
    }

    /// Applies the queued scroll offsets (of `dom`, the mirror after the whole step),
    /// now that the document has all of the step's changes.
    pub(crate) fn flush_scrolls(&mut self, dom: &Dom) {
        let mut ids = std::mem::take(&mut self.scroll_queue);
        ids.sort_unstable();
        ids.dedup();
        for &id in &ids {
            self.apply_scroll(dom, id);
        }
        self.scrolled.extend(ids);
    }

    /// Whether scroll offsets wait to be applied again after layout.
    pub(crate) fn needs_settle(&self) -> bool {
        !self.scrolled.is_empty()
    }

    /// Applies the recent scroll offsets again, now that layout (styles, images) had a
    /// frame to progress.
    pub(crate) fn settle(&mut self, dom: &Dom) {
        let mut ids = std::mem::take(&mut self.scrolled);
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            self.apply_scroll(dom, id);
        }
    }

    // --- building ------------------------------------------------------------------

    /// Builds the subtree `top` (only ids in `range`, when given) under the live `parent`,
    /// before `before`; iterative, so any depth works.
    fn build(
        &mut self,
        top: NodeRef<'_>,
        parent: &Node,
        before: Option<&Node>,
        range: Option<&RangeInclusive<NodeId>>,
        depth: u32,
        build: &mut Build,
    ) {
        let Some(doc) = document_of(parent) else {
            return;
        };
        let top_id = top.id();
        let mut stack = vec![(top, parent.clone())];
        while let Some((n, live_parent)) = stack.pop() {
            let (live, descend) = match self.make(&doc, n, &live_parent, depth, build) {
                Made::Skip => continue,
                Made::Attached(node) => (node, true),
                Made::Insert(node, descend) => {
                    let inserted = if n.id() == top_id {
                        // If the live tree lost `before`, appending beats losing the node.
                        live_parent
                            .insert_before(&node, before)
                            .or_else(|_| live_parent.append_child(&node))
                    } else {
                        live_parent.append_child(&node)
                    };
                    if inserted.is_err() {
                        continue;
                    }
                    (node, descend)
                }
            };
            if descend {
                let container = children_parent(Some(n), &live);
                let mut child = n.last_child();
                while let Some(c) = child {
                    if range.is_none_or(|r| r.contains(&c.id())) {
                        stack.push((c, container.clone()));
                    }
                    child = c.prev_sibling();
                }
            }
            self.nodes.insert(n.id(), live);
        }
    }

    fn make(
        &mut self,
        doc: &Document,
        n: NodeRef<'_>,
        parent: &Node,
        depth: u32,
        build: &mut Build,
    ) -> Made {
        match n.data() {
            NodeData::Document => {
                if let Some(frame) = as_iframe(parent) {
                    build.docs.push((frame.clone(), n.id(), depth + 1));
                }
                Made::Skip
            }
            NodeData::ShadowRoot => {
                let Some(host) = as_element(parent) else {
                    return Made::Skip;
                };
                let root = match host.shadow_root() {
                    Some(root) => {
                        clear(&root);
                        root
                    }
                    None => match host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open)) {
                        Ok(root) => root,
                        Err(_) => return Made::Skip,
                    },
                };
                Made::Attached(root.into())
            }
            NodeData::Doctype(d) => match doc
                .implementation()
                .and_then(|i| i.create_document_type(&d.name, &d.public_id, &d.system_id))
            {
                Ok(doctype) => Made::Insert(doctype.into(), false),
                Err(_) => Made::Skip,
            },
            NodeData::Element(e) => match self.element(doc, n.id(), e, build) {
                Some((el, descend)) => Made::Insert(el.into(), descend),
                None => Made::Skip,
            },
            NodeData::Text(t) => Made::Insert(doc.create_text_node(t).into(), false),
            NodeData::Comment(t) => Made::Insert(doc.create_comment(t).into(), false),
            // CDATA sections exist only in XML documents; in HTML the parser makes text.
            NodeData::CData(t) => Made::Insert(doc.create_text_node(t).into(), false),
        }
    }

    /// Creates an element with its (sanitized) attributes; `true` if its children follow.
    fn element(
        &self,
        doc: &Document,
        id: NodeId,
        e: &ElementData,
        build: &mut Build,
    ) -> Option<(Element, bool)> {
        let state = e.state.as_deref();
        let role = Role::of(e.namespace, &e.tag);
        if let Some(css) = inlined_css(e) {
            let el = create(doc, Namespace::Html, "style")?;
            if e.tag == "link" {
                if let Some(media) = e.attr("media") {
                    set_plain(&el, "media", media);
                }
                if let Some(href) = e.attr("href") {
                    set_plain(&el, "data-tapedeck-href", href);
                }
            } else {
                for a in &e.attrs {
                    let _ = self.set_attr(&el, Role::Other, "style", &a.name, &a.value);
                }
            }
            el.set_text_content(Some(css));
            return Some((el, false));
        }
        let el = create(doc, e.namespace, &e.tag)?;
        // The player's own attributes first: a recorded one of the same name is renamed.
        match role {
            Role::Script => set_plain(&el, "type", sanitize::DISABLED_SCRIPT_TYPE),
            Role::Frame => set_plain(&el, "sandbox", sanitize::IFRAME_SANDBOX),
            _ => {}
        }
        if let Some(size) = state.and_then(|s| s.blocked) {
            // As `Dom::to_html` writes it: the style extended in place, then the marker.
            let mut styled = false;
            for a in &e.attrs {
                if a.name == "style" {
                    set_plain(&el, "style", &blocked_style(&a.value, size));
                    styled = true;
                } else {
                    let _ = self.set_attr(&el, role, &e.tag, &a.name, &a.value);
                }
            }
            if !styled {
                set_plain(&el, "style", &blocked_style("", size));
            }
            set_plain(&el, "data-tapedeck-blocked", "");
            return Some((el, false));
        }
        for a in &e.attrs {
            let _ = self.set_attr(&el, role, &e.tag, &a.name, &a.value);
        }
        if let Some(s) = state {
            if s.value.is_some() || s.checked.is_some() {
                build.forms.push(id);
            }
            if s.scroll.is_some() {
                build.scrolls.push(id);
            }
        }
        Some((el, true))
    }

    /// Builds the documents of the iframes just built, then applies form state and scroll
    /// offsets.
    fn finish(&mut self, dom: &Dom, mut build: Build) {
        while let Some((frame, doc_id, depth)) = build.docs.pop() {
            if depth > MAX_FRAME_DEPTH {
                continue;
            }
            let (Some(doc), Some(node)) = (frame.content_document(), dom.node(doc_id)) else {
                continue;
            };
            self.reset_document(&doc, doctype_of(node), false);
            let doc_node: Node = doc.clone().into();
            self.nodes.insert(doc_id, doc_node.clone());
            let mut child = node.first_child();
            while let Some(c) = child {
                self.build(c, &doc_node, None, None, depth, &mut build);
                child = c.next_sibling();
            }
            self.decorate(&doc);
        }
        for id in build.forms {
            self.apply_form(dom, id);
        }
        self.scroll_queue.extend(build.scrolls);
    }

    /// Empties `doc`, first giving it the recorded rendering mode when that may differ.
    fn reset_document(&mut self, doc: &Document, doctype: Option<&Doctype>, top: bool) {
        let markup = doctype.map_or_else(String::new, |d| {
            sanitize::doctype_markup(&d.name, &d.public_id, &d.system_id)
        });
        if !top || self.top_doctype.as_deref() != Some(markup.as_str()) {
            // Only the parser sets a document's mode; `markup` is one doctype token.
            if doc.content_type() == "text/html" {
                let html: &HtmlDocument = doc.unchecked_ref();
                if html.open().is_ok() {
                    let _ = html.write_1(&markup);
                    let _ = html.close();
                }
            }
            if top {
                self.top_doctype = Some(markup);
            }
        }
        clear(doc);
    }

    /// Adds the injected `<base>` and the player's stylesheet to a recorded document.
    fn decorate(&mut self, doc: &Document) {
        adopt_stylesheet(doc);
        let Some(root) = doc.document_element() else {
            return;
        };
        let Ok(base) = doc.create_element("base") else {
            return;
        };
        set_plain(&base, INJECTED_ATTR, "");
        set_plain(&base, "href", &self.base_url);
        if root.append_child(&base).is_ok() {
            self.bases.push(base);
        }
    }

    /// Puts injected bases that a batch removed (with their root element) back, and
    /// forgets those of documents that are gone.
    fn keep_bases(&mut self) {
        self.bases.retain(|base| {
            let Some(doc) = base.owner_document() else {
                return false;
            };
            if doc.default_view().is_none() {
                return false;
            }
            if base.is_connected() && base.parent_node().is_some() {
                return true;
            }
            match doc.document_element() {
                Some(root) => root.append_child(base).is_ok(),
                None => true,
            }
        });
    }

    // --- attributes ----------------------------------------------------------------

    /// Sets a recorded attribute through the policy: `Some(true)` if it was set under its
    /// own name, `Some(false)` if under its `data-tapedeck-` alias, `None` if dropped.
    fn set_attr(
        &self,
        el: &Element,
        role: Role,
        tag: &str,
        name: &str,
        value: &str,
    ) -> Option<bool> {
        match sanitize::attribute(role, tag, name, value) {
            Verdict::Drop => return None,
            Verdict::Keep => set_qualified(el, name, value),
            Verdict::Rename => {
                set_plain(el, &sanitize::renamed(name), value);
                return Some(false);
            }
            Verdict::BaseHref => match self.resolve(value) {
                Some(url) if sanitize::base_allowed(&url) => set_plain(el, name, &url),
                _ => {
                    set_plain(el, &sanitize::renamed(name), value);
                    return Some(false);
                }
            },
        }
        Some(true)
    }

    /// `url` resolved against the recorded page URL.
    fn resolve(&self, url: &str) -> Option<String> {
        web_sys::Url::new_with_base(url, &self.base_url)
            .or_else(|_| web_sys::Url::new(url))
            .ok()
            .map(|u| u.href())
    }

    /// An attribute set (`Some`) or removed (`None`) on a live element.
    fn attr_change(&mut self, dom: &Dom, id: NodeId, name: &str, value: Option<&str>) {
        let (Some(node), Some(live)) = (dom.node(id), self.nodes.get(&id)) else {
            return;
        };
        let (Some(e), Some(el)) = (node.element(), as_element(live)) else {
            return;
        };
        if inlined_css(e).is_some() || e.state.as_deref().is_some_and(|s| s.blocked.is_some()) {
            // Shown differently from its attributes: build it again.
            self.replace(dom, id);
            return;
        }
        let role = Role::of(e.namespace, &e.tag);
        let alias = sanitize::renamed(name);
        // Names the player renames whatever their value share their plain name with an
        // attribute of the player's own (a script's `type`): that one stays.
        let own_name = sanitize::always_renamed(role, name) || sanitize::is_event_handler(name);
        let plain = match value {
            Some(value) => self.set_attr(el, role, &e.tag, name, value),
            None => None,
        };
        // The other form of the attribute (from an earlier value) goes.
        if plain != Some(false) {
            let _ = el.remove_attribute(&alias);
        }
        if plain != Some(true) && !own_name {
            let _ = el.remove_attribute(name);
        }
    }

    /// Builds element `id` again from `dom`, in place.
    fn replace(&mut self, dom: &Dom, id: NodeId) {
        let (Some(node), Some(old)) = (dom.node(id), self.nodes.get(&id).cloned()) else {
            return;
        };
        let Some(parent) = old.parent_node() else {
            return;
        };
        let next = old.next_sibling();
        let _ = parent.remove_child(&old);
        for n in node.descendants() {
            self.nodes.remove(&n.id());
        }
        let mut build = Build::default();
        self.build(
            node,
            &parent,
            next.as_ref(),
            None,
            frame_depth(node),
            &mut build,
        );
        self.finish(dom, build);
    }

    // --- state ---------------------------------------------------------------------

    fn apply_form(&self, dom: &Dom, id: NodeId) {
        let (Some(node), Some(live)) = (dom.node(id), self.nodes.get(&id)) else {
            return;
        };
        let (Some(e), Some(state)) = (node.element(), node.state()) else {
            return;
        };
        if e.namespace != Namespace::Html {
            return;
        }
        let set = |property: &str, value: JsValue| {
            // A file input refuses a value: keep going.
            let _ = js_sys::Reflect::set(live, &property.into(), &value);
        };
        match e.tag.as_str() {
            "input" | "textarea" | "select" => {
                if let Some(value) = &state.value {
                    set("value", value.into());
                }
                if let (Some(checked), "input") = (state.checked, e.tag.as_str()) {
                    set("checked", checked.into());
                }
            }
            "option" => {
                if let Some(selected) = state.checked {
                    set("selected", selected.into());
                }
            }
            _ => {}
        }
    }

    fn apply_scroll(&self, dom: &Dom, id: NodeId) {
        let (Some(node), Some(live)) = (dom.node(id), self.nodes.get(&id)) else {
            return;
        };
        let Some(el) = as_element(live) else {
            return;
        };
        let (x, y) = node.state().and_then(|s| s.scroll).unwrap_or((0, 0));
        let is_page = node
            .parent()
            .is_some_and(|p| p.kind() == NodeKind::Document);
        let target = if is_page {
            // The page's scroll is recorded on the root element; the document scrolls
            // through its scrolling element (the body in quirks mode).
            el.owner_document()
                .and_then(|d| d.scrolling_element())
                .unwrap_or_else(|| el.clone())
        } else {
            el.clone()
        };
        target.set_scroll_left(x);
        target.set_scroll_top(y);
    }
}

/// Every id in the subtrees `removes` names, as they are in `dom` before the removal.
pub(crate) fn removed_ids(dom: &Dom, removes: &[NodeId]) -> Vec<NodeId> {
    let mut out = Vec::new();
    for &id in removes {
        if let Some(node) = dom.node(id) {
            out.extend(node.descendants().map(|n| n.id()));
        }
    }
    out
}

/// The inlined rules an element is shown with instead of its own content, if any.
pub(crate) fn inlined_css(e: &ElementData) -> Option<&str> {
    let css = e
        .state
        .as_deref()
        .and_then(|s: &ElementState| s.css.as_deref())?;
    (e.is_html("link") || e.is_html("style")).then_some(css)
}

/// A blocked element's style: the recorded one, then its size (as `Dom::to_html`).
pub(crate) fn blocked_style(style: &str, size: Size) -> String {
    let trimmed = style.trim_end();
    let sep = if trimmed.is_empty() || trimmed.ends_with(';') {
        ""
    } else {
        ";"
    };
    format!(
        "{style}{sep}width:{}px;height:{}px",
        size.width, size.height
    )
}

fn doctype_of(document: NodeRef<'_>) -> Option<&Doctype> {
    document.children().find_map(|c| match c.data() {
        NodeData::Doctype(d) => Some(d),
        _ => None,
    })
}

/// How many iframe documents contain `node` (0 in the page itself).
fn frame_depth(node: NodeRef<'_>) -> u32 {
    let mut depth = 0u32;
    let mut cur = node.parent();
    while let Some(n) = cur {
        if n.kind() == NodeKind::Document && n.parent().is_some() {
            depth += 1;
        }
        cur = n.parent();
    }
    depth
}

fn create(doc: &Document, namespace: Namespace, tag: &str) -> Option<Element> {
    doc.create_element_ns(Some(namespace.uri()), tag)
        // A name the mirror accepts but `createElementNS` does not: keep the subtree.
        .or_else(|_| doc.create_element_ns(Some(namespace.uri()), "tapedeck-invalid"))
        .ok()
}

fn set_plain(el: &Element, name: &str, value: &str) {
    let _ = el.set_attribute(name, value);
}

/// Sets an attribute, in the XLink, XML or XMLNS namespace where the HTML parser puts it:
/// on SVG and MathML elements, by prefix, and `xmlns` itself (`<use xlink:href>` only works
/// in the XLink namespace). On HTML elements such names are plain, as parsed.
fn set_qualified(el: &Element, name: &str, value: &str) {
    let namespace = match name.split_once(':') {
        Some(("xlink", _)) => Some(XLINK),
        Some(("xml", _)) => Some(XML),
        Some(("xmlns", _)) => Some(XMLNS),
        None if name == "xmlns" => Some(XMLNS),
        _ => None,
    };
    // Asked only for the rare names above: one more call across the boundary.
    let namespace = namespace.filter(|_| el.namespace_uri().as_deref() != Some(HTML));
    let set = match namespace {
        Some(ns) => el.set_attribute_ns(Some(ns), name, value),
        None => el.set_attribute(name, value),
    };
    if set.is_err() {
        if namespace.is_some() {
            set_plain(el, name, value);
        } else {
            let _ = set_parsed(el, name, value);
        }
    }
}

/// Sets an attribute whose name only the HTML parser makes (`=x`, from `<p =x>`): the DOM
/// API refuses it, so one is parsed on an element of an inert template and moved over.
/// Only the name is parsed, and only a name that cannot end the tag or start another
/// attribute (none of whitespace, `/`, `>`, and `=` only first); the value is set through
/// the DOM.
fn set_parsed(el: &Element, name: &str, value: &str) -> Result<(), JsValue> {
    let parsable = name.starts_with('=')
        && !name[1..].contains('=')
        && !name
            .bytes()
            .any(|b| matches!(b, 0 | b'\t' | b'\n' | 0x0c | b'\r' | b' ' | b'/' | b'>'));
    if !parsable {
        return Err(JsValue::NULL);
    }
    let doc = el.owner_document().ok_or(JsValue::NULL)?;
    let template = doc.create_element("template")?;
    template.set_inner_html(&format!("<p {name}>"));
    let content: Node = js_sys::Reflect::get(&template, &"content".into())?.unchecked_into();
    let holder = content.first_child().ok_or(JsValue::NULL)?;
    let attrs = js_sys::Reflect::get(&holder, &"attributes".into())?;
    let attr = js_sys::Reflect::get_u32(&attrs, 0)?;
    let name_of = js_sys::Reflect::get(&attr, &"name".into())?;
    if name_of.as_string().as_deref() != Some(name) {
        return Err(JsValue::NULL);
    }
    let call = |target: &JsValue, method: &str, arg: &JsValue| -> Result<JsValue, JsValue> {
        let f: js_sys::Function = js_sys::Reflect::get(target, &method.into())?.unchecked_into();
        f.call1(target, arg)
    };
    call(&holder, "removeAttributeNode", &attr)?;
    js_sys::Reflect::set(&attr, &"value".into(), &value.into())?;
    call(el, "setAttributeNode", &attr)?;
    Ok(())
}

/// Where the children of mirror node `n`, shown as `live`, go: a template's content (the
/// mirror records it as the template's children, as HTML writes it), else `live` itself.
fn children_parent(n: Option<NodeRef<'_>>, live: &Node) -> Node {
    let template = n
        .and_then(|n| n.element())
        .is_some_and(|e| e.is_html("template"));
    if template {
        if let Ok(content) = js_sys::Reflect::get(live, &"content".into()) {
            if content.is_object() {
                return content.unchecked_into();
            }
        }
    }
    live.clone()
}

/// The document nodes created under `parent` belong to.
fn document_of(parent: &Node) -> Option<Document> {
    if parent.node_type() == Node::DOCUMENT_NODE {
        Some(parent.unchecked_ref::<Document>().clone())
    } else {
        parent.owner_document()
    }
}

// The live nodes belong to the iframe's realm, where `instanceof` against this page's
// constructors (`dyn_ref`) is false: node types are checked by `nodeType` instead.

fn as_element(node: &Node) -> Option<&Element> {
    (node.node_type() == Node::ELEMENT_NODE).then(|| node.unchecked_ref())
}

fn as_iframe(node: &Node) -> Option<&HtmlIFrameElement> {
    let el = as_element(node)?;
    let html = el.namespace_uri().as_deref() == Some(Namespace::Html.uri());
    (html && el.local_name() == "iframe").then(|| node.unchecked_ref())
}

fn is_character_data(node: &Node) -> bool {
    matches!(
        node.node_type(),
        Node::TEXT_NODE | Node::COMMENT_NODE | Node::CDATA_SECTION_NODE
    )
}

/// Takes a live node out of its parent; a document or shadow root (which cannot be
/// removed) is emptied instead.
fn detach(node: &Node) {
    match node.node_type() {
        Node::DOCUMENT_NODE | Node::DOCUMENT_FRAGMENT_NODE => clear(node),
        _ => {
            if let Some(parent) = node.parent_node() {
                let _ = parent.remove_child(node);
            }
        }
    }
}

fn clear(node: &Node) {
    while let Some(child) = node.first_child() {
        if node.remove_child(&child).is_err() {
            break;
        }
    }
}

/// Adopts [`DOCUMENT_CSS`] into `doc` (a constructed sheet must come from the document's
/// own window). Without constructable stylesheets, placeholders are simply not grey.
fn adopt_stylesheet(doc: &Document) {
    use js_sys::{Array, Function, Reflect};
    let Some(window) = doc.default_view() else {
        return;
    };
    let sheet = Reflect::get(&window, &"CSSStyleSheet".into())
        .ok()
        .and_then(|ctor| ctor.dyn_into::<Function>().ok())
        .and_then(|ctor| Reflect::construct(&ctor, &Array::new()).ok());
    let Some(sheet) = sheet else {
        return;
    };
    let replaced = Reflect::get(&sheet, &"replaceSync".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .map(|f| f.call1(&sheet, &DOCUMENT_CSS.into()).is_ok());
    if replaced == Some(true) {
        let _ = Reflect::set(doc, &"adoptedStyleSheets".into(), &Array::of1(&sheet));
    }
}
