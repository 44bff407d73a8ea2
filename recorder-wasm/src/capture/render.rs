//! Page values rendered to text — console arguments, thrown values, rejection reasons —
//! safely and within bounds.
//!
//! - Strings print as they are at the top level and quoted inside objects; numbers,
//!   booleans, `null`, `undefined`, bigints (`12n`) and symbols as JavaScript prints them.
//! - Objects and arrays as compact JSON-like text (`{id: 7, tags: ["a", "b"]}`, class
//!   instances prefixed with their class: `Point {x: 1}`), at most [`MAX_DEPTH`] levels,
//!   [`MAX_KEYS`] keys and [`MAX_ITEMS`] items, cycles as `[Circular]`; `Map(2) {"a" => 1}`,
//!   `Set(1) {1}`, dates as ISO text, typed arrays as `Uint8Array(16)`.
//! - Errors as `Name: message` followed by the stack at the top level; functions as
//!   `[Function name]`; DOM nodes as `<button #42>` with their recorded id.
//! - Only own enumerable *data* properties are read: an accessor shows as `[Getter]` and
//!   is never invoked, since a getter is page code that may have side effects. Proxies
//!   are handled like any object and their traps' exceptions are caught (see `js`).
//! - The text stops at the caller's byte limit, marked with `…`; the walk stops there too,
//!   so a huge object costs no more than a small one.
//! - Privacy, by the rules of `recorder_core::redact` (as for network bodies): the value of
//!   an object key (or a string `Map` key) that names a secret (`password`, `apiKey`,
//!   `access_token`… see [`Redactor::is_sensitive_field`]) prints as `[redacted]`, unless
//!   it holds nothing (`null`, `undefined`, a boolean, `""`); strings and error texts go
//!   through [`redact_text`] (secrets in URLs and in JSON-like text, card numbers); card
//!   numbers in numbers are masked ([`mask_card_numbers`]).

use super::js::{self, Kind, Property};
use crate::ids::NodeIds;
use recorder_core::redact::{mask_card_numbers, Redactor, REDACTED};
use std::borrow::Cow;
use wasm_bindgen::{JsCast, JsValue};

/// Levels of nesting shown; deeper objects print as `{…}` / `[…]`.
pub const MAX_DEPTH: u8 = 3;
/// Keys shown per object.
pub const MAX_KEYS: u32 = 20;
/// Items shown per array, map or set.
pub const MAX_ITEMS: u32 = 50;

/// 2^53: below it every integral `f64` is an integer JavaScript prints digit for digit.
const MAX_EXACT_INTEGER: f64 = 9_007_199_254_740_992.0;

/// Renders `value` in at most about `limit` bytes. `ids` names DOM nodes; `redactor` is
/// the recording's (see the module docs, "Privacy").
pub fn render(value: &JsValue, ids: Option<&NodeIds>, redactor: &Redactor, limit: usize) -> String {
    let mut r = Renderer {
        ids,
        out: String::new(),
        limit,
        cut: false,
        ancestors: Vec::new(),
        redactor,
    };
    r.value(value, 0, true);
    r.finish()
}

/// Free text from the page (a logged string, an error message) with what the network
/// rules would redact in it: values of sensitive URL parameters (`?token=…`, also inside
/// a sentence) and of sensitive keys in JSON-like text (`{"password": "…"}`,
/// `{apiKey: '…'}`), and card numbers. Borrowed when there is nothing to redact.
pub fn redact_text<'a>(redactor: &Redactor, text: &'a str) -> Cow<'a, str> {
    match redactor.redact_url(text) {
        Cow::Borrowed(text) => redactor.redact_json(text),
        Cow::Owned(text) => Cow::Owned(redactor.redact_json(&text).into_owned()),
    }
}

