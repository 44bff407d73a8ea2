//! Applying events to the mirror, atomically.
//!
//! Every change goes through an undo journal: each operation is validated against the
//! current state just before it is performed, and the first invalid one rolls back the
//! ones before it. Removed subtrees stay allocated (but unindexed, so their ids can be
//! re-added) until the batch commits.

use super::{clip, normalized, Dom, DomError, NodeData, NIL};
use crate::event::{
    AttrChange, EventData, Input, InputValue, MutationBatch, NodeId, Scroll, SnapNode, Snapshot,
    TextChange,
};
use std::sync::Arc;

/// How to undo one operation.
#[derive(Debug)]
enum Undo {
    /// A subtree was added (as the root when its slot is the root).
    Added(u32),
    /// A subtree was detached from `parent`, where `next` followed it.
    Removed { slot: u32, parent: u32, next: u32 },
    /// A node's data was replaced.
    Data { slot: u32, old: Arc<NodeData> },
}

/// The undo journal of one transaction.
#[derive(Debug, Default)]
pub(super) struct Journal(Vec<Undo>);

impl Dom {
    /// A mirror holding `snapshot`.
    pub fn from_snapshot(snapshot: &Snapshot) -> Result<Dom, DomError> {
        let mut dom = Dom::new();
        // A fresh mirror is discarded on error, so its journal need not be replayed.
        dom.add_tree(
            0,
            None,
            snapshot.first_id,
            &snapshot.nodes,
            &mut Journal::default(),
        )?;
        Ok(dom)
    }

    /// Replaces the whole content with `snapshot` (a new page, or a checkpoint).
    pub fn apply_snapshot(&mut self, snapshot: &Snapshot) -> Result<(), DomError> {
        *self = Dom::from_snapshot(snapshot)?;
        Ok(())
    }

    /// Applies a mutation batch: removes, then adds, then attribute and text changes.
    pub fn apply(&mut self, batch: &MutationBatch) -> Result<(), DomError> {
        self.transaction(|dom, journal| dom.apply_batch(batch, journal))
    }

    /// Applies a form control's new value.
    ///
    /// Text sets the element's value; `Checked` its checked (or an option's selected)
    /// state; `Selected` the selected state of every `<option>` below it, by index.
    pub fn apply_input(&mut self, input: &Input) -> Result<(), DomError> {
        self.transaction(|dom, journal| dom.input(input, journal))
    }

    /// Applies a scroll position. The document's id stands for its document element.
    pub fn apply_scroll(&mut self, scroll: &Scroll) -> Result<(), DomError> {
        self.transaction(|dom, journal| dom.scroll(scroll, journal))
    }

    /// Applies a DOM event (snapshot, mutation, input, scroll); returns whether `data` was
    /// one. Other events are ignored.
    pub fn apply_event(&mut self, data: &EventData) -> Result<bool, DomError> {
        match data {
            EventData::Snapshot(s) => self.apply_snapshot(s).map(|()| true),
            EventData::Mutation(b) => self.apply(b).map(|()| true),
            EventData::Input(i) => self.apply_input(i).map(|()| true),
            EventData::Scroll(s) => self.apply_scroll(s).map(|()| true),
            _ => Ok(false),
        }
    }

    /// Runs `f`; keeps its changes if it succeeds and undoes them if it fails.
    pub(super) fn transaction(
        &mut self,
        f: impl FnOnce(&mut Dom, &mut Journal) -> Result<(), DomError>,
    ) -> Result<(), DomError> {
        let mut journal = Journal::default();
        match f(self, &mut journal) {
            Ok(()) => {
                self.commit(journal);
                Ok(())
            }
            Err(e) => {
                self.rollback(journal);
                Err(e)
            }
        }
    }

    pub(super) fn apply_batch(
        &mut self,
        batch: &MutationBatch,
        journal: &mut Journal,
    ) -> Result<(), DomError> {
        for &id in &batch.removes {
            self.remove(id, journal)?;
        }
        for tree in &batch.adds {
            self.add_tree(
                tree.parent,
                tree.before,
                tree.first_id,
                &tree.nodes,
                journal,
            )?;
        }
        for change in &batch.attrs {
            self.set_attr(change, journal)?;
        }
        for change in &batch.texts {
            self.set_text(change, journal)?;
        }
        Ok(())
    }

