//! Exporting the mirror as events, and the difference between two mirrors as a [`Patch`].

use super::{Dom, DomError, NodeData, NIL};
use crate::event::{
    AddedTree, Attr, AttrChange, Input, InputValue, MutationBatch, NodeId, Scroll, Snapshot,
    TextChange,
};
use std::sync::Arc;

/// The changes that turn one mirror into another ([`diff`]); apply with [`Dom::apply_patch`].
///
/// A [`MutationBatch`] cannot express element state, so value and checked changes are
/// [`Input`]s and scroll changes [`Scroll`]s, applied after the batch. State a batch can
/// only carry inside an added subtree (inlined CSS, blocked size, a value or checked state
/// that disappears) is expressed by removing the element and adding it again, same ids.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Patch {
    /// Clear the mirror before the rest (the roots differ: a batch cannot replace the root).
    pub reset: bool,
    /// Structure, attributes and text.
    pub batch: MutationBatch,
    /// Form state changes, after the batch.
    pub inputs: Vec<Input>,
    /// Scroll changes, after the inputs.
    pub scrolls: Vec<Scroll>,
}

impl Patch {
    /// Whether the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        !self.reset && self.batch.is_empty() && self.inputs.is_empty() && self.scrolls.is_empty()
    }
}

impl Dom {
    /// Applies a [`Patch`], atomically: on error the mirror is unchanged.
    pub fn apply_patch(&mut self, patch: &Patch) -> Result<(), DomError> {
        if patch.reset {
            let mut fresh = Dom::new();
            fresh.apply_patch_parts(patch)?;
            *self = fresh;
            return Ok(());
        }
        self.apply_patch_parts(patch)
    }

    fn apply_patch_parts(&mut self, patch: &Patch) -> Result<(), DomError> {
        self.transaction(|dom, journal| {
            dom.apply_batch(&patch.batch, journal)?;
            for input in &patch.inputs {
                dom.input(input, journal)?;
            }
            for scroll in &patch.scrolls {
                dom.scroll(scroll, journal)?;
            }
            Ok(())
        })
    }

    /// The mirror as a snapshot, if its ids are consecutive in pre-order (as in a
    /// recorded snapshot); otherwise see [`Dom::subtree_adds`].
    pub fn to_snapshot(&self) -> Option<Snapshot> {
        if self.root == NIL {
            return None;
        }
        let mut trees = Vec::new();
        self.push_adds(self.root, 0, None, &mut trees);
        match <[AddedTree; 1]>::try_from(trees) {
            Ok([tree]) => Some(Snapshot {
                first_id: tree.first_id,
                nodes: tree.nodes,
            }),
            Err(_) => None,
        }
    }

    /// The subtree of `id` as the adds that recreate it, same ids, where it is (parent and
    /// next sibling; parent `0` for the root), in a mirror that lacks it.
    ///
    /// An [`AddedTree`]'s ids are implied by order, so the subtree is split wherever ids
    /// are not consecutive in pre-order: a node is added with fewer children and the
    /// others are appended to it by later trees.
    pub fn subtree_adds(&self, id: NodeId) -> Option<Vec<AddedTree>> {
        let slot = *self.index.get(&id)?;
        let s = self.slot(slot);
        let mut trees = Vec::new();
        let before = (s.next != NIL).then(|| self.id_of(s.next));
        self.push_adds(slot, self.id_of(s.parent), before, &mut trees);
        Some(trees)
    }

    /// Appends the adds that recreate the subtree `top` under `parent` before `before`.
    fn push_adds(
        &self,
        top: u32,
        parent: NodeId,
        before: Option<NodeId>,
        out: &mut Vec<AddedTree>,
    ) {
        /// An open ancestor: where its children go.
        struct Open {
            /// Index in `out` of the tree holding it, and its index in that tree.
            tree: usize,
            pos: usize,
            /// Whether all its children so far joined its tree (later ones may too).
            unbroken: bool,
        }
        let first_tree = out.len();
        // Next id each tree can take, as u64: a tree may end at u32::MAX.
        let mut next_ids: Vec<u64> = Vec::new();
        let mut open: Vec<Open> = Vec::new();
        let mut cur = top;
        loop {
            let s = self.slot(cur);
            let joined = match open.last_mut() {
                Some(o) if o.unbroken && next_ids[o.tree - first_tree] == u64::from(s.id) => {
                    let tree = &mut out[o.tree];
                    bump_children(&mut tree.nodes[o.pos]);
                    tree.nodes.push(s.data.to_snap(0));
                    next_ids[o.tree - first_tree] += 1;
                    Some((o.tree, tree.nodes.len() - 1))
                }
                Some(o) => {
                    o.unbroken = false;
                    None
                }
                None => None,
            };
            let (tree, pos) = joined.unwrap_or_else(|| {
                let (parent, before) = if cur == top {
                    (parent, before)
                } else {
                    (self.id_of(s.parent), None)
                };
                out.push(AddedTree {
                    parent,
                    before,
                    first_id: s.id,
                    nodes: vec![s.data.to_snap(0)],
                });
                next_ids.push(u64::from(s.id) + 1);
                (out.len() - 1, 0)
            });
            if s.first != NIL {
                open.push(Open {
                    tree,
                    pos,
                    unbroken: true,
                });
                cur = s.first;
                continue;
            }
            loop {
                if cur == top {
                    return;
                }
                let s = self.slot(cur);
                if s.next != NIL {
                    cur = s.next;
                    break;
                }
                cur = s.parent;
                open.pop();
            }
        }
    }
}