/// An `Error`'s `Name: message` header and its stack, when `value` is an `Error`.
pub fn error_parts(value: &JsValue) -> Option<(String, Option<String>)> {
    if !value.is_instance_of::<js_sys::Error>() {
        return None;
    }
    let name = js::get_string(value, "name").unwrap_or_else(|| "Error".to_owned());
    let message = js::get_string(value, "message").unwrap_or_default();
    let header = if message.is_empty() {
        name
    } else {
        let mut h = name;
        h.push_str(": ");
        h.push_str(&message);
        h
    };
    let stack = js::get_string(value, "stack").filter(|s| !s.is_empty());
    Some((header, stack))
}

/// The text of an error: its stack when that starts with the header (V8), else the header
/// and the stack on the next lines (Firefox, Safari).
pub fn error_text(header: &str, stack: Option<&str>) -> String {
    match stack {
        Some(stack) if stack.starts_with(header) => stack.to_owned(),
        Some(stack) => {
            let mut text = String::with_capacity(header.len() + 1 + stack.len());
            text.push_str(header);
            text.push('\n');
            text.push_str(stack);
            text
        }
        None => header.to_owned(),
    }
}

/// Cuts `text` to at most `limit` bytes on a character boundary, marking the cut with `…`.
pub fn cap(mut text: String, limit: usize) -> String {
    if text.len() > limit {
        let mut at = limit;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        text.truncate(at);
        text.push('…');
    }
    text
}

struct Renderer<'a> {
    ids: Option<&'a NodeIds>,
    out: String,
    limit: usize,
    cut: bool,
    ancestors: Vec<JsValue>,
    redactor: &'a Redactor,
}