    fn commit(&mut self, journal: Journal) {
        for undo in journal.0 {
            if let Undo::Removed { slot, .. } = undo {
                self.release_subtree(slot);
            }
        }
    }

    fn rollback(&mut self, journal: Journal) {
        for undo in journal.0.into_iter().rev() {
            match undo {
                Undo::Added(slot) => {
                    if slot == self.root {
                        self.root = NIL;
                    } else {
                        self.unlink(slot);
                    }
                    self.unindex_subtree(slot);
                    self.release_subtree(slot);
                }
                Undo::Removed { slot, parent, next } => {
                    self.link(slot, parent, next);
                    let mut cur = slot;
                    while cur != NIL {
                        let id = self.slot(cur).id;
                        self.index.insert(id, cur);
                        cur = self.next_preorder(cur, slot);
                    }
                }
                Undo::Data { slot, old } => self.slot_mut(slot).data = old,
            }
        }
    }

    fn unindex_subtree(&mut self, top: u32) {
        let mut cur = top;
        while cur != NIL {
            let id = self.slot(cur).id;
            self.index.remove(&id);
            cur = self.next_preorder(cur, top);
        }
    }

    fn release_subtree(&mut self, top: u32) {
        let mut cur = top;
        while cur != NIL {
            let next = self.next_preorder(cur, top);
            self.release(cur);
            cur = next;
        }
    }

    fn lookup(&self, id: NodeId) -> Result<u32, DomError> {
        self.index
            .get(&id)
            .copied()
            .ok_or(DomError::UnknownNode(id))
    }

    fn remove(&mut self, id: NodeId, journal: &mut Journal) -> Result<(), DomError> {
        let slot = self.lookup(id)?;
        if slot == self.root {
            return Err(DomError::RemoveRoot(id));
        }
        let (parent, next) = self.unlink(slot);
        journal.0.push(Undo::Removed { slot, parent, next });
        self.unindex_subtree(slot);
        Ok(())
    }

    /// Adds one pre-order tree under `parent` (`0`: as the root) before `before`.
    pub(super) fn add_tree(
        &mut self,
        parent: NodeId,
        before: Option<NodeId>,
        first_id: NodeId,
        nodes: &[SnapNode],
        journal: &mut Journal,
    ) -> Result<(), DomError> {
        if nodes.is_empty() {
            return Err(DomError::EmptyTree);
        }
        if first_id == 0 {
            return Err(DomError::ZeroId);
        }
        let overflow = DomError::IdOverflow {
            first_id,
            len: nodes.len(),
        };
        let last = u32::try_from(nodes.len() - 1).map_err(|_| overflow.clone())?;
        first_id.checked_add(last).ok_or(overflow)?;

        let parent_slot = if parent == 0 {
            if self.root != NIL {
                return Err(DomError::RootExists);
            }
            NIL
        } else {
            let p = self.lookup(parent)?;
            if !self.is_container(p) {
                return Err(DomError::NotAContainer(parent));
            }
            p
        };
        let before_slot = match before {
            None => NIL,
            Some(b) => {
                let s = self.index.get(&b).copied();
                match s {
                    Some(s) if parent_slot != NIL && self.slot(s).parent == parent_slot => s,
                    Some(_) => return Err(DomError::NotAChild { parent, before: b }),
                    None if parent == 0 => return Err(DomError::NotAChild { parent, before: b }),
                    None => return Err(DomError::UnknownNode(b)),
                }
            }
        };
        validate_tree(first_id, nodes)?;
        if !self.index.is_empty() {
            let mut ids = first_id..=first_id + last;
            if let Some(id) = ids.find(|id| self.index.contains_key(id)) {
                return Err(DomError::DuplicateId(id));
            }
        }

        // Valid: build it. Stack of (slot, children still to come).
        self.index.reserve(nodes.len());
        self.slots
            .reserve(nodes.len().saturating_sub(self.free.len()));
        let mut stack: Vec<(u32, u32)> = Vec::new();
        let mut top = NIL;
        for (i, node) in nodes.iter().enumerate() {
            let id = first_id + i as u32;
            let slot = self.alloc(id, NodeData::from_snap(node));
            self.index.insert(id, slot);
            if i == 0 {
                top = slot;
                if parent_slot == NIL {
                    self.root = slot;
                } else {
                    self.link(slot, parent_slot, before_slot);
                }
            } else {
                while stack.last().is_some_and(|&(_, left)| left == 0) {
                    stack.pop();
                }
                // validate_tree guarantees a parent with a child to come.
                if let Some((p, left)) = stack.last_mut() {
                    *left -= 1;
                    let p = *p;
                    self.link(slot, p, NIL);
                }
            }
            let children = node.child_count();
            if children > 0 {
                stack.push((slot, children));
            }
        }
        journal.0.push(Undo::Added(top));
        Ok(())
    }

