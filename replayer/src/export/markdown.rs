//! The session as a Markdown timeline, for a teammate or an AI assistant.
//!
//! Layout: a header (page, browser, viewport, start, duration, counts, how complete the
//! recording is), a numbered list of problems (uncaught errors, console errors, failed
//! and slow requests, backend errors, slow tasks, paints and interactions, layout
//! shifts), then the timeline: one bullet per moment that matters, stamped `+12.345s`.
//!
//! - clicks and inputs name their target as it was at that moment ([`Dom::describe`]:
//!   `click button#place-order "Place order"`); repeated inputs into one field collapse
//!   to the last value (values appear as recorded, so masked ones stay masked);
//! - requests show method, URL, status and duration; failed ones their bodies (capped);
//!   under each, the backend spans sharing its trace id as a tree by parent span, with
//!   durations, error status and their logs;
//! - console warnings and errors and uncaught errors come with their stacks (capped);
//!   other console output is one line each, identical lines counted;
//! - DOM mutations, pointer moves, scrolls, focus, selection and minor performance
//!   entries between two bullets collapse into one line of counts.
//!
//! Every recorded string is written inside a code span or a fenced block, so page content
//! cannot turn into Markdown or HTML when the text is rendered.
//!
//! [`Dom::describe`]: recorder_core::dom::Dom::describe

use super::format_offset;
use crate::timeline::Applied;
use crate::Timeline;
use recorder_core::dom::Dom;
use recorder_core::event::{
    Backend, Console, DeviceKind, ErrorKind, EventData, InputValue, Level, LogRecord, Meta,
    Network, NodeId, PageError, Performance, PointerKind, Span, SpanStatus,
};
use recorder_core::{SpanId, TraceId};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

/// Requests slower than this (ms) are listed as problems.
pub const SLOW_REQUEST_MS: f64 = 1000.0;
/// Long tasks from this duration (ms) get their own bullet and count as problems.
pub const LONG_TASK_MS: f64 = 200.0;
/// Interactions slower than this (ms) get their own bullet; from 500 ms, a problem.
pub const SLOW_INTERACTION_MS: f64 = 200.0;
/// Layout shifts (without recent input) from this score get their own bullet.
pub const LAYOUT_SHIFT: f64 = 0.1;
/// Largest contentful paint later than this (ms) is a problem.
pub const SLOW_LCP_MS: f64 = 2500.0;
/// Response and request bodies of failed requests are cut at this many characters.
pub const MAX_BODY: usize = 2000;
/// Stacks are cut at this many lines.
pub const MAX_STACK_LINES: usize = 20;
/// At most this many backend spans and logs are listed under one request.
pub const MAX_BACKEND_LINES: usize = 60;

impl Timeline {
    /// The session as Markdown (see the [module docs](self)).
    pub fn timeline_markdown(&self) -> String {
        let backend = BackendIndex::new(self);
        let mut w = Walk {
            backend: &backend,
            entries: Vec::new(),
            noise: Noise::default(),
            problems: Vec::new(),
            counts: Counts::default(),
            lcp: None,
            cls: 0.0,
            cls_reached: None,
        };
        let mut cursor = self.cursor();
        while let Some(event) = cursor.peek() {
            // Described before the event applies: the page as the user saw it.
            w.event(cursor.dom(), event.time, &event.data);
            if let Some(step) = cursor.step() {
                if matches!(step.applied, Applied::Failed(_)) {
                    w.counts.dom_failures += 1;
                }
            }
        }
        w.noise.flush(&mut w.entries);
        w.finish_problems();

        let mut out = String::new();
        header(self, &w, &mut out);
        out.push_str("\n## Problems\n\n");
        if w.problems.is_empty() {
            out.push_str(
                "None recorded: no uncaught errors, console errors, failed or slow requests, \
                 backend errors or performance problems.\n",
            );
        }
        for (i, (time, text)) in w.problems.iter().enumerate() {
            let _ = writeln!(out, "{}. `{}` {}", i + 1, format_offset(*time), text);
        }
        out.push_str("\n## Timeline\n\n");
        if w.entries.is_empty() {
            out.push_str("No events.\n");
        }
        for e in &w.entries {
            let _ = write!(out, "- `{}` {}", format_offset(e.time), e.text);
            if e.repeat > 1 {
                let _ = write!(out, " (×{})", e.repeat);
            }
            out.push('\n');
            for line in &e.detail {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    let _ = writeln!(out, "  {line}");
                }
            }
        }
        out
    }
}

