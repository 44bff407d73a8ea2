//! The DOM mirror on a generated ≈20k-node page: what the replayer pays to build a page,
//! follow its mutations, keep checkpoints, export HTML and diff two states.
//!
//! `cargo bench -p recorder-core --bench dom` (add `-- --quick` for a fast run).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use recorder_core::dom::{diff, Dom};
use recorder_core::event::*;
use std::hint::black_box;

/// Builds pre-order nodes.
struct Page {
    nodes: Vec<SnapNode>,
}

impl Page {
    fn el(&mut self, tag: &str, attrs: &[(&str, &str)], children: u32) {
        self.nodes.push(SnapNode::Element(Element {
            tag: tag.into(),
            namespace: Namespace::Html,
            attrs: attrs.iter().map(|(n, v)| Attr::new(*n, *v)).collect(),
            children,
            state: None,
        }));
    }

    fn text(&mut self, t: &str) {
        self.nodes.push(SnapNode::Text(t.into()));
    }
}

/// A documentation-like page: `sections` sections of 22 nodes each, plus a head.
fn page(sections: u32) -> Snapshot {
    let mut p = Page { nodes: Vec::new() };
    p.nodes.push(SnapNode::Document(Container { children: 2 }));
    p.nodes.push(SnapNode::Doctype(Doctype {
        name: "html".into(),
        ..Default::default()
    }));
    p.el("html", &[("lang", "en")], 2);
    p.el("head", &[], 3);
    p.el("title", &[], 1);
    p.text("Tapedeck benchmark page");
    p.el("meta", &[("charset", "utf-8")], 0);
    p.el("style", &[], 1);
    p.text("body { font: 14px sans-serif } .section > h2 { color: #333 }");
    p.el("body", &[("class", "docs")], sections);
    for i in 0..sections {
        let id = format!("s{i}");
        p.el("div", &[("class", "section card"), ("id", &id)], 5);
        p.el("h2", &[], 1);
        p.text(&format!("Section {i}: mutation batches & checkpoints"));
        p.el("p", &[("class", "lead")], 3);
        p.text("Read the ");
        p.el("a", &[("href", &format!("/docs/{i}?a=1&b=2"))], 1);
        p.text("documentation");
        p.text(" before <editing> anything.");
        p.el("ul", &[("class", "list")], 5);
        for j in 0..5 {
            p.el("li", &[], 1);
            p.text(&format!("item {j} of section {i}"));
        }
        p.el(
            "input",
            &[("type", "text"), ("name", &id), ("placeholder", "Search")],
            0,
        );
        p.el("label", &[("for", &id)], 1);
        p.text("Label");
    }
    Snapshot {
        first_id: 1,
        nodes: p.nodes,
    }
}

/// `n` small batches like a live page produces: add a list item, change an attribute and
/// a text, remove the item added ten batches before.
fn batches(dom: &Dom, n: u32) -> Vec<MutationBatch> {
    let uls: Vec<NodeId> = dom
        .iter()
        .filter(|x| x.tag() == Some("ul"))
        .map(|x| x.id())
        .collect();
    let divs: Vec<NodeId> = dom
        .iter()
        .filter(|x| x.tag() == Some("div"))
        .map(|x| x.id())
        .collect();
    let texts: Vec<NodeId> = dom
        .iter()
        .filter(|x| x.text().is_some())
        .map(|x| x.id())
        .collect();
    let mut next = 1_000_000;
    let mut added = Vec::new();
    (0..n as usize)
        .map(|k| {
            let li = next;
            next += 2;
            added.push(li);
            MutationBatch {
                removes: if k >= 10 { vec![added[k - 10]] } else { vec![] },
                adds: vec![AddedTree {
                    parent: uls[k % uls.len()],
                    before: None,
                    first_id: li,
                    nodes: vec![
                        SnapNode::Element(Element {
                            tag: "li".into(),
                            attrs: vec![Attr::new("class", "new")],
                            children: 1,
                            ..Default::default()
                        }),
                        SnapNode::Text(format!("added {k}")),
                    ],
                }],
                attrs: vec![AttrChange {
                    id: divs[k % divs.len()],
                    name: "data-k".into(),
                    value: Some(k.to_string()),
                }],
                texts: vec![TextChange {
                    id: texts[(k * 7) % texts.len()],
                    text: format!("changed {k}"),
                }],
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let snap = page(900);
    let dom = Dom::from_snapshot(&snap).expect("valid page");
    assert!(dom.len() > 19_000 && dom.len() < 21_000, "{}", dom.len());
    let batches = batches(&dom, 1000);
    let mut later = dom.clone();
    for b in &batches {
        later.apply(b).expect("valid batch");
    }

    let mut g = c.benchmark_group("dom");
    g.throughput(Throughput::Elements(dom.len() as u64));
    g.bench_function("snapshot_apply_20k", |b| {
        b.iter(|| Dom::from_snapshot(black_box(&snap)))
    });
    g.bench_function("clone_20k", |b| b.iter(|| black_box(&dom).clone()));
    g.bench_function("to_html_20k", |b| b.iter(|| black_box(&dom).to_html()));
    g.bench_function("diff_empty_to_20k", |b| {
        b.iter(|| diff(&Dom::new(), black_box(&dom)))
    });
    g.bench_function("diff_20k_after_1000_batches", |b| {
        b.iter(|| diff(black_box(&dom), black_box(&later)))
    });
    g.bench_function("diff_20k_equal_clones", |b| {
        let copy = dom.clone();
        b.iter(|| diff(black_box(&dom), black_box(&copy)))
    });
    g.throughput(Throughput::Elements(batches.len() as u64));
    g.bench_function("apply_1000_batches", |b| {
        b.iter_batched(
            || dom.clone(),
            |mut d| {
                for batch in &batches {
                    d.apply(batch).expect("valid batch");
                }
                d
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