    fn set_attr(&mut self, change: &AttrChange, journal: &mut Journal) -> Result<(), DomError> {
        let slot = self.lookup(change.id)?;
        let NodeData::Element(el) = &*self.slot(slot).data else {
            return Err(DomError::NotAnElement(change.id));
        };
        if !valid_attr_name(&change.name) {
            return Err(DomError::InvalidAttrName {
                id: change.id,
                name: clip(&change.name),
            });
        }
        let pos = el.attrs.iter().position(|a| a.name == change.name);
        let unchanged = match (pos, &change.value) {
            (None, None) => true,
            (Some(p), Some(v)) => el.attrs[p].value == *v,
            _ => false,
        };
        if unchanged {
            return Ok(());
        }
        self.modify(slot, journal, |data| {
            if let NodeData::Element(el) = data {
                match (pos, &change.value) {
                    (Some(p), Some(v)) => el.attrs[p].value.clone_from(v),
                    (Some(p), None) => {
                        el.attrs.remove(p);
                    }
                    (None, Some(v)) => el.attrs.push(crate::event::Attr::new(&*change.name, &**v)),
                    (None, None) => {}
                }
            }
        });
        Ok(())
    }

    fn set_text(&mut self, change: &TextChange, journal: &mut Journal) -> Result<(), DomError> {
        let slot = self.lookup(change.id)?;
        match &*self.slot(slot).data {
            NodeData::Text(t) | NodeData::Comment(t) | NodeData::CData(t) => {
                if *t == change.text {
                    return Ok(());
                }
            }
            _ => return Err(DomError::NotCharacterData(change.id)),
        }
        self.modify(slot, journal, |data| {
            if let NodeData::Text(t) | NodeData::Comment(t) | NodeData::CData(t) = data {
                t.clone_from(&change.text);
            }
        });
        Ok(())
    }

    /// Changes a node's data, journaling the old one; copies the data if a clone shares it.
    fn modify(&mut self, slot: u32, journal: &mut Journal, f: impl FnOnce(&mut NodeData)) {
        let data = &mut self.slot_mut(slot).data;
        journal.0.push(Undo::Data {
            slot,
            old: Arc::clone(data),
        });
        f(Arc::make_mut(data));
    }

    /// Changes an element's state (normalized afterwards); the caller checked it is one.
    fn modify_state(
        &mut self,
        slot: u32,
        journal: &mut Journal,
        f: impl FnOnce(&mut crate::event::ElementState),
    ) {
        let NodeData::Element(el) = &*self.slot(slot).data else {
            return;
        };
        let mut state = el.state.as_deref().cloned().unwrap_or_default();
        f(&mut state);
        let state = normalized(state);
        if state == el.state {
            return;
        }
        self.modify(slot, journal, |data| {
            if let NodeData::Element(el) = data {
                el.state = state;
            }
        });
    }

    fn element_slot(&self, id: NodeId) -> Result<u32, DomError> {
        let slot = self.lookup(id)?;
        match &*self.slot(slot).data {
            NodeData::Element(_) => Ok(slot),
            _ => Err(DomError::NotAnElement(id)),
        }
    }

