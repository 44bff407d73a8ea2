//! Property tests: random trees and random mutation sequences, checked against an
//! independent model of the tree; `diff` between random pairs of the states reached.

mod dom_util;

use dom_util::assert_consistent;
use proptest::prelude::*;
use recorder_core::dom::{diff, Dom};
use recorder_core::event::*;
use std::collections::BTreeMap;

/// xorshift64*: the generator's choices depend on the current state, so proptest supplies
/// seeds and this expands them.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const TAGS: &[&str] = &[
    "div", "span", "p", "li", "input", "textarea", "select", "option", "a", "br",
];
const ATTRS: &[&str] = &["id", "class", "title", "data-x", "href", "style", "value"];
const VALUES: &[&str] = &["", "a", "b c", "<&\">", "\u{a0}x", "long value here"];
const TEXTS: &[&str] = &["", "hello", "a & b", " <x> ", "\u{a0}", "line\nbreak"];

#[derive(Clone, Debug)]
struct MNode {
    /// Data only: child counts are kept at 0.
    data: SnapNode,
    parent: NodeId,
    children: Vec<NodeId>,
}

/// The model: a plain tree of ids, written independently of `Dom`.
#[derive(Clone, Debug, Default)]
struct Model {
    root: Option<NodeId>,
    nodes: BTreeMap<NodeId, MNode>,
}

fn set_children(node: &mut SnapNode, n: u32) {
    match node {
        SnapNode::Document(c) | SnapNode::ShadowRoot(c) => c.children = n,
        SnapNode::Element(e) => e.children = n,
        _ => {}
    }
}

fn is_container(node: &SnapNode) -> bool {
    matches!(
        node,
        SnapNode::Document(_) | SnapNode::ShadowRoot(_) | SnapNode::Element(_)
    )
}

impl Model {
    /// Pre-order of (id, parent, data with child count).
    fn canonical(&self) -> Vec<(NodeId, NodeId, SnapNode)> {
        let mut out = Vec::new();
        let mut stack: Vec<NodeId> = self.root.into_iter().collect();
        while let Some(id) = stack.pop() {
            let n = &self.nodes[&id];
            let mut data = n.data.clone();
            set_children(&mut data, n.children.len() as u32);
            out.push((id, n.parent, data));
            stack.extend(n.children.iter().rev());
        }
        out
    }

    fn subtree(&self, id: NodeId) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut stack = vec![id];
        while let Some(id) = stack.pop() {
            out.push(id);
            stack.extend(self.nodes[&id].children.iter().rev());
        }
        out
    }

    /// The subtree of `id` as pre-order snap nodes (to re-add it elsewhere).
    fn serialize(&self, id: NodeId) -> Vec<SnapNode> {
        self.subtree(id)
            .into_iter()
            .map(|i| {
                let n = &self.nodes[&i];
                let mut data = n.data.clone();
                set_children(&mut data, n.children.len() as u32);
                data
            })
            .collect()
    }

    fn remove(&mut self, id: NodeId) {
        let parent = self.nodes[&id].parent;
        self.nodes
            .get_mut(&parent)
            .expect("parent")
            .children
            .retain(|&c| c != id);
        for i in self.subtree(id) {
            self.nodes.remove(&i);
        }
    }

    /// Adds a pre-order tree (valid by construction) under `parent` before `before`.
    fn add(
        &mut self,
        parent: NodeId,
        before: Option<NodeId>,
        first_id: NodeId,
        nodes: &[SnapNode],
    ) {
        let mut open: Vec<(NodeId, u32)> = Vec::new();
        for (i, node) in nodes.iter().enumerate() {
            let id = first_id + i as u32;
            let mut data = node.clone();
            set_children(&mut data, 0);
            if let SnapNode::Element(e) = &mut data {
                e.state = e.state.take().and_then(|s| normalize(*s));
            }
            let p = if i == 0 {
                parent
            } else {
                while open.last().is_some_and(|o| o.1 == 0) {
                    open.pop();
                }
                let o = open.last_mut().expect("parent");
                o.1 -= 1;
                o.0
            };
            self.nodes.insert(
                id,
                MNode {
                    data,
                    parent: p,
                    children: vec![],
                },
            );
            if i == 0 && parent == 0 {
                self.root = Some(id);
            } else {
                let siblings = &mut self.nodes.get_mut(&p).expect("parent").children;
                let at = if i == 0 {
                    before.and_then(|b| siblings.iter().position(|&c| c == b))
                } else {
                    None
                };
                siblings.insert(at.unwrap_or(siblings.len()), id);
            }
            if node.child_count() > 0 {
                open.push((id, node.child_count()));
            }
        }
    }

    fn ids_where(&self, f: impl Fn(&MNode) -> bool) -> Vec<NodeId> {
        self.nodes
            .iter()
            .filter(|(_, n)| f(n))
            .map(|(&id, _)| id)
            .collect()
    }

    fn element_mut(&mut self, id: NodeId) -> &mut Element {
        match &mut self.nodes.get_mut(&id).expect("node").data {
            SnapNode::Element(e) => e,
            _ => panic!("not an element"),
        }
    }

    fn update_state(&mut self, id: NodeId, f: impl FnOnce(&mut ElementState)) {
        let e = self.element_mut(id);
        let mut state = e.state.take().map(|s| *s).unwrap_or_default();
        f(&mut state);
        e.state = normalize(state);
    }
}

