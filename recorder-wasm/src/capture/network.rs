//! Network capture: `fetch`, `XMLHttpRequest` and `navigator.sendBeacon`, each request
//! recorded as one [`Network`] event when it settles, timed from its start.
//!
//! What the page sees does not change (timing aside):
//! - `fetch` gets its own arguments, or — only to add `traceparent` — a new `init` object
//!   whose prototype is the page's (so every member the page set, own or inherited, is
//!   still read by `fetch`) with a new `Headers`; neither the page's `init` nor its
//!   `Request` is mutated. The promise the page receives is chained on the original: it
//!   settles with the same `Response` object or the same rejection, and an ignored
//!   failure is still an unhandled rejection.
//! - Bodies are read from `response.clone()` (a tee of the stream, leaving the page's
//!   response untouched) with a reader that stops at `maxBodyBytes` and cancels only its
//!   own branch; never for `text/event-stream` or non-text types, and only where the body
//!   policy allows (same-origin by default). A `Request` body is read from a clone too.
//! - `XMLHttpRequest` is observed through `open`/`setRequestHeader`/`send` and one
//!   listener per request for `abort`, `timeout`, `error` and `loadend`, removed when the
//!   request ends.
//!
//! `traceparent` (W3C trace context) is added to requests whose origin is in
//! `traceOrigins` (default: the page's own origin only: a new header on a cross-origin
//! request would trigger a CORS preflight the server may refuse), with a fresh random
//! trace id and span id per request. A `traceparent` the page set itself is left alone
//! and its trace id recorded. `sendBeacon` cannot carry headers and is recorded as sent.
//!
//! What the page could notice: one more microtask before its `fetch` promise settles; the
//! hook reads `init.method`, `init.headers` and `init.body` (and converts a non-string,
//! non-`Request` input with `toString`) once more than `fetch` does, so a getter there
//! runs twice — when reading `init.headers` throws, the arguments are passed on untouched
//! and `fetch` rejects with that very exception.
//!
//! Requests to the recorder's own `endpoint` are not recorded. The event's `duration`
//! runs to the response headers for `fetch` and to `loadend` for `XMLHttpRequest`.

use super::js;
use super::redaction::Redaction;
use super::render;
use crate::emit::Recording;
use crate::hooks::MethodHook;
use js_sys::{Array, Object, Promise};
use recorder_core::event::{Body, Initiator, Network};
use recorder_core::redact::Redactor;
use recorder_core::trace::{SpanId, TraceId, TraceParent};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, spawn_local, JsFuture};

/// Most `XMLHttpRequest`s tracked between `open` and their end; past it the oldest
/// opened-but-never-sent ones are forgotten.
const MAX_OPEN_XHRS: usize = 256;
/// Longest recorded error text, bytes.
const ERROR_LIMIT: usize = 512;
const XHR_EVENTS: [&str; 4] = ["abort", "timeout", "error", "loadend"];

/// The installed network capture; dropping it restores `fetch`, the `XMLHttpRequest`
/// methods and `sendBeacon`. Requests still in flight then finish unrecorded.
#[derive(Debug)]
pub struct Capture {
    _hooks: Vec<MethodHook>,
}

