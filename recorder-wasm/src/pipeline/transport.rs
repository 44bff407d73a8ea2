//! The sinks frames are handed to: the page's `onFrame` callback, and the HTTP endpoint.
//!
//! # HTTP delivery
//! Each frame is one `POST` to `endpoint` with the frame as body and headers
//! `content-type: application/octet-stream`, `x-tapedeck-session` (32 hex digits) and
//! `x-tapedeck-seq` (decimal), plus `endpointHeaders`. Frames go one request at a time, in
//! sequence order; a server may still see them out of order or twice (after unload
//! delivery or a retry whose first attempt did arrive) and reorders by seq.
//!
//! - A 2xx response delivers the frame.
//! - A network error, a timeout (30 s), 408, 425, 429 or 5xx is retried with exponential
//!   backoff and full jitter (0.5 s doubling up to 30 s, each wait drawn from its upper
//!   half), or after `Retry-After` when the response says so (capped at 10 minutes). Frames
//!   wait while the endpoint is failing; nothing is given up on, and memory is bounded by
//!   `maxPendingBytes` (see [`super::outbox`]).
//! - Any other status (400, 401, 403, 404, 413…) rejects the frame: it is dropped,
//!   counted in `stats().framesRejected`, and a warning is printed once.
//!
//! Requests use the page's `fetch` as it was when the recording started, before any
//! capture wrapped it, so the recorder does not record (or trace) its own traffic.
//!
//! # Unload
//! When the page is hidden or unloaded, waiting frames are sent at once with
//! `fetch(…, {keepalive: true})`, which the browser completes after the page is gone. The
//! browser allows 64 KiB of keepalive bodies in flight: frames are sent in order while
//! they fit, and larger ones are best effort (they stay queued and are sent normally if
//! the page lives on, e.g. after a tab switch). On `pagehide`, the frame whose normal
//! request is in flight is sent again with keepalive (the unload cancels the first
//! request), so the server may see it twice.

use super::outbox::{Dropped, Entry, Outbox, Pressure};
use crate::text::decimal;
use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Browsers allow this many bytes of keepalive request bodies in flight per page.
const KEEPALIVE_BUDGET: usize = 64 * 1024;
/// A request that has not answered after this long is abandoned and retried.
const REQUEST_TIMEOUT_MS: u32 = 30_000;
/// First retry delay; doubles per consecutive failure up to [`MAX_BACKOFF_MS`].
const BASE_BACKOFF_MS: f64 = 500.0;
/// Longest backoff between retries.
const MAX_BACKOFF_MS: f64 = 30_000.0;
/// Longest `Retry-After` honoured.
const MAX_RETRY_AFTER_MS: f64 = 600_000.0;

/// Page functions the recorder uses, as they were before any capture wrapped them.
#[derive(Debug, Clone)]
pub struct Originals {
    global: JsValue,
    fetch: Option<Function>,
    console: JsValue,
    warn: Option<Function>,
}

impl Originals {
    /// Reads `fetch` and `console.warn` from the page. Call before installing captures.
    pub fn capture() -> Originals {
        let global: JsValue = js_sys::global().into();
        let get = |target: &JsValue, name: &str| Reflect::get(target, &name.into()).ok();
        let fetch = get(&global, "fetch").and_then(|f| f.dyn_into::<Function>().ok());
        let console = get(&global, "console").unwrap_or(JsValue::UNDEFINED);
        let warn = if console.is_object() {
            get(&console, "warn").and_then(|f| f.dyn_into::<Function>().ok())
        } else {
            None
        };
        Originals {
            global,
            fetch,
            console,
            warn,
        }
    }
}

/// Things worth telling the developer about, each at most once per recording.
#[derive(Debug, Clone, Copy)]
#[repr(u8)]
pub(crate) enum Warning {
    CallbackThrew = 1,
    Rejected = 2,
    Encode = 4,
    NoFetch = 8,
}

/// Prints warnings through the original `console.warn` (a wrapped one would record them).
#[derive(Debug)]
pub(crate) struct Warner {
    originals: Originals,
    warned: Cell<u8>,
}

impl Warner {
    pub fn new(originals: Originals) -> Warner {
        Warner {
            originals,
            warned: Cell::new(0),
        }
    }