fn normalize(mut s: ElementState) -> Option<Box<ElementState>> {
    if s.scroll == Some((0, 0)) {
        s.scroll = None;
    }
    (!s.is_empty()).then(|| Box::new(s))
}

fn canonical(dom: &Dom) -> Vec<(NodeId, NodeId, SnapNode)> {
    dom.iter()
        .map(|n| {
            let parent = n.parent().map_or(0, |p| p.id());
            (
                n.id(),
                parent,
                n.data().to_snap(n.children().count() as u32),
            )
        })
        .collect()
}

struct Gen {
    rng: Rng,
    next_id: NodeId,
}

impl Gen {
    fn fresh(&mut self, n: usize) -> NodeId {
        // Leave gaps now and then, so runs of ids are not always consecutive.
        self.next_id += self.rng.below(3) as u32;
        let first = self.next_id;
        self.next_id += n as u32;
        first
    }

    fn state(&mut self) -> Option<Box<ElementState>> {
        if !self.rng.chance(15) {
            return None;
        }
        normalize(ElementState {
            value: self
                .rng
                .chance(50)
                .then(|| self.rng.pick(TEXTS).to_string()),
            checked: self.rng.chance(30).then(|| self.rng.chance(50)),
            scroll: self
                .rng
                .chance(30)
                .then(|| (self.rng.below(3) as i32, self.rng.below(500) as i32)),
            css: self.rng.chance(10).then(|| "a{b:c}".to_string()),
            blocked: self.rng.chance(10).then_some(Size {
                width: 10,
                height: 20,
            }),
        })
    }

    fn element(&mut self) -> SnapNode {
        let mut attrs: Vec<Attr> = Vec::new();
        for _ in 0..self.rng.below(4) {
            let name = *self.rng.pick(ATTRS);
            if !attrs.iter().any(|a| a.name == name) {
                attrs.push(Attr::new(name, *self.rng.pick(VALUES)));
            }
        }
        let svg = self.rng.chance(10);
        SnapNode::Element(Element {
            tag: if svg {
                "path".into()
            } else {
                self.rng.pick(TAGS).to_string()
            },
            namespace: if svg { Namespace::Svg } else { Namespace::Html },
            attrs,
            children: 0,
            state: self.state(),
        })
    }

    /// A random subtree in pre-order (recursion bounded by `depth`).
    fn tree(&mut self, depth: u32, budget: &mut usize) -> Vec<SnapNode> {
        *budget = budget.saturating_sub(1);
        let leaf = depth == 0 || *budget == 0 || self.rng.chance(40);
        if leaf {
            return vec![match self.rng.below(10) {
                0 => SnapNode::Comment(self.rng.pick(TEXTS).to_string()),
                1 => SnapNode::CData("x".into()),
                2..=5 => SnapNode::Text(self.rng.pick(TEXTS).to_string()),
                _ => self.element(),
            }];
        }
        let mut head = if self.rng.chance(5) {
            SnapNode::ShadowRoot(Container { children: 0 })
        } else {
            self.element()
        };
        let n = self.rng.below(4);
        let mut rest = Vec::new();
        for _ in 0..n {
            rest.extend(self.tree(depth - 1, budget));
        }
        set_children(&mut head, n as u32);
        let mut out = vec![head];
        out.extend(rest);
        out
    }

    fn snapshot(&mut self) -> Snapshot {
        let mut budget = 40;
        let n = 1 + self.rng.below(4);
        let mut nodes = vec![SnapNode::Document(Container {
            children: n as u32 + 1,
        })];
        nodes.push(SnapNode::Doctype(Doctype {
            name: "html".into(),
            ..Default::default()
        }));
        for _ in 0..n {
            nodes.extend(self.tree(5, &mut budget));
        }
        let first_id = self.fresh(nodes.len());
        Snapshot { first_id, nodes }
    }

