//! Performance capture: what makes the page feel slow, from one `PerformanceObserver`
//! and a heap-size sample every [`MEMORY_SAMPLE_MS`] (recorded when it changed).
//!
//! | entry type                 | event                                             |
//! |----------------------------|---------------------------------------------------|
//! | `longtask`                 | [`LongTask`]                                      |
//! | `layout-shift`             | [`LayoutShift`] with the shifted nodes' ids       |
//! | `largest-contentful-paint` | [`LargestPaint`] with the element's id and URL    |
//! | `event`                    | [`Interaction`] for interactions ≥ 40 ms          |
//! | `resource`                 | [`Resource`], except fetch/XHR/beacon requests (the network hooks record those) and the recorder's own endpoint |
//! | `paint`                    | [`Paint`] (`first-paint`, `first-contentful-paint`) |
//!
//! Each type is observed with `buffered: true`, so what happened before the recording
//! started (the page load) is recorded too, at time 0 when it predates the session. Types
//! the browser does not support (`PerformanceObserver.supportedEntryTypes`) are skipped.
//! Event times are the entries' `startTime` on the session clock.

use super::js;
use super::redaction::Redaction;
use crate::emit::Recording;
use gloo_timers::callback::Interval;
use js_sys::Object;
use recorder_core::event::{
    Interaction, LargestPaint, LayoutShift, LongTask, Memory, Paint, Performance, Resource,
};
use std::cell::Cell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;

/// How often the JS heap size is sampled, ms.
pub const MEMORY_SAMPLE_MS: u32 = 10_000;
/// Interactions shorter than this are not recorded, ms (the `event` observer's
/// `durationThreshold`; 40 ms is what web-vitals uses for INP).
pub const INTERACTION_THRESHOLD_MS: u32 = 40;

const ENTRY_TYPES: [&str; 6] = [
    "longtask",
    "layout-shift",
    "largest-contentful-paint",
    "event",
    "resource",
    "paint",
];

/// The installed performance capture; dropping it disconnects the observer and stops
/// the heap sampling.
#[derive(Debug)]
pub struct Capture {
    observer: Option<JsValue>,
    _callback: Option<Closure<dyn FnMut(JsValue)>>,
    _memory: Option<Interval>,
}

impl Drop for Capture {
    fn drop(&mut self) {
        if let Some(observer) = &self.observer {
            let _ = js::call_method(observer, "disconnect", &[]);
        }
    }
}

struct Context {
    recording: Weak<Recording>,
    redaction: Redaction,
    endpoint: Option<String>,
}

impl Capture {
    /// Starts observing every supported entry type.
    pub fn install(recording: &Rc<Recording>) -> Result<Capture, JsValue> {
        let class = js::global("PerformanceObserver");
        let supported = js::get(&class, "supportedEntryTypes");
        let supported: Vec<String> = js::items(&supported, 64)
            .iter()
            .filter_map(JsValue::as_string)
            .collect();
        let types: Vec<&str> = ENTRY_TYPES
            .iter()
            .copied()
            .filter(|t| supported.iter().any(|s| s == t))
            .collect();

        let endpoint = recording.options.endpoint.as_deref().and_then(|e| {
            let base = js::get_string(&js::get(&js_sys::global(), "location"), "href")?;
            web_sys::Url::new_with_base(e, &base).ok().map(|u| u.href())
        });
        let context = Context {
            recording: Rc::downgrade(recording),
            redaction: Redaction::new(&recording.options),
            endpoint,
        };
        let mut capture = Capture {
            observer: None,
            _callback: None,
            _memory: None,
        };
        if !types.is_empty() {
            let callback = Closure::<dyn FnMut(JsValue)>::new(move |list: JsValue| {
                js::guarded(|| context.entries(&list));
            });
            if let Ok(observer) = js::construct("PerformanceObserver", &[callback.as_ref()]) {
                for kind in types {
                    let init = Object::new();
                    js::set(&init, "type", &kind.into());
                    js::set(&init, "buffered", &JsValue::TRUE);
                    if kind == "event" {
                        js::set(&init, "durationThreshold", &INTERACTION_THRESHOLD_MS.into());
                    }
                    let _ = js::call_method(&observer, "observe", &[&init]);
                }
                capture.observer = Some(observer);
                capture._callback = Some(callback);
            }
        }

        let weak = Rc::downgrade(recording);
        let last = Cell::new(0);
        if sample_memory(&weak, &last) {
            capture._memory = Some(Interval::new(MEMORY_SAMPLE_MS, move || {
                sample_memory(&weak, &last);
            }));
        }
        Ok(capture)
    }
}

