//! The checkpoint policy: a seek replays only what follows the nearest checkpoint.

mod common;

use common::*;
use recorder_core::event::*;
use replayer::{CheckpointPolicy, Timeline};

#[test]
fn a_seek_replays_at_most_about_one_dom_size_of_work() {
    let events = long_session(2_000, 6_000);
    let timeline = Timeline::from_events(events.clone());
    let end = timeline.duration();
    let nodes = timeline.dom_at(end).len();
    let checkpoints: Vec<usize> = timeline.checkpoint_positions().collect();
    // One after the snapshot (event 1), then one per ≈ `nodes` work units.
    assert_eq!(checkpoints[0], 2);
    assert!(checkpoints.len() >= 5, "{checkpoints:?}");
    // Each event of this session is at least one work unit, so no seek replays more events
    // than the threshold allows.
    let threshold = 1024.max(nodes + 3 * 6);
    for t in (0..=end).step_by(97) {
        assert!(
            timeline.seek_cost(t) <= threshold,
            "t = {t}: {}",
            timeline.seek_cost(t)
        );
    }
    assert!(timeline.dom_at(end) == naive_dom_at(&events, end));

    // Without periodic checkpoints, a seek to the end replays everything since the snapshot.
    let sparse = Timeline::from_events_with(events.clone(), CheckpointPolicy::snapshots_only());
    assert_eq!(sparse.checkpoint_positions().collect::<Vec<_>>(), vec![2]);
    assert_eq!(sparse.seek_cost(end), events.len() - 2);
    assert!(sparse.dom_at(end) == timeline.dom_at(end));
}

#[test]
fn every_snapshot_is_a_checkpoint_and_failed_events_are_reported() {
    let mut events = vec![Event::new(0, snapshot(page("A", vec![text("a")])))];
    events.push(Event::new(
        10,
        MutationBatch {
            removes: vec![424_242],
            ..Default::default()
        },
    ));
    let second = page("B", vec![text("b")]);
    events.push(Event::new(
        20,
        Snapshot {
            first_id: 100,
            nodes: second,
        },
    ));
    let timeline = Timeline::from_events_with(events, CheckpointPolicy::snapshots_only());
    assert_eq!(
        timeline.checkpoint_positions().collect::<Vec<_>>(),
        vec![1, 3]
    );
    assert_eq!(timeline.seek_cost(25), 0);
    let failures = &timeline.report().dom_errors;
    assert_eq!(failures.len(), 1);
    assert_eq!((failures[0].index, failures[0].time), (1, 10));
    assert!(timeline.dom_at(15).to_html().contains("<body>a</body>"));
    assert!(timeline.dom_at(25).to_html().contains("<body>b</body>"));
    assert_eq!(timeline.index_at(5), Some(0));
    assert_eq!(timeline.index_at(20), Some(2));
    let empty = Timeline::from_events(vec![Event::new(5, snapshot(page("A", vec![])))]);
    assert_eq!(empty.index_at(4), None);
    assert!(empty.dom_at(4).is_empty());
}

#[test]
fn a_cursor_steps_and_reports_what_it_applied() {
    let events = session_from_ops(&[(0, 1, 1, 5), (8, 0, 0, 5), (7, 0, 0, 5), (3, 2, 2, 0)]);
    let timeline = Timeline::from_events(events.clone());
    let mut cursor = timeline.cursor();
    let steps: Vec<_> = cursor.advance_to(5).map(|s| (s.index, s.applied)).collect();
    // Meta (not DOM), snapshot, the add at 5.
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[0].1, replayer::Applied::NotDom);
    assert_eq!(steps[1].1, replayer::Applied::Applied);
    assert_eq!(cursor.position(), 3);
    let rest: Vec<_> = cursor.by_ref().map(|s| s.applied).collect();
    assert!(matches!(rest[0], replayer::Applied::Failed(_)), "{rest:?}");
    assert_eq!(rest[1], replayer::Applied::NotDom);
    assert!(cursor.dom() == &naive_dom_at(&events, u64::MAX));
}
