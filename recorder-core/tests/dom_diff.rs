//! `diff`, `to_snapshot` and `subtree_adds`.

mod dom_util;

use dom_util::*;
use recorder_core::dom::{diff, Dom, Patch};
use recorder_core::event::*;

/// Same layout as in `dom_apply`: ul 8 [li 9 "a" 10, li 11 "b" 12], p 13 "t" 14, input 15.
fn base() -> Dom {
    dom(
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
        ]),
    )
}

fn changed(d: &Dom, b: MutationBatch) -> Dom {
    let mut e = d.clone();
    e.apply(&b).expect("valid");
    e
}

/// `diff(a, b)` applied to `a` gives `b`; returns the patch.
fn check(a: &Dom, b: &Dom) -> Patch {
    let patch = diff(a, b);
    let mut c = a.clone();
    c.apply_patch(&patch).expect("diff applies");
    assert_eq!(&c, b, "patch {patch:#?}\n{}\n{}", c.to_html(), b.to_html());
    assert_consistent(&c);
    assert!(diff(b, b).is_empty());
    patch
}

#[test]
fn equal_mirrors_give_an_empty_patch() {
    let d = base();
    assert!(diff(&d, &d).is_empty());
    assert!(diff(&d, &d.clone()).is_empty());
    assert!(diff(&d, &base()).is_empty(), "equal but not shared");
    assert!(diff(&Dom::new(), &Dom::new()).is_empty());
}

#[test]
fn one_change_gives_that_change() {
    let d = base();
    let attr = MutationBatch {
        attrs: vec![set_attr(13, "class", Some("y"))],
        ..Default::default()
    };
    assert_eq!(check(&d, &changed(&d, attr.clone())).batch, attr);
    let txt = MutationBatch {
        texts: vec![TextChange {
            id: 12,
            text: "B".into(),
        }],
        ..Default::default()
    };
    assert_eq!(check(&d, &changed(&d, txt.clone())).batch, txt);
    let rm = MutationBatch {
        removes: vec![9],
        ..Default::default()
    };
    assert_eq!(check(&d, &changed(&d, rm.clone())).batch, rm);
    let ad = MutationBatch {
        adds: vec![add(8, Some(11), 30, el("li", &[], vec![text("c")]))],
        ..Default::default()
    };
    assert_eq!(check(&d, &changed(&d, ad.clone())).batch, ad);
    let appended = MutationBatch {
        adds: vec![add(8, None, 30, text("c"))],
        ..Default::default()
    };
    assert_eq!(check(&d, &changed(&d, appended.clone())).batch, appended);
}

#[test]
fn move_with_fresh_ids_is_remove_and_add() {
    let d = base();
    let mv = MutationBatch {
        removes: vec![9],
        adds: vec![add(13, Some(14), 40, el("li", &[], vec![text("a")]))],
        ..Default::default()
    };
    assert_eq!(check(&d, &changed(&d, mv.clone())).batch, mv);
}

#[test]
fn empty_to_full_and_back() {
    let d = base();
    let p = check(&Dom::new(), &d);
    assert!(!p.reset);
    assert_eq!(p.batch.adds.len(), 1);
    assert_eq!(p.batch.adds[0].parent, 0);
    assert_eq!(p.batch.adds[0].nodes.len(), d.len());
    let back = check(&d, &Dom::new());
    assert!(back.reset && back.batch.is_empty());
}

#[test]
fn different_roots_reset() {
    let a = base();
    let b = dom(100, doc(vec![el("p", &[], vec![])]));
    let p = check(&a, &b);
    assert!(p.reset);
    // Same root id, different kind.
    let c = dom(1, el("html", &[], vec![]));
    assert!(check(&a, &c).reset);
}

#[test]
fn non_consecutive_ids_are_split_into_several_trees() {
    let d = base();
    // ul gets a child whose id breaks the run, and the p moves under a new div.
    let e = changed(
        &d,
        MutationBatch {
            removes: vec![13],
            adds: vec![
                add(8, Some(11), 500, text("x")),
                add(7, None, 50, el("div", &[], vec![text("y")])),
                add(50, None, 13, el("p", &[], vec![text("z")])),
            ],
            ..Default::default()
        },
    );
    let p = check(&Dom::new(), &e);
    // Root run up to ul's first li, then 500, then li 11.., then the input (15 does not
    // follow 10), the div and the p.
    let firsts: Vec<(NodeId, NodeId, usize)> = p
        .batch
        .adds
        .iter()
        .map(|t| (t.parent, t.first_id, t.nodes.len()))
        .collect();
    assert_eq!(
        firsts,
        vec![
            (0, 1, 10),
            (8, 500, 1),
            (8, 11, 2),
            (7, 15, 1),
            (7, 50, 2),
            (50, 13, 2)
        ]
    );
    assert_eq!(e.to_snapshot(), None);
    let trees = e.subtree_adds(8).expect("ul");
    assert_eq!(trees.len(), 3);
    assert_eq!((trees[0].parent, trees[0].before), (7, Some(15)));
    let mut f = e.clone();
    f.apply(&MutationBatch {
        removes: vec![8],
        ..Default::default()
    })
    .expect("remove");
    f.apply(&MutationBatch {
        adds: trees,
        ..Default::default()
    })
    .expect("re-add");
    assert_eq!(f, e);
}