impl Capture {
    /// Wraps whichever of the APIs exist.
    pub fn install(recording: &Rc<Recording>) -> Result<Capture, JsValue> {
        let net = Rc::new(Net::new(recording));
        let mut hooks = Vec::new();
        let window = js_sys::global();

        let (before_net, after_net) = (net.clone(), net.clone());
        let fetch = MethodHook::install_replacing(
            window.unchecked_ref(),
            "fetch",
            Some(Box::new(move |_this, args: Array| {
                let (pending, replaced) = js::guarded(|| before_net.fetch_start(&args))
                    .unwrap_or((None, JsValue::UNDEFINED));
                if let Ok(mut stack) = before_net.fetches.try_borrow_mut() {
                    stack.push(pending);
                }
                replaced
            })),
            Box::new(move |_this, _args, result, threw| {
                let pending = after_net
                    .fetches
                    .try_borrow_mut()
                    .ok()
                    .and_then(|mut s| s.pop());
                match pending.flatten() {
                    Some(pending) => after_net.fetch_returned(pending, result, threw),
                    None => JsValue::UNDEFINED,
                }
            }),
        );
        hooks.extend(fetch);

        let proto = js::get(&js::global("XMLHttpRequest"), "prototype");
        if proto.is_object() {
            let proto: &Object = proto.unchecked_ref();
            let n = net.clone();
            hooks.extend(MethodHook::install(
                proto,
                "open",
                Some(Box::new(move |this, args| {
                    js::guarded(|| n.xhr_open(&this, &args));
                    JsValue::UNDEFINED
                })),
                None,
            ));
            let n = net.clone();
            hooks.extend(MethodHook::install(
                proto,
                "setRequestHeader",
                Some(Box::new(move |this, args| {
                    js::guarded(|| n.xhr_header(&this, &args));
                    JsValue::UNDEFINED
                })),
                None,
            ));
            let n = net.clone();
            hooks.extend(MethodHook::install(
                proto,
                "send",
                Some(Box::new(move |this, args| {
                    js::guarded(|| Net::xhr_send(&n, &this, &args));
                    JsValue::UNDEFINED
                })),
                None,
            ));
        }

        let navigator = js::get(&js::global("Navigator"), "prototype");
        if navigator.is_object() {
            let n = net.clone();
            hooks.extend(MethodHook::install(
                navigator.unchecked_ref(),
                "sendBeacon",
                None,
                Some(Box::new(move |_this, args, result, threw| {
                    js::guarded(|| n.beacon(&args, &result, threw));
                })),
            ));
        }
        Ok(Capture { _hooks: hooks })
    }
}

/// A request in flight: its event so far, and when it started.
struct Pending {
    event: Network,
    /// ms since the session start.
    start: u64,
    /// `performance.now()` at the start, for a precise duration.
    started_at: f64,
    /// Absolute URL before redaction, for the body policy.
    raw_url: String,
    /// The body stream of a clone of a `Request` input, with its content type.
    request_stream: Option<(JsValue, String)>,
}

/// An `XMLHttpRequest` between `open` and `loadend`.
struct XhrRequest {
    id: u32,
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    /// Set by `send`.
    pending: Option<Pending>,
    listener: Option<Closure<dyn FnMut(web_sys::Event)>>,
    target: JsValue,
    error: Option<&'static str>,
}

struct Net {
    recording: Weak<Recording>,
    redaction: Redaction,
    max_body_bytes: usize,
    page_origin: String,
    trace_origins: Vec<String>,
    endpoint: Option<String>,
    next_id: Cell<u32>,
    performance: Option<web_sys::Performance>,
    /// Hands each `fetch` call's request from the wrapper's `before` to its `after`; calls
    /// nest strictly (a getter on `init` may call `fetch`), so a stack pairs them.
    fetches: RefCell<Vec<Option<Pending>>>,
    xhrs: RefCell<XhrTable>,
    xhr_ids: js_sys::WeakMap,
}

impl Net {
    fn new(recording: &Rc<Recording>) -> Net {
        let options = &recording.options;
        let window = web_sys::window();
        let page_origin = window
            .as_ref()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default();
        let trace_origins = match &options.trace_origins {
            Some(origins) => origins
                .iter()
                .map(|o| o.trim_end_matches('/').to_owned())
                .collect(),
            None => vec![page_origin.clone()],
        };
        let mut net = Net {
            recording: Rc::downgrade(recording),
            redaction: Redaction::new(options),
            max_body_bytes: options.max_body_bytes as usize,
            page_origin,
            trace_origins,
            endpoint: None,
            next_id: Cell::new(1),
            performance: window.and_then(|w| w.performance()),
            fetches: RefCell::new(Vec::new()),
            xhrs: RefCell::new(XhrTable::default()),
            xhr_ids: js_sys::WeakMap::new(),
        };
        net.endpoint = options.endpoint.as_deref().map(|e| net.absolute(e));
        net
    }

