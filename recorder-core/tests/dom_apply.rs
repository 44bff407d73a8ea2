//! Applying events: valid batches do what they say; invalid ones return a typed error and
//! leave the mirror exactly unchanged.

mod dom_util;

use dom_util::*;
use recorder_core::dom::{Dom, DomError, NodeKind, Patch};
use recorder_core::event::*;

/// Document 1, doctype 2, html 3, head 4, title 5, "T" 6, body 7, ul#list 8, li 9, "a" 10,
/// li 11, "b" 12, p 13, "t" 14, input 15, comment 16.
fn base() -> Dom {
    let d = dom(
        1,
        page(vec![
            el(
                "ul",
                &[("id", "list")],
                vec![
                    el("li", &[], vec![text("a")]),
                    el("li", &[], vec![text("b")]),
                ],
            ),
            el("p", &[("class", "x"), ("title", "t")], vec![text("t")]),
            el("input", &[], vec![]),
            comment("c"),
        ]),
    );
    assert_consistent(&d);
    d
}

fn children(d: &Dom, id: NodeId) -> Vec<NodeId> {
    d.node(id)
        .expect("node")
        .children()
        .map(|c| c.id())
        .collect()
}

fn batch() -> MutationBatch {
    MutationBatch::default()
}

#[test]
fn snapshot_builds_the_tree() {
    let d = base();
    assert_eq!(d.len(), 16);
    assert_eq!(d.root().map(|r| r.kind()), Some(NodeKind::Document));
    assert_eq!(children(&d, 8), vec![9, 11]);
    let p = d.node(13).expect("p");
    assert_eq!(p.tag(), Some("p"));
    assert_eq!(p.attr("title"), Some("t"));
    assert_eq!(p.parent().map(|n| n.id()), Some(7));
    assert_eq!(d.node(14).and_then(|n| n.text()), Some("t"));
    let order: Vec<NodeId> = d.iter().map(|n| n.id()).collect();
    assert_eq!(order, (1..=16).collect::<Vec<_>>());
}

#[test]
fn adds_go_before_their_sibling_or_last() {
    let mut d = base();
    let mut b = batch();
    b.adds
        .push(add(8, Some(11), 20, el("li", &[], vec![text("mid")])));
    b.adds
        .push(add(8, None, 22, el("li", &[], vec![text("end")])));
    b.adds.push(add(8, Some(9), 24, text("first")));
    d.apply(&b).expect("valid");
    assert_eq!(children(&d, 8), vec![24, 9, 20, 11, 22]);
    assert_eq!(d.node(21).and_then(|n| n.text()), Some("mid"));
    assert_consistent(&d);
}

#[test]
fn adds_may_build_on_earlier_adds_of_the_batch() {
    let mut d = base();
    let mut b = batch();
    b.adds.push(add(7, None, 30, el("div", &[], vec![])));
    b.adds.push(add(30, None, 40, el("span", &[], vec![])));
    b.adds.push(add(30, Some(40), 50, text("x")));
    d.apply(&b).expect("valid");
    assert_eq!(children(&d, 30), vec![50, 40]);
    assert_consistent(&d);
}

#[test]
fn moves_are_remove_then_add_with_fresh_ids() {
    let mut d = base();
    let mut b = batch();
    b.removes.push(9);
    b.adds
        .push(add(8, None, 30, el("li", &[], vec![text("a")])));
    d.apply(&b).expect("valid");
    assert_eq!(children(&d, 8), vec![11, 30]);
    assert!(!d.contains(9) && !d.contains(10));
    assert_eq!(d.len(), 16);
    assert_consistent(&d);
}

#[test]
fn removed_ids_can_be_added_again_in_the_same_batch() {
    let mut d = base();
    let mut b = batch();
    b.removes.push(8);
    b.adds
        .push(add(7, Some(13), 8, el("ol", &[], vec![text("new")])));
    d.apply(&b).expect("valid");
    assert_eq!(d.node(8).and_then(|n| n.tag()), Some("ol"));
    assert_eq!(d.node(9).and_then(|n| n.text()), Some("new"));
    assert!(!d.contains(10) && !d.contains(11));
    assert_eq!(children(&d, 7), vec![8, 13, 15, 16]);
    assert_consistent(&d);
}