    pub(super) fn input(&mut self, input: &Input, journal: &mut Journal) -> Result<(), DomError> {
        let slot = self.element_slot(input.id)?;
        match &input.value {
            InputValue::Text(v) => self.modify_state(slot, journal, |s| s.value = Some(v.clone())),
            InputValue::Checked(c) => self.modify_state(slot, journal, |s| s.checked = Some(*c)),
            InputValue::Selected(indices) => {
                let mut indices = indices.clone();
                indices.sort_unstable();
                let options: Vec<u32> = self
                    .node(input.id)
                    .into_iter()
                    .flat_map(|n| n.descendants())
                    .filter(|n| n.element().is_some_and(|e| e.is_html("option")))
                    .map(|n| n.slot)
                    .collect();
                for (i, option) in options.into_iter().enumerate() {
                    let selected =
                        u32::try_from(i).is_ok_and(|i| indices.binary_search(&i).is_ok());
                    self.modify_state(option, journal, |s| s.checked = Some(selected));
                }
            }
        }
        Ok(())
    }

    pub(super) fn scroll(
        &mut self,
        scroll: &Scroll,
        journal: &mut Journal,
    ) -> Result<(), DomError> {
        let mut slot = self.lookup(scroll.target)?;
        if matches!(&*self.slot(slot).data, NodeData::Document) {
            // The page's scroll lives on its document element, as in snapshots.
            let node = self.node(scroll.target);
            let html = node.and_then(|d| d.children().find(|c| c.element().is_some()));
            slot = html
                .map(|h| h.slot)
                .ok_or(DomError::NotAnElement(scroll.target))?;
        } else {
            self.element_slot(scroll.target)?;
        }
        let offset = (scroll.x, scroll.y);
        self.modify_state(slot, journal, |s| s.scroll = Some(offset));
        Ok(())
    }
}

/// Checks that `nodes` is exactly one pre-order tree with valid names.
fn validate_tree(first_id: NodeId, nodes: &[SnapNode]) -> Result<(), DomError> {
    // Children still to come, per open ancestor.
    let mut open: Vec<u32> = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        if i > 0 {
            while open.last() == Some(&0) {
                open.pop();
            }
            match open.last_mut() {
                Some(left) => *left -= 1,
                None => return Err(DomError::TrailingNodes { first_id, index: i }),
            }
        }
        if let SnapNode::Element(e) = node {
            let id = first_id.wrapping_add(i as u32);
            if !valid_tag_name(&e.tag) {
                return Err(DomError::InvalidTagName {
                    id,
                    name: clip(&e.tag),
                });
            }
            if let Some(attr) = e.attrs.iter().find(|a| !valid_attr_name(&a.name)) {
                return Err(DomError::InvalidAttrName {
                    id,
                    name: clip(&attr.name),
                });
            }
            if let Some(name) = duplicate_name(&e.attrs) {
                return Err(DomError::DuplicateAttr {
                    id,
                    name: clip(name),
                });
            }
        }
        let children = node.child_count();
        if children > 0 {
            open.push(children);
        }
    }
    if open.iter().any(|&left| left > 0) {
        return Err(DomError::TruncatedTree { first_id });
    }
    Ok(())
}

/// A name that occurs twice among `attrs`.
fn duplicate_name(attrs: &[crate::event::Attr]) -> Option<&str> {
    // Elements have a handful of attributes; only untrusted input has thousands.
    if attrs.len() <= 16 {
        let mut dup = attrs
            .iter()
            .enumerate()
            .filter(|(k, a)| attrs[..*k].iter().any(|b| b.name == a.name));
        return dup.next().map(|(_, a)| a.name.as_str());
    }
    let mut seen = std::collections::HashSet::with_capacity(attrs.len());
    attrs
        .iter()
        .find(|a| !seen.insert(a.name.as_str()))
        .map(|a| a.name.as_str())
}

/// Whether `b` can never appear in a DOM element or attribute name.
fn forbidden_in_name(b: u8) -> bool {
    matches!(b, 0 | b'\t' | b'\n' | 0x0c | b'\r' | b' ' | b'/' | b'>')
}

/// What the DOM accepts as an element's local name (and the HTML parser can produce).
fn valid_tag_name(name: &str) -> bool {
    !name.is_empty() && !name.bytes().any(forbidden_in_name)
}

/// What the DOM accepts as an attribute name, and what the HTML parser can produce: it
/// starts a name with `=` where one is expected (`<p =x>` has an attribute `=x`).
pub(super) fn valid_attr_name(name: &str) -> bool {
    !name.is_empty()
        && !name
            .bytes()
            .enumerate()
            .any(|(i, b)| forbidden_in_name(b) || (b == b'=' && i > 0))
}