/// Backend spans and logs by trace id, and which traces a request carries.
struct BackendIndex<'a> {
    spans: HashMap<TraceId, Vec<(u64, &'a Span)>>,
    logs: HashMap<TraceId, Vec<(u64, &'a LogRecord)>>,
    requested: HashSet<TraceId>,
}

impl<'a> BackendIndex<'a> {
    fn new(timeline: &'a Timeline) -> Self {
        let mut index = BackendIndex {
            spans: HashMap::new(),
            logs: HashMap::new(),
            requested: HashSet::new(),
        };
        for e in timeline.events() {
            match &e.data {
                EventData::Backend(Backend::Span(s)) => {
                    index.spans.entry(s.trace_id).or_default().push((e.time, s))
                }
                EventData::Backend(Backend::Log(l)) => {
                    if let Some(t) = l.trace_id {
                        index.logs.entry(t).or_default().push((e.time, l));
                    }
                }
                EventData::Network(n) => index.requested.extend(n.trace_id),
                _ => {}
            }
        }
        index
    }

    fn is_linked(&self, trace: Option<TraceId>) -> bool {
        trace.is_some_and(|t| self.requested.contains(&t))
    }

    /// Error spans and error logs of a trace, as `service name` / `service: message`.
    fn errors(&self, trace: TraceId) -> Vec<String> {
        let spans = self.spans.get(&trace).into_iter().flatten();
        let logs = self.logs.get(&trace).into_iter().flatten();
        spans
            .filter(|(_, s)| s.status == SpanStatus::Error)
            .map(|(_, s)| format!("{} {}", code(&s.service), code(&s.name)))
            .chain(
                logs.filter(|(_, l)| l.level >= Level::Error)
                    .map(|(_, l)| format!("{}: {}", code(&l.service), code(&cap(&l.message, 120)))),
            )
            .collect()
    }

    /// The trace as nested list lines: spans as a tree by parent, each with its logs.
    fn tree(&self, trace: TraceId, lines: &mut Vec<String>) {
        let spans: &[(u64, &Span)] = self.spans.get(&trace).map_or(&[], |v| v);
        let logs: &[(u64, &LogRecord)] = self.logs.get(&trace).map_or(&[], |v| v);
        if spans.is_empty() && logs.is_empty() {
            return;
        }
        lines.push(format!("- backend, trace {}:", code(&trace.to_string())));
        let ids: HashSet<SpanId> = spans.iter().map(|(_, s)| s.span_id).collect();
        let mut children: HashMap<Option<SpanId>, Vec<usize>> = HashMap::new();
        for (i, (_, s)) in spans.iter().enumerate() {
            // Spans whose parent was not recorded (the browser's span) are roots.
            let parent = s.parent.filter(|p| ids.contains(p) && *p != s.span_id);
            children.entry(parent).or_default().push(i);
        }
        let mut logs_of: HashMap<Option<SpanId>, Vec<usize>> = HashMap::new();
        for (i, (_, l)) in logs.iter().enumerate() {
            let span = l.span_id.filter(|s| ids.contains(s));
            logs_of.entry(span).or_default().push(i);
        }
        let mut budget = MAX_BACKEND_LINES;
        let mut shown = HashSet::new();
        // Depth-first without recursion: (span index, depth), pushed in reverse order.
        let mut stack: Vec<(usize, usize)> = Vec::new();
        let push_children = |stack: &mut Vec<(usize, usize)>, parent: Option<SpanId>, depth| {
            if let Some(kids) = children.get(&parent) {
                stack.extend(kids.iter().rev().map(|&k| (k, depth)));
            }
        };
        push_children(&mut stack, None, 1);
        while let Some((i, depth)) = stack.pop() {
            if !shown.insert(i) {
                continue; // a cycle of parents
            }
            if budget == 0 {
                break;
            }
            budget -= 1;
            let (_, s) = spans[i];
            let indent = "  ".repeat(depth);
            let mut line = format!(
                "{indent}- {} {} {}",
                code(&s.service),
                code(&s.name),
                format_ms(s.duration_us as f64 / 1000.0)
            );
            if s.status == SpanStatus::Error {
                line.push_str(" **error**");
                let attrs: Vec<String> = s
                    .attributes
                    .iter()
                    .take(4)
                    .map(|a| code(&format!("{}={}", a.name, cap(&a.value, 100))))
                    .collect();
                if !attrs.is_empty() {
                    let _ = write!(line, " ({})", attrs.join(", "));
                }
            }
            lines.push(line);
            for &l in logs_of.get(&Some(s.span_id)).into_iter().flatten() {
                if budget > 0 {
                    budget -= 1;
                    lines.push(log_line(&"  ".repeat(depth + 1), logs[l].1));
                }
            }
            push_children(&mut stack, Some(s.span_id), depth + 1);
        }
        for &l in logs_of.get(&None).into_iter().flatten() {
            if budget > 0 {
                budget -= 1;
                lines.push(log_line("  ", logs[l].1));
            }
        }
        let total = spans.len() + logs.len();
        let listed = MAX_BACKEND_LINES - budget;
        if listed < total {
            lines.push(format!("  - … {} more spans and logs", total - listed));
        }
    }
}

fn log_line(indent: &str, l: &LogRecord) -> String {
    format!(
        "{indent}- log {} {}: {}",
        level_name(l.level),
        code(&l.service),
        code(&cap(&l.message, 300))
    )
}

/// One bullet of the timeline.
struct Entry {
    time: u64,
    text: String,
    /// Lines under the bullet, already indented relative to it (an empty line stays empty).
    detail: Vec<String>,
    /// Consecutive entries with the same key merge into the last one, counted.
    key: Option<String>,
    repeat: u32,
}

/// Events between two bullets, counted by kind.
#[derive(Default)]
struct Noise {
    first: Option<u64>,
    counts: Vec<(Kind, u64)>,
}

/// A kind of event counted rather than listed: its name, singular and plural.
type Kind = (&'static str, &'static str);

impl Noise {
    fn add(&mut self, time: u64, what: Kind) {
        self.first.get_or_insert(time);
        match self.counts.iter_mut().find(|(w, _)| *w == what) {
            Some((_, n)) => *n += 1,
            None => self.counts.push((what, 1)),
        }
    }

    fn flush(&mut self, entries: &mut Vec<Entry>) {
        if let Some(time) = self.first.take() {
            let parts: Vec<String> = self
                .counts
                .drain(..)
                .map(|((one, many), n)| format!("{n} {}", if n == 1 { one } else { many }))
                .collect();
            entries.push(Entry {
                time,
                text: format!("*… {}*", parts.join(", ")),
                detail: Vec::new(),
                key: None,
                repeat: 1,
            });
        }
    }
}

/// What the header counts.
#[derive(Default)]
struct Counts {
    clicks: u64,
    inputs: u64,
    requests: u64,
    failed_requests: u64,
    errors: u64,
    console_problems: u64,
    backend: u64,
    unlinked_backend: u64,
    mutations: u64,
    navigations: u64,
    dom_failures: u64,
}

/// State of the pass over the events.
struct Walk<'a> {
    backend: &'a BackendIndex<'a>,
    entries: Vec<Entry>,
    noise: Noise,
    problems: Vec<(u64, String)>,
    counts: Counts,
    /// The last largest-contentful-paint candidate: (event time, render time, element).
    lcp: Option<(u64, f64, String)>,
    /// Sum of layout shifts without recent input, and when it reached [`LAYOUT_SHIFT`].
    cls: f64,
    cls_reached: Option<u64>,
}