#[test]
fn attribute_changes_keep_order() {
    let mut d = base();
    let mut b = batch();
    b.attrs.push(set_attr(13, "class", Some("y")));
    b.attrs.push(set_attr(13, "id", Some("p1")));
    b.attrs.push(set_attr(13, "title", None));
    b.attrs.push(set_attr(13, "missing", None));
    d.apply(&b).expect("valid");
    let attrs: Vec<(&str, &str)> = d
        .node(13)
        .expect("p")
        .attrs()
        .iter()
        .map(|a| (a.name.as_str(), a.value.as_str()))
        .collect();
    assert_eq!(attrs, vec![("class", "y"), ("id", "p1")]);
}

#[test]
fn text_changes_apply_to_text_and_comments() {
    let mut d = base();
    let mut b = batch();
    b.texts.push(TextChange {
        id: 14,
        text: "new".into(),
    });
    b.texts.push(TextChange {
        id: 16,
        text: "note".into(),
    });
    d.apply(&b).expect("valid");
    assert_eq!(d.node(14).and_then(|n| n.text()), Some("new"));
    assert_eq!(d.node(16).and_then(|n| n.text()), Some("note"));
}

#[test]
fn root_can_be_added_to_an_empty_mirror_only() {
    let mut d = Dom::new();
    let mut b = batch();
    b.adds.push(add(0, None, 5, doc(vec![])));
    b.adds.push(add(5, None, 9, el("html", &[], vec![])));
    d.apply(&b).expect("valid");
    assert_eq!(d.root().map(|r| r.id()), Some(5));
    assert_eq!(d.to_html(), "<html></html>");
    assert_consistent(&d);
}

#[test]
fn input_and_scroll_set_state() {
    let mut d = dom(
        1,
        page(vec![
            el("input", &[], vec![]),
            el(
                "select",
                &[],
                vec![
                    el("option", &[], vec![]),
                    el(
                        "optgroup",
                        &[],
                        vec![el("option", &[], vec![]), el("option", &[], vec![])],
                    ),
                ],
            ),
        ]),
    );
    let input = |id, value| Input {
        id,
        value,
        user: true,
    };
    d.apply_input(&input(8, InputValue::Text("hello".into())))
        .expect("text");
    d.apply_input(&input(8, InputValue::Checked(true)))
        .expect("checked");
    let state = d.node(8).and_then(|n| n.state()).expect("state");
    assert_eq!(state.value.as_deref(), Some("hello"));
    assert_eq!(state.checked, Some(true));

    d.apply_input(&input(9, InputValue::Selected(vec![2, 0, 7])))
        .expect("selected");
    let selected: Vec<Option<bool>> = [10, 12, 13]
        .iter()
        .map(|&id| d.node(id).and_then(|n| n.state()).and_then(|s| s.checked))
        .collect();
    assert_eq!(selected, vec![Some(true), Some(false), Some(true)]);

    d.apply_scroll(&Scroll {
        target: 1,
        x: 0,
        y: 300,
    })
    .expect("document scroll");
    assert_eq!(
        d.node(3).and_then(|n| n.state()).and_then(|s| s.scroll),
        Some((0, 300))
    );
    d.apply_scroll(&Scroll {
        target: 3,
        x: 0,
        y: 0,
    })
    .expect("scroll back");
    assert_eq!(
        d.node(3).and_then(|n| n.state()),
        None,
        "zero scroll is no state"
    );
    assert_consistent(&d);
}

#[test]
fn apply_event_dispatches_dom_events_only() {
    let mut d = Dom::new();
    let s = snap(1, page(vec![]));
    assert_eq!(d.apply_event(&EventData::Snapshot(s.clone())), Ok(true));
    assert_eq!(d, dom(1, page(vec![])));
    let console = EventData::Console(Console {
        level: Level::Log,
        args: vec![],
        stack: None,
    });
    assert_eq!(d.apply_event(&console), Ok(false));
    let mut b = batch();
    b.adds.push(add(7, None, 8, text("x")));
    assert_eq!(d.apply_event(&EventData::Mutation(b)), Ok(true));
    assert!(d.contains(8));
    let bad = EventData::Scroll(Scroll {
        target: 99,
        x: 1,
        y: 1,
    });
    assert_eq!(d.apply_event(&bad), Err(DomError::UnknownNode(99)));
}

