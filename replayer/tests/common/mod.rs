//! Sessions for the replayer's tests and benches, built from recorder-core's event types.
#![allow(dead_code)]

use recorder_core::dom::{Dom, NodeKind};
use recorder_core::event::*;
use recorder_core::frame::{encode, FrameHeader, SessionId};

/// A subtree in pre-order.
pub type Tree = Vec<SnapNode>;

pub fn el(tag: &str, attrs: &[(&str, &str)], children: Vec<Tree>) -> Tree {
    let mut out = vec![SnapNode::Element(Element {
        tag: tag.into(),
        attrs: attrs.iter().map(|(n, v)| Attr::new(*n, *v)).collect(),
        children: children.len() as u32,
        ..Default::default()
    })];
    out.extend(children.into_iter().flatten());
    out
}

pub fn text(s: &str) -> Tree {
    vec![SnapNode::Text(s.into())]
}

/// `<!DOCTYPE html><html><head><title>T</title></head><body>BODY</body></html>` from id 1:
/// document 1, doctype 2, html 3, head 4, title 5, "T" 6, body 7, body children from 8.
pub fn page(title: &str, body: Vec<Tree>) -> Tree {
    let mut out = vec![SnapNode::Document(Container { children: 2 })];
    out.push(SnapNode::Doctype(Doctype {
        name: "html".into(),
        ..Default::default()
    }));
    out.extend(el(
        "html",
        &[],
        vec![
            el("head", &[], vec![el("title", &[], vec![text(title)])]),
            el("body", &[], body),
        ],
    ));
    out
}

pub fn snapshot(nodes: Tree) -> Snapshot {
    Snapshot { first_id: 1, nodes }
}

pub fn meta(url: &str, title: &str) -> Meta {
    Meta {
        url: url.into(),
        title: title.into(),
        browser: Software {
            name: "Chrome".into(),
            version: "124.0".into(),
        },
        os: Software {
            name: "macOS".into(),
            version: "14.4".into(),
        },
        viewport: Size {
            width: 1280,
            height: 720,
        },
        device_pixel_ratio: 2.0,
        ..Default::default()
    }
}

pub fn sid(n: u8) -> SessionId {
    SessionId([n; 16])
}

/// `events` as frames of `per_frame` events, numbered from 0.
pub fn frames(session: SessionId, start: u64, events: &[Event], per_frame: usize) -> Vec<Vec<u8>> {
    events
        .chunks(per_frame.max(1))
        .enumerate()
        .map(|(seq, chunk)| {
            let header = FrameHeader {
                session_id: session,
                seq: seq as u32,
                session_start: start,
                ..Default::default()
            };
            encode(&header, chunk).expect("encodable events")
        })
        .collect()
}

/// The DOM after every event at or before `t`, replayed from the start: the reference.
pub fn naive_dom_at(events: &[Event], t: u64) -> Dom {
    let mut dom = Dom::new();
    for e in events.iter().take_while(|e| e.time <= t) {
        let _ = dom.apply_event(&e.data);
    }
    dom
}

/// One random step of a session: what to do and two numbers to pick targets with.
pub type Op = (u8, u32, u32, u8);