    /// A valid batch for `model`, applied to the model as it is built.
    fn batch(&mut self, model: &mut Model) -> MutationBatch {
        let mut batch = MutationBatch::default();
        let root = model.root.expect("root");
        let mut moved: Vec<Vec<SnapNode>> = Vec::new();
        for _ in 0..self.rng.below(4) {
            let candidates = model.ids_where(|n| n.parent != 0);
            if candidates.is_empty() {
                break;
            }
            let id = *self.rng.pick(&candidates);
            if self.rng.chance(50) {
                moved.push(model.serialize(id));
            }
            model.remove(id);
            batch.removes.push(id);
        }
        let mut trees = moved;
        for _ in 0..self.rng.below(4) {
            let mut budget = 12;
            trees.push(self.tree(3, &mut budget));
        }
        for nodes in trees {
            let parents = model.ids_where(|n| is_container(&n.data));
            let parent = *self.rng.pick(&parents);
            let siblings = &model.nodes[&parent].children;
            let before =
                (!siblings.is_empty() && self.rng.chance(60)).then(|| *self.rng.pick(siblings));
            let first_id = self.fresh(nodes.len());
            model.add(parent, before, first_id, &nodes);
            batch.adds.push(AddedTree {
                parent,
                before,
                first_id,
                nodes,
            });
        }
        for _ in 0..self.rng.below(4) {
            let elements = model.ids_where(|n| matches!(n.data, SnapNode::Element(_)));
            if elements.is_empty() {
                break;
            }
            let id = *self.rng.pick(&elements);
            let name = *self.rng.pick(ATTRS);
            let value = self
                .rng
                .chance(70)
                .then(|| self.rng.pick(VALUES).to_string());
            let e = model.element_mut(id);
            let pos = e.attrs.iter().position(|a| a.name == name);
            match (pos, &value) {
                (Some(p), Some(v)) => e.attrs[p].value = v.clone(),
                (Some(p), None) => {
                    e.attrs.remove(p);
                }
                (None, Some(v)) => e.attrs.push(Attr::new(name, v.clone())),
                (None, None) => {}
            }
            batch.attrs.push(AttrChange {
                id,
                name: name.into(),
                value,
            });
        }
        for _ in 0..self.rng.below(3) {
            let chars = model.ids_where(|n| {
                matches!(
                    n.data,
                    SnapNode::Text(_) | SnapNode::Comment(_) | SnapNode::CData(_)
                )
            });
            if chars.is_empty() {
                break;
            }
            let id = *self.rng.pick(&chars);
            let text = self.rng.pick(TEXTS).to_string();
            if let Some(SnapNode::Text(t) | SnapNode::Comment(t) | SnapNode::CData(t)) =
                model.nodes.get_mut(&id).map(|n| &mut n.data)
            {
                *t = text.clone();
            }
            batch.texts.push(TextChange { id, text });
        }
        debug_assert!(model.nodes.contains_key(&root));
        batch
    }

    /// A valid batch made invalid by one appended operation that must fail in `model`,
    /// the state after the valid batch.
    fn corrupt(&mut self, model: &Model, mut batch: MutationBatch) -> MutationBatch {
        let existing: Vec<NodeId> = model.nodes.keys().copied().collect();
        let unknown = self.next_id + 1_000_000;
        let texts = model.ids_where(|n| matches!(n.data, SnapNode::Text(_)));
        let leaves = model.ids_where(|n| !is_container(&n.data));
        let parents = model.ids_where(|n| is_container(&n.data));
        match self.rng.below(8) {
            0 => batch.removes.push(unknown),
            1 => batch.removes.push(model.root.expect("root")),
            2 => batch.adds.push(AddedTree {
                parent: *self.rng.pick(&parents),
                before: None,
                first_id: *self.rng.pick(&existing),
                nodes: vec![SnapNode::Text("dup".into())],
            }),
            3 if !leaves.is_empty() => batch.adds.push(AddedTree {
                parent: *self.rng.pick(&leaves),
                before: None,
                first_id: unknown,
                nodes: vec![SnapNode::Text("x".into())],
            }),
            4 => {
                let parent = *self.rng.pick(&parents);
                // A node that is not a child of `parent`.
                let not_child = *self.rng.pick(&existing);
                let not_child = if model.nodes[&not_child].parent == parent {
                    parent
                } else {
                    not_child
                };
                batch.adds.push(AddedTree {
                    parent,
                    before: Some(not_child),
                    first_id: unknown,
                    nodes: vec![SnapNode::Text("x".into())],
                });
            }
            5 if !texts.is_empty() => batch.attrs.push(AttrChange {
                id: *self.rng.pick(&texts),
                name: "a".into(),
                value: Some("b".into()),
            }),
            6 => batch.adds.push(AddedTree {
                parent: *self.rng.pick(&parents),
                before: None,
                first_id: unknown,
                nodes: vec![SnapNode::Element(Element {
                    tag: "div".into(),
                    children: 2,
                    ..Default::default()
                })],
            }),
            _ => batch.texts.push(TextChange {
                id: unknown,
                text: "x".into(),
            }),
        }
        batch
    }