    fn now(&self) -> f64 {
        self.performance
            .as_ref()
            .map_or_else(js_sys::Date::now, |p| p.now())
    }

    /// `url` resolved against the document's base URL.
    fn absolute(&self, url: &str) -> String {
        let document = js::get(&js_sys::global(), "document");
        let base = js::get_string(&document, "baseURI").unwrap_or_else(|| self.page_origin.clone());
        web_sys::Url::new_with_base(url, &base).map_or_else(|_| url.to_owned(), |u| u.href())
    }

    fn is_own(&self, url: &str) -> bool {
        self.endpoint.as_deref().is_some_and(|e| url.starts_with(e))
    }

    fn should_trace(&self, url: &str) -> bool {
        let origin = web_sys::Url::new(url)
            .map(|u| u.origin())
            .unwrap_or_default();
        !origin.is_empty() && origin != "null" && self.trace_origins.contains(&origin)
    }

    fn start(&self, initiator: Initiator, method: &str, url: String) -> Pending {
        let id = self.next_id.get();
        self.next_id.set(id.wrapping_add(1));
        let start = self.recording.upgrade().map_or(0, |r| r.clock.now());
        Pending {
            event: Network {
                request_id: id,
                initiator: Some(initiator),
                method: method.to_ascii_uppercase(),
                url: self.redaction.url(&url),
                ..Network::default()
            },
            start,
            started_at: self.now(),
            raw_url: url,
            request_stream: None,
        }
    }

    fn wants_body(&self, url: &str, content_type: &str) -> bool {
        self.redaction
            .should_capture(url, &self.page_origin, content_type)
    }

    /// The recorded body and size of a request body value (`fetch` `init.body`, XHR
    /// `send` argument, beacon data). Strings and `URLSearchParams` are text; blobs and
    /// buffers give their size only; form data and streams neither.
    fn request_body(&self, pending: &mut Pending, body: &JsValue, content_type: Option<String>) {
        let (text, default_type) = if let Some(text) = body.as_string() {
            (Some(text), "text/plain;charset=UTF-8")
        } else if body.is_instance_of::<web_sys::UrlSearchParams>() {
            let text = js::call_method(body, "toString", &[])
                .ok()
                .and_then(|t| t.as_string());
            (text, "application/x-www-form-urlencoded;charset=UTF-8")
        } else {
            let size = if body.is_instance_of::<web_sys::Blob>() {
                js::get_f64(body, "size")
            } else if body.is_instance_of::<js_sys::ArrayBuffer>()
                || js_sys::ArrayBuffer::is_view(body)
            {
                js::get_f64(body, "byteLength")
            } else {
                None
            };
            pending.event.request_size = size.map(|s| s as u64);
            return;
        };
        let Some(text) = text else {
            return;
        };
        pending.event.request_size = Some(text.len() as u64);
        let content_type = content_type.unwrap_or_else(|| default_type.to_owned());
        if self.wants_body(&pending.raw_url, &content_type) {
            pending.event.request_body = Some(self.redaction.body(&content_type, &text));
        }
    }

    fn new_traceparent() -> (String, TraceId) {
        let mut bytes = [0u8; 24];
        js::random_bytes(&mut bytes);
        let mut trace = [0u8; 16];
        let mut span = [0u8; 8];
        trace.copy_from_slice(&bytes[..16]);
        span.copy_from_slice(&bytes[16..]);
        let tp = TraceParent::new(TraceId::from_random(trace), SpanId::from_random(span), true);
        (tp.to_header(), tp.trace_id)
    }

    /// Emits the request's event (at its start time).
    fn emit(&self, mut pending: Pending) {
        if pending.event.duration == 0.0 {
            pending.event.duration = (self.now() - pending.started_at).max(0.0);
        }
        if let Some(recording) = self.recording.upgrade() {
            recording.emit_at(pending.start, pending.event.into());
        }
    }

    // -- fetch ---------------------------------------------------------------------------