impl Walk<'_> {
    fn push(&mut self, time: u64, text: String, detail: Vec<String>, key: Option<String>) {
        if let (Some(k), Some(last)) = (&key, self.entries.last_mut()) {
            if last.key.as_ref() == Some(k) {
                last.text = text;
                last.detail = detail;
                last.repeat += 1;
                return;
            }
        }
        self.noise.flush(&mut self.entries);
        self.entries.push(Entry {
            time,
            text,
            detail,
            key,
            repeat: 1,
        });
    }

    fn event(&mut self, dom: &Dom, time: u64, data: &EventData) {
        match data {
            EventData::Meta(m) => {
                self.counts.navigations += 1;
                self.push(time, page_load(m), Vec::new(), None);
            }
            EventData::Snapshot(snap) => {
                // The snapshot of a page load belongs to its bullet.
                let last = self
                    .entries
                    .last_mut()
                    .filter(|_| self.noise.first.is_none());
                match last {
                    Some(e)
                        if e.text.starts_with("**page load**") && !e.text.ends_with(" nodes") =>
                    {
                        let _ = write!(e.text, ", snapshot of {} nodes", snap.nodes.len());
                    }
                    _ => self.noise.add(time, ("DOM snapshot", "DOM snapshots")),
                }
            }
            EventData::Mutation(_) => {
                self.counts.mutations += 1;
                self.noise.add(time, ("DOM mutation", "DOM mutations"));
            }
            EventData::Input(i) => {
                if !i.user {
                    self.noise.add(
                        time,
                        ("programmatic value change", "programmatic value changes"),
                    );
                    return;
                }
                self.counts.inputs += 1;
                let value = match &i.value {
                    InputValue::Text(t) => format!("= {}", code(&cap(t, 200))),
                    InputValue::Checked(true) => "checked".to_owned(),
                    InputValue::Checked(false) => "unchecked".to_owned(),
                    InputValue::Selected(ix) => format!(
                        "selected option{} {}",
                        if ix.len() == 1 { "" } else { "s" },
                        ix.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
                    ),
                };
                let text = format!("input {} {value}", target(dom, Some(i.id)));
                self.push(time, text, Vec::new(), Some(format!("input {}", i.id)));
            }
            EventData::Pointer(p) => {
                let what = match p.kind {
                    PointerKind::Click => "click",
                    PointerKind::DoubleClick => "double-click",
                    PointerKind::ContextMenu => "right-click",
                    _ => {
                        self.noise.add(time, ("pointer press", "pointer presses"));
                        return;
                    }
                };
                self.counts.clicks += 1;
                let at = match p.target.filter(|t| dom.contains(*t)) {
                    Some(t) => target(dom, Some(t)),
                    None => format!("{} at ({}, {})", target(dom, p.target), p.x, p.y),
                };
                self.push(time, format!("{what} {at}"), Vec::new(), None);
            }
            EventData::PointerMove(_) => self.noise.add(time, ("pointer move", "pointer moves")),
            EventData::Focus(_) => self.noise.add(time, ("focus change", "focus changes")),
            EventData::Scroll(_) => self.noise.add(time, ("scroll", "scrolls")),
            EventData::Selection(_) => self
                .noise
                .add(time, ("selection change", "selection changes")),
            EventData::Viewport(v) => self.push(
                time,
                format!("viewport resized to {}×{}", v.size.width, v.size.height),
                Vec::new(),
                Some("viewport".into()),
            ),
            EventData::Navigation(n) => {
                self.counts.navigations += 1;
                let kind = format!("{:?}", n.kind).to_lowercase();
                self.push(
                    time,
                    format!("navigation ({kind}) to {}", code(&n.url)),
                    Vec::new(),
                    None,
                );
            }
            EventData::Console(c) => self.console(time, c),
            EventData::Error(e) => self.error(time, e),
            EventData::Network(n) => self.network(time, n),
            EventData::Performance(p) => self.performance(dom, time, p),
            EventData::Backend(b) => {
                self.counts.backend += 1;
                let (trace, failed) = match b {
                    Backend::Span(s) => (Some(s.trace_id), s.status == SpanStatus::Error),
                    Backend::Log(l) => (l.trace_id, l.level >= Level::Error),
                };
                if self.backend.is_linked(trace) {
                    return; // listed under its request
                }
                self.counts.unlinked_backend += 1;
                if !failed {
                    let kind = (
                        "backend event without a recorded request",
                        "backend events without a recorded request",
                    );
                    self.noise.add(time, kind);
                    return;
                }
                let text = match b {
                    Backend::Span(s) => format!(
                        "backend span {} {} {} **error**",
                        code(&s.service),
                        code(&s.name),
                        format_ms(s.duration_us as f64 / 1000.0)
                    ),
                    Backend::Log(l) => {
                        log_line("", l)
                            .trim_start_matches("- ")
                            .replacen("log", "backend log", 1)
                    }
                };
                self.problems.push((time, text.clone()));
                self.push(time, text, Vec::new(), None);
            }
            EventData::Custom(c) => {
                let mut text = format!("custom event {}", code(&c.name));
                if !c.payload.is_empty() {
                    let _ = write!(text, " {}", code(&cap(&c.payload, 300)));
                }
                self.push(time, text, Vec::new(), None);
            }
            EventData::Annotation(a) => {
                let mut text = format!("**note** {}", code(&cap(&a.text, 500)));
                if let Some(author) = &a.author {
                    let _ = write!(text, " by {}", code(author));
                }
                self.push(time, text, Vec::new(), None);
            }
        }
    }

    fn console(&mut self, time: u64, c: &Console) {
        let method = match c.level {
            Level::Debug => {
                self.noise
                    .add(time, ("console.debug call", "console.debug calls"));
                return;
            }
            Level::Log => "log",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
            Level::Trace => "trace",
            Level::Assert => "assert",
        };
        let message = c.args.join(" ");
        let first_line = cap(message.lines().next().unwrap_or(""), 200);
        let serious = c.level >= Level::Warn;
        let mut text = format!("console.{method} {}", code(&first_line));
        if serious {
            text = format!("**console.{method}** {}", code(&first_line));
        }
        let mut detail = Vec::new();
        if serious {
            if message.contains('\n') || message.chars().count() > 200 {
                block(&cap(&message, MAX_BODY), "", &mut detail);
            }
            if let Some(stack) = &c.stack {
                block(&cap_lines(stack, MAX_STACK_LINES), "", &mut detail);
            }
        }
        if matches!(c.level, Level::Error | Level::Assert) {
            self.counts.console_problems += 1;
            self.problems
                .push((time, format!("console.{method} {}", code(&first_line))));
        } else if c.level == Level::Warn {
            self.counts.console_problems += 1;
        }
        let key = format!("console {method} {message}");
        self.push(time, text, detail, Some(key));
    }

    fn error(&mut self, time: u64, e: &PageError) {
        self.counts.errors += 1;
        let kind = match e.kind {
            ErrorKind::Exception => "uncaught exception",
            ErrorKind::UnhandledRejection => "unhandled rejection",
            ErrorKind::Resource => "resource failed to load",
        };
        let mut text = format!("**{kind}** {}", code(&cap(&e.message, 300)));
        if let Some(source) = &e.source {
            let _ = write!(
                text,
                " at {}",
                code(&format!("{source}:{}:{}", e.line, e.column))
            );
        }
        let mut detail = Vec::new();
        if let Some(stack) = &e.stack {
            block(&cap_lines(stack, MAX_STACK_LINES), "", &mut detail);
        }
        self.problems.push((time, text.clone()));
        self.push(time, text, detail, None);
    }

    fn network(&mut self, time: u64, n: &Network) {
        self.counts.requests += 1;
        let failed = n.error.is_some() || n.status.is_some_and(|s| s >= 400);
        let slow = n.duration >= SLOW_REQUEST_MS;
        let outcome = match (n.status, &n.error) {
            (_, Some(err)) => format!("failed: {}", code(&cap(err, 200))),
            (Some(s), None) => s.to_string(),
            (None, None) => "no response".to_owned(),
        };
        let request = format!("{} {}", n.method, cap(&n.url, 300));
        let mut text = format!(
            "request {} → {outcome} in {}",
            code(&request),
            format_ms(n.duration)
        );
        if failed {
            text = format!(
                "**failed request** {} → {outcome} in {}",
                code(&request),
                format_ms(n.duration)
            );
        } else if slow {
            text.push_str(" **slow**");
        }
        let mut detail = Vec::new();
        if failed {
            for (label, body) in [
                ("request body", &n.request_body),
                ("response body", &n.response_body),
            ] {
                if let Some(b) = body.as_ref().filter(|b| !b.text.is_empty()) {
                    let cut = b.truncated || b.text.chars().count() > MAX_BODY;
                    detail.push(format!(
                        "- {label}{}:",
                        if cut { " (truncated)" } else { "" }
                    ));
                    block(&cap(&b.text, MAX_BODY), "  ", &mut detail);
                }
            }
        }
        if let Some(trace) = n.trace_id {
            self.backend.tree(trace, &mut detail);
        }
        if failed || slow {
            self.counts.failed_requests += u64::from(failed);
            let mut problem = if failed {
                format!("failed request {} → {outcome}", code(&request))
            } else {
                format!(
                    "slow request {} took {}",
                    code(&request),
                    format_ms(n.duration)
                )
            };
            let errors = n
                .trace_id
                .map(|t| self.backend.errors(t))
                .unwrap_or_default();
            if !errors.is_empty() {
                let _ = write!(problem, "; backend errors: {}", errors.join(", "));
            }
            self.problems.push((time, problem));
        }
        self.push(time, text, detail, None);
    }

    fn performance(&mut self, dom: &Dom, time: u64, p: &Performance) {
        match p {
            Performance::LongTask(t) if t.duration >= LONG_TASK_MS => {
                let text = format!("long task {} (main thread blocked)", format_ms(t.duration));
                self.problems.push((time, text.clone()));
                self.push(time, text, Vec::new(), None);
            }
            Performance::LongTask(_) => self
                .noise
                .add(time, ("long task under 200 ms", "long tasks under 200 ms")),
            Performance::LayoutShift(s) if !s.had_recent_input => {
                self.cls += s.value;
                if self.cls >= LAYOUT_SHIFT {
                    self.cls_reached.get_or_insert(time);
                }
                if s.value >= LAYOUT_SHIFT {
                    let sources: Vec<String> = s
                        .sources
                        .iter()
                        .take(3)
                        .map(|&id| target(dom, Some(id)))
                        .collect();
                    let mut text = format!("layout shift {:.3}", s.value);
                    if !sources.is_empty() {
                        let _ = write!(text, " moving {}", sources.join(", "));
                    }
                    self.push(time, text, Vec::new(), None);
                } else {
                    self.noise
                        .add(time, ("small layout shift", "small layout shifts"));
                }
            }
            Performance::LayoutShift(_) => self.noise.add(
                time,
                ("layout shift after input", "layout shifts after input"),
            ),
            Performance::LargestPaint(l) => {
                let what = match (l.element, &l.url) {
                    (Some(id), _) if dom.contains(id) => target(dom, Some(id)),
                    (_, Some(url)) => code(url),
                    _ => "an element".to_owned(),
                };
                self.lcp = Some((time, l.render_time, what.clone()));
                self.push(
                    time,
                    format!(
                        "largest contentful paint candidate at {}: {what}",
                        format_ms(l.render_time)
                    ),
                    Vec::new(),
                    Some("lcp".into()),
                );
            }
            Performance::Interaction(i) if i.duration >= SLOW_INTERACTION_MS => {
                let text = format!(
                    "slow interaction: {} on {} took {}",
                    code(&i.event),
                    target(dom, i.target),
                    format_ms(i.duration)
                );
                if i.duration >= 500.0 {
                    self.problems.push((time, text.clone()));
                }
                self.push(time, text, Vec::new(), None);
            }
            Performance::Interaction(_) => self
                .noise
                .add(time, ("interaction timing", "interaction timings")),
            Performance::Resource(r) if r.duration >= SLOW_REQUEST_MS => self.push(
                time,
                format!(
                    "slow resource {} {} took {}",
                    code(&r.initiator),
                    code(&cap(&r.url, 300)),
                    format_ms(r.duration)
                ),
                Vec::new(),
                None,
            ),
            Performance::Resource(_) => self
                .noise
                .add(time, ("resource timing", "resource timings")),
            Performance::Memory(_) => self.noise.add(time, ("memory sample", "memory samples")),
            Performance::Paint(p) => self.push(
                time,
                format!("{} at {}", code(&p.name), format_ms(p.time)),
                Vec::new(),
                None,
            ),
        }
    }

    /// Problems only known at the end (the final LCP, the layout shift total), in time
    /// order with the others.
    fn finish_problems(&mut self) {
        if let Some((time, render, what)) = self.lcp.take() {
            if render > SLOW_LCP_MS {
                self.problems.push((
                    time,
                    format!(
                        "slow largest contentful paint: {} ({what})",
                        format_ms(render)
                    ),
                ));
            }
        }
        if let Some(time) = self.cls_reached {
            self.problems.push((
                time,
                format!(
                    "layout shifts without input add up to {:.3} (0.1 is the \"good\" limit)",
                    self.cls
                ),
            ));
        }
        self.problems.sort_by_key(|(t, _)| *t);
    }
}