/// A session driven by `ops`, valid against the DOM it builds, with some invalid batches
/// (which must be skipped atomically), equal times, non-DOM events and new snapshots.
pub fn session_from_ops(ops: &[Op]) -> Vec<Event> {
    let first = page(
        "Shop",
        vec![el(
            "main",
            &[("id", "app")],
            vec![el("p", &[], vec![text("hi")])],
        )],
    );
    let mut next_id = first.len() as u32 + 1;
    let mut events = vec![
        Event::new(0, meta("https://shop.example/", "Shop")),
        Event::new(0, snapshot(first)),
    ];
    let mut dom = Dom::new();
    for e in &events {
        let _ = dom.apply_event(&e.data);
    }
    let mut time = 0u64;
    for &(kind, a, b, dt) in ops {
        time += u64::from(dt % 40);
        let elements: Vec<NodeId> = dom
            .iter()
            .filter(|n| n.kind() == NodeKind::Element)
            .map(|n| n.id())
            .collect();
        let pick = |ids: &[NodeId], k: u32| ids.get(k as usize % ids.len().max(1)).copied();
        let data: EventData = match kind % 10 {
            0 | 1 => {
                let Some(parent) = pick(&elements, a) else {
                    continue;
                };
                let kids: Vec<NodeId> = dom
                    .node(parent)
                    .map(|n| n.children().map(|c| c.id()).collect())
                    .unwrap_or_default();
                let before = (b as usize % (kids.len() + 1) < kids.len())
                    .then(|| kids[b as usize % (kids.len() + 1)]);
                let nodes = if b % 3 == 0 {
                    text(&format!("t{next_id}"))
                } else {
                    el(
                        "li",
                        &[("class", "item")],
                        vec![text(&format!("item {next_id}"))],
                    )
                };
                let add = AddedTree {
                    parent,
                    before,
                    first_id: next_id,
                    nodes,
                };
                next_id += add.nodes.len() as u32;
                let mut batch = MutationBatch {
                    adds: vec![add],
                    ..Default::default()
                };
                if kind % 10 == 1 {
                    batch.attrs.push(AttrChange {
                        id: parent,
                        name: "data-n".into(),
                        value: Some(b.to_string()),
                    });
                }
                MutationBatch::into(batch)
            }
            2 => {
                let removable: Vec<NodeId> = dom
                    .iter()
                    .filter(|n| n.parent().is_some())
                    .map(|n| n.id())
                    .collect();
                let Some(id) = pick(&removable, a) else {
                    continue;
                };
                MutationBatch {
                    removes: vec![id],
                    ..Default::default()
                }
                .into()
            }
            3 => {
                let Some(id) = pick(&elements, a) else {
                    continue;
                };
                let name = ["class", "id", "data-x", "title"][b as usize % 4];
                MutationBatch {
                    attrs: vec![AttrChange {
                        id,
                        name: name.into(),
                        value: (b % 5 != 0).then(|| format!("v{b}")),
                    }],
                    ..Default::default()
                }
                .into()
            }
            4 => {
                let texts: Vec<NodeId> = dom
                    .iter()
                    .filter(|n| n.kind() == NodeKind::Text)
                    .map(|n| n.id())
                    .collect();
                let Some(id) = pick(&texts, a) else { continue };
                MutationBatch {
                    texts: vec![TextChange {
                        id,
                        text: format!("changed {b}"),
                    }],
                    ..Default::default()
                }
                .into()
            }
            5 => {
                let Some(id) = pick(&elements, a) else {
                    continue;
                };
                Input {
                    id,
                    value: InputValue::Text(format!("typed {b}")),
                    user: true,
                }
                .into()
            }
            6 => {
                let Some(id) = pick(&elements, a) else {
                    continue;
                };
                Scroll {
                    target: id,
                    x: 0,
                    y: b as i32 % 500,
                }
                .into()
            }
            7 => Pointer {
                kind: PointerKind::Click,
                target: pick(&elements, a),
                x: 1,
                y: 2,
                button: 0,
            }
            .into(),
            8 => {
                // Valid add then a remove of a node that does not exist: nothing applies.
                let Some(parent) = pick(&elements, a) else {
                    continue;
                };
                MutationBatch {
                    removes: vec![9_999_999],
                    adds: vec![AddedTree {
                        parent,
                        before: None,
                        first_id: next_id,
                        nodes: text("never"),
                    }],
                    ..Default::default()
                }
                .into()
            }
            _ if b % 8 == 0 => {
                // A new page: a snapshot with fresh ids.
                let body = vec![el(
                    "div",
                    &[("id", "page2")],
                    vec![text(&format!("page {b}"))],
                )];
                let nodes = page("Next", body);
                let first_id = next_id;
                next_id += nodes.len() as u32;
                Snapshot { first_id, nodes }.into()
            }
            _ => Console {
                level: Level::Log,
                args: vec![format!("log {b}")],
                stack: None,
            }
            .into(),
        };
        let _ = dom.apply_event(&data);
        events.push(Event { time, data });
    }
    events
}

/// A long session on a large page: `nodes`-ish nodes, then `batches` mutation batches of
/// the kinds a real app produces (list items added and removed, classes toggled, text
/// updated), with pointer moves in between.
pub fn long_session(nodes: usize, batches: usize) -> Vec<Event> {
    let rows = nodes / 4;
    let body = vec![el(
        "ul",
        &[("id", "list")],
        (0..rows)
            .map(|i| {
                el(
                    "li",
                    &[("class", "row")],
                    vec![el("span", &[], vec![text(&format!("row {i}"))])],
                )
            })
            .collect(),
    )];
    let first = page("Long", body);
    let list_id = 8;
    let mut next_id = first.len() as u32 + 1;
    let mut events = vec![
        Event::new(0, meta("https://app.example/", "Long")),
        Event::new(0, snapshot(first)),
    ];
    // Row ids: li, span, text, consecutive from 9.
    let mut rows_alive: Vec<NodeId> = (0..rows as u32).map(|i| 9 + i * 3).collect();
    let mut time = 0;
    for i in 0..batches {
        time += 16;
        let k = rows_alive.len().max(1);
        let data: EventData = match i % 4 {
            0 => {
                let li = next_id;
                next_id += 3;
                rows_alive.push(li);
                MutationBatch {
                    adds: vec![AddedTree {
                        parent: list_id,
                        before: None,
                        first_id: li,
                        nodes: el(
                            "li",
                            &[("class", "row new")],
                            vec![el("span", &[], vec![text("new row")])],
                        ),
                    }],
                    ..Default::default()
                }
                .into()
            }
            1 => {
                let li = rows_alive.swap_remove((i * 7919) % k);
                MutationBatch {
                    removes: vec![li],
                    ..Default::default()
                }
                .into()
            }
            2 => MutationBatch {
                attrs: (0..5)
                    .map(|j| AttrChange {
                        id: rows_alive[(i * 31 + j * 17) % rows_alive.len()],
                        name: "class".into(),
                        value: Some(format!("row selected-{}", i % 3)),
                    })
                    .collect(),
                ..Default::default()
            }
            .into(),
            _ => MutationBatch {
                texts: (0..5)
                    .map(|j| TextChange {
                        id: rows_alive[(i * 13 + j * 101) % rows_alive.len()] + 2,
                        text: format!("row updated at {time}"),
                    })
                    .collect(),
                ..Default::default()
            }
            .into(),
        };
        events.push(Event { time, data });
        events.push(Event::new(
            time + 8,
            PointerMove {
                points: vec![MovePoint {
                    offset: 0,
                    x: 10,
                    y: i as i32 % 700,
                }],
            },
        ));
    }
    events
}
