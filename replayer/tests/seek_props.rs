//! Checkpointed seeking gives exactly the DOM of a replay from the start, for random
//! sessions cut into frames that arrive in random order.

mod common;

use common::*;
use proptest::prelude::*;
use replayer::{CheckpointPolicy, Timeline};

fn ops() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(any::<(u8, u32, u32, u8)>(), 0..120)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn dom_at_equals_replay_from_start(
        ops in ops(),
        per_frame in 1usize..12,
        order in prop::collection::vec(any::<u32>(), 64),
        every in 1u64..40,
        times in prop::collection::vec(any::<u16>(), 1..16),
    ) {
        let events = session_from_ops(&ops);
        let mut frames = frames(sid(1), 1_700_000_000_000, &events, per_frame);
        // Shuffle the frames by random keys.
        let mut keyed: Vec<(u32, Vec<u8>)> =
            frames.drain(..).enumerate().map(|(i, f)| (order[i % order.len()] ^ i as u32, f)).collect();
        keyed.sort_by_key(|(k, _)| *k);
        let inputs: Vec<&[u8]> = keyed.iter().map(|(_, f)| f.as_slice()).collect();
        let timeline = Timeline::from_frames_with(inputs, CheckpointPolicy::every(every)).unwrap();

        // Sorting is stable: the order recorded is the order replayed.
        prop_assert_eq!(timeline.events(), &events[..]);
        let end = timeline.duration();
        for &t in times.iter().chain([0u16, u16::MAX].iter()) {
            let t = u64::from(t) % (end + 2);
            let expected = naive_dom_at(&events, t);
            let got = timeline.dom_at(t);
            prop_assert_eq!(got.to_html(), expected.to_html(), "t = {}", t);
            prop_assert!(got == expected, "t = {}", t);
            prop_assert!(got.check_invariants().is_ok());
            // The same through an index, and through a cursor seeking back and forth.
            let count = timeline.index_at(t).map_or(0, |i| i + 1);
            if let Some(i) = timeline.index_at(t) {
                prop_assert!(timeline.dom_after(i) == expected);
            }
            let mut cursor = timeline.cursor();
            cursor.seek(end);
            cursor.seek(t);
            prop_assert_eq!(cursor.position(), count);
            prop_assert!(cursor.dom() == &expected);
        }
        // Stepping a cursor through every event matches too, and the failures it meets are
        // the ones the report lists.
        let mut cursor = timeline.cursor();
        let mut failures = Vec::new();
        while let Some(step) = cursor.step() {
            if let replayer::Applied::Failed(e) = step.applied {
                failures.push((step.index, e));
            }
        }
        prop_assert!(cursor.dom() == &naive_dom_at(&events, u64::MAX));
        let reported: Vec<_> = timeline.report().dom_errors.iter().map(|f| (f.index, f.error.clone())).collect();
        prop_assert_eq!(failures, reported);
    }
}