#[test]
fn apply_snapshot_replaces_everything() {
    let mut d = base();
    d.apply_snapshot(&snap(100, doc(vec![el("p", &[], vec![])])))
        .expect("valid");
    assert_eq!(d.len(), 2);
    assert!(!d.contains(1));
    assert_eq!(d.to_html(), "<p></p>");
}

#[test]
fn clones_are_independent() {
    let d = base();
    let mut e = d.clone();
    let mut b = batch();
    b.attrs.push(set_attr(13, "class", Some("changed")));
    b.texts.push(TextChange {
        id: 14,
        text: "changed".into(),
    });
    b.removes.push(8);
    e.apply(&b).expect("valid");
    assert_eq!(d, base());
    assert_ne!(d, e);
    assert_eq!(d.node(13).and_then(|n| n.attr("class")), Some("x"));
    assert_eq!(e.node(13).and_then(|n| n.attr("class")), Some("changed"));
}

#[test]
fn equality_sees_every_difference() {
    let d = base();
    assert_eq!(d, d.clone());
    let variants: Vec<MutationBatch> = vec![
        MutationBatch {
            attrs: vec![set_attr(13, "class", Some("z"))],
            ..batch()
        },
        MutationBatch {
            texts: vec![TextChange {
                id: 10,
                text: "z".into(),
            }],
            ..batch()
        },
        MutationBatch {
            removes: vec![10],
            ..batch()
        },
        // Same nodes, other order.
        MutationBatch {
            removes: vec![9],
            adds: vec![add(8, None, 9, el("li", &[], vec![text("a")]))],
            ..batch()
        },
        // Same content, other ids.
        MutationBatch {
            removes: vec![10],
            adds: vec![add(9, None, 50, text("a"))],
            ..batch()
        },
    ];
    for b in variants {
        let mut e = d.clone();
        e.apply(&b).expect("valid");
        assert_ne!(d, e, "{b:?}");
    }
    let mut e = d.clone();
    e.apply_input(&Input {
        id: 15,
        value: InputValue::Text("v".into()),
        user: true,
    })
    .expect("valid");
    assert_ne!(d, e);
}

/// Applies `b` after a valid prefix of changes (so rollback has work to do) and checks
/// the error and that nothing changed.
fn rejects(b: MutationBatch, expected: DomError) {
    let mut d = base();
    let before = d.clone();
    let html = d.to_html();
    let mut full = MutationBatch {
        removes: vec![12],
        adds: vec![
            add(
                8,
                Some(11),
                60,
                el("li", &[("class", "new")], vec![text("n")]),
            ),
            add(60, None, 62, text("m")),
        ],
        attrs: vec![
            set_attr(13, "class", Some("changed")),
            set_attr(13, "title", None),
            set_attr(8, "data-x", Some("1")),
        ],
        texts: vec![TextChange {
            id: 14,
            text: "changed".into(),
        }],
    };
    full.removes.extend(b.removes);
    full.adds.extend(b.adds);
    full.attrs.extend(b.attrs);
    full.texts.extend(b.texts);
    assert_eq!(d.apply(&full), Err(expected));
    assert_eq!(d, before);
    assert_eq!(d.to_html(), html);
    assert_consistent(&d);
    // The valid part alone still applies: the error did not corrupt anything.
    let mut valid = full.clone();
    valid.removes.truncate(1);
    valid.adds.truncate(2);
    valid.attrs.truncate(3);
    valid.texts.truncate(1);
    d.apply(&valid).expect("valid prefix");
    assert_consistent(&d);
}

fn removes(ids: &[NodeId]) -> MutationBatch {
    MutationBatch {
        removes: ids.to_vec(),
        ..batch()
    }
}

