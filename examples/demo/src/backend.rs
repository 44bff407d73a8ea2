//! Records this service's own work as Tapedeck `Backend` events: a `tracing` layer turns
//! spans and log events into [`Span`] and [`LogRecord`]s keyed by the W3C trace id of the
//! request that caused them, and a background task writes them as frames.
//!
//! The link to the browser is the `traceparent` header the recorder adds to requests: the
//! HTTP middleware (see `main.rs`) opens a root span with a `traceparent` field, and every
//! span and event inside inherits its trace id. The replayer joins by trace id alone.
//!
//! Field conventions (as in OpenTelemetry's tracing bridge): `traceparent` on a root span
//! links it to the caller; `otel.name` overrides the span name; `http.status_code` ≥ 500 or
//! an `error`-level event inside marks the span as failed. Other fields become attributes.

use recorder_core::event::{Attr, Backend, Event, Level, LogRecord, Span, SpanStatus};
use recorder_core::frame::{self, FrameHeader, SessionId};
use recorder_core::{SpanId, TraceId, TraceParent};
use std::collections::hash_map::RandomState;
use std::fmt::Write as _;
use std::hash::{BuildHasher, Hasher};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::Subscriber;
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

/// Collects backend events and writes them as frames of the service's own session.
#[derive(Clone, Debug)]
pub struct BackendRecorder {
    service: Arc<str>,
    session_id: SessionId,
    session_start_ms: u64,
    started: Instant,
    pending: Arc<Mutex<Vec<Event>>>,
}

impl BackendRecorder {
    /// A recorder for `service`, whose frames carry a fresh session id.
    pub fn new(service: &str) -> BackendRecorder {
        let mut id = [0u8; 16];
        id[..8].copy_from_slice(&random_u64().to_le_bytes());
        id[8..].copy_from_slice(&random_u64().to_le_bytes());
        BackendRecorder {
            service: service.into(),
            session_id: SessionId(id),
            session_start_ms: unix_ms(SystemTime::now()),
            started: Instant::now(),
            pending: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// The `tracing` layer feeding this recorder.
    pub fn layer(&self) -> TapedeckLayer {
        TapedeckLayer {
            recorder: self.clone(),
        }
    }

    fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    fn push(&self, time: u64, data: Backend) {
        if let Ok(mut pending) = self.pending.lock() {
            pending.push(Event::new(time, data));
        }
    }

    /// Appends pending events as frames to `path` every `every`, forever.
    pub async fn write_frames(self, path: PathBuf, every: Duration) {
        let mut seq = 0u32;
        let mut ticker = tokio::time::interval(every);
        loop {
            ticker.tick().await;
            let events = match self.pending.lock() {
                Ok(mut pending) => std::mem::take(&mut *pending),
                Err(_) => continue,
            };
            if events.is_empty() {
                continue;
            }
            let header = FrameHeader {
                session_id: self.session_id,
                seq,
                session_start: self.session_start_ms,
                ..FrameHeader::default()
            };
            seq += 1;
            match frame::encode(&header, &events) {
                Ok(bytes) => {
                    if let Err(e) = append(&path, &bytes).await {
                        eprintln!(
                            "tapedeck-demo: cannot write backend frames to {}: {e}",
                            path.display()
                        );
                    }
                }
                Err(e) => eprintln!("tapedeck-demo: cannot encode backend frame: {e}"),
            }
        }
    }
}

async fn append(path: &PathBuf, bytes: &[u8]) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let mut file = tokio::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .await?;
    file.write_all(bytes).await?;
    file.flush().await
}

/// The `tracing_subscriber` layer; see the module docs for field conventions.
#[derive(Debug)]
pub struct TapedeckLayer {
    recorder: BackendRecorder,
}

/// What a span accumulates between its creation and its close.
struct SpanData {
    trace_id: TraceId,
    span_id: SpanId,
    parent: Option<SpanId>,
    name: String,
    start_ms: u64,
    started: Instant,
    attributes: Vec<Attr>,
    failed: bool,
}

#[derive(Default)]
struct Fields {
    traceparent: Option<TraceParent>,
    name: Option<String>,
    message: Option<String>,
    attributes: Vec<Attr>,
    failed: bool,
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let mut text = String::new();
        let _ = write!(text, "{value:?}");
        self.record_str(field, &text);
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "traceparent" => self.traceparent = TraceParent::parse(value).ok(),
            "otel.name" => self.name = Some(value.to_owned()),
            "message" => self.message = Some(value.to_owned()),
            name => self.attributes.push(Attr::new(name, value)),
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "http.status_code" && value >= 500 {
            self.failed = true;
        }
        self.attributes
            .push(Attr::new(field.name(), value.to_string()));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.attributes
            .push(Attr::new(field.name(), value.to_string()));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.attributes
            .push(Attr::new(field.name(), value.to_string()));
    }
}

