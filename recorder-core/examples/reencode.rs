//! Encodes the events of a recording again with this build's frame codec and prints the
//! sizes, frame by frame: to measure a format change on real recordings without
//! recording them again.
//!
//! `tapedeck json FILE.tdk > events.jsonl` (with any build of the CLI that reads FILE),
//! then `cargo run --release -p recorder-core --example reencode -- events.jsonl…`.
//! Each line is `{"seq": N, "time": T, "data": {…}}`; the events of one `seq` make one
//! frame, as they did in the recording. Every frame is decoded again and compared with
//! its events, so the sizes printed are those of a lossless encoding.

use recorder_core::frame::{self, FrameHeader, HEADER_LEN};
use recorder_core::{Event, EventData};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Line {
    seq: u32,
    time: u64,
    data: EventData,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut grand = (0usize, 0usize);
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path)?;
        let mut frames: BTreeMap<u32, Vec<Event>> = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            let line: Line =
                serde_json::from_str(line).map_err(|e| format!("{path}:{}: {e}", n + 1))?;
            frames
                .entry(line.seq)
                .or_default()
                .push(Event::new(line.time, line.data));
        }
        let (mut raw_total, mut total) = (0, 0);
        println!("{path}");
        for (seq, events) in &frames {
            let header = FrameHeader {
                seq: *seq,
                ..FrameHeader::default()
            };
            let bytes = frame::encode(&header, events)?;
            let decoded = frame::decode(&bytes)?;
            assert!(
                decoded.events == *events,
                "frame {seq} does not decode to its events"
            );
            let raw = u32::from_le_bytes([bytes[46], bytes[47], bytes[48], bytes[49]]) as usize;
            println!(
                "  frame {seq:>3}: {:>6} events, {raw:>8} B MessagePack, {:>7} B frame ({} B payload)",
                events.len(),
                bytes.len(),
                bytes.len() - HEADER_LEN
            );
            raw_total += raw;
            total += bytes.len();
        }
        println!("  total: {raw_total} B MessagePack, {total} B of frames");
        // Each kind of event alone, all frames' worth in one frame: where the bytes go.
        let mut kinds: BTreeMap<&str, Vec<Event>> = BTreeMap::new();
        for e in frames.values().flatten() {
            kinds.entry(e.data.kind_name()).or_default().push(e.clone());
        }
        for (kind, events) in &kinds {
            let bytes = frame::encode(&FrameHeader::default(), events)?;
            println!(
                "  {kind:>12}: {:>6} events, {:>7} B alone ({:.2} B/event)",
                events.len(),
                bytes.len() - HEADER_LEN,
                (bytes.len() - HEADER_LEN) as f64 / events.len() as f64
            );
        }
        grand.0 += raw_total;
        grand.1 += total;
    }
    println!("all: {} B MessagePack, {} B of frames", grand.0, grand.1);
    Ok(())
}