    /// Before `fetch`: the request as the page made it, and replacement arguments when
    /// `traceparent` is added (`undefined` otherwise).
    fn fetch_start(&self, args: &Array) -> (Option<Pending>, JsValue) {
        let input = args.get(0);
        let init = args.get(1);
        // A Request's fields are read through `Reflect.get` like any page value (a Proxy
        // passes `instanceof Request`, and its getters would throw).
        let request = input.is_instance_of::<web_sys::Request>().then_some(&input);
        let raw = if let Some(request) = request {
            js::get_string(request, "url").unwrap_or_default()
        } else if let Some(url) = input.as_string() {
            url
        } else {
            // A URL object, or anything with a toString, as fetch itself converts it.
            js::call_method(&input, "toString", &[])
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default()
        };
        let url = self.absolute(&raw);
        if self.is_own(&url) {
            return (None, JsValue::UNDEFINED);
        }
        let init_given = init.is_object();
        let method = init_given
            .then(|| js::get_string(&init, "method"))
            .flatten()
            .or_else(|| request.and_then(|r| js::get_string(r, "method")))
            .unwrap_or_else(|| "GET".to_owned());
        let mut pending = self.start(Initiator::Fetch, &method, url);

        // The headers fetch will send: `init.headers` replaces the Request's own. When
        // reading them throws (a page getter), fetch will reject with that same exception:
        // the arguments are then left exactly as they are.
        let init_headers = if init_given {
            js::try_get(&init, "headers")
        } else {
            Ok(JsValue::UNDEFINED)
        };
        let source = match (request, init_headers) {
            (Some(r), Ok(h)) if h.is_undefined() => Ok(js::get(r, "headers")),
            (_, h) => h,
        };
        let mut replaced = JsValue::UNDEFINED;
        let mut content_type = None;
        let headers = source.and_then(|source| js::construct("Headers", &[&source]));
        if let Ok(headers) = headers {
            let existing = js::call_method(&headers, "get", &[&"traceparent".into()])
                .ok()
                .and_then(|v| v.as_string());
            match existing {
                Some(value) => {
                    pending.event.trace_id = TraceParent::parse(&value).ok().map(|t| t.trace_id);
                }
                None if self.should_trace(&pending.raw_url) => {
                    let (value, trace_id) = Net::new_traceparent();
                    let set =
                        js::call_method(&headers, "set", &[&"traceparent".into(), &value.into()]);
                    if set.is_ok() {
                        replaced = with_headers(args, &init, request, &headers);
                        pending.event.trace_id = Some(trace_id);
                    }
                }
                None => {}
            }
            let headers = header_list(&headers);
            content_type = find_header(&headers, "content-type");
            pending.event.request_headers = headers
                .iter()
                .map(|(name, value)| self.redaction.header(name, value))
                .collect();
        }

        let body = if init_given {
            js::get(&init, "body")
        } else {
            JsValue::UNDEFINED
        };
        if !body.is_undefined() && !body.is_null() {
            self.request_body(&mut pending, &body, content_type);
        } else if let Some(request) = request {
            // A Request's body is read from a clone, never from the page's object.
            let content_type = content_type.unwrap_or_default();
            let has_body = js::get(request, "body").is_object();
            if has_body && self.wants_body(&pending.raw_url, &content_type) {
                let stream = js::call_method(request, "clone", &[])
                    .map(|clone| js::get(&clone, "body"))
                    .ok()
                    .filter(JsValue::is_object);
                pending.request_stream = stream.map(|s| (s, content_type));
            }
        }
        (Some(pending), replaced)
    }

