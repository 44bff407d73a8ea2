//! Exception-safe access to values the page controls, and the hooks' re-entrancy guard.
//!
//! A JavaScript exception thrown into wasm unwinds straight through the Rust frames to the
//! nearest JavaScript caller without running any Rust code on the way, so a flag or a
//! borrow held at that moment would stay set for good. Page values can throw anywhere: a
//! Proxy trap, a revoked Proxy, a getter, a method called on the wrong receiver. Every call
//! the hooks make on such a value therefore goes through a `catch` binding here, which
//! turns the exception into an `Err` (or a `None`).

use js_sys::Array;
use std::cell::Cell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Reflect, js_name = get, catch)]
    fn reflect_get(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = Reflect, js_name = apply, catch)]
    fn reflect_apply(f: &JsValue, this: &JsValue, args: &Array) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = Reflect, js_name = construct, catch)]
    fn reflect_construct(f: &JsValue, args: &Array) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = Object, js_name = keys, catch)]
    fn object_keys(value: &JsValue) -> Result<Array, JsValue>;
    #[wasm_bindgen(js_namespace = Object, js_name = getPrototypeOf, catch)]
    fn prototype_of(value: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = Array, js_name = isArray, catch)]
    fn array_is_array(value: &JsValue) -> Result<bool, JsValue>;
    #[wasm_bindgen(js_name = String, catch)]
    fn string_of(value: &JsValue) -> Result<String, JsValue>;
}

#[wasm_bindgen(module = "/src/glue.js")]
extern "C" {
    #[wasm_bindgen(js_name = kindOf)]
    fn kind_code(value: &JsValue) -> u8;
    #[wasm_bindgen(js_name = ownProperty)]
    fn own_property_or_marker(target: &JsValue, key: &JsValue) -> JsValue;
    /// The name of an object's class (see `className` in `glue.js`).
    #[wasm_bindgen(js_name = className)]
    pub fn class_name(value: &JsValue) -> Option<String>;
}

/// What a page value is, as the renderer tells values apart; found in one call into
/// JavaScript (`kindOf` in `glue.js`), never running page code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    String,
    /// A number.
    Number,
    /// A bigint.
    BigInt,
    /// `true` or `false`.
    Boolean,
    /// `undefined`.
    Undefined,
    /// `null`.
    Null,
    /// A symbol.
    Symbol,
    /// A function (a class too).
    Function,
    /// An array (`Array.isArray`).
    Array,
    /// A DOM node.
    Node,
    /// An `Error`.
    Error,
    /// A `Map`.
    Map,
    /// A `Set`.
    Set,
    /// A `Date`.
    Date,
    /// A `RegExp`.
    RegExp,
    /// A typed array, `DataView` or `ArrayBuffer`.
    Buffer,
    /// Any other object.
    Object,
    /// From [`own_value`]: no such own property.
    Missing,
    /// From [`own_value`]: an accessor with a getter only.
    Getter,
    /// From [`own_value`]: an accessor with a setter only.
    Setter,
    /// From [`own_value`]: an accessor with both.
    GetterSetter,
}

/// The [`Kind`] of `value`.
pub fn kind(value: &JsValue) -> Kind {
    const KINDS: [Kind; 21] = [
        Kind::String,
        Kind::Number,
        Kind::BigInt,
        Kind::Boolean,
        Kind::Undefined,
        Kind::Null,
        Kind::Symbol,
        Kind::Function,
        Kind::Array,
        Kind::Node,
        Kind::Error,
        Kind::Map,
        Kind::Set,
        Kind::Date,
        Kind::RegExp,
        Kind::Buffer,
        Kind::Object,
        Kind::Missing,
        Kind::Getter,
        Kind::Setter,
        Kind::GetterSetter,
    ];
    KINDS
        .get(usize::from(kind_code(value)))
        .copied()
        .unwrap_or(Kind::Object)
}

/// The own property `key` of `target` without invoking getters, in one call: its value
/// for a data property, else a marker whose [`kind`] is `Missing`, `Getter`, `Setter` or
/// `GetterSetter`.
pub fn own_value(target: &JsValue, key: &JsValue) -> JsValue {
    own_property_or_marker(target, key)
}