impl<S> Layer<S> for TapedeckLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        let inherited = span.parent().and_then(|p| {
            p.extensions()
                .get::<SpanData>()
                .map(|d| (d.trace_id, d.span_id))
        });
        let (trace_id, parent) = match (inherited, fields.traceparent) {
            (Some((trace, parent)), _) => (trace, Some(parent)),
            (None, Some(tp)) => (tp.trace_id, Some(tp.parent_id)),
            // Not called from a recorded page: this service starts the trace.
            (None, None) => (TraceId::from_random(random_bytes()), None),
        };
        let data = SpanData {
            trace_id,
            span_id: SpanId::from_random(random_u64().to_le_bytes()),
            parent,
            name: fields
                .name
                .unwrap_or_else(|| attrs.metadata().name().to_owned()),
            start_ms: self.recorder.now_ms(),
            started: Instant::now(),
            attributes: fields.attributes,
            failed: fields.failed,
        };
        span.extensions_mut().insert(data);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut fields = Fields::default();
        values.record(&mut fields);
        let mut extensions = span.extensions_mut();
        if let Some(data) = extensions.get_mut::<SpanData>() {
            if let Some(name) = fields.name {
                data.name = name;
            }
            data.failed |= fields.failed;
            for attr in fields.attributes {
                match data.attributes.iter_mut().find(|a| a.name == attr.name) {
                    Some(existing) => existing.value = attr.value,
                    None => data.attributes.push(attr),
                }
            }
        }
    }

    fn on_event(&self, event: &tracing::Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let level = match *event.metadata().level() {
            tracing::Level::ERROR => Level::Error,
            tracing::Level::WARN => Level::Warn,
            tracing::Level::INFO => Level::Info,
            tracing::Level::DEBUG => Level::Debug,
            tracing::Level::TRACE => Level::Trace,
        };
        let (trace_id, span_id) = match ctx.event_span(event) {
            Some(span) => {
                let mut ext = span.extensions_mut();
                match ext.get_mut::<SpanData>() {
                    Some(data) => {
                        data.failed |= level == Level::Error;
                        (Some(data.trace_id), Some(data.span_id))
                    }
                    None => (None, None),
                }
            }
            None => (None, None),
        };
        if trace_id.is_none() {
            // Outside any request (startup, connection housekeeping): nothing to join it to.
            return;
        }
        let record = LogRecord {
            trace_id,
            span_id,
            level,
            service: self.recorder.service.to_string(),
            message: fields.message.unwrap_or_default(),
            attributes: fields.attributes,
        };
        self.recorder
            .push(self.recorder.now_ms(), Backend::Log(record));
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        let Some(data) = span.extensions_mut().remove::<SpanData>() else {
            return;
        };
        let record = Span {
            trace_id: data.trace_id,
            span_id: data.span_id,
            parent: data.parent,
            service: self.recorder.service.to_string(),
            name: data.name,
            duration_us: data.started.elapsed().as_micros() as u64,
            status: if data.failed {
                SpanStatus::Error
            } else {
                SpanStatus::Ok
            },
            attributes: data.attributes,
        };
        self.recorder.push(data.start_ms, Backend::Span(record));
    }
}

fn unix_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Random enough for ids in a demo: std's per-process random hash keys, mixed with a counter
/// and the clock, so no RNG crate is needed.
fn random_u64() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish()
}

fn random_bytes() -> [u8; 16] {
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&random_u64().to_le_bytes());
    out[8..].copy_from_slice(&random_u64().to_le_bytes());
    out
}
