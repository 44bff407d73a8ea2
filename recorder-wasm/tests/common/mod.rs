//! Helpers shared by the hook tests: a bare recording to install one capture into, its
//! events, and page-side JavaScript that a test page would run.
#![allow(dead_code)] // each test crate uses a different subset

use recorder_core::event::EventData;
use recorder_wasm::emit::Recording;
use recorder_wasm::options::Options;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export function makeSpy() {
  const calls = [];
  const spy = function (...args) { calls.push({ self: this, args }); return 'spy-result'; };
  spy.calls = calls;
  return spy;
}
// A named page function, so the call site shows in stacks.
export function callConsole(level, args) { return console[level](...args); }
export function cyclic() { const a = { name: 'a', list: [1] }; a.self = a; a.list.push(a); return a; }
export function getterObject() {
  const state = { hits: 0 };
  const obj = { a: 1, get secret() { state.hits++; return 's'; } };
  Object.defineProperty(obj, 'hidden', { value: 2, enumerable: false });
  return { obj, state };
}
export function hostileProxy() {
  const trap = () => { throw new Error('trap'); };
  return new Proxy({}, { ownKeys: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: trap, get: trap });
}
export function revokedProxy() { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy; }
export function loggingProxy() {
  return new Proxy({ x: 1 }, {
    getOwnPropertyDescriptor(t, k) { console.log('trap ran'); return Reflect.getOwnPropertyDescriptor(t, k); },
  });
}
export function sampleValues() {
  class Point { constructor() { this.x = 1; } }
  function named() {}
  const nullProto = Object.create(null); nullProto.k = 'v';
  return [
    new Map([['a', 1]]), new Set([1, 'two']), { a: { b: { c: { d: 1 } } } }, named, () => 0,
    10n, Symbol('s'), new Date(0), new Uint8Array(4), new Point(), nullProto,
    ['x', , 'z'], { 'needs quotes': 'line\nbreak "q"' }, -0.5, NaN, new TypeError('bad'),
  ];
}
export function get(target, key) { return target[key]; }
export function set(target, key, value) { target[key] = value; }
export function global(name) { return globalThis[name]; }
"#)]
extern "C" {
    #[wasm_bindgen(js_name = makeSpy)]
    pub fn make_spy() -> js_sys::Function;
    #[wasm_bindgen(js_name = callConsole)]
    pub fn call_console(level: &str, args: &js_sys::Array) -> JsValue;
    pub fn cyclic() -> JsValue;
    #[wasm_bindgen(js_name = getterObject)]
    pub fn getter_object() -> JsValue;
    #[wasm_bindgen(js_name = hostileProxy)]
    pub fn hostile_proxy() -> JsValue;
    #[wasm_bindgen(js_name = revokedProxy)]
    pub fn revoked_proxy() -> JsValue;
    #[wasm_bindgen(js_name = loggingProxy)]
    pub fn logging_proxy() -> JsValue;
    #[wasm_bindgen(js_name = sampleValues)]
    pub fn sample_values() -> js_sys::Array;
    pub fn get(target: &JsValue, key: &str) -> JsValue;
    pub fn set(target: &JsValue, key: &str, value: &JsValue);
    pub fn global(name: &str) -> JsValue;
}

/// A recording with `options` (no sink: tests take the events directly).
pub fn recording(options: Options) -> Rc<Recording> {
    Rc::new(Recording::new(options))
}

/// The events recorded so far, without their times.
pub fn events(recording: &Recording) -> Vec<EventData> {
    recording
        .take_events()
        .into_iter()
        .map(|e| e.data)
        .collect()
}

/// `array[i][key]` for the spy's calls.
pub fn spy_calls(spy: &js_sys::Function) -> js_sys::Array {
    get(spy, "calls").into()
}

/// Builds a JS array.
pub fn array(values: &[JsValue]) -> js_sys::Array {
    values.iter().collect()
}