    pub fn once(&self, warning: Warning, message: &str) {
        let bit = warning as u8;
        if self.warned.get() & bit != 0 {
            return;
        }
        self.warned.set(self.warned.get() | bit);
        if let Some(warn) = &self.originals.warn {
            let _ = warn.call1(
                &self.originals.console,
                &JsValue::from_str(&["tapedeck: ", message].concat()),
            );
        }
    }
}

/// The page's `onFrame` callback.
#[derive(Debug)]
pub(crate) struct Callback {
    function: Function,
    errors: Cell<u32>,
}

impl Callback {
    pub fn new(function: Function) -> Callback {
        Callback {
            function,
            errors: Cell::new(0),
        }
    }

    /// Calls the callback; an exception is caught, counted and reported once.
    pub fn deliver(&self, frame: &Uint8Array, warner: &Warner) {
        if let Err(error) = self.function.call1(&JsValue::UNDEFINED, frame) {
            self.errors.set(self.errors.get().saturating_add(1));
            let detail = error
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .or_else(|| error.as_string())
                .unwrap_or_default();
            warner.once(
                Warning::CallbackThrew,
                &[
                    "onFrame threw (",
                    &detail,
                    "); the recording goes on, see stats().callbackErrors",
                ]
                .concat(),
            );
        }
    }

    /// How many calls threw.
    pub fn errors(&self) -> u32 {
        self.errors.get()
    }
}

/// How one request ended.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    Delivered,
    /// Try again, after at least this many ms when the server said so.
    Retry(Option<f64>),
    Rejected(u16),
}

/// Counters for `stats()`.
#[derive(Debug, Default)]
pub(crate) struct HttpStats {
    pub delivered: Cell<u32>,
    pub rejected: Cell<u32>,
    pub failed_attempts: Cell<u32>,
}

/// The HTTP sink: a queue of frames sent one at a time with retries.
#[derive(Debug)]
pub(crate) struct Http {
    originals: Originals,
    endpoint: String,
    headers: Vec<(String, String)>,
    queue: RefCell<Outbox<Uint8Array>>,
    running: Cell<bool>,
    failures: Cell<u32>,
    waiters: RefCell<Vec<(u32, Function)>>,
    keepalive_bytes: Cell<usize>,
    warner: Rc<Warner>,
    pub stats: HttpStats,
}

impl Http {
    pub fn new(
        originals: Originals,
        endpoint: String,
        endpoint_headers: &std::collections::BTreeMap<String, String>,
        session: String,
        warner: Rc<Warner>,
    ) -> Http {
        let mut headers: Vec<(String, String)> = endpoint_headers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        headers.push(("content-type".into(), "application/octet-stream".into()));
        headers.push(("x-tapedeck-session".into(), session));
        Http {
            originals,
            endpoint,
            headers,
            queue: RefCell::new(Outbox::default()),
            running: Cell::new(false),
            failures: Cell::new(0),
            waiters: RefCell::new(Vec::new()),
            keepalive_bytes: Cell::new(0),
            warner,
            stats: HttpStats::default(),
        }
    }

    /// Queues a frame and makes sure the sender runs.
    pub fn enqueue(self: &Rc<Self>, entry: Entry<Uint8Array>) {
        if let Ok(mut queue) = self.queue.try_borrow_mut() {
            queue.push(entry);
        }
        self.kick();
    }

    /// Applies the bound (see [`Outbox::enforce`]).
    pub fn enforce(&self, max: usize, may_checkpoint: bool, dropped: &mut Dropped) -> Pressure {
        let pressure = match self.queue.try_borrow_mut() {
            Ok(mut queue) => queue.enforce(max, may_checkpoint, dropped),
            Err(_) => Pressure::Fits,
        };
        if dropped.frames > 0 {
            self.settle_waiters(false);
        }
        pressure
    }

    /// Frames and bytes waiting (including those being sent).
    pub fn pending(&self) -> (usize, usize) {
        self.queue
            .try_borrow()
            .map(|q| (q.len(), q.bytes()))
            .unwrap_or_default()
    }