fn bump_children(node: &mut crate::event::SnapNode) {
    use crate::event::SnapNode;
    match node {
        SnapNode::Document(c) | SnapNode::ShadowRoot(c) => c.children += 1,
        SnapNode::Element(e) => e.children += 1,
        _ => {}
    }
}

/// The patch that turns `a` into `b`: `a.apply_patch(&diff(a, b))` makes `a == b`.
///
/// Nodes with the same id, kind, tag and parent in both are kept (and keep their id);
/// their attribute, text and state changes are emitted, nothing else touches them.
/// Among the kept children of a parent, the longest run already in `b`'s order stays;
/// the others and every node of `b` not kept are removed and added again. Different
/// roots give a `reset` patch. Runs in O(n) hash lookups plus O(k log k) per parent with
/// k kept children, without recursion; unchanged nodes shared between clones are
/// recognized by pointer.
pub fn diff(a: &Dom, b: &Dom) -> Patch {
    let mut patch = Patch::default();
    if b.root == NIL {
        patch.reset = a.root != NIL;
        return patch;
    }
    let root_kept = a.root != NIL
        && a.root_id() == b.root_id()
        && compatible(&a.slot(a.root).data, &b.slot(b.root).data);
    if !root_kept {
        patch.reset = a.root != NIL;
        b.push_adds(b.root, 0, None, &mut patch.batch.adds);
        return patch;
    }

    // Position of each kept-candidate among its parent's children in `a`, by `a` slot.
    let mut pos_in_a: Vec<u32> = vec![0; a.slots.len()];
    let mut kept_a: Vec<bool> = vec![false; a.slots.len()];
    kept_a[a.root as usize] = true;
    data_changes(a.root, a, b.root, b, &mut patch);
    let mut pairs: Vec<(u32, u32)> = vec![(a.root, b.root)];
    // Scratch, per parent: b children with their kept a slot (NIL: not kept).
    let mut children: Vec<(u32, u32)> = Vec::new();
    let mut candidates: Vec<usize> = Vec::new();
    while let Some((pa, pb)) = pairs.pop() {
        let (ca, cb) = (a.slot(pa), b.slot(pb));
        let mut i = 0;
        let mut child = ca.first;
        while child != NIL {
            pos_in_a[child as usize] = i;
            i += 1;
            child = a.slot(child).next;
        }
        children.clear();
        candidates.clear();
        let mut child = cb.first;
        while child != NIL {
            let s = b.slot(child);
            let in_a = a
                .index
                .get(&s.id)
                .copied()
                .filter(|&sa| a.slot(sa).parent == pa && compatible(&a.slot(sa).data, &s.data));
            if in_a.is_some() {
                candidates.push(children.len());
            }
            children.push((child, in_a.unwrap_or(NIL)));
            child = s.next;
        }
        // Keep the longest increasing run of `a` positions; the rest moves.
        let order: Vec<u32> = candidates
            .iter()
            .map(|&k| pos_in_a[children[k].1 as usize])
            .collect();
        let keep = longest_increasing(&order);
        let mut keep_iter = keep.iter().peekable();
        for (n, &k) in candidates.iter().enumerate() {
            if keep_iter.peek() == Some(&&n) {
                keep_iter.next();
                let (sb, sa) = children[k];
                kept_a[sa as usize] = true;
                data_changes(sa, a, sb, b, &mut patch);
                if a.slot(sa).first != NIL || b.slot(sb).first != NIL {
                    pairs.push((sa, sb));
                }
            } else {
                children[k].1 = NIL;
            }
        }
        let mut child = ca.first;
        while child != NIL {
            if !kept_a[child as usize] {
                patch.batch.removes.push(a.slot(child).id);
            }
            child = a.slot(child).next;
        }
        // Add the others before the next kept sibling (present throughout).
        let mut before = None;
        let mut groups: Vec<(u32, Option<NodeId>)> = Vec::new();
        for &(sb, sa) in children.iter().rev() {
            if sa == NIL {
                groups.push((sb, before));
            } else {
                before = Some(b.slot(sb).id);
            }
        }
        for &(sb, before) in groups.iter().rev() {
            b.push_adds(sb, cb.id, before, &mut patch.batch.adds);
        }
    }
    patch
}

