//! Node ids: the recorder's half of the DOM mirror. Ids are handed out in document order as
//! nodes are serialized, so snapshots and added subtrees need not carry them.
//!
//! The map is a JS `WeakMap`, so removed nodes are collected with the page's own garbage
//! and the page cannot see or disturb our bookkeeping.

use js_sys::WeakMap;
use recorder_core::event::NodeId;
use std::cell::Cell;
use wasm_bindgen::{JsCast, JsValue};

/// Node → id, with the next free id.
#[derive(Debug)]
pub struct NodeIds {
    map: WeakMap,
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
            next: Cell::new(1),
        }
    }

    /// The node's id, if it has one.
    pub fn get(&self, node: &JsValue) -> Option<NodeId> {
        let id = self.map.get(node.unchecked_ref()).as_f64()?;
        Some(id as NodeId)
    }

    /// Gives the node the next id (replacing any it had: a moved node is re-serialized).
    pub fn assign(&self, node: &JsValue) -> NodeId {
        let id = self.next.get();
        self.next.set(id + 1);
        self.map.set(node.unchecked_ref(), &JsValue::from(id));
        id
    }

    /// The id the next [`assign`](Self::assign) will return.
    pub fn peek_next(&self) -> NodeId {
        self.next.get()
    }

    /// Forgets a node (it left the document).
    pub fn forget(&self, node: &JsValue) {
        self.map.delete(node.unchecked_ref());
    }
}
