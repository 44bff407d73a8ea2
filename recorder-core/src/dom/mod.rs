//! The DOM mirror: the page as the recorder saw it, rebuilt from events.
//!
//! A [`Dom`] is an arena of nodes keyed by [`NodeId`]. It is built from a
//! [`Snapshot`](crate::event::Snapshot) and kept current by
//! [`MutationBatch`](crate::event::MutationBatch)es, [`Input`](crate::event::Input) and
//! [`Scroll`](crate::event::Scroll) events ([`Dom::apply_event`] dispatches them). It can
//! then be read node by node ([`Dom::node`], [`Dom::iter`]), serialized to HTML
//! ([`Dom::to_html`]), exported back to events ([`Dom::to_snapshot`], [`Dom::subtree_adds`])
//! and compared with another state ([`diff`] → [`Patch`]).
//!
//! Recorded events are untrusted input, so:
//! - applying anything is atomic: an invalid batch returns a [`DomError`] and leaves the
//!   mirror exactly as it was (an undo journal, not a copy of the mirror);
//! - nothing is allocated by id value (ids index a hash map) and nothing recurses on the
//!   tree's depth, so a 100k-deep chain works like any other tree;
//! - node data is shared between clones ([`Arc`]) and copied only when a clone changes it,
//!   so cloning a checkpoint costs a pointer per node rather than the page's strings.
//!
//! ```
//! use recorder_core::dom::{diff, Dom};
//! use recorder_core::event::*;
//!
//! // <body><p>hi</p></body>: ids 1 (document), 2 (body), 3 (p), 4 ("hi").
//! let el = |tag: &str, children| {
//!     SnapNode::Element(Element { tag: tag.into(), children, ..Default::default() })
//! };
//! let nodes = vec![
//!     SnapNode::Document(Container { children: 1 }),
//!     el("body", 1),
//!     el("p", 1),
//!     SnapNode::Text("hi".into()),
//! ];
//! let snapshot = Snapshot { first_id: 1, nodes };
//! let mut dom = Dom::from_snapshot(&snapshot)?;
//! let before = dom.clone();
//!
//! dom.apply(&MutationBatch {
//!     attrs: vec![AttrChange { id: 3, name: "class".into(), value: Some("note".into()) }],
//!     texts: vec![TextChange { id: 4, text: "a < b".into() }],
//!     ..Default::default()
//! })?;
//! assert_eq!(dom.to_html(), r#"<body><p class="note">a &lt; b</p></body>"#);
//! assert_eq!(dom.describe(3).as_deref(), Some(r#"p.note "a < b""#));
//!
//! // An invalid batch changes nothing.
//! let bad = MutationBatch { removes: vec![4, 99], ..Default::default() };
//! assert!(dom.apply(&bad).is_err());
//! assert_eq!(dom.node(4).and_then(|n| n.text()), Some("a < b"));
//!
//! // The way back, as a patch.
//! let patch = diff(&dom, &before);
//! dom.apply_patch(&patch)?;
//! assert_eq!(dom, before);
//! # Ok::<(), recorder_core::dom::DomError>(())
//! ```
//!
//! # Conventions beyond the event model
//! - An [`AddedTree`](crate::event::AddedTree) whose `parent` is `0` sets the root of an
//!   empty mirror (`before` must be `None`). Recorders never emit it; [`diff`] needs it to
//!   express "from nothing to this tree" as a batch.
//! - Removing the root is an error; replacing the whole content is a snapshot (or a
//!   [`Patch`] with `reset`).
//! - A removed id must be in the mirror when its remove is applied: removing a node inside
//!   a subtree already removed by the same batch is an error, not a no-op.
//! - Element state is stored normalized: a scroll of `(0, 0)` is no scroll, and an empty
//!   [`ElementState`] is `None`. Equality ([`PartialEq`]) compares ids, structure, node
//!   data and state.

mod apply;
mod diff;
mod html;

pub use diff::{diff, Patch};
pub use html::{MAX_SRCDOC_DEPTH, VOID_ELEMENTS};

use crate::event::{Attr, Doctype, Element, ElementState, Namespace, NodeId, SnapNode};
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, LazyLock};

