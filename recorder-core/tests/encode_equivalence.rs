//! The hand-written MessagePack encoder (`recorder_core::msgpack`, used by
//! `frame::encode`) writes exactly the bytes of the serde + rmp-serde path that the
//! decoders mirror: on arbitrary events, on every size class of strings and arrays, and
//! on realistic generated sessions.

mod support;

use proptest::prelude::*;
use recorder_core::event::*;
use recorder_core::testing::{payload, payload_via_serde, Session, SessionSpec, Vocabulary};

fn assert_same(base_time: u64, events: &[Event]) {
    let ours = payload(base_time, events);
    let reference = payload_via_serde(base_time, events);
    assert!(
        ours == reference,
        "hand-written payload differs from rmp-serde's at byte {:?} ({} vs {} bytes)",
        ours.iter().zip(&reference).position(|(a, b)| a != b),
        ours.len(),
        reference.len()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_events_encode_alike(
        events in proptest::collection::vec(support::event(), 0..12),
        base in support::time(),
    ) {
        // Frames take the first event's time as base; any base must still agree.
        assert_same(base, &events);
        assert_same(events.first().map_or(0, |e| e.time), &events);
    }
}

/// Strings and arrays at the boundaries of every MessagePack length form (fix, 8-, 16-
/// and 32-bit), integers at every width and sign, and ids.
#[test]
fn length_and_integer_boundaries_encode_alike() {
    let mut events = Vec::new();
    for len in [0, 31, 32, 96, 97, 255, 256, 65535, 65536] {
        let text = "x".repeat(len);
        events.push(Event::new(
            len as u64,
            Console {
                level: Level::Log,
                args: vec![text.clone(); 2],
                stack: Some(text.clone()),
            },
        ));
        events.push(Event::new(
            0,
            Snapshot {
                first_id: 1,
                nodes: vec![SnapNode::Text(text); 2],
            },
        ));
    }
    for n in [15, 16, 65535, 65536] {
        events.push(Event::new(
            u64::MAX >> 1,
            MutationBatch {
                removes: (0..n).collect(),
                ..MutationBatch::default()
            },
        ));
    }
    for v in [
        0i64,
        1,
        -1,
        -32,
        -33,
        -128,
        -129,
        -32768,
        -32769,
        i32::MIN as i64,
        127,
        128,
        255,
        256,
        65535,
        65536,
        i32::MAX as i64,
    ] {
        let v = v as i32;
        events.push(Event::new(
            0,
            Scroll {
                target: v as u32,
                x: v,
                y: v.wrapping_neg(),
            },
        ));
    }
    for v in [
        0u64,
        127,
        128,
        255,
        256,
        65535,
        65536,
        u32::MAX as u64,
        1 << 32,
        u64::MAX,
    ] {
        events.push(Event::new(
            0,
            Performance::Memory(Memory {
                used: v,
                total: v / 3,
                limit: v / 7,
            }),
        ));
    }
    assert_same(0, &events);
    // Deltas between far-apart times take every signed width too.
    assert_same(i64::MAX as u64, &events);
}

#[test]
fn generated_sessions_encode_alike() {
    for seed in 0..4 {
        let session = Session::generate(&SessionSpec {
            seed,
            snapshot_nodes: 3_000,
            seconds: 60,
            vocabulary: [Vocabulary::Shop, Vocabulary::Wiki][seed as usize % 2],
        });
        let events: Vec<Event> = session.events().cloned().collect();
        for chunk in events.chunks(200) {
            assert_same(chunk[0].time, chunk);
        }
    }
}