fn adds(trees: Vec<AddedTree>) -> MutationBatch {
    MutationBatch {
        adds: trees,
        ..batch()
    }
}

#[test]
fn rejects_bad_removes() {
    rejects(removes(&[999]), DomError::UnknownNode(999));
    rejects(removes(&[0]), DomError::UnknownNode(0));
    rejects(removes(&[1]), DomError::RemoveRoot(1));
    rejects(removes(&[9, 9]), DomError::UnknownNode(9));
    // 12 is removed by the valid prefix already.
    rejects(removes(&[12]), DomError::UnknownNode(12));
    // A descendant of a node removed earlier in the batch.
    rejects(removes(&[8, 10]), DomError::UnknownNode(10));
}

#[test]
fn rejects_bad_parents_and_siblings() {
    rejects(
        adds(vec![add(999, None, 70, text("x"))]),
        DomError::UnknownNode(999),
    );
    rejects(
        adds(vec![add(14, None, 70, text("x"))]),
        DomError::NotAContainer(14),
    );
    rejects(
        adds(vec![add(2, None, 70, text("x"))]),
        DomError::NotAContainer(2),
    );
    rejects(
        adds(vec![add(16, None, 70, text("x"))]),
        DomError::NotAContainer(16),
    );
    rejects(
        adds(vec![add(8, Some(999), 70, text("x"))]),
        DomError::UnknownNode(999),
    );
    rejects(
        adds(vec![add(8, Some(13), 70, text("x"))]),
        DomError::NotAChild {
            parent: 8,
            before: 13,
        },
    );
    rejects(
        adds(vec![add(8, Some(8), 70, text("x"))]),
        DomError::NotAChild {
            parent: 8,
            before: 8,
        },
    );
    // `before` removed earlier in the batch.
    let mut b = removes(&[11]);
    b.adds.push(add(8, Some(11), 70, text("x")));
    rejects(b, DomError::UnknownNode(11));
    // Parent removed earlier in the batch.
    let mut b = removes(&[13]);
    b.adds.push(add(14, None, 70, text("x")));
    rejects(b, DomError::UnknownNode(14));
    rejects(
        adds(vec![add(0, None, 70, doc(vec![]))]),
        DomError::RootExists,
    );
}

#[test]
fn rejects_bad_ids() {
    rejects(
        adds(vec![add(7, None, 13, text("x"))]),
        DomError::DuplicateId(13),
    );
    // The second node collides.
    rejects(
        adds(vec![add(7, None, 14, el("b", &[], vec![text("x")]))]),
        DomError::DuplicateId(14),
    );
    rejects(
        adds(vec![add(7, None, 59, el("b", &[], vec![text("x")]))]),
        DomError::DuplicateId(60),
    );
    // Collides with an add earlier in the same batch.
    rejects(
        adds(vec![
            add(7, None, 70, text("x")),
            add(7, None, 70, text("y")),
        ]),
        DomError::DuplicateId(70),
    );
    rejects(adds(vec![add(7, None, 0, text("x"))]), DomError::ZeroId);
    rejects(
        adds(vec![add(7, None, u32::MAX, el("b", &[], vec![text("x")]))]),
        DomError::IdOverflow {
            first_id: u32::MAX,
            len: 2,
        },
    );
}

#[test]
fn rejects_malformed_trees() {
    rejects(adds(vec![add(7, None, 70, vec![])]), DomError::EmptyTree);
    let mut truncated = el("div", &[], vec![text("a"), text("b")]);
    truncated.pop();
    rejects(
        adds(vec![add(7, None, 70, truncated)]),
        DomError::TruncatedTree { first_id: 70 },
    );
    let mut trailing = el("div", &[], vec![text("a")]);
    trailing.push(SnapNode::Text("b".into()));
    rejects(
        adds(vec![add(7, None, 70, trailing)]),
        DomError::TrailingNodes {
            first_id: 70,
            index: 2,
        },
    );
    // Two sibling trees in one AddedTree.
    let mut two = text("a");
    two.extend(text("b"));
    rejects(
        adds(vec![add(7, None, 70, two)]),
        DomError::TrailingNodes {
            first_id: 70,
            index: 1,
        },
    );
    // A child count that would make a naive decoder allocate 4 billion slots.
    let mut huge = el("div", &[], vec![]);
    if let SnapNode::Element(e) = &mut huge[0] {
        e.children = u32::MAX;
    }
    rejects(
        adds(vec![add(7, None, 70, huge)]),
        DomError::TruncatedTree { first_id: 70 },
    );
}