/// Slot index meaning "no node".
const NIL: u32 = u32::MAX;

/// Why an event could not be applied. The mirror is unchanged when one is returned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DomError {
    /// An id refers to no node of the mirror (a remove, parent, `before` or target).
    #[error("node {0} is not in the mirror")]
    UnknownNode(NodeId),
    /// Id `0` is reserved for "none".
    #[error("node id 0 is reserved")]
    ZeroId,
    /// An added node's id is already used by a node of the mirror.
    #[error("node {0} is already in the mirror")]
    DuplicateId(NodeId),
    /// `first_id + nodes.len() - 1` does not fit a node id.
    #[error("{len} nodes starting at id {first_id} overflow the id space")]
    IdOverflow {
        /// The tree's first id.
        first_id: NodeId,
        /// Its node count.
        len: usize,
    },
    /// A snapshot or added tree has no node.
    #[error("a tree must have at least one node")]
    EmptyTree,
    /// The child counts of a tree announce more nodes than it has.
    #[error("the tree starting at {first_id} ends before all announced children")]
    TruncatedTree {
        /// The tree's first id.
        first_id: NodeId,
    },
    /// The child counts of a tree are used up before its last node.
    #[error("the tree starting at {first_id} has nodes after its last child (index {index})")]
    TrailingNodes {
        /// The tree's first id.
        first_id: NodeId,
        /// Index of the first node that belongs to no parent.
        index: usize,
    },
    /// Children were added to a node that cannot have any (text, comment, doctype…).
    #[error("node {0} cannot have children")]
    NotAContainer(NodeId),
    /// `before` is not a child of `parent`.
    #[error("node {before} is not a child of {parent}")]
    NotAChild {
        /// The parent of the add (`0`: the root position).
        parent: NodeId,
        /// The sibling that was supposed to follow the new subtree.
        before: NodeId,
    },
    /// The batch removes the root.
    #[error("node {0} is the root and cannot be removed")]
    RemoveRoot(NodeId),
    /// A tree was added as the root (`parent` 0) of a mirror that already has one.
    #[error("the mirror already has a root")]
    RootExists,
    /// An attribute change, input or scroll targets a node that is not an element.
    #[error("node {0} is not an element")]
    NotAnElement(NodeId),
    /// A text change targets a node that is not text, comment or CDATA.
    #[error("node {0} has no character data")]
    NotCharacterData(NodeId),
    /// A tag name is empty or contains a character no DOM element name can contain.
    #[error("node {id}: invalid tag name {name:?}")]
    InvalidTagName {
        /// The element.
        id: NodeId,
        /// The name, cut to 64 bytes.
        name: String,
    },
    /// An attribute name is empty or contains a character no DOM attribute name can contain.
    #[error("node {id}: invalid attribute name {name:?}")]
    InvalidAttrName {
        /// The element.
        id: NodeId,
        /// The name, cut to 64 bytes.
        name: String,
    },
    /// An element carries the same attribute name twice.
    #[error("node {id}: duplicate attribute {name:?}")]
    DuplicateAttr {
        /// The element.
        id: NodeId,
        /// The name, cut to 64 bytes.
        name: String,
    },
}

/// What kind of node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// A document: the page, or an iframe's content.
    Document,
    /// `<!DOCTYPE …>`.
    Doctype,
    /// An element.
    Element,
    /// A text node.
    Text,
    /// A comment.
    Comment,
    /// A CDATA section.
    CData,
    /// An open shadow root.
    ShadowRoot,
}

impl NodeKind {
    /// Whether nodes of this kind can have children.
    pub fn is_container(self) -> bool {
        matches!(
            self,
            NodeKind::Document | NodeKind::Element | NodeKind::ShadowRoot
        )
    }
}

/// The content of a node, without its links.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeData {
    /// A document.
    Document,
    /// A doctype.
    Doctype(Doctype),
    /// An element.
    Element(ElementData),
    /// Text.
    Text(String),
    /// A comment.
    Comment(String),
    /// A CDATA section.
    CData(String),
    /// An open shadow root (the first child of its host).
    ShadowRoot,
}