    /// A random batch of ids near the used ones: valid or not, it must not break the mirror.
    fn garbage(&mut self) -> MutationBatch {
        let mut id = || (self.rng.below(self.next_id as usize + 3)) as NodeId;
        let ids: Vec<NodeId> = (0..8).map(|_| id()).collect();
        MutationBatch {
            removes: ids[..self.rng.below(2)].to_vec(),
            adds: vec![AddedTree {
                parent: ids[2],
                before: self.rng.chance(50).then_some(ids[3]),
                first_id: ids[4],
                nodes: vec![
                    SnapNode::Element(Element {
                        tag: "b".into(),
                        children: self.rng.below(2) as u32,
                        ..Default::default()
                    }),
                    SnapNode::Text("t".into()),
                ],
            }],
            attrs: vec![AttrChange {
                id: ids[5],
                name: "x".into(),
                value: None,
            }],
            texts: vec![TextChange {
                id: ids[6],
                text: "y".into(),
            }],
        }
    }
}

/// Runs a random session; returns the states it went through (starting empty).
fn run(seed: u64, steps: usize) -> Vec<Dom> {
    let mut g = Gen {
        rng: Rng::new(seed),
        next_id: 1,
    };
    let mut dom = Dom::new();
    let mut model = Model::default();
    let mut states = vec![dom.clone()];
    for step in 0..steps {
        let kind = if step == 0 { 0 } else { g.rng.below(20) };
        match kind {
            0 => {
                let s = g.snapshot();
                model = Model::default();
                model.add(0, None, s.first_id, &s.nodes);
                assert_eq!(dom.apply_event(&EventData::Snapshot(s)), Ok(true));
            }
            1 | 2 => {
                let elements = model.ids_where(|n| matches!(n.data, SnapNode::Element(_)));
                if elements.is_empty() {
                    continue;
                }
                let id = *g.rng.pick(&elements);
                if g.rng.chance(50) {
                    let (x, y) = (g.rng.below(2) as i32, g.rng.below(2) as i32 * 100);
                    model.update_state(id, |s| s.scroll = Some((x, y)));
                    dom.apply_scroll(&Scroll { target: id, x, y })
                        .expect("scroll");
                } else {
                    let value = if g.rng.chance(50) {
                        let v = g.rng.pick(TEXTS).to_string();
                        model.update_state(id, |s| s.value = Some(v.clone()));
                        InputValue::Text(v)
                    } else {
                        let c = g.rng.chance(50);
                        model.update_state(id, |s| s.checked = Some(c));
                        InputValue::Checked(c)
                    };
                    dom.apply_input(&Input {
                        id,
                        value,
                        user: true,
                    })
                    .expect("input");
                }
            }
            3 => {
                let before = dom.clone();
                let mut scratch = model.clone();
                let valid = g.batch(&mut scratch);
                // Corrupt against the state the appended operation will meet.
                let bad = g.corrupt(&scratch, valid);
                assert!(dom.apply(&bad).is_err(), "accepted {bad:#?}");
                assert_eq!(dom, before);
                assert_eq!(canonical(&dom), model.canonical());
            }
            4 => {
                let before = dom.clone();
                let bad = g.garbage();
                if dom.apply(&bad).is_err() {
                    assert_eq!(dom, before);
                }
                assert_consistent(&dom);
                let max_id = dom.iter().map(|n| n.id()).max().unwrap_or(0);
                g.next_id = g.next_id.max(max_id + 1);
                // The model cannot follow an arbitrary batch: resynchronize from the mirror.
                model = Model::default();
                if let Some(root) = dom.root() {
                    let trees = dom.subtree_adds(root.id()).expect("root");
                    for t in &trees {
                        model.add(t.parent, t.before, t.first_id, &t.nodes);
                    }
                }
            }
            _ => {
                let batch = g.batch(&mut model);
                dom.apply(&batch).expect("valid batch");
            }
        }
        assert_consistent(&dom);
        assert_eq!(canonical(&dom), model.canonical(), "step {step}");
        states.push(dom.clone());
    }
    states
}