    /// A promise resolved when every frame up to `seq` has been delivered, rejected or
    /// dropped, or as soon as a request fails, or at once while the endpoint is failing
    /// (the frames stay queued and are retried: waiting through an outage would leave the
    /// caller hanging).
    pub fn wait(&self, seq: Option<u32>) -> Promise {
        let Some(seq) = seq else {
            return Promise::resolve(&JsValue::UNDEFINED);
        };
        let held = self.queue.try_borrow().is_ok_and(|q| q.holds_up_to(seq));
        // While the endpoint is failing (between retries), waiting would last the outage.
        if !held || self.failures.get() > 0 {
            return Promise::resolve(&JsValue::UNDEFINED);
        }
        let mut resolve_fn = None;
        let promise = Promise::new(&mut |resolve, _reject| resolve_fn = Some(resolve));
        if let (Some(resolve), Ok(mut waiters)) = (resolve_fn, self.waiters.try_borrow_mut()) {
            waiters.push((seq, resolve));
        }
        promise
    }

    fn settle_waiters(&self, attempt_failed: bool) {
        let ready: Vec<Function> = {
            let Ok(queue) = self.queue.try_borrow() else {
                return;
            };
            let Ok(mut waiters) = self.waiters.try_borrow_mut() else {
                return;
            };
            let mut ready = Vec::new();
            waiters.retain(|(seq, resolve)| {
                let done = attempt_failed || !queue.holds_up_to(*seq);
                if done {
                    ready.push(resolve.clone());
                }
                !done
            });
            ready
        };
        for resolve in ready {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }

    /// Starts the sender unless it is running.
    fn kick(self: &Rc<Self>) {
        if self.running.replace(true) {
            return;
        }
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            this.run().await;
            this.running.set(false);
        });
    }

    async fn run(&self) {
        loop {
            let next = self.queue.try_borrow_mut().ok().and_then(|mut q| {
                q.first_idle().map(|e| {
                    e.in_flight += 1;
                    (e.seq, e.body.clone())
                })
            });
            let Some((seq, body)) = next else {
                return;
            };
            let outcome = self.post(seq, &body, false).await;
            self.finish(seq, outcome);
            if let Outcome::Retry(after) = outcome {
                sleep(self.backoff(after)).await;
            }
        }
    }

    /// Sends what waits with keepalive requests, because the page is being hidden or
    /// unloaded (see the module docs). `pagehide` also resends frames already in flight.
    pub fn unload(self: &Rc<Self>, pagehide: bool) {
        let picks: Vec<(u32, Uint8Array, usize)> = {
            let Ok(mut queue) = self.queue.try_borrow_mut() else {
                return;
            };
            let mut budget = KEEPALIVE_BUDGET.saturating_sub(self.keepalive_bytes.get());
            let mut picks = Vec::new();
            for e in queue.iter_mut() {
                if (e.in_flight == 0 || pagehide) && e.len <= budget {
                    budget -= e.len;
                    e.in_flight += 1;
                    picks.push((e.seq, e.body.clone(), e.len));
                }
            }
            picks
        };
        for (seq, body, len) in picks {
            self.keepalive_bytes.set(self.keepalive_bytes.get() + len);
            let this = self.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let outcome = this.post(seq, &body, true).await;
                this.keepalive_bytes
                    .set(this.keepalive_bytes.get().saturating_sub(len));
                this.finish(seq, outcome);
                if matches!(outcome, Outcome::Retry(_)) {
                    this.kick();
                }
            });
        }
    }

    fn finish(&self, seq: u32, outcome: Outcome) {
        let removed = match self.queue.try_borrow_mut() {
            Ok(mut queue) => match outcome {
                Outcome::Delivered | Outcome::Rejected(_) => queue.remove(seq).is_some(),
                Outcome::Retry(_) => {
                    if let Some(e) = queue.get_mut(seq) {
                        e.in_flight = e.in_flight.saturating_sub(1);
                    }
                    false
                }
            },
            Err(_) => false,
        };
        match outcome {
            Outcome::Delivered => {
                self.failures.set(0);
                if removed {
                    inc(&self.stats.delivered);
                }
            }
            Outcome::Retry(_) => {
                self.failures.set(self.failures.get().saturating_add(1));
                inc(&self.stats.failed_attempts);
            }
            Outcome::Rejected(status) => {
                if removed {
                    inc(&self.stats.rejected);
                }
                self.warner.once(
                    Warning::Rejected,
                    &[
                        "the endpoint refused a frame with HTTP ",
                        &decimal(u64::from(status)),
                        "; refused frames are dropped (see stats().framesRejected)",
                    ]
                    .concat(),
                );
            }
        }
        self.settle_waiters(matches!(outcome, Outcome::Retry(_)));
    }

    /// The wait before the next attempt after `failures` consecutive failures.
    fn backoff(&self, retry_after: Option<f64>) -> f64 {
        let exponent = self.failures.get().saturating_sub(1).min(16) as i32;
        let cap = (BASE_BACKOFF_MS * 2f64.powi(exponent)).min(MAX_BACKOFF_MS);
        let delay = cap / 2.0 + js_sys::Math::random() * cap / 2.0;
        match retry_after {
            Some(after) => delay.max(after.min(MAX_RETRY_AFTER_MS)),
            None => delay,
        }
    }

    async fn post(&self, seq: u32, body: &Uint8Array, keepalive: bool) -> Outcome {
        let Some(fetch) = &self.originals.fetch else {
            self.warner.once(
                Warning::NoFetch,
                "this page has no fetch(); frames cannot be sent to the endpoint",
            );
            return Outcome::Retry(Some(MAX_BACKOFF_MS));
        };
        let Ok(init) = self.request_init(seq, body, keepalive) else {
            return Outcome::Retry(None);
        };
        let promise = match fetch.call2(
            &self.originals.global,
            &self.endpoint.as_str().into(),
            &init,
        ) {
            Ok(p) => p,
            Err(_) => return Outcome::Retry(None), // thrown synchronously: e.g. over the keepalive quota
        };
        let Ok(promise) = promise.dyn_into::<Promise>() else {
            return Outcome::Retry(None);
        };
        let Ok(response) = JsFuture::from(promise).await else {
            return Outcome::Retry(None); // network error, CORS failure, timeout
        };
        let status = Reflect::get(&response, &"status".into())
            .ok()
            .and_then(|s| s.as_f64())
            .unwrap_or(0.0) as u16;
        match status {
            200..=299 => Outcome::Delivered,
            0 | 408 | 425 | 429 | 500..=599 => Outcome::Retry(retry_after(&response)),
            other => Outcome::Rejected(other),
        }
    }

    fn request_init(
        &self,
        seq: u32,
        body: &Uint8Array,
        keepalive: bool,
    ) -> Result<Object, JsValue> {
        let headers = Object::new();
        for (name, value) in &self.headers {
            Reflect::set(&headers, &name.as_str().into(), &value.as_str().into())?;
        }
        Reflect::set(
            &headers,
            &"x-tapedeck-seq".into(),
            &decimal(u64::from(seq)).into(),
        )?;
        let init = Object::new();
        Reflect::set(&init, &"method".into(), &"POST".into())?;
        Reflect::set(&init, &"body".into(), body)?;
        Reflect::set(&init, &"headers".into(), &headers)?;
        if keepalive {
            Reflect::set(&init, &"keepalive".into(), &JsValue::TRUE)?;
        }
        if let Some(signal) = timeout_signal(&self.originals.global) {
            Reflect::set(&init, &"signal".into(), &signal)?;
        }
        Ok(init)
    }
}

