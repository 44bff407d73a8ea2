//! User input capture in headless Chromium: pointer, moves, form values (user and
//! programmatic), focus, scroll, viewport, navigation, selection, causal order with DOM
//! changes, and that stopping restores every hooked setter and method.
#![cfg(target_arch = "wasm32")]

mod support;

use recorder_core::event::{
    Event, EventData, Input, InputValue, NavigationKind, NodeId, PointerKind,
};
use support::{fixture, js, with_recorder, Mirror, Session};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn sleep(ms: u32) {
    let promise = js(&format!("return new Promise((r) => setTimeout(r, {ms}))"));
    JsFuture::from(js_sys::Promise::from(promise))
        .await
        .unwrap();
}

/// The recorded id of the element with DOM id `dom_id`.
fn id_of(events: &[Event], dom_id: &str) -> NodeId {
    Mirror::from_events(events)
        .find("id", dom_id)
        .unwrap_or_else(|| panic!("#{dom_id} not recorded"))
}

fn inputs(events: &[Event]) -> Vec<&Input> {
    events
        .iter()
        .filter_map(|e| match &e.data {
            EventData::Input(i) => Some(i),
            _ => None,
        })
        .collect()
}

fn inputs_of<'a>(events: &'a [Event], dom_id: &str) -> Vec<&'a Input> {
    let id = id_of(events, dom_id);
    inputs(events).into_iter().filter(|i| i.id == id).collect()
}

/// Counts errors reaching `window.onerror` (a recorder failure must never get there).
fn count_page_errors() {
    js("window.__errors = 0; window.__messages = []; window.addEventListener('error', (e) => { window.__errors++; window.__messages.push(e.message); });");
}

fn page_errors() -> f64 {
    let n = js("return window.__errors").as_f64().unwrap();
    if n > 0.0 {
        web_sys::console::log_1(&js("return window.__messages.join('; ')"));
    }
    n
}

const FORM: &str = r#"<input id="name"><input id="open" data-tapedeck-unmask>
<input id="pw" type="password"><input id="cc" autocomplete="cc-number"><textarea id="ta"></textarea>
<select id="sel" data-tapedeck-unmask><option>a</option><option>b</option><option>c</option></select>
<select id="msel"><option>x</option><option>y</option></select>
<input id="cb" type="checkbox"><button id="btn">go</button>"#;