fn check_diff(a: &Dom, b: &Dom) {
    let patch = diff(a, b);
    let mut c = a.clone();
    c.apply_patch(&patch)
        .unwrap_or_else(|e| panic!("{e}: {patch:#?}"));
    assert_eq!(&c, b, "{patch:#?}");
    assert_consistent(&c);
    // Nodes identical in both, under the same parent, are never removed.
    for &id in &patch.batch.removes {
        let (x, y) = (a.node(id).expect("removed node exists"), b.node(id));
        let same_place = y.is_some_and(|y| {
            x.parent().map(|p| p.id()) == y.parent().map(|p| p.id())
                && x.data() == y.data()
                && x.children()
                    .map(|c| c.id())
                    .eq(y.children().map(|c| c.id()))
                && x.prev_sibling().map(|p| p.id()) == y.prev_sibling().map(|p| p.id())
                && x.next_sibling().map(|p| p.id()) == y.next_sibling().map(|p| p.id())
        });
        assert!(!same_place, "removed unchanged node {id}: {patch:#?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_sessions_match_the_model(seed in any::<u64>(), steps in 1usize..30) {
        run(seed, steps);
    }

    #[test]
    fn diff_between_states_reproduces_the_target(
        seed in any::<u64>(),
        steps in 1usize..20,
        pairs in proptest::collection::vec(any::<(prop::sample::Index, prop::sample::Index)>(), 8),
    ) {
        let states = run(seed, steps);
        let last = states.len() - 1;
        for w in states.windows(2) {
            check_diff(&w[0], &w[1]);
            prop_assert!(diff(&w[1], &w[1]).is_empty());
        }
        check_diff(&states[0], &states[last]);
        check_diff(&states[last], &states[0]);
        for (i, j) in pairs {
            check_diff(&states[i.index(states.len())], &states[j.index(states.len())]);
        }
    }

    #[test]
    fn snapshots_round_trip(seed in any::<u64>()) {
        let mut g = Gen { rng: Rng::new(seed), next_id: 1 };
        let s = g.snapshot();
        let d = Dom::from_snapshot(&s).expect("valid");
        let mut model = Model::default();
        model.add(0, None, s.first_id, &s.nodes);
        prop_assert_eq!(canonical(&d), model.canonical());
        let back = d.to_snapshot().expect("consecutive ids");
        prop_assert_eq!(&back, &s);
    }
}

/// `dom` with the children of up to three containers shuffled, ids kept (remove them all,
/// add them back in another order: the same ids may be re-added after their remove).
fn shuffle_children(dom: &Dom, rng: &mut Rng) -> (Dom, usize) {
    let mut out = dom.clone();
    let mut moved = 0;
    for _ in 0..3 {
        let parents: Vec<NodeId> = out
            .iter()
            .filter(|n| n.children().count() > 1)
            .map(|n| n.id())
            .collect();
        if parents.is_empty() {
            break;
        }
        let p = *rng.pick(&parents);
        let mut kids: Vec<NodeId> = out
            .node(p)
            .expect("parent")
            .children()
            .map(|c| c.id())
            .collect();
        let mut batch = MutationBatch {
            removes: kids.clone(),
            ..Default::default()
        };
        for i in (1..kids.len()).rev() {
            kids.swap(i, rng.below(i + 1));
        }
        moved += kids.len();
        for k in kids {
            let mut trees = out.subtree_adds(k).expect("child");
            trees[0].before = None;
            batch.adds.extend(trees);
        }
        out.apply(&batch).expect("valid shuffle");
    }
    (out, moved)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]

    #[test]
    fn diff_handles_reordered_children_with_kept_ids(seed in any::<u64>(), steps in 1usize..10) {
        let states = run(seed, steps);
        let a = states.last().expect("state");
        let mut rng = Rng::new(seed ^ 0x5eed);
        let (b, moved) = shuffle_children(a, &mut rng);
        check_diff(a, &b);
        check_diff(&b, a);
        let patch = diff(a, &b);
        // Only shuffled children move; untouched parents emit nothing.
        prop_assert!(patch.batch.removes.len() <= moved, "{:?}", patch.batch.removes);
    }
}