/// The header: page, environment, times and counts, recording completeness.
fn header(timeline: &Timeline, w: &Walk<'_>, out: &mut String) {
    let meta = timeline.events().iter().find_map(|e| match &e.data {
        EventData::Meta(m) => Some(m),
        _ => None,
    });
    let title = meta
        .map(|m| if m.title.is_empty() { &m.url } else { &m.title })
        .filter(|t| !t.is_empty())
        .map_or("a recorded session".to_owned(), |t| plain(t));
    let _ = writeln!(out, "# Session: {title}\n");
    if let Some(m) = meta {
        let _ = writeln!(out, "- **URL:** {}", code(&m.url));
        if !m.title.is_empty() {
            let _ = writeln!(out, "- **Title:** {}", code(&m.title));
        }
        let _ = writeln!(out, "- **Browser:** {}", environment(m));
        let _ = write!(
            out,
            "- **Viewport:** {}×{} at {}×",
            m.viewport.width, m.viewport.height, m.device_pixel_ratio
        );
        if m.screen.width > 0 {
            let _ = write!(out, " (screen {}×{})", m.screen.width, m.screen.height);
        }
        out.push('\n');
        if !m.language.is_empty() || !m.time_zone.is_empty() {
            let _ = writeln!(
                out,
                "- **Locale:** {} {}",
                plain(&m.language),
                plain(&m.time_zone)
            );
        }
    }
    if timeline.session_start() > 0 {
        let _ = writeln!(
            out,
            "- **Started:** {}",
            format_utc(timeline.session_start())
        );
    }
    let _ = writeln!(
        out,
        "- **Duration:** {}",
        format_ms(timeline.duration() as f64)
    );
    let c = &w.counts;
    let mut parts = vec![
        count(c.clicks, "click", "clicks"),
        count(c.inputs, "input", "inputs"),
        format!(
            "{} ({} failed)",
            count(c.requests, "request", "requests"),
            c.failed_requests
        ),
        count(c.errors, "uncaught error", "uncaught errors"),
        count(
            c.console_problems,
            "console warning or error",
            "console warnings and errors",
        ),
    ];
    if c.navigations > 1 {
        parts.push(count(
            c.navigations,
            "page load or navigation",
            "page loads and navigations",
        ));
    }
    if c.backend > 0 {
        parts.push(count(
            c.backend,
            "backend span or log",
            "backend spans and logs",
        ));
    }
    parts.push(count(c.mutations, "DOM mutation", "DOM mutations"));
    let _ = writeln!(
        out,
        "- **Events:** {} — {}",
        timeline.events().len(),
        parts.join(", ")
    );

    let report = timeline.report();
    let mut recording = match report.session {
        Some(id) => format!(
            "session {}, {} frames",
            code(&id.to_string()),
            report.frames
        ),
        None => "decoded events".to_owned(),
    };
    for other in &report.other_sessions {
        let _ = write!(
            recording,
            ", {} backend events joined from session {}",
            other.joined,
            code(&other.id.to_string())
        );
    }
    if c.unlinked_backend > 0 {
        let _ = write!(
            recording,
            ", {} backend events match no request",
            c.unlinked_backend
        );
    }
    let warnings = report.warnings();
    recording.push_str(if warnings.is_empty() {
        "; complete"
    } else {
        "; **incomplete**:"
    });
    let _ = writeln!(out, "- **Recording:** {recording}");
    for warning in warnings {
        let _ = writeln!(out, "  - {}", plain(&warning));
    }
    if let Some(m) = meta.filter(|m| !m.recorder_version.is_empty()) {
        let _ = writeln!(out, "- **Recorder:** {}", plain(&m.recorder_version));
    }
}

