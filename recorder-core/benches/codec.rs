//! Frame codec throughput on a generated realistic session (see `recorder_core::testing`).
//!
//! "MB of events" means bytes of the events' uncompressed MessagePack payload (the
//! `raw_len` of every frame, summed): what the codec has to produce or consume on top of
//! LZ4. Throughput is also given in events per second. Before measuring, the bench prints
//! the session's shape and compressed sizes once.
//!
//! `cargo bench -p recorder-core --bench codec` for full numbers;
//! `cargo bench -p recorder-core --bench codec -- --quick` for a smoke run in CI.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use recorder_core::frame;
use recorder_core::testing::{Session, SessionSpec};
use std::hint::black_box;

fn raw_len(encoded: &[u8]) -> u64 {
    u64::from(u32::from_le_bytes([
        encoded[46],
        encoded[47],
        encoded[48],
        encoded[49],
    ]))
}

fn bench_codec(c: &mut Criterion) {
    let session = Session::generate(&SessionSpec::default());
    let encoded = session.encode().expect("generated session encodes");
    let events = session.event_count() as u64;
    let raw: u64 = encoded.iter().map(|f| raw_len(f)).sum();
    let compressed: u64 = encoded.iter().map(|f| f.len() as u64).sum();
    let snapshot_raw = raw_len(&encoded[0]);
    let snapshot_compressed = encoded[0].len();
    let rest_frames = (encoded.len() - 1) as u64;
    let rest_compressed = compressed - snapshot_compressed as u64;
    println!(
        "session: {} frames, {events} events, {:.2} MB MessagePack, {:.2} MB compressed \
         ({:.1}%), {:.1} compressed bytes/event",
        encoded.len(),
        raw as f64 / 1e6,
        compressed as f64 / 1e6,
        100.0 * compressed as f64 / raw as f64,
        compressed as f64 / events as f64,
    );
    println!(
        "  snapshot frame: {snapshot_raw} B MessagePack -> {snapshot_compressed} B; \
         other frames: {:.0} B/frame on average ({:.1} B/event)",
        rest_compressed as f64 / rest_frames as f64,
        rest_compressed as f64 / (events - 2) as f64,
    );

    let mut group = c.benchmark_group("session");
    group.throughput(Throughput::Bytes(raw));
    group.bench_function("encode (MB/s of MessagePack)", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            for (seq, events) in session.frames.iter().enumerate() {
                frame::encode_into(&session.header(seq as u32), events, &mut out).expect("encodes");
            }
            black_box(out)
        })
    });
    group.bench_function("decode (MB/s of MessagePack)", |b| {
        b.iter(|| {
            for bytes in &encoded {
                black_box(frame::decode(bytes).expect("decodes"));
            }
        })
    });
    group.throughput(Throughput::Elements(events));
    group.bench_function("decode (events/s)", |b| {
        b.iter(|| {
            for bytes in &encoded {
                black_box(frame::decode(bytes).expect("decodes"));
            }
        })
    });
    group.finish();

    // One ordinary one-second frame, the unit the recorder produces most often.
    let small = &session.frames[1];
    let small_bytes = frame::encode(&session.header(1), small).expect("encodes");
    let mut group = c.benchmark_group("one-second frame");
    group.throughput(Throughput::Elements(small.len() as u64));
    group.bench_function("encode", |b| {
        b.iter_batched_ref(
            Vec::new,
            |out| frame::encode_into(&session.header(1), small, out).expect("encodes"),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("decode", |b| {
        b.iter(|| black_box(frame::decode(&small_bytes).expect("decodes")))
    });
    group.finish();
}

criterion_group!(benches, bench_codec);
criterion_main!(benches);