/// `target[key]`; `undefined` when reading throws.
pub fn get(target: &JsValue, key: &str) -> JsValue {
    if !target.is_object() && !target.is_function() {
        return JsValue::UNDEFINED;
    }
    reflect_get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `target[key]`, or what reading it threw.
pub fn try_get(target: &JsValue, key: &str) -> Result<JsValue, JsValue> {
    if !target.is_object() && !target.is_function() {
        return Ok(JsValue::UNDEFINED);
    }
    reflect_get(target, &JsValue::from_str(key))
}

/// `target[key]` when it is a string.
pub fn get_string(target: &JsValue, key: &str) -> Option<String> {
    get(target, key).as_string()
}

/// `target[key]` when it is a number.
pub fn get_f64(target: &JsValue, key: &str) -> Option<f64> {
    get(target, key).as_f64()
}

/// `globalThis[name]`.
pub fn global(name: &str) -> JsValue {
    get(&js_sys::global(), name)
}

/// Runs `f` in a microtask: after the current task's script, before the page can paint.
/// Returns false, queuing nothing, where there is no working `queueMicrotask`.
pub fn queue_microtask(f: impl FnOnce() + 'static) -> bool {
    let f = Closure::once_into_js(f);
    call_method(&js_sys::global(), "queueMicrotask", &[&f]).is_ok()
}

/// Calls `target[name](...args)` with `target` as `this`.
pub fn call_method(target: &JsValue, name: &str, args: &[&JsValue]) -> Result<JsValue, JsValue> {
    let f = get(target, name);
    if !f.is_function() {
        return Err(JsValue::UNDEFINED);
    }
    apply(&f, target, args)
}

/// Calls `f` with `this` and `args`.
pub fn apply(f: &JsValue, this: &JsValue, args: &[&JsValue]) -> Result<JsValue, JsValue> {
    let array = Array::new();
    for a in args {
        array.push(a);
    }
    reflect_apply(f, this, &array)
}

/// `new globalThis[class](...args)`.
pub fn construct(class: &str, args: &[&JsValue]) -> Result<JsValue, JsValue> {
    let f = global(class);
    if !f.is_function() {
        return Err(JsValue::UNDEFINED);
    }
    let array = Array::new();
    for a in args {
        array.push(a);
    }
    reflect_construct(&f, &array)
}

/// An own property, read without running any getter.
pub enum Property {
    /// A data property and its value.
    Data(JsValue),
    /// An accessor: (has a getter, has a setter).
    Accessor(bool, bool),
    /// No such own property (or the Proxy refused to say).
    Missing,
}

/// The own property `key` of `target`, without invoking getters.
pub fn own_property(target: &JsValue, key: &JsValue) -> Property {
    let value = own_value(target, key);
    match kind(&value) {
        Kind::Missing => Property::Missing,
        Kind::Getter => Property::Accessor(true, false),
        Kind::Setter => Property::Accessor(false, true),
        Kind::GetterSetter => Property::Accessor(true, true),
        _ => Property::Data(value),
    }
}

/// `Object.keys(target)`; empty when it throws.
pub fn keys(target: &JsValue) -> Array {
    object_keys(target).unwrap_or_else(|_| Array::new())
}

/// `Object.getPrototypeOf(target)`.
pub fn prototype(target: &JsValue) -> Option<JsValue> {
    prototype_of(target).ok().filter(|p| p.is_object())
}

/// `Array.isArray(value)`; false when it throws (a revoked Proxy).
pub fn is_array(value: &JsValue) -> bool {
    array_is_array(value).unwrap_or(false)
}

/// `String(value)` for primitives (numbers, bigints, symbols); never call it on objects,
/// whose `toString` is page code.
pub fn primitive_text(value: &JsValue) -> String {
    if value.is_object() || value.is_function() {
        return String::new();
    }
    string_of(value).unwrap_or_default()
}

/// The first `max` items of an array (none when `value` is not one), read one by one.
pub fn items(value: &JsValue, max: u32) -> Vec<JsValue> {
    if !is_array(value) {
        return Vec::new();
    }
    let length = get_f64(value, "length").unwrap_or(0.0) as u32;
    (0..length.min(max))
        .map(|i| reflect_get(value, &JsValue::from(i)).unwrap_or(JsValue::UNDEFINED))
        .collect()
}

/// The first `max` values of the iterator `value[method]()` returns (`entries`,
/// `values`…), stopping at the first failure.
pub fn iterate(value: &JsValue, method: &str, max: usize) -> Vec<JsValue> {
    match call_method(value, method, &[]) {
        Ok(iterator) => iterate_from(&iterator, max),
        Err(_) => Vec::new(),
    }
}

/// The first `max` values of an iterator.
pub fn iterate_from(iterator: &JsValue, max: usize) -> Vec<JsValue> {
    let mut out = Vec::new();
    while out.len() < max {
        let Ok(step) = call_method(iterator, "next", &[]) else {
            break;
        };
        if !step.is_object() || get(&step, "done").is_truthy() {
            break;
        }
        out.push(get(&step, "value"));
    }
    out
}

/// A real promise following `value` (`Promise.resolve(value)`): whatever the page hands
/// back, awaiting the result cannot throw into wasm.
pub fn to_promise(value: &JsValue) -> Option<js_sys::Promise> {
    let class = global("Promise");
    let promise = call_method(&class, "resolve", &[value]).ok()?;
    promise.dyn_into().ok()
}

/// A copy of a chunk of bytes (`Uint8Array` or any buffer view) as a fresh `Uint8Array`.
pub fn bytes(value: &JsValue) -> Option<js_sys::Uint8Array> {
    if !js_sys::ArrayBuffer::is_view(value) {
        return None;
    }
    construct("Uint8Array", &[value])
        .ok()
        .map(JsCast::unchecked_into)
}

/// Sets `target[key] = value` on an object the recorder made.
pub fn set(target: &JsValue, key: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), value);
}

/// Fills `bytes` from `crypto.getRandomValues` (or `Math.random` where there is none).
pub fn random_bytes(bytes: &mut [u8]) {
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(bytes).ok())
        .is_some();
    if !filled {
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
}

thread_local! {
    static BUSY: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` unless a hook is already running: the recorder's own work (rendering a value
/// through a Proxy trap that logs, a sink callback that fetches) must not record itself.
/// Returns `None` when skipped.
pub fn guarded<R>(f: impl FnOnce() -> R) -> Option<R> {
    if BUSY.with(|b| b.replace(true)) {
        return None;
    }
    let result = f();
    BUSY.with(|b| b.set(false));
    Some(result)
}
