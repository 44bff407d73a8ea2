//! Builders for DOM test trees, shared by the `dom_*` tests.
#![allow(dead_code)]

use recorder_core::dom::{Dom, NodeKind};
use recorder_core::event::*;

/// A subtree in pre-order.
pub type Tree = Vec<SnapNode>;

pub fn el_ns(tag: &str, ns: Namespace, attrs: &[(&str, &str)], children: Vec<Tree>) -> Tree {
    let mut out = vec![SnapNode::Element(Element {
        tag: tag.into(),
        namespace: ns,
        attrs: attrs.iter().map(|(n, v)| Attr::new(*n, *v)).collect(),
        children: children.len() as u32,
        state: None,
    })];
    out.extend(children.into_iter().flatten());
    out
}

pub fn el(tag: &str, attrs: &[(&str, &str)], children: Vec<Tree>) -> Tree {
    el_ns(tag, Namespace::Html, attrs, children)
}

pub fn svg(tag: &str, attrs: &[(&str, &str)], children: Vec<Tree>) -> Tree {
    el_ns(tag, Namespace::Svg, attrs, children)
}

pub fn text(s: &str) -> Tree {
    vec![SnapNode::Text(s.into())]
}

pub fn comment(s: &str) -> Tree {
    vec![SnapNode::Comment(s.into())]
}

pub fn doc(children: Vec<Tree>) -> Tree {
    let mut out = vec![SnapNode::Document(Container {
        children: children.len() as u32,
    })];
    out.extend(children.into_iter().flatten());
    out
}

pub fn shadow(children: Vec<Tree>) -> Tree {
    let mut out = vec![SnapNode::ShadowRoot(Container {
        children: children.len() as u32,
    })];
    out.extend(children.into_iter().flatten());
    out
}

pub fn doctype(name: &str) -> Tree {
    vec![SnapNode::Doctype(Doctype {
        name: name.into(),
        ..Default::default()
    })]
}

/// `tree` with `state` on its first node (an element).
pub fn with_state(mut tree: Tree, state: ElementState) -> Tree {
    if let SnapNode::Element(e) = &mut tree[0] {
        e.state = Some(Box::new(state));
    }
    tree
}

pub fn snap(first_id: NodeId, nodes: Tree) -> Snapshot {
    Snapshot { first_id, nodes }
}

pub fn dom(first_id: NodeId, nodes: Tree) -> Dom {
    Dom::from_snapshot(&snap(first_id, nodes)).expect("valid snapshot")
}

/// `<!DOCTYPE html><html><head><title>T</title></head><body>BODY</body></html>` from id 1:
/// document 1, doctype 2, html 3, head 4, title 5, "T" 6, body 7, body children from 8.
pub fn page(body: Vec<Tree>) -> Tree {
    doc(vec![
        doctype("html"),
        el(
            "html",
            &[],
            vec![
                el("head", &[], vec![el("title", &[], vec![text("T")])]),
                el("body", &[], body),
            ],
        ),
    ])
}

pub fn add(parent: NodeId, before: Option<NodeId>, first_id: NodeId, nodes: Tree) -> AddedTree {
    AddedTree {
        parent,
        before,
        first_id,
        nodes,
    }
}

pub fn set_attr(id: NodeId, name: &str, value: Option<&str>) -> AttrChange {
    AttrChange {
        id,
        name: name.into(),
        value: value.map(Into::into),
    }
}

/// Checks the links through the public API (independently of `check_invariants`).
pub fn assert_consistent(dom: &Dom) {
    dom.check_invariants().expect("invariants");
    let mut count = 0;
    for node in dom.iter() {
        count += 1;
        assert_eq!(dom.node(node.id()).map(|n| n.id()), Some(node.id()));
        let children: Vec<_> = node.children().collect();
        if !node.kind().is_container() {
            assert!(children.is_empty(), "leaf {} has children", node.id());
        }
        for (i, child) in children.iter().enumerate() {
            assert_eq!(child.parent().map(|p| p.id()), Some(node.id()));
            let prev = i.checked_sub(1).map(|j| children[j].id());
            assert_eq!(child.prev_sibling().map(|p| p.id()), prev);
        }
        assert_eq!(
            node.last_child().map(|c| c.id()),
            children.last().map(|c| c.id())
        );
        if node.kind() == NodeKind::Element {
            let names: Vec<_> = node.attrs().iter().map(|a| &a.name).collect();
            let mut dedup = names.clone();
            dedup.sort();
            dedup.dedup();
            assert_eq!(
                dedup.len(),
                names.len(),
                "duplicate attribute on {}",
                node.id()
            );
        }
    }
    assert_eq!(count, dom.len());
    assert_eq!(dom.root().is_none(), dom.is_empty());
}