#[test]
fn rejects_bad_names() {
    let bad_tag = |tag: &str| adds(vec![add(7, None, 70, el(tag, &[], vec![]))]);
    for tag in ["", "a b", "a/b", "a>b", "a\0"] {
        rejects(
            bad_tag(tag),
            DomError::InvalidTagName {
                id: 70,
                name: tag.into(),
            },
        );
    }
    let bad_attr = |name: &str| adds(vec![add(7, None, 70, el("b", &[(name, "v")], vec![]))]);
    for name in ["", "a b", "a=b", "a=", "a/b", "a>b", "\n"] {
        rejects(
            bad_attr(name),
            DomError::InvalidAttrName {
                id: 70,
                name: name.into(),
            },
        );
    }
    rejects(
        adds(vec![add(
            7,
            None,
            70,
            el("b", &[("x", "1"), ("y", "2"), ("x", "3")], vec![]),
        )]),
        DomError::DuplicateAttr {
            id: 70,
            name: "x".into(),
        },
    );
    // Many attributes take the hashed path of the duplicate check.
    let many: Vec<(String, String)> = (0..100)
        .map(|i| (format!("a{}", i % 99), String::new()))
        .collect();
    let many: Vec<(&str, &str)> = many.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    rejects(
        adds(vec![add(7, None, 70, el("b", &many, vec![]))]),
        DomError::DuplicateAttr {
            id: 70,
            name: "a0".into(),
        },
    );
    let long = "x ".repeat(100);
    rejects(
        MutationBatch {
            attrs: vec![set_attr(13, &long, Some("v"))],
            ..batch()
        },
        DomError::InvalidAttrName {
            id: 13,
            name: long[..64].into(),
        },
    );
}

#[test]
fn accepts_the_attribute_names_the_parser_makes() {
    // `<p =x a"b <c ==>` has the attributes `=x`, `a"b`, `<c` and `=`.
    let mut d = base();
    let names = [("=x", "1"), ("a\"b", "2"), ("<c", ""), ("=", "")];
    d.apply(&adds(vec![add(7, None, 70, el("p", &names, vec![]))]))
        .unwrap();
    d.apply(&MutationBatch {
        attrs: vec![set_attr(70, "=x", Some("3"))],
        ..batch()
    })
    .unwrap();
    assert_eq!(
        d.node_to_html(70).unwrap(),
        "<p =x=\"3\" a\"b=\"2\" <c=\"\" ==\"\"></p>"
    );
}

#[test]
fn rejects_bad_attribute_and_text_targets() {
    let attrs = |c: AttrChange| MutationBatch {
        attrs: vec![c],
        ..batch()
    };
    let texts = |id| MutationBatch {
        texts: vec![TextChange {
            id,
            text: "x".into(),
        }],
        ..batch()
    };
    rejects(
        attrs(set_attr(999, "a", Some("b"))),
        DomError::UnknownNode(999),
    );
    rejects(
        attrs(set_attr(14, "a", Some("b"))),
        DomError::NotAnElement(14),
    );
    rejects(attrs(set_attr(1, "a", None)), DomError::NotAnElement(1));
    rejects(
        attrs(set_attr(13, "", Some("b"))),
        DomError::InvalidAttrName {
            id: 13,
            name: String::new(),
        },
    );
    // Target removed earlier in the batch.
    let mut b = removes(&[9]);
    b.attrs.push(set_attr(9, "a", Some("b")));
    rejects(b, DomError::UnknownNode(9));
    rejects(texts(999), DomError::UnknownNode(999));
    rejects(texts(13), DomError::NotCharacterData(13));
    rejects(texts(2), DomError::NotCharacterData(2));
    let mut b = removes(&[9]);
    b.texts.push(TextChange {
        id: 10,
        text: "x".into(),
    });
    rejects(b, DomError::UnknownNode(10));
}