#[test]
fn to_snapshot_round_trips_a_recorded_snapshot() {
    let s = snap(
        7,
        page(vec![with_state(
            el("input", &[("type", "text")], vec![]),
            ElementState {
                value: Some("v".into()),
                ..Default::default()
            },
        )]),
    );
    let d = Dom::from_snapshot(&s).expect("valid");
    assert_eq!(d.to_snapshot(), Some(s));
    assert_eq!(Dom::new().to_snapshot(), None);
}

#[test]
fn reordered_children_keep_the_longest_ordered_run() {
    // ul [1 2 3 4 5] → [5 1 2 3 4], same ids: only 5 moves.
    let items = |order: &[u32]| {
        let mut nodes = vec![SnapNode::Element(Element {
            tag: "ul".into(),
            children: order.len() as u32,
            ..Default::default()
        })];
        nodes.extend(order.iter().map(|i| SnapNode::Text(format!("{i}"))));
        nodes
    };
    let a = dom(1, doc(vec![items(&[1, 2, 3, 4, 5])]));
    // Build b with the same ids in another order, through a batch.
    let b = changed(
        &a,
        MutationBatch {
            removes: vec![7],
            adds: vec![add(2, Some(3), 7, text("5"))],
            ..Default::default()
        },
    );
    let p = check(&a, &b);
    assert_eq!(p.batch.removes, vec![7]);
    assert_eq!(p.batch.adds, vec![add(2, Some(3), 7, text("5"))]);
}

#[test]
fn attribute_order_is_reproduced() {
    let a = dom(
        1,
        doc(vec![el("p", &[("x", "1"), ("y", "2"), ("z", "3")], vec![])]),
    );
    let b = dom(
        1,
        doc(vec![el("p", &[("z", "3"), ("x", "9"), ("w", "0")], vec![])]),
    );
    let p = check(&a, &b);
    assert_eq!(
        p.batch.attrs,
        vec![
            set_attr(2, "x", None),
            set_attr(2, "y", None),
            set_attr(2, "x", Some("9")),
            set_attr(2, "w", Some("0")),
        ]
    );
}

#[test]
fn kind_or_tag_change_under_the_same_id_is_replaced() {
    let a = dom(1, doc(vec![el("p", &[], vec![text("x")]), comment("c")]));
    let b = dom(1, doc(vec![el("div", &[], vec![comment("x")]), text("c")]));
    let p = check(&a, &b);
    assert_eq!(p.batch.removes, vec![2, 4]);
}

#[test]
fn form_state_and_scroll_are_inputs_and_scrolls() {
    let a = base();
    let mut b = a.clone();
    b.apply_input(&Input {
        id: 15,
        value: InputValue::Text("typed".into()),
        user: true,
    })
    .expect("input");
    b.apply_input(&Input {
        id: 15,
        value: InputValue::Checked(true),
        user: true,
    })
    .expect("checked");
    b.apply_scroll(&Scroll {
        target: 1,
        x: 3,
        y: 400,
    })
    .expect("scroll");
    let p = check(&a, &b);
    assert!(p.batch.is_empty());
    assert_eq!(p.inputs.len(), 2);
    assert_eq!(
        p.scrolls,
        vec![Scroll {
            target: 3,
            x: 3,
            y: 400
        }]
    );
    // Back: the value cannot be cleared by an input, so the input is re-added; the
    // scroll goes back to 0,0.
    let back = check(&b, &a);
    assert_eq!(back.batch.removes, vec![15]);
    assert_eq!(back.batch.adds.len(), 1);
    assert_eq!(
        back.scrolls,
        vec![Scroll {
            target: 3,
            x: 0,
            y: 0
        }]
    );
}

#[test]
fn inlined_css_and_blocked_changes_re_add_the_element() {
    let link = |css: &str| {
        dom(
            1,
            doc(vec![with_state(
                el("link", &[("href", "a.css")], vec![]),
                ElementState {
                    css: Some(css.into()),
                    ..Default::default()
                },
            )]),
        )
    };
    let p = check(&link("a{}"), &link("b{}"));
    assert_eq!(p.batch.removes, vec![2]);
    assert_eq!(p.batch.adds.len(), 1);
}