    /// After `fetch` returned: a promise chained on the page's, which records the outcome.
    fn fetch_returned(
        self: &Rc<Self>,
        mut pending: Pending,
        result: JsValue,
        threw: bool,
    ) -> JsValue {
        if threw {
            pending.event.error = Some(error_text(self.redaction.redactor(), &result));
            self.emit(pending);
            return JsValue::UNDEFINED;
        }
        // Only a real promise is replaced (by one following it): anything else a page's
        // own fetch wrapper returns is handed back as it is.
        let promise = result
            .is_instance_of::<Promise>()
            .then(|| js::to_promise(&result))
            .flatten();
        let Some(promise) = promise else {
            self.emit(pending);
            return JsValue::UNDEFINED;
        };
        let net = self.clone();
        future_to_promise(async move {
            match JsFuture::from(promise).await {
                Ok(response) => {
                    js::guarded(|| net.fetch_response(pending, &response));
                    Ok(response)
                }
                Err(error) => {
                    js::guarded(|| {
                        let mut pending = pending;
                        pending.event.error = Some(error_text(net.redaction.redactor(), &error));
                        pending.event.duration = (net.now() - pending.started_at).max(0.0);
                        net.clone().finish(pending, None);
                    });
                    Err(error)
                }
            }
        })
        .into()
    }

    /// The response arrived: record its status and headers, and start reading a clone of
    /// its body when it is to be captured — before the page can touch it.
    fn fetch_response(self: &Rc<Self>, mut pending: Pending, response: &JsValue) {
        pending.event.duration = (self.now() - pending.started_at).max(0.0);
        if !response.is_instance_of::<web_sys::Response>() {
            return self.clone().finish(pending, None);
        }
        pending.event.status = js::get_f64(response, "status").map(|s| s as u16);
        let headers = header_list(&js::get(response, "headers"));
        let content_type = find_header(&headers, "content-type").unwrap_or_default();
        pending.event.response_size =
            find_header(&headers, "content-length").and_then(|l| l.trim().parse().ok());
        pending.event.response_headers = headers
            .iter()
            .map(|(name, value)| self.redaction.header(name, value))
            .collect();
        let mut body = None;
        if js::get(response, "body").is_object()
            && !js::get(response, "bodyUsed").is_truthy()
            && self.wants_body(&pending.raw_url, &content_type)
        {
            body = js::call_method(response, "clone", &[])
                .map(|clone| js::get(&clone, "body"))
                .ok()
                .filter(JsValue::is_object)
                .map(|stream| (stream, content_type));
        }
        self.clone().finish(pending, body)
    }

    /// Emits the event, first reading the request and response body streams if any.
    fn finish(self: Rc<Self>, mut pending: Pending, response_stream: Option<(JsValue, String)>) {
        if pending.request_stream.is_none() && response_stream.is_none() {
            return self.emit(pending);
        }
        spawn_local(async move {
            if let Some((stream, content_type)) = pending.request_stream.take() {
                if let Some((text, more)) = read_capped(&stream, self.max_body_bytes).await {
                    pending.event.request_body = Some(self.capture(&content_type, &text, more));
                }
            }
            if let Some((stream, content_type)) = response_stream {
                if let Some((text, more)) = read_capped(&stream, self.max_body_bytes).await {
                    if !more && pending.event.response_size.is_none() {
                        pending.event.response_size = Some(text.len() as u64);
                    }
                    pending.event.response_body = Some(self.capture(&content_type, &text, more));
                }
            }
            self.emit(pending);
        });
    }

    fn capture(&self, content_type: &str, text: &str, more: bool) -> Body {
        let mut body = self.redaction.body(content_type, text);
        body.truncated |= more;
        body
    }

    // -- XMLHttpRequest ------------------------------------------------------------------

    fn xhr_id(&self, xhr: &JsValue) -> Option<u32> {
        if !xhr.is_object() {
            return None;
        }
        self.xhr_ids
            .get(xhr.unchecked_ref())
            .as_f64()
            .map(|id| id as u32)
    }

