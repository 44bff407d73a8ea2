//! Node ids: the recorder's half of the DOM mirror. Ids are handed out in document order as
//! nodes are serialized, so snapshots and added subtrees need not carry them.
//!
//! The map is a JS `WeakMap`, so removed nodes are collected with the page's own garbage
//! and the page cannot see or disturb our bookkeeping. Each entry is one number,
//! `id * 16 + flags`: the DOM capture's traversal (`capture/dom/walk.js`) writes entries
//! directly, with a few facts about the node it needs again when the node changes
//! (see [`flags`]). A second weak set remembers elements that must never have their value
//! recorded (see [`NodeIds::mark_secret`]).

use js_sys::{WeakMap, WeakSet};
use recorder_core::event::NodeId;
use std::cell::Cell;
use wasm_bindgen::{JsCast, JsValue};

/// Facts stored with a node's id (the low four bits of the map value). Must match
/// `walk.js`.
pub mod flags {
    /// The node's children are not recorded (`<script>`, `<noscript>`, `<textarea>`, the
    /// light DOM of an `<iframe>`, blocked elements).
    pub const OPAQUE: u32 = 1;
    /// A blocked element, recorded as a placeholder.
    pub const BLOCKED: u32 = 2;
    /// A text node whose content is masked, or an element whose texts below are.
    pub const MASKED: u32 = 4;
    /// An `<input>`: its `value` attribute goes through the privacy rules.
    pub const INPUT: u32 = 8;
    /// Map value = id * `SCALE` + flags.
    pub const SCALE: u32 = 16;
}

/// Node → id, with the next free id.
#[derive(Debug)]
pub struct NodeIds {
    map: WeakMap,
    secrets: WeakSet,
    next: Cell<NodeId>,
}

impl Default for NodeIds {
    fn default() -> Self {
        Self::new()
    }
}

impl NodeIds {
    /// An empty map; the first id handed out is 1.
    pub fn new() -> NodeIds {
        NodeIds {
            map: WeakMap::new(),
            secrets: WeakSet::new(),
            next: Cell::new(1),
        }
    }

    fn raw(&self, node: &JsValue) -> Option<f64> {
        if !node.is_object() {
            return None;
        }
        self.map.get(node.unchecked_ref()).as_f64()
    }

    /// The node's id, if it has one.
    pub fn get(&self, node: &JsValue) -> Option<NodeId> {
        let value = self.raw(node)?;
        Some((value / f64::from(flags::SCALE)) as NodeId)
    }

    /// The node's id and its [`flags`].
    pub fn get_with_flags(&self, node: &JsValue) -> Option<(NodeId, u32)> {
        let value = self.raw(node)? as u64;
        let scale = u64::from(flags::SCALE);
        Some(((value / scale) as NodeId, (value % scale) as u32))
    }

    /// Gives the node the next id (replacing any it had: a moved node is re-serialized).
    pub fn assign(&self, node: &JsValue) -> NodeId {
        let id = self.next.get();
        self.next.set(id.saturating_add(1));
        if node.is_object() {
            let value = f64::from(id) * f64::from(flags::SCALE);
            self.map.set(node.unchecked_ref(), &JsValue::from(value));
        }
        id
    }

    /// The id the next [`assign`](Self::assign) will return.
    pub fn peek_next(&self) -> NodeId {
        self.next.get()
    }

    /// Forgets a node (it left the document).
    pub fn forget(&self, node: &JsValue) {
        if node.is_object() {
            self.map.delete(node.unchecked_ref());
        }
    }

    /// The underlying map, for the DOM capture's traversal, which assigns ids itself.
    pub(crate) fn map(&self) -> &WeakMap {
        &self.map
    }

    /// After the traversal assigned ids up to `next - 1`.
    pub(crate) fn set_next(&self, next: NodeId) {
        if next > self.next.get() {
            self.next.set(next);
        }
    }

    /// Remembers that an element's value must never be recorded, whatever it becomes
    /// (a password field whose `type` a "show password" button switches to `text`).
    pub fn mark_secret(&self, element: &JsValue) {
        if element.is_object() {
            self.secrets.add(element.unchecked_ref());
        }
    }

    /// Whether [`mark_secret`](Self::mark_secret) was called for the element.
    pub fn is_secret(&self, element: &JsValue) -> bool {
        element.is_object() && self.secrets.has(element.unchecked_ref())
    }
}