#[wasm_bindgen_test]
fn script_setting_values_records_input_events() {
    fixture(FORM);
    let session = Session::start("");
    js(r#"
        const $ = (id) => document.getElementById(id);
        $('name').value = 'secret name';
        $('name').value = 'secret name';
        $('open').value = 'hello';
        $('pw').value = 'hunter2';
        $('cc').value = '4111111111111111';
        $('ta').value = 'xyz';
        $('sel').selectedIndex = 2;
        $('msel').value = 'y';
        $('cb').checked = true;
        const detached = document.createElement('input');
        detached.value = 'not in the document';
    "#);
    let events = session.stop();
    let one = |id: &str| {
        let found = inputs_of(&events, id);
        assert_eq!(found.len(), 1, "#{id}: {found:?}");
        assert!(!found[0].user, "set by script");
        found[0].value.clone()
    };
    assert_eq!(one("name"), InputValue::Text("***********".into()));
    assert_eq!(one("open"), InputValue::Text("hello".into()));
    assert_eq!(one("ta"), InputValue::Text("***".into()));
    assert_eq!(one("sel"), InputValue::Selected(vec![2]));
    assert_eq!(one("msel"), InputValue::Text("*".into()));
    assert_eq!(one("cb"), InputValue::Checked(true));
    assert!(inputs_of(&events, "pw").is_empty(), "passwords never");
    assert!(inputs_of(&events, "cc").is_empty(), "card numbers never");
    let text = format!("{events:?}");
    assert!(!text.contains("hunter2") && !text.contains("4111"));
    assert!(!text.contains("secret name") && !text.contains("not in the document"));
}

#[wasm_bindgen_test]
async fn checking_a_radio_records_the_others_of_its_group_unchecked() {
    // The group: same name, same form owner, same tree. #d has no form owner, #c another name.
    fixture(
        r#"<form><input id="a" type="radio" name="g" checked><input id="b" type="radio" name="g">
        <input id="c" type="radio" name="h" checked></form><input id="d" type="radio" name="g" checked>"#,
    );
    let session = Session::start("");
    js("document.getElementById('b').click();");
    sleep(0).await; // a task apart: within one task only the last state is recorded
    js("document.getElementById('a').checked = true;");
    let events = session.stop();
    let values = |id: &str| {
        inputs_of(&events, id)
            .iter()
            .map(|i| (i.value.clone(), i.user))
            .collect::<Vec<_>>()
    };
    let checked = |on: bool, user: bool| (InputValue::Checked(on), user);
    assert_eq!(values("a"), [checked(false, true), checked(true, false)]);
    assert_eq!(values("b"), [checked(true, true), checked(false, false)]);
    assert_eq!(values("c"), []);
    assert_eq!(values("d"), []);
}

#[wasm_bindgen_test]
fn the_core_input_rules_decide_what_is_recorded() {
    // recorder_core::redact::InputPolicy, fed from the DOM: the nearest mark decides, names
    // like secrets are masked, card fields are omitted, a masked state is left out.
    fixture(
        r#"<div data-tapedeck-mask><input id="inner" data-tapedeck-unmask></div>
        <div data-tapedeck-unmask><p data-tapedeck-mask><input id="deep"></p></div>
        <input id="cvv" name="cvv"><input id="cc" autocomplete="shipping cc-number">
        <input id="plain"><div data-tapedeck-mask><input id="cb" type="checkbox"></div>"#,
    );
    let session = Session::start("{ maskAllInputs: false }");
    js(r#"
        for (const id of ['inner', 'deep', 'cvv', 'cc', 'plain']) document.getElementById(id).value = 'abc';
        document.getElementById('cb').checked = true;
    "#);
    let events = session.stop();
    let values = |id: &str| {
        inputs_of(&events, id)
            .iter()
            .map(|i| i.value.clone())
            .collect::<Vec<_>>()
    };
    let text = |s: &str| vec![InputValue::Text(s.into())];
    assert_eq!(
        values("inner"),
        text("abc"),
        "an unmask mark nearer than the mask"
    );
    assert_eq!(
        values("deep"),
        text("***"),
        "a mask mark nearer than the unmask"
    );
    assert_eq!(values("cvv"), text("***"), "a field named like a secret");
    assert_eq!(values("cc"), [], "a card number field is never recorded");
    assert_eq!(values("plain"), text("abc"));
    assert_eq!(values("cb"), [], "a masked checkbox's state is left out");
}

#[wasm_bindgen_test]
async fn a_form_reset_records_the_values_it_restores() {
    fixture(
        r#"<form id="f"><input id="t" value="default" data-tapedeck-unmask>
        <input id="cb" type="checkbox" checked>
        <select id="s" data-tapedeck-unmask><option>a</option><option selected>b</option></select></form>
        <form id="g"><input id="u" value="kept" data-tapedeck-unmask></form>"#,
    );
    js("document.getElementById('g').addEventListener('reset', (e) => e.preventDefault());");
    let session = Session::start("");
    js(r#"
        const $ = (id) => document.getElementById(id);
        $('t').value = 'typed'; $('cb').checked = false; $('s').selectedIndex = 0;
        $('u').value = 'changed';
    "#);
    sleep(0).await; // a task apart: within one task only the last state is recorded
    js("document.getElementById('f').reset(); document.getElementById('g').reset();");
    // In the same task: the next event's barrier records the reset before it.
    assert!(with_recorder(|r| r.add_event("after", JsValue::NULL)).is_ok());
    // Without a next event: a microtask records it.
    js("document.getElementById('t').value = 'again';");
    sleep(0).await;
    js("document.getElementById('f').reset();");
    sleep(0).await;
    let events = session.stop();
    let values = |id: &str| {
        inputs_of(&events, id)
            .iter()
            .map(|i| i.value.clone())
            .collect::<Vec<_>>()
    };
    let text = |s: &str| InputValue::Text(s.into());
    assert_eq!(
        values("t"),
        [
            text("typed"),
            text("default"),
            text("again"),
            text("default")
        ]
    );
    assert_eq!(
        values("cb"),
        [InputValue::Checked(false), InputValue::Checked(true)]
    );
    assert_eq!(
        values("s"),
        [InputValue::Selected(vec![0]), InputValue::Selected(vec![1])]
    );
    assert_eq!(
        values("u"),
        [text("changed")],
        "a canceled reset changes nothing"
    );
    let custom = events
        .iter()
        .position(|e| matches!(e.data, EventData::Custom(_)))
        .expect("the custom event");
    let t = id_of(&events, "t");
    let reset_of_t = events
        .iter()
        .position(
            |e| matches!(&e.data, EventData::Input(i) if i.id == t && i.value == text("default")),
        )
        .unwrap();
    assert!(
        reset_of_t < custom,
        "the reset comes before the event after it"
    );
}

#[wasm_bindgen_test]
async fn an_untouched_control_follows_its_default() {
    fixture(
        r#"<textarea id="ta" data-tapedeck-unmask>old</textarea><input id="cb" type="checkbox">
        <select id="s" data-tapedeck-unmask><option>a</option><option>b</option></select>
        <input id="r1" type="radio" name="g" checked><input id="r2" type="radio" name="g">
        <input id="dirty" type="checkbox">"#,
    );
    js("document.getElementById('dirty').click(); document.getElementById('dirty').click();");
    let session = Session::start("");
    js(r#"
        const $ = (id) => document.getElementById(id);
        $('ta').textContent = 'new';
        $('cb').defaultChecked = true;
        $('s').options[1].defaultSelected = true;
        $('r2').defaultChecked = true;
        $('dirty').defaultChecked = true;
    "#);
    sleep(0).await;
    let events = session.stop();
    let values = |id: &str| {
        inputs_of(&events, id)
            .iter()
            .map(|i| (i.value.clone(), i.user))
            .collect::<Vec<_>>()
    };
    let script = |v: InputValue| vec![(v, false)];
    assert_eq!(values("ta"), script(InputValue::Text("new".into())));
    assert_eq!(values("cb"), script(InputValue::Checked(true)));
    assert_eq!(values("s"), script(InputValue::Selected(vec![1])));
    assert_eq!(values("r2"), script(InputValue::Checked(true)));
    assert_eq!(values("r1"), script(InputValue::Checked(false)));
    // A control the user changed keeps its state (recorded again at most).
    assert!(
        values("dirty")
            .iter()
            .all(|(v, _)| *v == InputValue::Checked(false)),
        "{:?}",
        values("dirty")
    );
}

#[wasm_bindgen_test]
fn user_input_and_clicks_are_recorded() {
    fixture(FORM);
    // The page's own typing changes the value without calling the setter: emulate it with
    // the native setter saved before recording starts.
    js("window.__nativeValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;");
    count_page_errors();
    let session = Session::start("");
    js(r#"
        const $ = (id) => document.getElementById(id);
        window.__nativeValue.call($('name'), 'typed');
        $('name').dispatchEvent(new Event('input', { bubbles: true }));
        $('name').dispatchEvent(new Event('change', { bubbles: true }));
        $('cb').click();
        $('btn').dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: 10, clientY: 20 }));
        $('btn').dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, clientX: 3, clientY: 4, button: 2 }));
        $('btn').dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, clientX: 1, clientY: 2 }));
        $('btn').dispatchEvent(new Event('touchstart', { bubbles: true })); // no touches: ignored
        const touch = new Touch({ identifier: 1, target: $('btn'), clientX: 5, clientY: 6 });
        $('btn').dispatchEvent(new TouchEvent('touchend', { bubbles: true, changedTouches: [touch] }));
    "#);
    let events = session.stop();
    assert_eq!(page_errors(), 0.0);
    let name = inputs_of(&events, "name");
    assert_eq!(name.len(), 1, "input then change with one value: {name:?}");
    assert!(name[0].user);
    assert_eq!(name[0].value, InputValue::Text("*****".into()));
    let cb = inputs_of(&events, "cb");
    assert_eq!(cb.len(), 1);
    assert_eq!(
        (cb[0].value.clone(), cb[0].user),
        (InputValue::Checked(true), true)
    );

    let btn = id_of(&events, "btn");
    let cb_id = id_of(&events, "cb");
    let pointers: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.data {
            EventData::Pointer(p) => Some((p.kind, p.target, p.x, p.y, p.button)),
            _ => None,
        })
        .collect();
    assert_eq!(
        pointers,
        [
            (PointerKind::Click, Some(cb_id), 0, 0, 0),
            (PointerKind::Click, Some(btn), 10, 20, 0),
            (PointerKind::ContextMenu, Some(btn), 3, 4, 2),
            (PointerKind::Down, Some(btn), 1, 2, 0),
            (PointerKind::TouchEnd, Some(btn), 5, 6, 0),
        ]
    );
}