/// `3 clicks`, `1 click`.
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `Chrome 124.0 on macOS 14.4, desktop`.
fn environment(m: &Meta) -> String {
    let named = |name: &str, version: &str| {
        let s = format!("{name} {version}");
        let s = s.trim();
        if s.is_empty() {
            "unknown".to_owned()
        } else {
            plain(s)
        }
    };
    let mut out = format!(
        "{} on {}",
        named(&m.browser.name, &m.browser.version),
        named(&m.os.name, &m.os.version)
    );
    if m.device.kind != DeviceKind::Unknown {
        let kind = format!("{:?}", m.device.kind).to_lowercase();
        let _ = write!(out, ", {kind}");
    }
    if !m.device.model.is_empty() {
        let _ = write!(out, " ({})", plain(&m.device.model));
    }
    if m.device.touch {
        out.push_str(", touch");
    }
    out
}

fn page_load(m: &Meta) -> String {
    let mut text = format!("**page load** {}", code(&m.url));
    if !m.title.is_empty() {
        let _ = write!(text, " titled {}", code(&cap(&m.title, 120)));
    }
    text
}

/// A node as the timeline names it: its description in a code span.
fn target(dom: &Dom, id: Option<NodeId>) -> String {
    match id {
        Some(id) => match dom.describe(id) {
            Some(d) => code(&d),
            None => format!("node {id} (not in the recorded DOM)"),
        },
        None => "an unrecorded element".to_owned(),
    }
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Debug => "DEBUG",
        Level::Log => "LOG",
        Level::Info => "INFO",
        Level::Warn => "WARN",
        Level::Error => "ERROR",
        Level::Trace => "TRACE",
        Level::Assert => "ASSERT",
    }
}

