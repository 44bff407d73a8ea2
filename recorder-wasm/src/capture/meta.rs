//! Page and environment metadata: the `Meta` event that opens a session (and each
//! navigation that reloads the recorder).
//!
//! The user agent is parsed by `recorder_core::useragent` (refined by
//! `navigator.maxTouchPoints`, which tells touch support and an iPad asking for desktop
//! sites); the URL and referrer have their sensitive query parameters redacted. Anything
//! the browser does not expose is left empty or zero.

use super::js;
use super::redaction::Redaction;
use crate::emit::Recording;
use recorder_core::event::{Meta, Size};
use recorder_core::useragent::UserAgent;
use wasm_bindgen::JsValue;

/// Emits the `Meta` event describing the page, browser, OS and device.
pub fn emit_meta(recording: &Recording) {
    recording.emit(collect(&Redaction::new(&recording.options)).into());
}

/// Reads the page's metadata.
pub fn collect(redaction: &Redaction) -> Meta {
    let window = js_sys::global();
    let document = js::get(&window, "document");
    let navigator = js::get(&window, "navigator");
    let screen = js::get(&window, "screen");
    let user_agent = js::get_string(&navigator, "userAgent").unwrap_or_default();
    let touch_points = js::get_f64(&navigator, "maxTouchPoints").unwrap_or(0.0);
    let parsed = UserAgent::parse(&user_agent).with_touch_points(touch_points as u32);
    let size = |target: &JsValue, width: &str, height: &str| Size {
        width: js::get_f64(target, width).unwrap_or(0.0) as u32,
        height: js::get_f64(target, height).unwrap_or(0.0) as u32,
    };
    let url = js::get_string(&js::get(&window, "location"), "href").unwrap_or_default();
    let referrer = js::get_string(&document, "referrer").unwrap_or_default();
    Meta {
        url: redaction.url(&url),
        referrer: redaction.url(&referrer),
        title: js::get_string(&document, "title").unwrap_or_default(),
        user_agent,
        browser: parsed.browser,
        os: parsed.os,
        device: parsed.device,
        screen: size(&screen, "width", "height"),
        viewport: size(&window, "innerWidth", "innerHeight"),
        device_pixel_ratio: js::get_f64(&window, "devicePixelRatio").unwrap_or(1.0) as f32,
        language: js::get_string(&navigator, "language").unwrap_or_default(),
        time_zone: time_zone(),
        recorder_version: env!("CARGO_PKG_VERSION").to_owned(),
    }
}

/// `Intl.DateTimeFormat().resolvedOptions().timeZone`.
fn time_zone() -> String {
    let intl = js::global("Intl");
    js::call_method(&intl, "DateTimeFormat", &[])
        .and_then(|format| js::call_method(&format, "resolvedOptions", &[]))
        .ok()
        .and_then(|options| js::get_string(&options, "timeZone"))
        .unwrap_or_default()
}
