//! Seeking in a long session: the checkpointed `Timeline::dom_at` against a replay from
//! the start, on a ≈20k-node page followed by 20 000 mutation batches (and as many
//! pointer-move events between them, which a seek must step over too).
//!
//! `cargo bench -p replayer --bench seek` (add `-- --quick` for a fast run). The numbers
//! quoted in the module docs of `replayer::timeline` come from this bench.

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use recorder_core::dom::Dom;
use recorder_core::event::Event;
use replayer::{CheckpointPolicy, Timeline};
use std::hint::black_box;

const NODES: usize = 20_000;
const BATCHES: usize = 20_000;

fn naive(events: &[Event], t: u64) -> Dom {
    common::naive_dom_at(events, t)
}

fn seek(c: &mut Criterion) {
    let events = common::long_session(NODES, BATCHES);
    let end = events.last().map_or(0, |e| e.time);
    let middle = end / 2;
    let timeline = Timeline::from_events(events.clone());
    let dense = Timeline::from_events_with(
        events.clone(),
        CheckpointPolicy {
            min_work: 1024,
            size_factor: 0.25,
        },
    );
    let dom_len = timeline.dom_at(end).len();
    eprintln!(
        "session: {} events, {dom_len} nodes at the end; default policy: {} checkpoints, a seek to \
         the end replays {} events; size_factor 0.25: {} checkpoints, {} events",
        events.len(),
        timeline.checkpoint_positions().count(),
        timeline.seek_cost(end),
        dense.checkpoint_positions().count(),
        dense.seek_cost(end),
    );
    assert!(timeline.dom_at(end) == naive(&events, end));

    let mut group = c.benchmark_group("seek");
    group.sample_size(10);
    group.bench_function("end/checkpointed", |b| {
        b.iter(|| timeline.dom_at(black_box(end)))
    });
    group.bench_function("end/size_factor_0.25", |b| {
        b.iter(|| dense.dom_at(black_box(end)))
    });
    group.bench_function("end/replay_from_start", |b| {
        b.iter(|| naive(&events, black_box(end)))
    });
    group.bench_function("middle/checkpointed", |b| {
        b.iter(|| timeline.dom_at(black_box(middle)))
    });
    group.bench_function("middle/size_factor_0.25", |b| {
        b.iter(|| dense.dom_at(black_box(middle)))
    });
    group.bench_function("middle/replay_from_start", |b| {
        b.iter(|| naive(&events, black_box(middle)))
    });
    // A player scrubbing backwards and forwards with one cursor.
    group.bench_function("cursor/scrub_10_positions", |b| {
        let mut cursor = timeline.cursor();
        b.iter(|| {
            for k in [9u64, 1, 7, 3, 5, 10, 2, 8, 4, 6] {
                cursor.seek(black_box(end * k / 10));
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("build");
    group.sample_size(10);
    group.bench_function("timeline_with_checkpoints", |b| {
        b.iter(|| Timeline::from_events(black_box(events.clone())))
    });
    group.bench_function("markdown", |b| b.iter(|| timeline.timeline_markdown()));
    group.finish();
}

criterion_group!(benches, seek);
criterion_main!(benches);