/// `s` as an inline code span whatever it contains (backticks, newlines, Markdown).
pub fn code(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if s.trim().is_empty() {
        return "`\"\"`".to_owned();
    }
    let longest = longest_run(&s, '`');
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// Appends `s` as a fenced code block, each line prefixed with `indent`.
fn block(s: &str, indent: &str, out: &mut Vec<String>) {
    let fence = "`".repeat(longest_run(s, '`').max(2) + 1);
    out.push(format!("{indent}{fence}"));
    for line in s.lines() {
        let line: String = line
            .chars()
            .map(|c| if c.is_control() && c != '\t' { ' ' } else { c })
            .collect();
        out.push(format!("{indent}{line}"));
    }
    out.push(format!("{indent}{fence}"));
}

fn longest_run(s: &str, ch: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in s.chars() {
        run = if c == ch { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// Text for outside code spans: only characters that mean nothing in Markdown.
fn plain(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric() || " .,:;/()+-–".contains(*c))
        .take(200)
        .collect()
}

/// `s` cut to `max` characters, with `…` when cut.
fn cap(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_owned(),
    }
}

fn cap_lines(s: &str, max: usize) -> String {
    let total = s.lines().count();
    let mut out: Vec<String> = s.lines().take(max).map(|l| cap(l, 300)).collect();
    if total > max {
        out.push(format!("… {} more lines", total - max));
    }
    out.join("\n")
}

/// `120 ms`, `3.20 s`, `2 min 3.4 s`.
pub fn format_ms(ms: f64) -> String {
    if !ms.is_finite() || ms < 0.0 {
        return "? ms".to_owned();
    }
    if ms < 1000.0 {
        if ms < 10.0 && ms.fract() != 0.0 {
            format!("{ms:.1} ms")
        } else {
            format!("{ms:.0} ms")
        }
    } else if ms < 60_000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        let minutes = (ms / 60_000.0).floor();
        format!("{minutes} min {:.1} s", (ms - minutes * 60_000.0) / 1000.0)
    }
}

/// Unix ms as `2024-05-01 12:34:56.789 UTC`.
pub fn format_utc(unix_ms: u64) -> String {
    let secs = unix_ms / 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{:03} UTC",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        unix_ms % 1000
    )
}