#[wasm_bindgen_test]
fn pointer_moves_are_batched_and_come_before_later_events() {
    fixture(r#"<div id="pad" style="width: 50px; height: 50px"></div>"#);
    let session = Session::start("{ mousemoveSampleMs: 0 }");
    js(r#"
        const pad = document.getElementById('pad');
        for (let i = 0; i < 5; i++) {
          pad.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, clientX: i, clientY: 2 * i }));
        }
        pad.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: 4, clientY: 8 }));
    "#);
    let events = session.stop();
    let kinds: Vec<_> = events
        .iter()
        .filter(|e| matches!(e.data, EventData::PointerMove(_) | EventData::Pointer(_)))
        .collect();
    assert_eq!(kinds.len(), 2, "{kinds:?}");
    let EventData::PointerMove(moves) = &kinds[0].data else {
        panic!("moves first: {kinds:?}");
    };
    let xy: Vec<_> = moves.points.iter().map(|p| (p.x, p.y)).collect();
    assert_eq!(xy, [(0, 0), (1, 2), (2, 4), (3, 6), (4, 8)]);
    assert!(matches!(kinds[1].data, EventData::Pointer(_)));
}

#[wasm_bindgen_test]
async fn a_control_is_recorded_once_per_task_with_its_last_value() {
    // A script typing 200 characters in one task (as the benchmark's typing does, with an
    // `input` event after each): the page cannot paint in between, so one event, with the
    // final value; `user` because an input event said so.
    fixture(r#"<input id="t"><input id="u">"#);
    let session = Session::start("");
    js(r#"
        const t = document.getElementById('t');
        for (let i = 0; i < 200; i++) {
          t.value += 'x';
          t.dispatchEvent(new InputEvent('input', { bubbles: true }));
        }
        document.getElementById('u').value = 'other';
    "#);
    sleep(0).await;
    js("document.getElementById('t').value = 'typed';");
    // Recorded before the next event of the same task, not after it.
    assert!(with_recorder(|r| r.add_event("after", JsValue::NULL)).is_ok());
    let events = session.stop();
    let values = |id: &str| {
        inputs_of(&events, id)
            .iter()
            .map(|i| (i.value.clone(), i.user))
            .collect::<Vec<_>>()
    };
    let masked = |n: usize| InputValue::Text("*".repeat(n));
    assert_eq!(
        values("t"),
        [(masked(200), true), (masked(5), false)],
        "one event per task"
    );
    assert_eq!(values("u"), [(masked(5), false)], "each control its own");
    let order: Vec<&str> = events
        .iter()
        .filter_map(|e| match &e.data {
            EventData::Input(_) => Some("input"),
            EventData::Custom(c) if c.name == "after" => Some("after"),
            _ => None,
        })
        .collect();
    assert_eq!(order, ["input", "input", "input", "after"]);
}

#[wasm_bindgen_test]
fn moves_are_sampled() {
    fixture("<p>moves</p>");
    let session = Session::start("{ mousemoveSampleMs: 10000 }");
    js(r#"
        for (let i = 0; i < 20; i++) {
          document.body.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, clientX: i, clientY: i }));
        }
    "#);
    let events = session.stop();
    let points: usize = events
        .iter()
        .map(|e| match &e.data {
            EventData::PointerMove(m) => m.points.len(),
            _ => 0,
        })
        .sum();
    assert_eq!(
        points, 2,
        "one sample per 10 s, and where the pointer stopped"
    );
    let last = events.iter().find_map(|e| match &e.data {
        EventData::PointerMove(m) => m.points.last().map(|p| (p.x, p.y)),
        _ => None,
    });
    assert_eq!(last, Some((19, 19)));
}