impl NodeData {
    /// Its kind.
    pub fn kind(&self) -> NodeKind {
        match self {
            NodeData::Document => NodeKind::Document,
            NodeData::Doctype(_) => NodeKind::Doctype,
            NodeData::Element(_) => NodeKind::Element,
            NodeData::Text(_) => NodeKind::Text,
            NodeData::Comment(_) => NodeKind::Comment,
            NodeData::CData(_) => NodeKind::CData,
            NodeData::ShadowRoot => NodeKind::ShadowRoot,
        }
    }

    /// The node as a [`SnapNode`] announcing `children` children.
    pub fn to_snap(&self, children: u32) -> SnapNode {
        use crate::event::Container;
        match self {
            NodeData::Document => SnapNode::Document(Container { children }),
            NodeData::Doctype(d) => SnapNode::Doctype(d.clone()),
            NodeData::Element(e) => SnapNode::Element(Element {
                tag: e.tag.clone(),
                namespace: e.namespace,
                attrs: e.attrs.clone(),
                children,
                state: e.state.clone(),
            }),
            NodeData::Text(t) => SnapNode::Text(t.clone()),
            NodeData::Comment(t) => SnapNode::Comment(t.clone()),
            NodeData::CData(t) => SnapNode::CData(t.clone()),
            NodeData::ShadowRoot => SnapNode::ShadowRoot(Container { children }),
        }
    }

    /// The data of a [`SnapNode`], with its state normalized (see the module docs).
    fn from_snap(node: &SnapNode) -> Self {
        match node {
            SnapNode::Document(_) => NodeData::Document,
            SnapNode::Doctype(d) => NodeData::Doctype(d.clone()),
            SnapNode::Element(e) => NodeData::Element(ElementData {
                tag: e.tag.clone(),
                namespace: e.namespace,
                attrs: e.attrs.clone(),
                state: e.state.as_deref().and_then(|s| normalized(s.clone())),
            }),
            SnapNode::Text(t) => NodeData::Text(t.clone()),
            SnapNode::Comment(t) => NodeData::Comment(t.clone()),
            SnapNode::CData(t) => NodeData::CData(t.clone()),
            SnapNode::ShadowRoot(_) => NodeData::ShadowRoot,
        }
    }
}

/// An element's tag, attributes and state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ElementData {
    /// Tag name, lower case for HTML, as written for SVG (`foreignObject`).
    pub tag: String,
    /// Namespace.
    pub namespace: Namespace,
    /// Attributes in order, unique by name.
    pub attrs: Vec<Attr>,
    /// Form values, scroll, inlined CSS, blocked size; `None` when there is none.
    pub state: Option<Box<ElementState>>,
}

impl ElementData {
    /// The value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_str())
    }

    /// Whether this is the HTML element `tag`.
    pub fn is_html(&self, tag: &str) -> bool {
        self.namespace == Namespace::Html && self.tag == tag
    }
}

/// `state` as stored: a zero scroll is no scroll, and an empty state is `None`.
fn normalized(mut state: ElementState) -> Option<Box<ElementState>> {
    if state.scroll == Some((0, 0)) {
        state.scroll = None;
    }
    (!state.is_empty()).then(|| Box::new(state))
}

/// FxHash-style hasher for `u32` ids: the map is hit for every id of every event.
///
/// Not DoS-resistant: a crafted recording can only slow down its own replay.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type IdMap<V> = HashMap<NodeId, V, BuildHasherDefault<IdHasher>>;

/// One arena slot. Links are slot indices (`NIL` for none).
#[derive(Clone, Debug)]
struct Slot {
    /// `0` when the slot is free.
    id: NodeId,
    parent: u32,
    first: u32,
    last: u32,
    prev: u32,
    next: u32,
    data: Arc<NodeData>,
}

/// Data of free slots: shared, so freeing a slot allocates nothing.
static VACANT: LazyLock<Arc<NodeData>> = LazyLock::new(|| Arc::new(NodeData::Document));

/// The DOM mirror. See the [module docs](self).
#[derive(Clone)]
pub struct Dom {
    slots: Vec<Slot>,
    free: Vec<u32>,
    index: IdMap<u32>,
    root: u32,
}

impl Default for Dom {
    fn default() -> Self {
        Dom::new()
    }
}

