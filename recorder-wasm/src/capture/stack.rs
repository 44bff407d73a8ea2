//! Stack text: dropping the recorder's own frames, and locating the top frame. Pure
//! string work, so it is tested natively against real V8, Firefox and Safari stacks.

/// Longest stack recorded, bytes.
pub const STACK_LIMIT: usize = 4096;

/// Whether a line of stack text is a frame: V8's `    at f (url:1:2)` or
/// SpiderMonkey/JavaScriptCore's `f@url:1:2`.
fn is_frame(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("at ") || t.contains('@')
}

/// The frames of a stack, without a leading `Error: message` header line.
pub fn frames(stack: &str) -> impl Iterator<Item = &str> {
    stack.lines().filter(|l| is_frame(l))
}

/// The call-site stack from the text of a `new Error().stack` made inside a hook: drops
/// the header and every frame up to and including the glue's `wrapper` (the recorder's
/// own frames, always on top). Without a `wrapper` frame (minified glue), drops the
/// leading wasm and wasm-bindgen frames instead.
pub fn call_site(stack: &str) -> String {
    let frames: Vec<&str> = frames(stack).collect();
    let start = match frames
        .iter()
        .position(|f| function_name(f).contains("wrapper"))
    {
        Some(i) => i + 1,
        None => frames
            .iter()
            .position(|f| !(f.contains("wasm") || f.contains("__wbg")))
            .unwrap_or(frames.len()),
    };
    join(&frames[start..])
}

/// The frames of a stack captured with V8's `Error.captureStackTrace(holder, wrapper)`:
/// V8 leaves out the JavaScript frames above `wrapper` but not the wasm ones, so the
/// leading wasm frames (the recorder's own) are dropped, with the header line.
pub fn below_wrapper(stack: &str) -> String {
    let frames: Vec<&str> = frames(stack).collect();
    let start = frames
        .iter()
        .position(|f| !is_wasm(f))
        .unwrap_or(frames.len());
    join(&frames[start..])
}

fn is_wasm(frame: &str) -> bool {
    frame.contains("wasm-function[") || frame.contains("wasm://")
}

fn join(frames: &[&str]) -> String {
    let mut out = String::new();
    for f in frames {
        if out.len() + f.len() + 1 > STACK_LIMIT {
            break;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(f);
    }
    out
}

/// The function part of a frame: `console.wrapper [as log]` of
/// `at console.wrapper [as log] (url)`, `wrapper` of `wrapper@url`.
fn function_name(frame: &str) -> &str {
    let t = frame.trim_start();
    if let Some(rest) = t.strip_prefix("at ") {
        match rest.rfind(" (") {
            Some(i) => &rest[..i],
            None => "",
        }
    } else {
        t.split('@').next().unwrap_or("")
    }
}

/// The source URL, 1-based line and column of the top frame of a stack.
pub fn top_location(stack: &str) -> Option<(String, u32, u32)> {
    let frame = frames(stack).next()?.trim();
    let location = if let Some(rest) = frame.strip_prefix("at ") {
        // `at f (url:1:2)`, `at url:1:2`, `at async f (url:1:2)`
        match (rest.rfind('('), rest.ends_with(')')) {
            (Some(open), true) => &rest[open + 1..rest.len() - 1],
            _ => rest,
        }
    } else {
        frame.rsplit_once('@').map_or(frame, |(_, loc)| loc)
    };
    let (rest, column) = location.rsplit_once(':')?;
    let (url, line) = rest.rsplit_once(':')?;
    let line = line.parse().ok()?;
    let column = column.parse().ok()?;
    Some((url.to_owned(), line, column))
}

#[cfg(test)]
mod tests {
    use super::*;

    const V8: &str = "Error\n    at __wbg_new_8a6f238a33ece (http://localhost/pkg/recorder_wasm.js:410:21)\n    at recorder_wasm.wasm.js_sys::Error::new (wasm://wasm/recorder_wasm-0a1b:wasm-function[120]:0x1f2e)\n    at real (http://localhost/pkg/recorder_wasm.js:220:20)\n    at console.wrapper [as warn] (http://localhost/pkg/snippets/recorder-wasm-1/src/glue.js:22:26)\n    at checkout (http://localhost/app.js:10:13)\n    at HTMLButtonElement.<anonymous> (http://localhost/app.js:20:5)";
    const FIREFOX: &str = "__wbg_new_8a6f@http://localhost/pkg/recorder_wasm.js:410:21\nrecorder_wasm.wasm.js_sys::Error::new@http://localhost/pkg/recorder_wasm_bg.wasm:wasm-function[120]:0x1f2e\nreal@http://localhost/pkg/recorder_wasm.js:220:20\nwrapper@http://localhost/pkg/snippets/recorder-wasm-1/src/glue.js:22:26\ncheckout@http://localhost/app.js:10:13\n@http://localhost/app.js:20:5\n";

    #[test]
    fn call_site_drops_the_recorders_frames() {
        assert_eq!(
            call_site(V8),
            "    at checkout (http://localhost/app.js:10:13)\n    at HTMLButtonElement.<anonymous> (http://localhost/app.js:20:5)"
        );
        assert_eq!(
            call_site(FIREFOX),
            "checkout@http://localhost/app.js:10:13\n@http://localhost/app.js:20:5"
        );
        // Minified glue: no `wrapper` frame; the leading wasm-bindgen and wasm frames
        // still go (the two minified shim frames after them cannot be told apart).
        let minified = "__wbg_new_8a6f@http://x/bundle.js:1:100\n$f@http://x/bundle.wasm:wasm-function[3]:0x10\nr@http://x/bundle.js:1:300\ncheckout@http://x/bundle.js:1:999";
        assert_eq!(
            call_site(minified),
            "r@http://x/bundle.js:1:300\ncheckout@http://x/bundle.js:1:999"
        );
    }

    #[test]
    fn captured_stacks_lose_the_header_and_leading_wasm_frames() {
        let captured = "Error\n    at x.wasm.recorder_wasm::capture::js::apply (http://l/r_bg.wasm:wasm-function[1798]:0x1071f2)\n    at x.wasm.record (http://l/r_bg.wasm:wasm-function[650]:0x9c39b)\n    at checkout (http://l/app.js:10:13)\n    at app.wasm.main (http://l/app.wasm:wasm-function[7]:0x10)";
        assert_eq!(
            below_wrapper(captured),
            "    at checkout (http://l/app.js:10:13)\n    at app.wasm.main (http://l/app.wasm:wasm-function[7]:0x10)"
        );
        assert_eq!(below_wrapper("Error"), "");
    }

    #[test]
    fn top_locations() {
        assert_eq!(
            top_location("TypeError: x is undefined\n    at load (http://x/app.js:12:7)\n    at http://x/app.js:20:1"),
            Some(("http://x/app.js".into(), 12, 7))
        );
        assert_eq!(
            top_location("Error: boom\n    at http://x/app.js:3:9"),
            Some(("http://x/app.js".into(), 3, 9))
        );
        assert_eq!(
            top_location("load@http://x/app.js:12:7\n@http://x/app.js:20:1"),
            Some(("http://x/app.js".into(), 12, 7))
        );
        assert_eq!(top_location("just a message"), None);
    }
}