    fn xhr_open(&self, xhr: &JsValue, args: &Array) {
        if !xhr.is_object() {
            return;
        }
        // Re-opening a request that is in flight aborts it without any event.
        if let Some(old) = self.xhr_id(xhr) {
            let old = self
                .xhrs
                .try_borrow_mut()
                .ok()
                .and_then(|mut m| m.remove(old));
            if let Some(mut old) = old {
                remove_listeners(&old);
                if let Some(mut pending) = old.pending.take() {
                    pending.event.error = Some("abort".to_owned());
                    self.emit(pending);
                }
            }
        }
        let method = args.get(0).as_string().unwrap_or_else(|| "GET".to_owned());
        let url = args.get(1);
        let url = url.as_string().unwrap_or_else(|| {
            js::call_method(&url, "toString", &[])
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default()
        });
        let id = self.next_id.get();
        self.next_id.set(id.wrapping_add(1));
        self.xhr_ids.set(xhr.unchecked_ref(), &JsValue::from(id));
        let request = XhrRequest {
            id,
            method,
            url: self.absolute(&url),
            headers: Vec::new(),
            pending: None,
            listener: None,
            target: xhr.clone(),
            error: None,
        };
        if let Ok(mut xhrs) = self.xhrs.try_borrow_mut() {
            xhrs.0.push(request);
            if xhrs.0.len() > MAX_OPEN_XHRS {
                if let Some(oldest) = xhrs.0.iter().position(|r| r.pending.is_none()) {
                    xhrs.0.remove(oldest);
                }
            }
        }
    }

    fn xhr_header(&self, xhr: &JsValue, args: &Array) {
        let (Some(name), Some(value)) = (args.get(0).as_string(), args.get(1).as_string()) else {
            return;
        };
        let Some(id) = self.xhr_id(xhr) else {
            return;
        };
        if let Ok(mut xhrs) = self.xhrs.try_borrow_mut() {
            if let Some(request) = xhrs.get_mut(id).filter(|r| r.pending.is_none()) {
                request.headers.push((name, value));
            }
        }
    }

