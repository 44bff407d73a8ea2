//! Writes seed inputs for the fuzz targets in `fuzz/` from generated sessions, so fuzzing
//! starts from valid frames instead of having to discover the format byte by byte.
//!
//! `cargo run -p recorder-core --example fuzz_corpus` (writes `fuzz/corpus/<target>/`).

use recorder_core::event::*;
use recorder_core::frame::{self, HEADER_LEN};
use recorder_core::testing::{Session, SessionSpec};
use std::fs;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let session = Session::generate(&SessionSpec {
        snapshot_nodes: 120,
        seconds: 24,
        ..SessionSpec::default()
    });
    let mut frames = session.encode()?;
    let mut frame_events = session.frames.clone();
    // Frames that exercise format 2's column layouts at full strength: typing (input
    // edits), a dense batch of attribute and numeric text changes, log lines with figures.
    let typing: Vec<Event> = (1..40u64)
        .map(|k| {
            let value = if k % 7 == 0 {
                "é".repeat(k as usize / 7)
            } else {
                "*".repeat(k as usize)
            };
            Event::new(
                k,
                Input {
                    id: 10 + (k as u32 % 2),
                    value: InputValue::Text(value),
                    user: true,
                },
            )
        })
        .collect();
    let batch = MutationBatch {
        removes: vec![7, 9, 8],
        attrs: (0..20u32)
            .map(|i| AttrChange {
                id: 100 + 2 * i,
                name: "style".into(),
                value: Some(format!("width: {}px;", 20 + i)),
            })
            .collect(),
        texts: (0..20u32)
            .map(|i| TextChange {
                id: 101 + 2 * i,
                text: format!("{}.{:02} USD", i * 79, i),
            })
            .collect(),
        ..MutationBatch::default()
    };
    let logs: Vec<Event> = (0..10u64)
        .map(|t| {
            Event::new(
                t,
                Console {
                    level: Level::Log,
                    args: vec![format!("tick {t} of 10")],
                    stack: None,
                },
            )
        })
        .collect();
    for events in [typing, vec![Event::new(0, batch)], logs] {
        frames.push(frame::encode(
            &session.header(frames.len() as u32),
            &events,
        )?);
        frame_events.push(events);
    }
    let mut written = 0;
    let mut write = |target: &str, name: String, bytes: &[u8]| -> std::io::Result<()> {
        let dir = root.join(target);
        fs::create_dir_all(&dir)?;
        written += 1;
        fs::write(dir.join(name), bytes)
    };
    for (i, bytes) in frames.iter().enumerate() {
        write("decode_frame", format!("frame-{i}"), bytes)?;
        let raw_len = u32::from_le_bytes([bytes[46], bytes[47], bytes[48], bytes[49]]);
        let raw = lz4_flex::block::decompress_with_dict(
            &bytes[HEADER_LEN..],
            raw_len as usize,
            frame::DICTIONARY,
        )?;
        let count = frame_events[i].len() as u8;
        // decode_frame_valid_crc, even mode: [count << 1] + MessagePack payload.
        let mut input = vec![count << 1];
        input.extend_from_slice(&raw);
        write("decode_frame_valid_crc", format!("payload-{i}"), &input)?;
        // odd mode: [1][raw_len][count][dictionary 1] + LZ4 block.
        let mut input = vec![1];
        input.extend_from_slice(&raw_len.to_le_bytes());
        input.extend_from_slice(&[count, 1]);
        input.extend_from_slice(&bytes[HEADER_LEN..]);
        write("decode_frame_valid_crc", format!("block-{i}"), &input)?;
        // round_trip: [count] + MessagePack payload.
        let mut input = vec![count];
        input.extend_from_slice(&raw);
        write("round_trip", format!("payload-{i}"), &input)?;
    }
    // session_reader: a few frames back to back, out of order, duplicated, with junk.
    for (name, order) in [
        ("in-order", vec![1, 2, 3]),
        ("shuffled", vec![3, 1, 2]),
        ("duplicate", vec![1, 1, 2]),
        ("gap", vec![1, 3]),
    ] {
        let stream: Vec<u8> = order.iter().flat_map(|&i| frames[i].clone()).collect();
        write("session_reader", name.into(), &stream)?;
    }
    // A magic and the current version followed by junk, then a real frame.
    let mut junk = frame::MAGIC.to_vec();
    junk.push(frame::FORMAT_VERSION);
    junk.extend_from_slice(b"junk");
    junk.extend_from_slice(&frames[1]);
    write("session_reader", "junk".into(), &junk)?;
    println!("wrote {written} seed inputs under {}", root.display());
    Ok(())
}
