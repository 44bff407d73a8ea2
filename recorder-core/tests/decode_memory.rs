//! How much memory decoding hostile frames can make the decoder take, measured with a
//! counting global allocator. One test function runs the cases one after another so no
//! other test's allocations are counted.

mod support;

use recorder_core::event::{EventData, SnapNode};
use recorder_core::frame::{self, MAX_PAYLOAD_LEN, MAX_PREALLOCATED_EVENTS};
use recorder_core::testing::{Session, SessionSpec};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use support::{frame_from_parts, frame_from_payload};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator, only counting sizes on the side.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(now, Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            let now =
                CURRENT.fetch_add(new_size - layout.size(), Relaxed) + new_size - layout.size();
            PEAK.fetch_max(now, Relaxed);
        } else {
            CURRENT.fetch_sub(layout.size() - new_size, Relaxed);
        }
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak bytes allocated while `f` runs, above what was allocated before.
fn peak_during<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let base = CURRENT.load(Relaxed);
    PEAK.store(base, Relaxed);
    let result = f();
    (result, PEAK.load(Relaxed) - base)
}

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;

#[test]
fn decoding_memory_is_bounded_by_the_input() {
    // A 74-byte frame announcing 64 MiB: rejected before anything is reserved.
    let lie = frame_from_parts(MAX_PAYLOAD_LEN as u32, &[0; 16], 0);
    let (result, peak) = peak_during(|| frame::decode(&lie));
    assert!(result.is_err());
    assert!(peak < 64 * KIB, "{peak} bytes for a rejected 74-byte frame");

    // A snapshot announcing u32::MAX nodes and then ending: serde caps the reservation.
    let mut payload = vec![
        0x92, 0x00, 0x92, 0x01, 0x92, 0x01, 0xdd, 0xff, 0xff, 0xff, 0xff,
    ];
    payload.extend([0x92, 0x03, 0xa1, b'x']);
    let frame = frame_from_payload(&payload, 1);
    let (result, peak) = peak_during(|| frame::decode(&frame));
    assert!(result.is_err());
    assert!(
        peak < 2 * MIB,
        "{peak} bytes for a 15-byte payload announcing 4 G nodes"
    );

    // A header announcing as many events as the payload could hold, then a short list.
    let mut payload = vec![0x90];
    payload.resize(4 * 100_000, 0);
    let frame = frame_from_payload(&payload, 100_000);
    let (result, peak) = peak_during(|| frame::decode(&frame));
    assert!(result.is_err());
    let events = MAX_PREALLOCATED_EVENTS * std::mem::size_of::<recorder_core::Event>();
    assert!(
        peak < payload.len() + events + 64 * KIB,
        "{peak} bytes: the raw payload plus at most {events} preallocated for events"
    );

    // The worst legitimate amplification: every node a one-byte string-table reference to
    // a 96-byte string. Memory is a fixed multiple of the uncompressed payload.
    let text = "x".repeat(96);
    let nodes = 50_000;
    let mut payload = vec![0x92, 0x00, 0x92, 0x01, 0x92, 0x01, 0xdc];
    payload.extend((nodes as u16).to_be_bytes());
    payload.extend([0x92, 0x03, 0xd9, 96]);
    payload.extend(text.as_bytes());
    for _ in 1..nodes {
        payload.extend([0x92, 0x03, 0xcc, 132]); // the first string after the 132 seeds
    }
    let frame = frame_from_payload(&payload, 1);
    let (result, peak) = peak_during(|| frame::decode(&frame));
    let decoded = result.expect("a legal frame");
    let EventData::Snapshot(snapshot) = &decoded.events[0].data else {
        panic!("a snapshot")
    };
    assert_eq!(snapshot.nodes.len(), nodes);
    assert_eq!(snapshot.nodes[nodes - 1], SnapNode::Text(text));
    let ratio = peak / payload.len();
    println!(
        "worst case: {} compressed bytes, {} MessagePack bytes, {peak} bytes decoded ({ratio}x)",
        frame.len(),
        payload.len()
    );
    assert!(ratio <= 64, "decoded memory is {ratio}x the payload");

    // A realistic snapshot frame, for comparison.
    let session = Session::generate(&SessionSpec {
        seconds: 0,
        ..SessionSpec::default()
    });
    let encoded = session.encode().expect("encodes");
    let raw = u32::from_le_bytes([
        encoded[0][46],
        encoded[0][47],
        encoded[0][48],
        encoded[0][49],
    ]);
    let (result, peak) = peak_during(|| frame::decode(&encoded[0]));
    assert!(result.is_ok());
    println!(
        "20k-node snapshot: {} compressed bytes, {raw} MessagePack bytes, {peak} bytes decoded",
        encoded[0].len()
    );
    assert!(peak / raw as usize <= 16);
}