    fn xhr_send(net: &Rc<Net>, xhr: &JsValue, args: &Array) {
        let Some(id) = net.xhr_id(xhr) else {
            return;
        };
        let Some((method, url, mut headers)) = net.xhrs.try_borrow().ok().and_then(|xhrs| {
            let r = xhrs.get(id).filter(|r| r.pending.is_none())?;
            Some((r.method.clone(), r.url.clone(), r.headers.clone()))
        }) else {
            return;
        };
        if net.is_own(&url) {
            if let Ok(mut xhrs) = net.xhrs.try_borrow_mut() {
                xhrs.remove(id);
            }
            return;
        }
        let mut pending = net.start(Initiator::Xhr, &method, url);
        pending.event.request_id = id;
        match find_header(&headers, "traceparent") {
            Some(value) => {
                pending.event.trace_id = TraceParent::parse(&value).ok().map(|t| t.trace_id)
            }
            None if net.should_trace(&pending.raw_url) => {
                let (value, trace_id) = Net::new_traceparent();
                // Our own setRequestHeader hook skips this call (a hook is running).
                let set = js::call_method(
                    xhr,
                    "setRequestHeader",
                    &[&"traceparent".into(), &value.clone().into()],
                );
                if set.is_ok() {
                    headers.push(("traceparent".to_owned(), value));
                    pending.event.trace_id = Some(trace_id);
                }
            }
            None => {}
        }
        let content_type = find_header(&headers, "content-type");
        pending.event.request_headers = headers
            .iter()
            .map(|(name, value)| net.redaction.header(name, value))
            .collect();
        let body = args.get(0);
        if !body.is_undefined() && !body.is_null() {
            net.request_body(&mut pending, &body, content_type);
        }

        let weak = Rc::downgrade(net);
        let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            if let Some(net) = weak.upgrade() {
                js::guarded(|| net.xhr_event(id, &event));
            }
        });
        for name in XHR_EVENTS {
            let _ = js::call_method(xhr, "addEventListener", &[&name.into(), listener.as_ref()]);
        }
        if let Ok(mut xhrs) = net.xhrs.try_borrow_mut() {
            if let Some(request) = xhrs.get_mut(id) {
                request.pending = Some(pending);
                request.listener = Some(listener);
            }
        }
    }

    fn xhr_event(&self, id: u32, event: &web_sys::Event) {
        let kind = event.type_();
        if kind != "loadend" {
            if let Ok(mut xhrs) = self.xhrs.try_borrow_mut() {
                if let Some(request) = xhrs.get_mut(id) {
                    request.error = XHR_EVENTS.iter().find(|e| **e == kind).copied();
                }
            }
            return;
        }
        let Some(request) = self
            .xhrs
            .try_borrow_mut()
            .ok()
            .and_then(|mut x| x.remove(id))
        else {
            return;
        };
        remove_listeners(&request);
        let XhrRequest {
            pending,
            target: xhr,
            error,
            ..
        } = request;
        let Some(mut pending) = pending else {
            return;
        };
        let status = js::get_f64(&xhr, "status").unwrap_or(0.0) as u16;
        pending.event.status = (status != 0).then_some(status);
        pending.event.error = error.map(str::to_owned);
        let raw_headers = js::call_method(&xhr, "getAllResponseHeaders", &[])
            .ok()
            .and_then(|h| h.as_string())
            .unwrap_or_default();
        let headers: Vec<(String, String)> = raw_headers
            .split("\r\n")
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
            .collect();
        let content_type = find_header(&headers, "content-type").unwrap_or_default();
        let loaded = js::get_f64(event, "loaded").filter(|n| *n > 0.0);
        pending.event.response_size = find_header(&headers, "content-length")
            .and_then(|l| l.trim().parse().ok())
            .or(loaded.map(|n| n as u64));
        pending.event.response_headers = headers
            .iter()
            .map(|(name, value)| self.redaction.header(name, value))
            .collect();
        if status != 0 && self.wants_body(&pending.raw_url, &content_type) {
            let text = match js::get_string(&xhr, "responseType").as_deref() {
                Some("") | Some("text") => js::get_string(&xhr, "responseText"),
                Some("json") => js_sys::JSON::stringify(&js::get(&xhr, "response"))
                    .ok()
                    .and_then(|s| s.as_string()),
                _ => None,
            };
            if let Some(text) = text {
                pending.event.response_body = Some(self.redaction.body(&content_type, &text));
            }
        }
        // `request.listener` is dropped with `request` at the end of this call: a closure
        // freed while it runs is released by wasm-bindgen once the call returns.
        self.emit(pending);
    }

    // -- sendBeacon ----------------------------------------------------------------------

    fn beacon(&self, args: &Array, result: &JsValue, threw: bool) {
        let url = self.absolute(&args.get(0).as_string().unwrap_or_default());
        if self.is_own(&url) {
            return;
        }
        let mut pending = self.start(Initiator::Beacon, "POST", url);
        let data = args.get(1);
        if !data.is_undefined() && !data.is_null() {
            let content_type = js::get_string(&data, "type").filter(|t| !t.is_empty());
            self.request_body(&mut pending, &data, content_type);
        }
        if threw {
            pending.event.error = Some(error_text(self.redaction.redactor(), result));
        } else if result.as_bool() == Some(false) {
            pending.event.error = Some("not queued".to_owned());
        }
        self.emit(pending);
    }
}

/// The open `XMLHttpRequest`s, oldest first; a handful at a time, so a list.
#[derive(Default)]
struct XhrTable(Vec<XhrRequest>);

impl XhrTable {
    fn get(&self, id: u32) -> Option<&XhrRequest> {
        self.0.iter().find(|r| r.id == id)
    }

    fn get_mut(&mut self, id: u32) -> Option<&mut XhrRequest> {
        self.0.iter_mut().find(|r| r.id == id)
    }

    fn remove(&mut self, id: u32) -> Option<XhrRequest> {
        let at = self.0.iter().position(|r| r.id == id)?;
        Some(self.0.remove(at))
    }
}