/// Records `performance.memory` (Chrome only) when the heap in use changed since `last`;
/// false where it does not exist.
fn sample_memory(recording: &Weak<Recording>, last: &Cell<u64>) -> bool {
    let memory = js::get(&js::global("performance"), "memory");
    let Some(used) = js::get_f64(&memory, "usedJSHeapSize") else {
        return false;
    };
    if last.replace(used as u64) == used as u64 {
        return true;
    }
    if let Some(recording) = recording.upgrade() {
        let figure = |key| js::get_f64(&memory, key).unwrap_or(0.0) as u64;
        recording.emit(
            Performance::Memory(Memory {
                used: used as u64,
                total: figure("totalJSHeapSize"),
                limit: figure("jsHeapSizeLimit"),
            })
            .into(),
        );
    }
    true
}

impl Context {
    fn entries(&self, list: &JsValue) {
        let Some(recording) = self.recording.upgrade() else {
            return;
        };
        let Ok(entries) = js::call_method(list, "getEntries", &[]) else {
            return;
        };
        for entry in js::items(&entries, 10_000) {
            let start = js::get_f64(&entry, "startTime").unwrap_or(0.0);
            if let Some(data) = self.convert(&recording, &entry, start) {
                let time = recording.clock.from_performance_time(start);
                recording.emit_at(time, data.into());
            }
        }
    }

    fn convert(&self, recording: &Recording, entry: &JsValue, start: f64) -> Option<Performance> {
        let kind = js::get_string(entry, "entryType")?;
        let number = |key| js::get_f64(entry, key).unwrap_or(0.0);
        let node = |value: JsValue| {
            (value.is_object())
                .then(|| recording.ids.get(&value))
                .flatten()
        };
        let session_time = |t: f64| recording.clock.from_performance_time(t) as f64;
        Some(match kind.as_str() {
            "longtask" => Performance::LongTask(LongTask {
                duration: number("duration"),
            }),
            "layout-shift" => {
                let sources = js::items(&js::get(entry, "sources"), 16)
                    .iter()
                    .filter_map(|s| node(js::get(s, "node")))
                    .collect();
                Performance::LayoutShift(LayoutShift {
                    value: number("value"),
                    had_recent_input: js::get(entry, "hadRecentInput").is_truthy(),
                    sources,
                })
            }
            "largest-contentful-paint" => {
                let render = number("renderTime");
                let render = if render > 0.0 {
                    render
                } else if number("loadTime") > 0.0 {
                    number("loadTime")
                } else {
                    start
                };
                let url = js::get_string(entry, "url").filter(|u| !u.is_empty());
                Performance::LargestPaint(LargestPaint {
                    render_time: session_time(render),
                    size: number("size") as u64,
                    element: node(js::get(entry, "element")),
                    url: url.map(|u| self.redaction.url(&u)),
                })
            }
            "event" => {
                // Only discrete interactions (click, key, tap) have an interactionId.
                if number("interactionId") <= 0.0 {
                    return None;
                }
                Performance::Interaction(Interaction {
                    event: js::get_string(entry, "name").unwrap_or_default(),
                    duration: number("duration"),
                    target: node(js::get(entry, "target")),
                })
            }
            "resource" => {
                let initiator = js::get_string(entry, "initiatorType").unwrap_or_default();
                let url = js::get_string(entry, "name").unwrap_or_default();
                let own = self.endpoint.as_deref().is_some_and(|e| url.starts_with(e));
                if own || matches!(initiator.as_str(), "fetch" | "xmlhttprequest" | "beacon") {
                    return None;
                }
                Performance::Resource(Resource {
                    url: self.redaction.url(&url),
                    initiator,
                    duration: number("duration"),
                    transfer_size: number("transferSize") as u64,
                    decoded_size: number("decodedBodySize") as u64,
                })
            }
            "paint" => Performance::Paint(Paint {
                name: js::get_string(entry, "name").unwrap_or_default(),
                time: session_time(start),
            }),
            _ => return None,
        })
    }
}
