//! Browser tests, run in headless Chromium by `scripts/test`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn counts_the_nodes_of_a_real_document() {
    let document = web_sys::window().unwrap().document().unwrap();
    let before = recorder_wasm::count_nodes().unwrap();
    let div = document.create_element("div").unwrap();
    div.append_child(&document.create_text_node("hello"))
        .unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    assert_eq!(recorder_wasm::count_nodes().unwrap(), before + 2);
}