/// Whether a node with data `a` can become one with data `b` through attribute, text,
/// input and scroll changes.
fn compatible(a: &NodeData, b: &NodeData) -> bool {
    match (a, b) {
        (NodeData::Element(x), NodeData::Element(y)) => {
            let (sx, sy) = (x.state.as_deref(), y.state.as_deref());
            let field = |f: fn(&crate::event::ElementState) -> bool| {
                sx.is_some_and(f) && sy.is_none_or(|s| !f(s))
            };
            x.tag == y.tag
                && x.namespace == y.namespace
                && sx.and_then(|s| s.css.as_ref()) == sy.and_then(|s| s.css.as_ref())
                && sx.and_then(|s| s.blocked) == sy.and_then(|s| s.blocked)
                // Inputs can set a value or checked state but not clear it.
                && !field(|s| s.value.is_some())
                && !field(|s| s.checked.is_some())
        }
        (NodeData::Doctype(x), NodeData::Doctype(y)) => x == y,
        _ => a.kind() == b.kind(),
    }
}

/// Attribute, text and state changes of a kept node.
fn data_changes(sa: u32, a: &Dom, sb: u32, b: &Dom, patch: &mut Patch) {
    let (da, db) = (&a.slot(sa).data, &b.slot(sb).data);
    if Arc::ptr_eq(da, db) {
        return;
    }
    let id = b.slot(sb).id;
    match (&**da, &**db) {
        (NodeData::Element(x), NodeData::Element(y)) => {
            diff_attrs(id, &x.attrs, &y.attrs, &mut patch.batch.attrs);
            let (sx, sy) = (x.state.as_deref(), y.state.as_deref());
            if let Some(v) = sy.and_then(|s| s.value.as_ref()) {
                if sx.and_then(|s| s.value.as_ref()) != Some(v) {
                    patch.inputs.push(Input {
                        id,
                        value: InputValue::Text(v.clone()),
                        user: false,
                    });
                }
            }
            if let Some(c) = sy.and_then(|s| s.checked) {
                if sx.and_then(|s| s.checked) != Some(c) {
                    patch.inputs.push(Input {
                        id,
                        value: InputValue::Checked(c),
                        user: false,
                    });
                }
            }
            let (x0, y0) = (
                sx.and_then(|s| s.scroll).unwrap_or((0, 0)),
                sy.and_then(|s| s.scroll).unwrap_or((0, 0)),
            );
            if x0 != y0 {
                patch.scrolls.push(Scroll {
                    target: id,
                    x: y0.0,
                    y: y0.1,
                });
            }
        }
        (
            NodeData::Text(x) | NodeData::Comment(x) | NodeData::CData(x),
            NodeData::Text(y) | NodeData::Comment(y) | NodeData::CData(y),
        ) if x != y => patch.batch.texts.push(TextChange {
            id,
            text: y.clone(),
        }),
        _ => {}
    }
}

/// Attribute changes from `a` to `b`, order included: setting a new attribute appends it,
/// so the attributes kept in place must be a prefix of `b`; the others are removed and set
/// again in `b`'s order.
fn diff_attrs(id: NodeId, a: &[Attr], b: &[Attr], out: &mut Vec<AttrChange>) {
    if a == b {
        return;
    }
    // The longest prefix of `b` that is a subsequence of `a` (greedy matching is optimal).
    let mut k = 0;
    let mut from = 0;
    for attr in b {
        match a[from..].iter().position(|x| x.name == attr.name) {
            Some(p) => {
                from += p + 1;
                k += 1;
            }
            None => break,
        }
    }
    let kept = &b[..k];
    for x in a {
        if !kept.iter().any(|y| y.name == x.name) {
            out.push(AttrChange {
                id,
                name: x.name.clone(),
                value: None,
            });
        }
    }
    for y in kept {
        if a.iter().any(|x| x.name == y.name && x.value != y.value) {
            out.push(AttrChange {
                id,
                name: y.name.clone(),
                value: Some(y.value.clone()),
            });
        }
    }
    for y in &b[k..] {
        out.push(AttrChange {
            id,
            name: y.name.clone(),
            value: Some(y.value.clone()),
        });
    }
}

/// Indices (ascending) of a longest strictly increasing subsequence of `seq`.
fn longest_increasing(seq: &[u32]) -> Vec<usize> {
    if seq.windows(2).all(|w| w[0] < w[1]) {
        return (0..seq.len()).collect();
    }
    // Patience sorting: tails[l] = index of the smallest tail of a run of length l + 1.
    let mut tails: Vec<usize> = Vec::new();
    let mut prev: Vec<usize> = vec![usize::MAX; seq.len()];
    for (i, &v) in seq.iter().enumerate() {
        let l = tails.partition_point(|&t| seq[t] < v);
        if l > 0 {
            prev[i] = tails[l - 1];
        }
        if l == tails.len() {
            tails.push(i);
        } else {
            tails[l] = i;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut i = tails.last().copied().unwrap_or(usize::MAX);
    while i != usize::MAX {
        out.push(i);
        i = prev[i];
    }
    out.reverse();
    out
}