impl Renderer<'_> {
    fn finish(mut self) -> String {
        if self.cut {
            self.out.push('…');
        }
        self.out
    }

    fn push(&mut self, s: &str) {
        if self.cut {
            return;
        }
        let room = self.limit.saturating_sub(self.out.len());
        if s.len() <= room {
            self.out.push_str(s);
        } else {
            let mut at = room;
            while !s.is_char_boundary(at) {
                at -= 1;
            }
            self.out.push_str(&s[..at]);
            self.cut = true;
        }
    }

    fn push_number(&mut self, n: u64) {
        self.push(&crate::text::decimal(n));
    }

    fn quoted(&mut self, s: &str) {
        self.push("\"");
        let mut buf = [0u8; 4];
        for c in s.chars() {
            if self.cut {
                return;
            }
            match c {
                '"' => self.push("\\\""),
                '\\' => self.push("\\\\"),
                '\n' => self.push("\\n"),
                '\r' => self.push("\\r"),
                '\t' => self.push("\\t"),
                c if (c as u32) < 0x20 => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    let n = c as usize;
                    let escape = [b'\\', b'u', b'0', b'0', HEX[n >> 4], HEX[n & 15]];
                    self.push(std::str::from_utf8(&escape).unwrap_or(""));
                }
                c => self.push(c.encode_utf8(&mut buf)),
            }
        }
        self.push("\"");
    }

    fn key(&mut self, key: &str) {
        let mut chars = key.chars();
        let identifier = chars
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
            && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$');
        if identifier {
            self.push(key);
        } else {
            self.quoted(key);
        }
    }

    fn value(&mut self, v: &JsValue, depth: u8, top: bool) {
        self.value_of_kind(v, js::kind(v), depth, top);
    }

    /// Prints `v`, whose [`Kind`] the caller found (one call into JavaScript per value).
    fn value_of_kind(&mut self, v: &JsValue, kind: Kind, depth: u8, top: bool) {
        if self.cut {
            return;
        }
        match kind {
            Kind::String => {
                let s = v.as_string().unwrap_or_default();
                let s = redact_text(self.redactor, &s);
                if top {
                    self.push(&s);
                } else {
                    self.quoted(&s);
                }
            }
            Kind::Undefined => self.push("undefined"),
            Kind::Null => self.push("null"),
            Kind::Boolean => self.push(if v.is_truthy() { "true" } else { "false" }),
            Kind::Function => {
                self.push("[Function");
                match js::own_property(v, &JsValue::from_str("name")) {
                    Property::Data(name) if name.as_string().is_some_and(|n| !n.is_empty()) => {
                        self.push(" ");
                        self.push(&name.as_string().unwrap_or_default());
                    }
                    _ => self.push(" (anonymous)"),
                }
                self.push("]");
            }
            // Integers are printed here: `String(v)` would cost a call and a string made
            // in JavaScript and copied into wasm, for every number of every logged object.
            Kind::Number => match v.as_f64() {
                Some(n) if n.fract() == 0.0 && n.abs() < MAX_EXACT_INTEGER => {
                    if n < 0.0 {
                        self.push("-");
                    }
                    self.push(&mask_card_numbers(&crate::text::decimal(n.abs() as u64)));
                }
                _ => self.push(&mask_card_numbers(&js::primitive_text(v))),
            },
            Kind::Symbol => self.push(&js::primitive_text(v)),
            Kind::BigInt => {
                self.push(&mask_card_numbers(&js::primitive_text(v)));
                self.push("n");
            }
            // Markers of `js::own_value`, printed by `property`; not values.
            Kind::Missing => self.push("<empty>"),
            Kind::Getter => self.push("[Getter]"),
            Kind::Setter => self.push("[Setter]"),
            Kind::GetterSetter => self.push("[Getter/Setter]"),
            _ if self.ancestors.iter().any(|a| a == v) => self.push("[Circular]"),
            Kind::Node => self.node(v),
            Kind::Error => {
                let Some((header, stack)) = error_parts(v) else {
                    return self.push("{}");
                };
                let text = if top {
                    error_text(&header, stack.as_deref())
                } else {
                    header
                };
                self.push(&redact_text(self.redactor, &text));
            }
            _ => {
                self.ancestors.push(v.clone());
                self.object(v, kind, depth);
                self.ancestors.pop();
            }
        }
    }

    /// The value of a sensitive key: `[redacted]`, unless it holds nothing worth hiding
    /// (as `recorder_core::redact` treats JSON: `null`, booleans and `""` stay).
    fn secret(&mut self, value: &JsValue, kind: Kind, depth: u8) {
        let empty = match kind {
            Kind::Null | Kind::Undefined | Kind::Boolean => true,
            Kind::String => value.as_string().is_some_and(|s| s.is_empty()),
            // An accessor or a hole: its marker says nothing of a value.
            Kind::Missing | Kind::Getter | Kind::Setter | Kind::GetterSetter => true,
            _ => false,
        };
        if empty {
            self.value_of_kind(value, kind, depth + 1, false);
        } else {
            self.push(REDACTED);
        }
    }

    fn node(&mut self, v: &JsValue) {
        let name = js::get_string(v, "nodeName").unwrap_or_default();
        self.push("<");
        self.push(&name.to_ascii_lowercase());
        if let Some(id) = self.ids.and_then(|ids| ids.get(v)) {
            self.push(" #");
            self.push_number(u64::from(id));
        }
        self.push(">");
    }

    fn object(&mut self, v: &JsValue, kind: Kind, depth: u8) {
        if kind == Kind::Array {
            return self.array(v, depth);
        }
        let class = class_name(v);
        if kind == Kind::Map || kind == Kind::Set {
            return self.collection(
                v,
                kind == Kind::Map,
                depth,
                class.as_deref().unwrap_or("Map"),
            );
        }
        if kind == Kind::Date {
            let iso = js::call_method(v, "toISOString", &[]).ok();
            return self.push(
                &iso.and_then(|s| s.as_string())
                    .unwrap_or("Invalid Date".into()),
            );
        }
        if kind == Kind::RegExp {
            let text = js::call_method(v, "toString", &[]).ok();
            return self.push(&text.and_then(|s| s.as_string()).unwrap_or_default());
        }
        let class = class.unwrap_or_default();
        if kind == Kind::Buffer {
            self.push(&class);
            self.push("(");
            let length = js::get_f64(v, "length").or_else(|| js::get_f64(v, "byteLength"));
            self.push_number(length.unwrap_or(0.0) as u64);
            return self.push(")");
        }
        if !class.is_empty() {
            self.push(&class);
            self.push(" ");
        }
        if depth >= MAX_DEPTH {
            return self.push("{…}");
        }
        let keys = js::keys(v);
        let count = keys.length();
        self.push("{");
        for i in 0..count.min(MAX_KEYS) {
            if self.cut {
                return;
            }
            if i > 0 {
                self.push(", ");
            }
            let key = keys.get(i);
            let name = key.as_string().unwrap_or_default();
            self.key(&name);
            self.push(": ");
            let sensitive = self.redactor.is_sensitive_field(&name);
            self.property(v, &key, depth, sensitive);
        }
        if count > MAX_KEYS {
            self.push(", …");
        }
        self.push("}");
    }

    /// Prints own property `key` of `v` (`[Getter]`, `<empty>`… when it holds no value); a
    /// `sensitive` one's value as `[redacted]`.
    fn property(&mut self, v: &JsValue, key: &JsValue, depth: u8, sensitive: bool) {
        let value = js::own_value(v, key);
        let kind = js::kind(&value);
        if sensitive {
            self.secret(&value, kind, depth);
        } else {
            self.value_of_kind(&value, kind, depth + 1, false);
        }
    }

    fn array(&mut self, v: &JsValue, depth: u8) {
        let length = match js::own_property(v, &JsValue::from_str("length")) {
            Property::Data(n) => n.as_f64().unwrap_or(0.0) as u32,
            _ => 0,
        };
        if depth >= MAX_DEPTH && length > 0 {
            return self.push("[…]");
        }
        self.push("[");
        for i in 0..length.min(MAX_ITEMS) {
            if self.cut {
                return;
            }
            if i > 0 {
                self.push(", ");
            }
            self.property(v, &JsValue::from(i), depth, false);
        }
        if length > MAX_ITEMS {
            self.push(", … ");
            self.push_number(u64::from(length - MAX_ITEMS));
            self.push(" more");
        }
        self.push("]");
    }

    /// `Map(2) {"a" => 1, "b" => 2}` and `Set(2) {1, 2}`, through the built-in iterators.
    fn collection(&mut self, v: &JsValue, is_map: bool, depth: u8, class: &str) {
        let size = js::get_f64(v, "size").unwrap_or(0.0) as u64;
        self.push(class);
        self.push("(");
        self.push_number(size);
        self.push(") ");
        if depth >= MAX_DEPTH && size > 0 {
            return self.push("{…}");
        }
        // The built-in iterator, not the object's own (which could be page code).
        let builtin = js::get(&js::global(if is_map { "Map" } else { "Set" }), "prototype");
        let iterate = js::get(&builtin, if is_map { "entries" } else { "values" });
        let Ok(iterator) = js::apply(&iterate, v, &[]) else {
            return self.push("{?}");
        };
        self.push("{");
        for (i, item) in js::iterate_from(&iterator, MAX_ITEMS as usize)
            .iter()
            .enumerate()
        {
            if self.cut {
                break;
            }
            if i > 0 {
                self.push(", ");
            }
            if is_map {
                let pair = js::items(item, 2);
                let undefined = JsValue::UNDEFINED;
                let key = pair.first().unwrap_or(&undefined);
                self.value(key, depth + 1, false);
                self.push(" => ");
                let value = pair.get(1).unwrap_or(&undefined);
                if key
                    .as_string()
                    .is_some_and(|k| self.redactor.is_sensitive_field(&k))
                {
                    self.secret(value, js::kind(value), depth);
                } else {
                    self.value(value, depth + 1, false);
                }
            } else {
                self.value(item, depth + 1, false);
            }
        }
        if size > u64::from(MAX_ITEMS) {
            self.push(", …");
        }
        self.push("}");
    }
}

/// The name of an object's class, from its prototype's own `constructor` data property
/// (no getter runs); `None` for plain objects and null-prototype objects.
fn class_name(v: &JsValue) -> Option<String> {
    js::class_name(v)
}
