//! The frame payload's MessagePack, written by hand.
//!
//! [`frame::encode`](crate::frame::encode) writes events with this module rather than
//! through serde and rmp-serde: the generic serde path, instantiated for rmp-serde's
//! serializers, was about 75 KB of the browser recorder's wasm, and this is a few KB.
//! The bytes are exactly those rmp-serde writes for the event model's `Serialize` impls
//! (structs as arrays, [`wire`](crate::wire) enums as `[index, value]`, strings through
//! the per-frame string table), so every decoder keeps reading frames with rmp-serde;
//! `tests/encode_equivalence.rs` checks that byte for byte on arbitrary events.
//!
//! An impl of [`Encode`] must write what the type's `Serialize` impl writes with
//! rmp-serde's default configuration: smallest integer encodings (`write_uint` /
//! `write_sint`), `f32`/`f64` as themselves, `None` as nil, sequences and structs as
//! arrays, ids as `bin`. The layouts that are not one array per struct (mutation batches,
//! input values) are written beside their serde impls, in `wire::columns`.

use crate::event::*;
use crate::trace::{SpanId, TraceId};
use crate::wire::intern;

/// A value that writes itself as MessagePack.
pub(crate) trait Encode {
    fn encode(&self, out: &mut Vec<u8>);
}

/// An unsigned integer in the fewest bytes.
pub(crate) fn uint(out: &mut Vec<u8>, v: u64) {
    if v < 128 {
        out.push(v as u8);
    } else if v < 256 {
        out.extend_from_slice(&[0xcc, v as u8]);
    } else if v < 65536 {
        out.push(0xcd);
        out.extend_from_slice(&(v as u16).to_be_bytes());
    } else if v < 1 << 32 {
        out.push(0xce);
        out.extend_from_slice(&(v as u32).to_be_bytes());
    } else {
        out.push(0xcf);
        out.extend_from_slice(&v.to_be_bytes());
    }
}

/// A signed integer in the fewest bytes (non-negative ones as [`uint`]).
pub(crate) fn sint(out: &mut Vec<u8>, v: i64) {
    if v >= 0 {
        uint(out, v as u64);
    } else if v >= -32 {
        out.push(v as u8);
    } else if v >= -128 {
        out.extend_from_slice(&[0xd0, v as u8]);
    } else if v >= -32768 {
        out.push(0xd1);
        out.extend_from_slice(&(v as i16).to_be_bytes());
    } else if v >= -(1 << 31) {
        out.push(0xd2);
        out.extend_from_slice(&(v as i32).to_be_bytes());
    } else {
        out.push(0xd3);
        out.extend_from_slice(&v.to_be_bytes());
    }
}

/// A length after a one-byte `fix` marker (when under `fix_limit`) or a marker for 8-,
/// 16- or 32-bit lengths (`marker8` 0 when the family has no 8-bit form).
fn len_header(out: &mut Vec<u8>, len: usize, fix: u8, fix_limit: usize, marker8: u8, marker16: u8) {
    if len < fix_limit {
        out.push(fix | len as u8);
    } else if len < 256 && marker8 != 0 {
        out.extend_from_slice(&[marker8, len as u8]);
    } else if len < 65536 {
        out.push(marker16);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(marker16 + 1);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
}

/// An array header for `len` elements.
pub(crate) fn array(out: &mut Vec<u8>, len: usize) {
    len_header(out, len, 0x90, 16, 0, 0xdc);
}

/// A string, inline.
pub(crate) fn str(out: &mut Vec<u8>, s: &str) {
    len_header(out, s.len(), 0xa0, 32, 0xd9, 0xda);
    out.extend_from_slice(s.as_bytes());
}

/// A string through the frame's string table: its index when the table has it, else
/// inline (see [`intern`]).
pub(crate) fn interned(out: &mut Vec<u8>, s: &str) {
    match intern::index_of(s) {
        Some(i) => uint(out, u64::from(i)),
        None => str(out, s),
    }
}

/// Nil (`None`).
pub(crate) fn nil(out: &mut Vec<u8>) {
    out.push(0xc0);
}

fn interned_option(out: &mut Vec<u8>, s: &Option<String>) {
    match s {
        Some(s) => interned(out, s),
        None => out.push(0xc0),
    }
}

impl Encode for u8 {
    fn encode(&self, out: &mut Vec<u8>) {
        uint(out, u64::from(*self));
    }
}

impl Encode for u16 {
    fn encode(&self, out: &mut Vec<u8>) {
        uint(out, u64::from(*self));
    }
}

impl Encode for u32 {
    fn encode(&self, out: &mut Vec<u8>) {
        uint(out, u64::from(*self));
    }
}

impl Encode for u64 {
    fn encode(&self, out: &mut Vec<u8>) {
        uint(out, *self);
    }
}

impl Encode for i32 {
    fn encode(&self, out: &mut Vec<u8>) {
        sint(out, i64::from(*self));
    }
}

impl Encode for f32 {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(0xca);
        out.extend_from_slice(&self.to_be_bytes());
    }
}

impl Encode for f64 {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(0xcb);
        out.extend_from_slice(&self.to_be_bytes());
    }
}