fn move_points(events: &[Event]) -> Vec<(i32, i32)> {
    events
        .iter()
        .flat_map(|e| match &e.data {
            EventData::PointerMove(m) => m.points.iter().map(|p| (p.x, p.y)).collect(),
            _ => Vec::new(),
        })
        .collect()
}

#[wasm_bindgen_test]
fn other_events_do_not_restart_move_sampling() {
    // Regression: an event between two moves emitted the batch early, and the next move,
    // finding the batch empty, was recorded at once: the interval no longer held.
    fixture(r#"<div id="pad"></div>"#);
    let session = Session::start("{ mousemoveSampleMs: 10000 }");
    js(r#"
        const pad = document.getElementById('pad');
        for (let i = 0; i < 20; i++) {
          pad.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, clientX: i, clientY: i }));
          console.debug('between moves', i);
        }
    "#);
    let events = session.stop();
    let logs = events
        .iter()
        .filter(|e| matches!(&e.data, EventData::Console(c) if c.args.first().is_some_and(|a| a == "between moves")))
        .count();
    assert_eq!(logs, 20);
    assert_eq!(
        move_points(&events),
        [(0, 0), (19, 19)],
        "the first move, then (at the stop) where the pointer stopped"
    );
}

#[wasm_bindgen_test]
fn the_position_before_a_click_is_kept() {
    fixture(r#"<div id="pad"></div>"#);
    let session = Session::start("{ mousemoveSampleMs: 10000 }");
    js(r#"
        const pad = document.getElementById('pad');
        const move = (x, y) => pad.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, clientX: x, clientY: y }));
        const click = (x, y) => pad.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: x, clientY: y }));
        for (let i = 0; i < 10; i++) move(i, i);
        click(100, 100); // elsewhere (a synthetic click): the path up to it is kept
        for (let i = 20; i < 30; i++) move(i, i);
        click(29, 29); // where the pointer is: the click itself says so
    "#);
    let events = session.stop();
    let order: Vec<String> = events
        .iter()
        .filter_map(|e| match &e.data {
            EventData::PointerMove(m) => Some(
                m.points
                    .iter()
                    .map(|p| format!("move {},{}", p.x, p.y))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            EventData::Pointer(p) if p.kind == PointerKind::Click => {
                Some(format!("click {},{}", p.x, p.y))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        order.join(" "),
        "move 0,0 move 9,9 click 100,100 click 29,29",
        "{order:?}"
    );
}

#[wasm_bindgen_test]
async fn moves_between_other_events_are_sampled_by_time() {
    // Moves every 8 ms for about 400 ms, each followed by another event: at most one
    // sample per 50 ms (plus the last position), however many batches the events cut.
    fixture(r#"<div id="pad"></div>"#);
    let session = Session::start("{ mousemoveSampleMs: 50 }");
    let elapsed = js(r#"
        const pad = document.getElementById('pad');
        const t0 = performance.now();
        return new Promise((resolve) => {
          let i = 0;
          const tick = () => {
            pad.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, clientX: i, clientY: 1 }));
            console.debug('tick', i);
            if (++i < 50) setTimeout(tick, 8); else resolve(performance.now() - t0);
          };
          tick();
        });
    "#);
    let elapsed = JsFuture::from(js_sys::Promise::from(elapsed))
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    sleep(120).await; // the trailing sample
    let events = session.stop();
    let points = move_points(&events);
    let most = (elapsed + 120.0) / 50.0 + 2.0;
    assert!(
        points.len() >= 2 && (points.len() as f64) <= most,
        "{} samples in {elapsed:.0} ms: {points:?}",
        points.len()
    );
    assert_eq!(
        points.last(),
        Some(&(49, 1)),
        "ends where the pointer stopped"
    );
}

#[wasm_bindgen_test]
fn dom_changes_come_before_the_events_that_follow_them() {
    fixture(r#"<div id="area"></div>"#);
    let session = Session::start("");
    js(r#"
        const b = document.createElement('button');
        b.id = 'fresh';
        document.getElementById('area').append(b);
        b.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    "#);
    let events = session.stop();
    let fresh = id_of(&events, "fresh");
    let add = events
        .iter()
        .position(|e| matches!(&e.data, EventData::Mutation(m) if !m.adds.is_empty()))
        .expect("the mutation");
    let click = events
        .iter()
        .position(|e| matches!(&e.data, EventData::Pointer(p) if p.target == Some(fresh)))
        .expect("a click on the new button, by its new id");
    assert!(add < click);
}

#[wasm_bindgen_test]
fn focus_and_blur_are_recorded() {
    fixture(r#"<input id="f">"#);
    let session = Session::start("");
    js("const f = document.getElementById('f'); f.focus(); f.blur();");
    let events = session.stop();
    let f = id_of(&events, "f");
    let focus: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.data {
            EventData::Focus(x) => Some((x.target, x.focused)),
            _ => None,
        })
        .collect();
    assert_eq!(focus, [(f, true), (f, false)]);
}

#[wasm_bindgen_test]
async fn scroll_viewport_and_selection_are_recorded() {
    fixture(
        r#"<div id="scroller" style="height: 30px; overflow: auto"><div style="height: 300px"></div></div><p id="txt">select me</p>"#,
    );
    let session = Session::start("{ scrollSampleMs: 50 }");
    js("document.getElementById('scroller').scrollTop = 10;");
    sleep(20).await;
    js("document.getElementById('scroller').scrollTop = 20;");
    sleep(20).await;
    js("document.getElementById('scroller').scrollTop = 40;");
    js("window.dispatchEvent(new Event('resize'));");
    js(r#"
        const range = document.createRange();
        const text = document.getElementById('txt').firstChild;
        range.setStart(text, 0);
        range.setEnd(text, 6);
        const selection = getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
    "#);
    sleep(250).await;
    let events = session.stop();
    js("getSelection().removeAllRanges();");
    let scroller = id_of(&events, "scroller");
    let scrolls: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.data {
            EventData::Scroll(s) if s.target == scroller => Some(s.y),
            _ => None,
        })
        .collect();
    assert_eq!(scrolls.first(), Some(&10), "leading edge: {scrolls:?}");
    assert_eq!(scrolls.last(), Some(&40), "trailing edge: {scrolls:?}");
    assert!(scrolls.len() <= 3, "throttled: {scrolls:?}");
    let viewport = events.iter().find_map(|e| match &e.data {
        EventData::Viewport(v) => Some(v.size),
        _ => None,
    });
    let width = js("return innerWidth").as_f64().unwrap() as u32;
    assert_eq!(viewport.map(|s| s.width), Some(width));
    let mirror = Mirror::from_events(&events);
    let txt = mirror.find("id", "txt").unwrap();
    let text_node = mirror.nodes[&txt].children[0];
    let selection = events.iter().rev().find_map(|e| match &e.data {
        EventData::Selection(s) => Some(s.clone()),
        _ => None,
    });
    let range = selection.expect("a selection event").ranges[0];
    assert_eq!((range.start, range.start_offset), (text_node, 0));
    assert_eq!((range.end, range.end_offset), (text_node, 6));
}

#[wasm_bindgen_test]
async fn history_navigation_is_recorded_with_redacted_urls() {
    let original = js("return location.href").as_string().unwrap();
    let session = Session::start("");
    js("history.pushState({}, '', '?page=2&access_token=abc123');");
    js("history.replaceState({}, '', location.href);"); // same URL: nothing
    js("location.hash = 'part';");
    sleep(50).await;
    let events = session.stop();
    js(&format!("history.replaceState({{}}, '', {original:?});"));
    let navigations: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.data {
            EventData::Navigation(n) => Some((n.kind, n.url.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(navigations.len(), 2, "{navigations:?}");
    assert_eq!(navigations[0].0, NavigationKind::Push);
    assert!(
        navigations[0]
            .1
            .ends_with("?page=2&access_token=[redacted]"),
        "{navigations:?}"
    );
    assert!(matches!(
        navigations[1].0,
        NavigationKind::Pop | NavigationKind::Hash
    ));
    assert!(navigations[1].1.ends_with("#part"));
    assert!(!format!("{events:?}").contains("abc123"));
}

#[wasm_bindgen_test]
fn stop_restores_every_hooked_setter_and_method() {
    let snapshot = "return [
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set,
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'checked').set,
        Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set,
        Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set,
        Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'selectedIndex').set,
        Object.getOwnPropertyDescriptor(HTMLOptionElement.prototype, 'selected').set,
        History.prototype.pushState,
        History.prototype.replaceState,
        Element.prototype.attachShadow,
        CSSStyleSheet.prototype.insertRule,
        CSSStyleSheet.prototype.deleteRule,
        CSSGroupingRule.prototype.insertRule,
    ]";
    let before = js_sys::Array::from(&js(snapshot));
    let session = Session::start("");
    let during = js_sys::Array::from(&js(snapshot));
    for i in 0..before.length() {
        assert!(
            !js_sys::Object::is(&before.get(i), &during.get(i)),
            "hook {i} is installed while recording"
        );
    }
    session.stop();
    let after = js_sys::Array::from(&js(snapshot));
    for i in 0..before.length() {
        assert!(
            js_sys::Object::is(&before.get(i), &after.get(i)),
            "hook {i} is restored by stop()"
        );
    }
    let native = js("return Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.toString()");
    assert!(native.as_string().unwrap().contains("[native code]"));
    assert!(!js("return history.hasOwnProperty('pushState')").is_truthy());
}

#[wasm_bindgen_test]
fn hostile_events_never_reach_the_page_as_errors() {
    fixture(r#"<input id="x" type="checkbox">"#);
    count_page_errors();
    let session = Session::start("");
    js(r#"
        const x = document.getElementById('x');
        for (const type of ['click', 'pointerdown', 'touchstart', 'touchend', 'input', 'change', 'focus', 'scroll', 'pointermove', 'selectionchange']) {
          x.dispatchEvent(new CustomEvent(type, { bubbles: true, detail: null }));
          document.dispatchEvent(new Event(type));
        }
        window.dispatchEvent(new Event('popstate'));
        window.dispatchEvent(new Event('resize'));
    "#);
    let events = session.stop();
    assert_eq!(page_errors(), 0.0);
    assert!(!events.is_empty());
}

#[wasm_bindgen_test]
async fn document_scroll_is_in_the_snapshot_and_in_scroll_events() {
    fixture(r#"<div style="height: 5000px">tall</div>"#);
    js("window.scrollTo(0, 120);");
    sleep(50).await;
    let session = Session::start("{ scrollSampleMs: 0 }");
    js("window.scrollTo(0, 300);");
    sleep(100).await;
    let events = session.stop();
    js("window.scrollTo(0, 0);");
    let mirror = Mirror::from_events(&events);
    let html = mirror
        .nodes
        .iter()
        .find(|(_, n)| matches!(&n.data, recorder_core::event::SnapNode::Element(e) if e.tag == "html"))
        .map(|(id, _)| *id)
        .unwrap();
    let state = mirror.element(html).state.as_ref().map(|s| s.scroll);
    assert_eq!(
        state,
        Some(Some((0, 120))),
        "the document's offset is on <html>"
    );
    let document = support::snapshots(&events)[0].first_id;
    let scrolls: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.data {
            EventData::Scroll(s) => Some((s.target, s.y)),
            _ => None,
        })
        .collect();
    assert_eq!(scrolls.last(), Some(&(document, 300)), "{scrolls:?}");
}