#[test]
fn root_add_needs_no_sibling() {
    let mut d = Dom::new();
    let b = adds(vec![add(0, Some(3), 1, doc(vec![]))]);
    assert_eq!(
        d.apply(&b),
        Err(DomError::NotAChild {
            parent: 0,
            before: 3
        })
    );
    assert!(d.is_empty());
    assert_eq!(d, Dom::new());
}

#[test]
fn rejects_bad_snapshots_without_touching_the_mirror() {
    let mut d = base();
    let before = d.clone();
    let cases: Vec<(Snapshot, DomError)> = vec![
        (snap(1, vec![]), DomError::EmptyTree),
        (snap(0, doc(vec![])), DomError::ZeroId),
        (
            snap(u32::MAX, doc(vec![text("x")])),
            DomError::IdOverflow {
                first_id: u32::MAX,
                len: 2,
            },
        ),
        (
            snap(
                1,
                vec![
                    SnapNode::Document(Container { children: 2 }),
                    SnapNode::Text("x".into()),
                ],
            ),
            DomError::TruncatedTree { first_id: 1 },
        ),
        (
            snap(
                1,
                vec![SnapNode::Text("x".into()), SnapNode::Text("y".into())],
            ),
            DomError::TrailingNodes {
                first_id: 1,
                index: 1,
            },
        ),
        (
            snap(1, doc(vec![el("a", &[("a=", "")], vec![])])),
            DomError::InvalidAttrName {
                id: 2,
                name: "a=".into(),
            },
        ),
    ];
    for (s, err) in cases {
        assert_eq!(Dom::from_snapshot(&s).err(), Some(err.clone()));
        assert_eq!(d.apply_snapshot(&s), Err(err.clone()));
        assert_eq!(d.apply_event(&EventData::Snapshot(s)), Err(err));
        assert_eq!(d, before);
    }
}

#[test]
fn rejects_bad_inputs_and_scrolls() {
    let mut d = base();
    let before = d.clone();
    let input = |id| Input {
        id,
        value: InputValue::Text("x".into()),
        user: true,
    };
    assert_eq!(d.apply_input(&input(999)), Err(DomError::UnknownNode(999)));
    assert_eq!(d.apply_input(&input(14)), Err(DomError::NotAnElement(14)));
    let scroll = |target| Scroll { target, x: 1, y: 2 };
    assert_eq!(
        d.apply_scroll(&scroll(999)),
        Err(DomError::UnknownNode(999))
    );
    assert_eq!(d.apply_scroll(&scroll(16)), Err(DomError::NotAnElement(16)));
    assert_eq!(d, before);

    let mut empty_doc = dom(1, doc(vec![comment("x")]));
    assert_eq!(
        empty_doc.apply_scroll(&scroll(1)),
        Err(DomError::NotAnElement(1))
    );
}

#[test]
fn failed_patch_leaves_mirror_unchanged() {
    let mut d = base();
    let before = d.clone();
    let patch = Patch {
        batch: MutationBatch {
            removes: vec![9],
            attrs: vec![set_attr(13, "class", Some("y"))],
            ..batch()
        },
        inputs: vec![Input {
            id: 15,
            value: InputValue::Text("ok".into()),
            user: false,
        }],
        scrolls: vec![Scroll {
            target: 14,
            x: 0,
            y: 5,
        }],
        reset: false,
    };
    assert_eq!(d.apply_patch(&patch), Err(DomError::NotAnElement(14)));
    assert_eq!(d, before);
    let reset = Patch {
        reset: true,
        batch: adds(vec![add(5, None, 6, text("x"))]),
        ..Patch::default()
    };
    assert_eq!(d.apply_patch(&reset), Err(DomError::UnknownNode(5)));
    assert_eq!(d, before);
    assert_consistent(&d);
}
