//! Uncaught errors: `error` events on `window` and `unhandledrejection`, as [`PageError`]
//! events. Listening is passive: the page's own handlers and the browser's reporting are
//! unaffected (nothing is prevented or stopped).
//!
//! - An `ErrorEvent` is an uncaught exception: when the thrown value is an `Error`, the
//!   message is its `Name: message` (the same in every browser, without Chrome's
//!   `Uncaught ` prefix) and its stack is kept; any other thrown value is rendered
//!   (`Uncaught {code: 7}`); cross-origin scripts give only `Script error.`.
//! - An `error` event whose target is an element is a resource that failed to load
//!   (`<img>`, `<script>`, `<link>`…; these do not bubble, so the listener is in the
//!   capture phase): `Failed to load <img #12>`, with the element's URL as the source.
//! - An unhandled rejection records its reason: an `Error`'s header and stack (the source,
//!   line and column come from the stack's top frame), or the rendered value.

use super::js;
use super::redaction::Redaction;
use super::render::{self, error_parts, render};
use super::stack;
use crate::emit::Recording;
use crate::hooks::{Listener, ListenerOptions};
use recorder_core::event::{ErrorKind, PageError};
use std::rc::{Rc, Weak};
use wasm_bindgen::{JsCast, JsValue};

/// Longest recorded message, bytes.
pub const MESSAGE_LIMIT: usize = 2048;

/// The installed error capture; dropping it removes both listeners.
#[derive(Debug)]
pub struct Capture {
    _error: Listener,
    _rejection: Listener,
}

impl Capture {
    /// Listens on `window`.
    pub fn install(recording: &Rc<Recording>) -> Result<Capture, JsValue> {
        let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
        let redaction = Rc::new(Redaction::new(&recording.options));
        let weak = Rc::downgrade(recording);
        let rules = redaction.clone();
        let error = Listener::new_with_options(
            &window,
            "error",
            ListenerOptions::run_in_capture_phase(),
            move |event| {
                js::guarded(|| on_error(&weak, &rules, event));
            },
        );
        let weak = Rc::downgrade(recording);
        let rejection = Listener::new(&window, "unhandledrejection", move |event| {
            js::guarded(|| on_rejection(&weak, &redaction, event));
        });
        Ok(Capture {
            _error: error,
            _rejection: rejection,
        })
    }
}

fn on_error(recording: &Weak<Recording>, redaction: &Redaction, event: &web_sys::Event) {
    let Some(recording) = recording.upgrade() else {
        return;
    };
    let error = if let Some(event) = event.dyn_ref::<web_sys::ErrorEvent>() {
        let thrown = event.error();
        let (message, stack) = match error_parts(&thrown) {
            Some((header, stack)) => (header, stack),
            None if thrown.is_undefined() || thrown.is_null() => (event.message(), None),
            None => {
                let mut message = "Uncaught ".to_owned();
                message.push_str(&render(
                    &thrown,
                    Some(&recording.ids),
                    redaction.redactor(),
                    MESSAGE_LIMIT,
                ));
                (message, None)
            }
        };
        let source = event.filename();
        PageError {
            kind: ErrorKind::Exception,
            message: render::cap(message, MESSAGE_LIMIT),
            stack: stack.map(|s| render::cap(s, stack::STACK_LIMIT)),
            source: (!source.is_empty()).then(|| redaction.url(&source)),
            line: event.lineno(),
            column: event.colno(),
        }
    } else {
        // A resource error: the target is the element that failed to load.
        let Some(target) = event.target() else {
            return;
        };
        let target: JsValue = target.into();
        if !target.is_instance_of::<web_sys::Element>() {
            return;
        }
        let url = ["currentSrc", "src", "href", "data"]
            .iter()
            .filter_map(|key| js::get_string(&target, key))
            .find(|u| !u.is_empty());
        let mut message = "Failed to load ".to_owned();
        message.push_str(&render(
            &target,
            Some(&recording.ids),
            redaction.redactor(),
            256,
        ));
        PageError {
            kind: ErrorKind::Resource,
            message,
            stack: None,
            source: url.map(|u| redaction.url(&u)),
            line: 0,
            column: 0,
        }
    };
    recording.emit(error.into());
}

fn on_rejection(recording: &Weak<Recording>, redaction: &Redaction, event: &web_sys::Event) {
    let Some(recording) = recording.upgrade() else {
        return;
    };
    let Some(event) = event.dyn_ref::<web_sys::PromiseRejectionEvent>() else {
        return;
    };
    let reason = event.reason();
    let (message, stack) = match error_parts(&reason) {
        Some((header, stack)) => (header, stack),
        None => (
            render(
                &reason,
                Some(&recording.ids),
                redaction.redactor(),
                MESSAGE_LIMIT,
            ),
            None,
        ),
    };
    let location = stack.as_deref().and_then(stack::top_location);
    let (source, line, column) = match location {
        Some((url, line, column)) => (Some(redaction.url(&url)), line, column),
        None => (None, 0, 0),
    };
    recording.emit(
        PageError {
            kind: ErrorKind::UnhandledRejection,
            message: render::cap(message, MESSAGE_LIMIT),
            stack: stack.map(|s| render::cap(s, stack::STACK_LIMIT)),
            source,
            line,
            column,
        }
        .into(),
    );
}