impl fmt::Debug for Dom {
    /// Size and root only: a page has thousands of nodes; use [`Dom::to_html`] to see them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dom")
            .field("len", &self.len())
            .field("root", &self.root().map(|r| r.id()))
            .finish()
    }
}

impl PartialEq for Dom {
    /// Same ids with the same data, parents, first children and next siblings.
    fn eq(&self, other: &Dom) -> bool {
        if self.len() != other.len() || self.root_id() != other.root_id() {
            return false;
        }
        self.index.iter().all(|(&id, &slot)| {
            let Some(&oslot) = other.index.get(&id) else {
                return false;
            };
            let (a, b) = (&self.slots[slot as usize], &other.slots[oslot as usize]);
            (Arc::ptr_eq(&a.data, &b.data) || a.data == b.data)
                && self.id_of(a.parent) == other.id_of(b.parent)
                && self.id_of(a.first) == other.id_of(b.first)
                && self.id_of(a.next) == other.id_of(b.next)
        })
    }
}

impl Dom {
    /// An empty mirror (no root).
    pub fn new() -> Self {
        Dom {
            slots: Vec::new(),
            free: Vec::new(),
            index: IdMap::default(),
            root: NIL,
        }
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether there is no node (no snapshot applied yet).
    pub fn is_empty(&self) -> bool {
        self.root == NIL
    }

    /// Removes every node.
    pub fn clear(&mut self) {
        *self = Dom::new();
    }

    /// The root node, normally a document.
    pub fn root(&self) -> Option<NodeRef<'_>> {
        (self.root != NIL).then_some(NodeRef {
            dom: self,
            slot: self.root,
        })
    }