fn inc(counter: &Cell<u32>) {
    counter.set(counter.get().saturating_add(1));
}

/// `AbortSignal.timeout(REQUEST_TIMEOUT_MS)` where the browser has it.
fn timeout_signal(global: &JsValue) -> Option<JsValue> {
    let class = Reflect::get(global, &"AbortSignal".into()).ok()?;
    let timeout = Reflect::get(&class, &"timeout".into())
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    timeout.call1(&class, &REQUEST_TIMEOUT_MS.into()).ok()
}

/// `Retry-After` of a response, in ms from now: delay-seconds or an HTTP date.
fn retry_after(response: &JsValue) -> Option<f64> {
    let headers = Reflect::get(response, &"headers".into()).ok()?;
    let get = Reflect::get(&headers, &"get".into())
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    let value = get
        .call1(&headers, &"retry-after".into())
        .ok()?
        .as_string()?;
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u32>() {
        return Some(f64::from(seconds) * 1000.0);
    }
    let date = js_sys::Date::parse(value);
    date.is_finite()
        .then(|| (date - js_sys::Date::now()).max(0.0))
}

/// Resolves after `ms` milliseconds (immediately when there is no timer to ask).
pub(crate) async fn sleep(ms: f64) {
    let promise = Promise::new(&mut |resolve, _reject| {
        let scheduled = web_sys::window().is_some_and(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32)
                .is_ok()
        });
        if !scheduled {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    });
    let _ = JsFuture::from(promise).await;
}