impl Encode for bool {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(if *self { 0xc3 } else { 0xc2 });
    }
}

impl Encode for String {
    fn encode(&self, out: &mut Vec<u8>) {
        str(out, self);
    }
}

impl<T: Encode> Encode for Option<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Some(v) => v.encode(out),
            None => out.push(0xc0),
        }
    }
}

impl<T: Encode> Encode for Box<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        (**self).encode(out);
    }
}

impl<T: Encode> Encode for Vec<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        array(out, self.len());
        for v in self {
            v.encode(out);
        }
    }
}

impl Encode for (i32, i32) {
    fn encode(&self, out: &mut Vec<u8>) {
        array(out, 2);
        self.0.encode(out);
        self.1.encode(out);
    }
}

/// A `bin` header for `len` bytes, in the smallest form (as rmp-serde writes bytes).
pub(crate) fn bin_header(out: &mut Vec<u8>, len: usize) {
    len_header(out, len, 0, 0, 0xc4, 0xc5);
}

/// Ids are `bin` of their bytes (their `Serialize` calls `serialize_bytes`).
fn bin(out: &mut Vec<u8>, bytes: &[u8]) {
    // Only 8- and 16-byte ids come here: always the one-byte length form.
    out.extend_from_slice(&[0xc4, bytes.len() as u8]);
    out.extend_from_slice(bytes);
}

impl Encode for TraceId {
    fn encode(&self, out: &mut Vec<u8>) {
        bin(out, &self.0);
    }
}

impl Encode for SpanId {
    fn encode(&self, out: &mut Vec<u8>) {
        bin(out, &self.0);
    }
}

/// Writes a struct as the array of its fields, in declaration order (which must be the
/// order listed here: the derived `Serialize` writes that order). The destructuring makes
/// forgetting a field a compile error. `@intern` marks `#[serde(with = "intern")]`
/// fields, `@intern_option` `#[serde(with = "intern::option")]` ones.
macro_rules! encode_structs {
    ($( $ty:ident { $( $field:ident $(@$with:ident)? ),+ $(,)? } )+) => {$(
        impl Encode for $ty {
            fn encode(&self, out: &mut Vec<u8>) {
                let $ty { $($field),+ } = self;
                array(out, [$(stringify!($field)),+].len());
                $( encode_structs!(@field out, $field $(, $with)?); )+
            }
        }
    )+};
    (@field $out:ident, $field:ident) => { $field.encode($out) };
    (@field $out:ident, $field:ident, intern) => { interned($out, $field) };
    (@field $out:ident, $field:ident, intern_option) => { interned_option($out, $field) };
}

encode_structs! {
    Meta {
        url @intern, referrer @intern, title, user_agent @intern, browser, os, device, screen,
        viewport, device_pixel_ratio, language @intern, time_zone @intern,
        recorder_version @intern,
    }
    Software { name @intern, version @intern }
    Device { kind, model @intern, touch }
    Size { width, height }
    Snapshot { first_id, nodes }
    Container { children }
    Doctype { name @intern, public_id @intern, system_id @intern }
    Element { tag @intern, namespace, attrs, children, state }
    Attr { name @intern, value @intern }
    ElementState { value, checked, scroll, css, blocked }
    AddedTree { parent, before, first_id, nodes }
    AttrChange { id, name @intern, value @intern_option }
    TextChange { id, text }
    Pointer { kind, target, x, y, button }
    MovePoint { offset, x, y }
    Focus { target, focused }
    Scroll { target, x, y }
    Viewport { size }
    Navigation { kind, url @intern }
    Selection { ranges }
    SelectionRange { start, start_offset, end, end_offset }
    PageError { kind, message, stack, source @intern_option, line, column }
    Header { name @intern, value @intern }
    Body { text, truncated }
    Network {
        request_id, initiator, method @intern, url @intern, status, duration, request_headers,
        response_headers, request_body, response_body, request_size, response_size, error,
        trace_id,
    }
    LongTask { duration }
    LayoutShift { value, had_recent_input, sources }
    LargestPaint { render_time, size, element, url @intern_option }
    Interaction { event @intern, duration, target }
    Resource { url @intern, initiator @intern, duration, transfer_size, decoded_size }
    Memory { used, total, limit }
    Paint { name @intern, time }
    Span {
        trace_id, span_id, parent, service @intern, name @intern, duration_us, status,
        attributes,
    }
    LogRecord { trace_id, span_id, level, service @intern, message, attributes }
    Custom { name @intern, payload }
    Annotation { text, author }
}

/// A frame's payload: `[Δt₀, event₀, Δt₁, event₁, …]`, times as signed deltas from
/// `base_time` and then from the previous event. Strings go through the current frame's
/// table, so call it inside `intern::with_table(Mode::Encode, …)`.
pub(crate) fn events(out: &mut Vec<u8>, base_time: u64, events: &[Event]) {
    array(out, events.len() * 2);
    let mut previous = base_time as i64;
    for event in events {
        let time = event.time as i64;
        sint(out, time.wrapping_sub(previous));
        event.data.encode(out);
        previous = time;
    }
}