    /// The node with id `id`.
    pub fn node(&self, id: NodeId) -> Option<NodeRef<'_>> {
        self.index.get(&id).map(|&slot| NodeRef { dom: self, slot })
    }

    /// Whether a node has id `id`.
    pub fn contains(&self, id: NodeId) -> bool {
        self.index.contains_key(&id)
    }

    /// All nodes in document (pre-)order, shadow roots before their host's other children.
    pub fn iter(&self) -> Descendants<'_> {
        Descendants {
            dom: self,
            top: self.root,
            next: self.root,
        }
    }

    /// Checks the internal invariants (links, index, free list); `Err` describes the first
    /// broken one. O(n); for tests and debugging.
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut seen = 0usize;
        for (slot_no, slot) in self.slots.iter().enumerate() {
            let s = slot_no as u32;
            if slot.id == 0 {
                continue;
            }
            seen += 1;
            if self.index.get(&slot.id) != Some(&s) {
                return Err(format!("node {} (slot {s}) is not indexed", slot.id));
            }
            if slot.parent == NIL && s != self.root {
                return Err(format!(
                    "node {} has no parent and is not the root",
                    slot.id
                ));
            }
            if slot.parent != NIL && !self.is_container(slot.parent) {
                return Err(format!("node {}'s parent is not a container", slot.id));
            }
            let mut prev = NIL;
            let mut child = slot.first;
            while child != NIL {
                let c = self.slot(child);
                if c.id == 0 || c.parent != s || c.prev != prev {
                    return Err(format!("broken child links under node {}", slot.id));
                }
                prev = child;
                child = c.next;
            }
            if slot.last != prev {
                return Err(format!("wrong last child of node {}", slot.id));
            }
            if let NodeData::Element(e) = &*slot.data {
                if e.state
                    .as_deref()
                    .is_some_and(|st| normalized(st.clone()).is_none())
                {
                    return Err(format!("node {} keeps an empty state", slot.id));
                }
            }
        }
        if seen != self.index.len() {
            return Err(format!("{} live slots, {} ids", seen, self.index.len()));
        }
        if self.iter().count() != seen {
            return Err("some nodes are not reachable from the root".into());
        }
        for &f in &self.free {
            if self.slots.get(f as usize).is_none_or(|s| s.id != 0) {
                return Err(format!("free slot {f} is in use"));
            }
        }
        if self.slots.len() != seen + self.free.len() {
            return Err("leaked slots".into());
        }
        Ok(())
    }

    // --- internal helpers -------------------------------------------------------------

    fn slot(&self, slot: u32) -> &Slot {
        &self.slots[slot as usize]
    }

    fn slot_mut(&mut self, slot: u32) -> &mut Slot {
        &mut self.slots[slot as usize]
    }

    /// Id of a slot, `0` for `NIL`.
    fn id_of(&self, slot: u32) -> NodeId {
        if slot == NIL {
            0
        } else {
            self.slot(slot).id
        }
    }

    fn root_id(&self) -> NodeId {
        self.id_of(self.root)
    }

    fn is_container(&self, slot: u32) -> bool {
        self.slot(slot).data.kind().is_container()
    }

    /// The slot after `cur` in pre-order within the subtree `top`, or `NIL`.
    fn next_preorder(&self, cur: u32, top: u32) -> u32 {
        let s = self.slot(cur);
        if s.first != NIL {
            return s.first;
        }
        let mut cur = cur;
        loop {
            if cur == top {
                return NIL;
            }
            let s = self.slot(cur);
            if s.next != NIL {
                return s.next;
            }
            cur = s.parent;
        }
    }

    /// The slot after the subtree of `cur` in pre-order within `top` (skips its children).
    fn next_skipping_children(&self, cur: u32, top: u32) -> u32 {
        let mut cur = cur;
        loop {
            if cur == top {
                return NIL;
            }
            let s = self.slot(cur);
            if s.next != NIL {
                return s.next;
            }
            cur = s.parent;
        }
    }

    /// Takes a free slot (or a new one) for `id`; links are left empty.
    fn alloc(&mut self, id: NodeId, data: NodeData) -> u32 {
        let slot = Slot {
            id,
            parent: NIL,
            first: NIL,
            last: NIL,
            prev: NIL,
            next: NIL,
            data: Arc::new(data),
        };
        match self.free.pop() {
            Some(s) => {
                self.slots[s as usize] = slot;
                s
            }
            None => {
                self.slots.push(slot);
                (self.slots.len() - 1) as u32
            }
        }
    }

    /// Returns a slot to the free list, dropping its data. Its links are left as they are,
    /// so a walk over a subtree being released can still climb through it.
    fn release(&mut self, slot: u32) {
        let s = self.slot_mut(slot);
        s.id = 0;
        s.data = Arc::clone(&VACANT);
        self.free.push(slot);
    }

    /// Links the detached `slot` as a child of `parent`, before `before` (`NIL`: last).
    fn link(&mut self, slot: u32, parent: u32, before: u32) {
        let prev = if before == NIL {
            self.slot(parent).last
        } else {
            self.slot(before).prev
        };
        {
            let s = self.slot_mut(slot);
            s.parent = parent;
            s.prev = prev;
            s.next = before;
        }
        if prev == NIL {
            self.slot_mut(parent).first = slot;
        } else {
            self.slot_mut(prev).next = slot;
        }
        if before == NIL {
            self.slot_mut(parent).last = slot;
        } else {
            self.slot_mut(before).prev = slot;
        }
    }

    /// Detaches `slot` from its parent; returns `(parent, next)` to re-link it later.
    fn unlink(&mut self, slot: u32) -> (u32, u32) {
        let Slot {
            parent, prev, next, ..
        } = *self.slot(slot);
        if prev == NIL {
            self.slot_mut(parent).first = next;
        } else {
            self.slot_mut(prev).next = next;
        }
        if next == NIL {
            self.slot_mut(parent).last = prev;
        } else {
            self.slot_mut(next).prev = prev;
        }
        let s = self.slot_mut(slot);
        s.parent = NIL;
        s.prev = NIL;
        s.next = NIL;
        (parent, next)
    }
}

/// A node of a [`Dom`]: its data and its links, by reference.
#[derive(Clone, Copy)]
pub struct NodeRef<'a> {
    dom: &'a Dom,
    slot: u32,
}

impl fmt::Debug for NodeRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NodeRef")
            .field("id", &self.id())
            .field("data", self.data())
            .finish()
    }
}

