//! A 200 000-deep chain of elements goes through every operation without recursion.

mod dom_util;

use dom_util::*;
use recorder_core::dom::{diff, Dom, DomError};
use recorder_core::event::*;

const DEPTH: u32 = 200_000;

/// Document 1 > div 2 > div 3 > … > div DEPTH+1 > "leaf" DEPTH+2.
fn chain() -> Snapshot {
    let mut nodes = vec![SnapNode::Document(Container { children: 1 })];
    for _ in 0..DEPTH {
        nodes.push(SnapNode::Element(Element {
            tag: "div".into(),
            children: 1,
            ..Default::default()
        }));
    }
    nodes.push(SnapNode::Text("leaf".into()));
    snap(1, nodes)
}

#[test]
fn deep_chain_does_not_overflow_the_stack() {
    let s = chain();
    let d = Dom::from_snapshot(&s).expect("valid");
    let leaf = DEPTH + 2;
    assert_eq!(d.len(), DEPTH as usize + 2);
    assert_eq!(d.iter().count(), d.len());
    d.check_invariants().expect("invariants");

    let html = d.to_html();
    assert_eq!(
        html.len(),
        DEPTH as usize * "<div></div>".len() + "leaf".len()
    );
    assert!(html.starts_with("<div><div>"), "{}", &html[..40]);
    let leaf_at = html.find("leaf").expect("leaf");
    assert_eq!(leaf_at, DEPTH as usize * "<div>".len());
    assert!(html.ends_with("</div></div>"));
    assert_eq!(d.node_to_html(leaf - 1).as_deref(), Some("<div>leaf</div>"));
    // `describe` looks for label text within a bounded number of nodes.
    assert_eq!(d.describe(2).as_deref(), Some("div"));
    assert_eq!(d.describe(leaf - 10).as_deref(), Some("div \"leaf\""));
    assert_eq!(d.to_snapshot().as_ref(), Some(&s));

    // Clone, compare, diff both ways.
    let mut e = d.clone();
    assert_eq!(e, d);
    assert!(diff(&d, &e).is_empty());
    e.apply(&MutationBatch {
        texts: vec![TextChange {
            id: leaf,
            text: "changed".into(),
        }],
        attrs: vec![set_attr(DEPTH / 2, "class", Some("mid"))],
        ..Default::default()
    })
    .expect("valid");
    let p = diff(&d, &e);
    assert_eq!((p.batch.texts.len(), p.batch.attrs.len()), (1, 1));
    let mut f = d.clone();
    f.apply_patch(&p).expect("patch");
    assert_eq!(f, e);
    let from_empty = diff(&Dom::new(), &d);
    let mut g = Dom::new();
    g.apply_patch(&from_empty).expect("patch");
    assert_eq!(g, d);

    // Remove the chain, then fail later in the batch: everything is restored.
    let before = e.clone();
    let bad = MutationBatch {
        removes: vec![3],
        adds: vec![
            add(2, None, 3, text("x")),
            add(999_999_999, None, 5, text("y")),
        ],
        ..Default::default()
    };
    assert_eq!(e.apply(&bad), Err(DomError::UnknownNode(999_999_999)));
    assert_eq!(e, before);
    e.apply(&MutationBatch {
        removes: vec![3],
        ..Default::default()
    })
    .expect("remove");
    assert_eq!(e.len(), 2);
    e.check_invariants().expect("invariants");
    // Dropping deep mirrors (d, f, g, the snapshot) happens here.
}