/// A copy of the `fetch` arguments whose `init` carries `headers`: a new object with the
/// page's `init` as its prototype, so every member the page set is still seen by `fetch`.
///
/// A non-empty `init` makes fetch reset a `Request` input's referrer and referrer policy
/// to the defaults (Fetch, Request constructor step 12), so for a `Request` they are
/// carried over unless the page's own `init` sets them.
fn with_headers(
    args: &Array,
    init: &JsValue,
    request: Option<&JsValue>,
    headers: &JsValue,
) -> JsValue {
    let new_init = if init.is_object() {
        Object::create(init.unchecked_ref())
    } else {
        Object::new()
    };
    define(&new_init, "headers", headers);
    if let Some(request) = request {
        for key in ["referrer", "referrerPolicy"] {
            if js::get(init, key).is_undefined() {
                define(&new_init, key, &js::get(request, key));
            }
        }
    }
    let copy = Array::from(args);
    while copy.length() < 2 {
        copy.push(&JsValue::UNDEFINED);
    }
    copy.set(1, new_init.into());
    copy.into()
}

/// Defines an own data property on an object the recorder made (without running any
/// setter `init` may have inherited).
fn define(target: &Object, key: &str, value: &JsValue) {
    let descriptor = Object::new();
    js::set(&descriptor, "value", value);
    js::set(&descriptor, "enumerable", &JsValue::TRUE);
    js::set(&descriptor, "writable", &JsValue::TRUE);
    js::set(&descriptor, "configurable", &JsValue::TRUE);
    Object::define_property(target, &key.into(), &descriptor);
}

/// `[name, value]` pairs of a `Headers` object, names lower case.
fn header_list(headers: &JsValue) -> Vec<(String, String)> {
    js::iterate(headers, "entries", 200)
        .iter()
        .filter_map(|entry| {
            let pair = js::items(entry, 2);
            let name = pair.first()?.as_string()?;
            let value = pair.get(1)?.as_string()?;
            Some((name.to_ascii_lowercase(), value))
        })
        .collect()
}

fn find_header(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
}

fn remove_listeners(request: &XhrRequest) {
    if let Some(listener) = &request.listener {
        for name in XHR_EVENTS {
            let _ = js::call_method(
                &request.target,
                "removeEventListener",
                &[&name.into(), listener.as_ref()],
            );
        }
    }
}

/// `abort` for an `AbortError`, else the error's `Name: message` (`TypeError: Failed to
/// fetch`) or the rendered value.
fn error_text(redactor: &Redactor, error: &JsValue) -> String {
    if js::get_string(error, "name").as_deref() == Some("AbortError") {
        return "abort".to_owned();
    }
    match render::error_parts(error) {
        Some((header, _)) => render::cap(header, ERROR_LIMIT),
        None => render::render(error, None, redactor, ERROR_LIMIT),
    }
}

/// Reads a body stream up to `cap` bytes, then cancels the reader (which cancels only this
/// branch of a cloned body). Returns the text and whether there was more.
async fn read_capped(stream: &JsValue, cap: usize) -> Option<(String, bool)> {
    let reader = js::call_method(stream, "getReader", &[]).ok()?;
    let mut bytes = Vec::new();
    let mut more = false;
    loop {
        let read = js::call_method(&reader, "read", &[]).ok()?;
        let chunk = JsFuture::from(js::to_promise(&read)?).await.ok()?;
        if js::get(&chunk, "done").is_truthy() {
            break;
        }
        // A copy made by us: safe to read whatever the stream handed over.
        let Some(array) = js::bytes(&js::get(&chunk, "value")) else {
            break;
        };
        let room = cap - bytes.len();
        let length = array.length() as usize;
        if length > room {
            bytes.extend(array.subarray(0, room as u32).to_vec());
            more = true;
            let _ = js::call_method(&reader, "cancel", &[]);
            break;
        }
        bytes.extend(array.to_vec());
    }
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text.to_owned(),
        // A cut in the middle of a character: keep the whole characters before it.
        Err(e) if e.error_len().is_none() => {
            String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned()
        }
        Err(_) => String::from_utf8_lossy(&bytes).into_owned(),
    };
    Some((text, more))
}

impl std::fmt::Debug for Net {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Net")
    }
}