impl<'a> NodeRef<'a> {
    fn at(&self, slot: u32) -> Option<NodeRef<'a>> {
        (slot != NIL).then_some(NodeRef {
            dom: self.dom,
            slot,
        })
    }

    fn raw(&self) -> &'a Slot {
        self.dom.slot(self.slot)
    }

    /// Its id.
    pub fn id(&self) -> NodeId {
        self.raw().id
    }

    /// Its kind.
    pub fn kind(&self) -> NodeKind {
        self.raw().data.kind()
    }

    /// Its content.
    pub fn data(&self) -> &'a NodeData {
        &self.raw().data
    }

    /// Tag, attributes and state, for an element.
    pub fn element(&self) -> Option<&'a ElementData> {
        match self.data() {
            NodeData::Element(e) => Some(e),
            _ => None,
        }
    }

    /// Tag name, for an element.
    pub fn tag(&self) -> Option<&'a str> {
        self.element().map(|e| e.tag.as_str())
    }

    /// Namespace, for an element.
    pub fn namespace(&self) -> Option<Namespace> {
        self.element().map(|e| e.namespace)
    }

    /// Attributes (empty unless an element).
    pub fn attrs(&self) -> &'a [Attr] {
        self.element().map_or(&[], |e| &e.attrs)
    }

    /// The value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&'a str> {
        self.element().and_then(|e| e.attr(name))
    }

    /// Character data of a text, comment or CDATA node.
    pub fn text(&self) -> Option<&'a str> {
        match self.data() {
            NodeData::Text(t) | NodeData::Comment(t) | NodeData::CData(t) => Some(t),
            _ => None,
        }
    }

    /// Element state, when it has some.
    pub fn state(&self) -> Option<&'a ElementState> {
        self.element().and_then(|e| e.state.as_deref())
    }

    /// The parent; `None` for the root.
    pub fn parent(&self) -> Option<NodeRef<'a>> {
        self.at(self.raw().parent)
    }

    /// The first child.
    pub fn first_child(&self) -> Option<NodeRef<'a>> {
        self.at(self.raw().first)
    }

    /// The last child.
    pub fn last_child(&self) -> Option<NodeRef<'a>> {
        self.at(self.raw().last)
    }

    /// The next sibling.
    pub fn next_sibling(&self) -> Option<NodeRef<'a>> {
        self.at(self.raw().next)
    }

    /// The previous sibling.
    pub fn prev_sibling(&self) -> Option<NodeRef<'a>> {
        self.at(self.raw().prev)
    }

    /// The children, in order.
    pub fn children(&self) -> Children<'a> {
        Children {
            dom: self.dom,
            next: self.raw().first,
        }
    }

    /// This node and its descendants in pre-order.
    pub fn descendants(&self) -> Descendants<'a> {
        Descendants {
            dom: self.dom,
            top: self.slot,
            next: self.slot,
        }
    }
}

/// The children of a node ([`NodeRef::children`]).
#[derive(Clone, Debug)]
pub struct Children<'a> {
    dom: &'a Dom,
    next: u32,
}

impl<'a> Iterator for Children<'a> {
    type Item = NodeRef<'a>;

    fn next(&mut self) -> Option<NodeRef<'a>> {
        if self.next == NIL {
            return None;
        }
        let slot = self.next;
        self.next = self.dom.slot(slot).next;
        Some(NodeRef {
            dom: self.dom,
            slot,
        })
    }
}

/// A subtree in pre-order ([`Dom::iter`], [`NodeRef::descendants`]).
#[derive(Clone, Debug)]
pub struct Descendants<'a> {
    dom: &'a Dom,
    top: u32,
    next: u32,
}

impl<'a> Iterator for Descendants<'a> {
    type Item = NodeRef<'a>;

    fn next(&mut self) -> Option<NodeRef<'a>> {
        if self.next == NIL {
            return None;
        }
        let slot = self.next;
        self.next = self.dom.next_preorder(slot, self.top);
        Some(NodeRef {
            dom: self.dom,
            slot,
        })
    }
}

impl<'a> IntoIterator for &'a Dom {
    type Item = NodeRef<'a>;
    type IntoIter = Descendants<'a>;

    fn into_iter(self) -> Descendants<'a> {
        self.iter()
    }
}

/// `name` cut to at most 64 bytes, for error messages.
fn clip(name: &str) -> String {
    let mut end = name.len().min(64);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name[..end].to_owned()
}
