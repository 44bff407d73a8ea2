//! Mutation batches: reads the traversal's collation of one batch of MutationObserver
//! records (`walk.js`, `Walker.collate`) into a [`MutationBatch`].
//!
//! The collation works from the DOM's final state at callback time, as rrweb does:
//! - a node added and removed within the batch produces nothing;
//! - a moved node (and a node re-serialized in place: an iframe that loaded, a host that
//!   got a shadow root, an element that became blocked) is a removal plus an addition of
//!   its subtree serialized again, with fresh ids;
//! - a node added inside an added subtree is serialized once, with that subtree;
//! - attribute and text changes are reported only for nodes that stay, with their final
//!   values, once per attribute; changes inside added subtrees are in the serialization;
//! - additions come in an order where each one's `before` sibling already exists.
//!
//! Each node is looked at a constant number of times (the ancestor checks are memoized),
//! so 10 000 insertions in one task cost linear time.

use super::snapshot::{Malformed, Reader};
use crate::capture::privacy::{self, Control, InputPrivacy};
use crate::ids::flags;
use recorder_core::event::{AddedTree, AttrChange, MutationBatch, TextChange};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

/// Upper bound for capacities taken from the input.
const MAX_PREALLOCATE: usize = 4096;

/// Reads one collated batch.
pub(super) fn read(reader: &mut Reader<'_>) -> Result<MutationBatch, Malformed> {
    let mut batch = MutationBatch::default();

    let count = reader.number()? as usize;
    batch.removes.reserve(count.min(MAX_PREALLOCATE));
    for _ in 0..count {
        batch.removes.push(reader.number()?);
    }

    let count = reader.number()? as usize;
    batch.adds.reserve(count.min(MAX_PREALLOCATE));
    for _ in 0..count {
        let parent = reader.number()?;
        let before = reader.number()?;
        let first_id = reader.number()?;
        let mut nodes = Vec::new();
        reader.subtree(&mut nodes)?;
        batch.adds.push(AddedTree {
            parent,
            before: (before != 0).then_some(before),
            first_id,
            nodes,
        });
    }

    let count = reader.number()? as usize;
    batch.attrs.reserve(count.min(MAX_PREALLOCATE));
    for _ in 0..count {
        let marked = match reader.token()? {
            "A" => false,
            "B" => true,
            _ => return Err(Malformed),
        };
        let id = reader.number()?;
        let node_flags = reader.number()?;
        let name = reader.string()?;
        let value = match reader.token()? {
            "-" => None,
            token => match token.strip_prefix('+') {
                Some(value) => Some(super::snapshot::unescape(value)),
                None => return Err(Malformed),
            },
        };
        let value = if marked {
            // The `value` attribute of an <input>: the default value, as private as the value.
            let (element, _) = reader.special()?;
            let input_type = element.unchecked_ref::<HtmlInputElement>().type_();
            let ctx = reader.ctx();
            if Control::of("input", &input_type) != Some(Control::Text) {
                value // a checkbox's or a button's value is part of the page, not typed
            } else {
                match ctx
                    .privacy
                    .input_privacy(ctx.ids, &element, "input", &input_type)
                {
                    InputPrivacy::Omit => continue,
                    InputPrivacy::Mask => value.map(|v| privacy::mask_value(&v)),
                    InputPrivacy::Record => value,
                }
            }
        } else {
            value
        };
        if node_flags & flags::BLOCKED != 0 && !privacy::keep_blocked_attr(&name) {
            continue;
        }
        batch.attrs.push(AttrChange { id, name, value });
    }

    let count = reader.number()? as usize;
    batch.texts.reserve(count.min(MAX_PREALLOCATE));
    for _ in 0..count {
        let masked = match reader.token()? {
            "t" => false,
            "x" => true,
            _ => return Err(Malformed),
        };
        let id = reader.number()?;
        let text = reader.string()?;
        let text = if masked {
            privacy::mask_text(&text)
        } else {
            text
        };
        batch.texts.push(TextChange { id, text });
    }
    Ok(batch)
}
