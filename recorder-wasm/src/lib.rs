//! Tapedeck's browser recorder (being built: see issue 3).
#![deny(missing_docs, rust_2018_idioms)]

use wasm_bindgen::prelude::*;

/// The recorder's version, as recorded in `Meta` events.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Counts the nodes of the current document: a smoke test that web-sys reaches the DOM.
#[wasm_bindgen(js_name = countNodes)]
pub fn count_nodes() -> Result<u32, JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    fn count(node: &web_sys::Node) -> u32 {
        let children = node.child_nodes();
        1 + (0..children.length())
            .filter_map(|i| children.item(i))
            .map(|c| count(&c))
            .sum::<u32>()
    }
    Ok(count(&document))
}
