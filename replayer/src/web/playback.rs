//! Seeking and playing: which DOM state the iframe shows, and when it changes.
//!
//! The [`Core`] keeps a mirror [`Dom`] equal to what the live iframe shows, and `applied`,
//! the number of timeline events folded into it (all events at or before the current
//! time). Moving to time `t`:
//!
//! - **forward, few DOM events** (up to [`INCREMENTAL_EVENTS`]: playback, short seeks):
//!   each event is applied to the mirror and, if the mirror took it, the same change to
//!   the live document (a mutation batch touches only the nodes it names);
//! - **forward, many**: the events are applied to a copy of the mirror (cheap: node data
//!   is shared), or to the timeline's last checkpoint before `t` when fewer events
//!   follow it, and the live document gets `diff(mirror, target)`;
//! - **backward**: target = [`Timeline::dom_at`], then the diff likewise.
//!
//! A diff is applied incrementally unless it resets the root, changes the page's doctype
//! (only a new document takes another rendering mode) or is larger than the target
//! itself, in which case the live document is rebuilt. Events that do not apply
//! are skipped, exactly as [`Timeline::dom_at`] skips them, so the mirror is always
//! `dom_at(current time)`.
//!
//! Playing advances time on animation frames at `speed` (0.5×–16×). With skip-inactivity
//! on, stretches longer than the threshold without user activity (input, pointer, scroll,
//! focus, selection, resize, navigation, snapshots) are jumped over, keeping a margin on
//! each side so the last and next actions are seen.

use super::overlay::{Stage, DEFAULT_VIEWPORT};
use super::render::{removed_ids, Live};
use crate::Timeline;
use recorder_core::dom::{diff, Dom, NodeData, Patch};
use recorder_core::event::{Doctype, EventData, PointerKind, Size};

/// Forward moves with at most this many DOM events apply them one by one; more go
/// through one diff.
pub(crate) const INCREMENTAL_EVENTS: usize = 32;
/// Pointer samples at most this far apart (ms) are interpolated between; a longer pause
/// means the pointer rested.
const INTERPOLATE_MS: f64 = 250.0;
/// Most ripples shown for one step of playback.
const RIPPLES_PER_STEP: usize = 4;

/// Something for the JavaScript side to dispatch, after the core is released.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Emit {
    /// The current time changed (ms).
    Time(f64),
    /// Playback passed timeline event `index`.
    Event(usize),
    /// Playing started at this time.
    Play(f64),
    /// Paused at this time.
    Pause(f64),
    /// Sought to this time.
    Seek(f64),
    /// An inactive stretch was jumped over, from → to.
    Skip(f64, f64),
    /// The end was reached (and playing stopped).
    End(f64),
    /// The speed changed.
    Speed(f64),
}

/// Playback settings from the options.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settings {
    /// Initial speed.
    pub speed: f64,
    /// Jump over inactivity.
    pub skip_inactive: bool,
    /// Inactivity longer than this is skipped, ms.
    pub inactive_threshold: f64,
}

/// Wall-clock anchor of playback: at `wall` (performance.now()), the time was `time`.
#[derive(Clone, Copy, Debug)]
struct Clock {
    wall: f64,
    time: f64,
}

/// The player's state. See the [module docs](self).
pub(crate) struct Core {
    timeline: Timeline,
    tracks: Tracks,
    mirror: Dom,
    applied: usize,
    time: f64,
    duration: f64,
    clock: Option<Clock>,
    speed: f64,
    skip_inactive: bool,
    // Declaration order is drop order: the live document, then the stage holding it.
    live: Live,
    stage: Stage,
}

impl Core {
    /// A player for `timeline` on `stage`, showing time 0.
    pub(crate) fn new(timeline: Timeline, stage: Stage, settings: Settings) -> Core {
        let duration = timeline.duration() as f64;
        let tracks = Tracks::new(&timeline, duration, settings.inactive_threshold);
        let live = Live::new(stage.iframe().clone());
        let mut core = Core {
            timeline,
            tracks,
            mirror: Dom::new(),
            applied: 0,
            time: 0.0,
            duration,
            clock: None,
            speed: settings.speed,
            skip_inactive: settings.skip_inactive,
            live,
            stage,
        };
        core.move_to(0.0, false, &mut Vec::new());
        core
    }

    /// The session length, ms.
    pub(crate) fn duration(&self) -> f64 {
        self.duration
    }

    /// The current time, ms.
    pub(crate) fn time(&self) -> f64 {
        self.time
    }

    /// Whether it is playing.
    pub(crate) fn playing(&self) -> bool {
        self.clock.is_some()
    }

    /// The playback speed.
    pub(crate) fn speed(&self) -> f64 {
        self.speed
    }

    /// Whether inactivity is skipped while playing.
    pub(crate) fn skip_inactive(&self) -> bool {
        self.skip_inactive
    }

    /// Turns skipping inactivity on or off (from the next frame on).
    pub(crate) fn set_skip_inactive(&mut self, on: bool) {
        self.skip_inactive = on;
    }

    /// The stretches without user activity that playing skips, `(from, to)` ms, sorted.
    pub(crate) fn inactive(&self) -> &[(f64, f64)] {
        &self.tracks.idle
    }

    /// The timeline.
    pub(crate) fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    /// The DOM shown now.
    pub(crate) fn mirror(&self) -> &Dom {
        &self.mirror
    }

    /// The live document.
    pub(crate) fn live(&self) -> &Live {
        &self.live
    }

    /// The stage, to read.
    pub(crate) fn stage_ref(&self) -> &Stage {
        &self.stage
    }

    /// The stage.
    pub(crate) fn stage(&mut self) -> &mut Stage {
        &mut self.stage
    }

    /// Whether the next animation frame has work (playing, or scrolls to settle).
    pub(crate) fn wants_frame(&self) -> bool {
        self.playing() || self.live.needs_settle()
    }

    /// Shows time `t` (clamped to the session); keeps playing if it was.
    pub(crate) fn seek(&mut self, t: f64, now: f64, out: &mut Vec<Emit>) {
        self.move_to(t, false, out);
        if self.clock.is_some() {
            self.clock = Some(Clock {
                wall: now,
                time: self.time,
            });
        }
        out.push(Emit::Seek(self.time));
        out.push(Emit::Time(self.time));
    }

    /// Starts playing (from the start when at the end).
    pub(crate) fn play(&mut self, now: f64, out: &mut Vec<Emit>) {
        if self.clock.is_some() {
            return;
        }
        if self.time >= self.duration && self.duration > 0.0 {
            self.move_to(0.0, false, out);
            out.push(Emit::Seek(0.0));
        }
        self.clock = Some(Clock {
            wall: now,
            time: self.time,
        });
        out.push(Emit::Play(self.time));
    }

    /// Stops playing.
    pub(crate) fn pause(&mut self, out: &mut Vec<Emit>) {
        if self.clock.take().is_some() {
            out.push(Emit::Pause(self.time));
        }
    }

    /// Sets the speed (validated by the caller).
    pub(crate) fn set_speed(&mut self, speed: f64, now: f64, out: &mut Vec<Emit>) {
        if let Some(clock) = &mut self.clock {
            *clock = Clock {
                wall: now,
                time: self.time,
            };
        }
        if speed != self.speed {
            self.speed = speed;
            out.push(Emit::Speed(speed));
        }
    }

    /// One animation frame at wall time `now`.
    pub(crate) fn frame(&mut self, now: f64, out: &mut Vec<Emit>) {
        self.live.settle(&self.mirror);
        let Some(clock) = self.clock else {
            return;
        };
        let mut target = clock.time + (now - clock.wall).max(0.0) * self.speed;
        if self.skip_inactive {
            if let Some((from, to)) = self.tracks.idle_crossed(self.time, target) {
                target = target.max(to);
                self.clock = Some(Clock {
                    wall: now,
                    time: target,
                });
                out.push(Emit::Skip(from, to));
            }
        }
        if target >= self.duration {
            self.move_to(self.duration, true, out);
            self.clock = None;
            out.push(Emit::Time(self.time));
            out.push(Emit::End(self.time));
        } else {
            self.move_to(target, true, out);
            out.push(Emit::Time(self.time));
        }
    }

    /// Makes the live document show time `t`; `playing` reports passed events and shows
    /// clicks.
    fn move_to(&mut self, t: f64, playing: bool, out: &mut Vec<Emit>) {
        let t = if t.is_finite() {
            t.clamp(0.0, self.duration)
        } else {
            0.0
        };
        let previous = self.time;
        if let Some(url) = self.tracks.url_at(t) {
            self.live.set_base_url(url);
        }
        let events = self.timeline.events();
        let k = events.partition_point(|e| e.time as f64 <= t);
        if k >= self.applied {
            let passed = &events[self.applied..k];
            let dom_events = passed.iter().filter(|e| is_dom(&e.data)).count();
            if dom_events <= INCREMENTAL_EVENTS {
                for event in passed {
                    apply_one(&mut self.mirror, &mut self.live, &event.data);
                }
            } else {
                // The mirror is `dom_at(previous time)`: replaying the passed events on a
                // copy of it, or the timeline's nearest checkpoint and the events after it,
                // give the same DOM; whichever replays fewer events (a seek straight to the
                // end of a long session starts from its last checkpoint).
                let target = if self.timeline.seek_cost(t as u64) < passed.len() {
                    self.timeline.dom_at(t as u64)
                } else {
                    let mut target = self.mirror.clone();
                    for event in passed {
                        let _ = target.apply_event(&event.data);
                    }
                    target
                };
                show(&mut self.mirror, &mut self.live, target);
            }
            if playing {
                out.extend((self.applied..k).map(Emit::Event));
            }
        } else {
            // `t` is not below the time of any event before index k, so its floor selects
            // the same events.
            let target = self.timeline.dom_at(t as u64);
            show(&mut self.mirror, &mut self.live, target);
        }
        self.live.flush_scrolls(&self.mirror);
        self.applied = k;
        self.time = t;

        self.stage.set_viewport(self.tracks.viewport_at(t));
        self.stage.cursor(self.tracks.pointer_at(t));
        if playing && t > previous {
            for &(_, x, y) in self
                .tracks
                .clicks_between(previous, t)
                .take(RIPPLES_PER_STEP)
            {
                self.stage.ripple(x, y);
            }
        }
    }
}

/// Whether an event changes the DOM mirror.
fn is_dom(data: &EventData) -> bool {
    matches!(
        data,
        EventData::Snapshot(_)
            | EventData::Mutation(_)
            | EventData::Input(_)
            | EventData::Scroll(_)
    )
}

/// Applies one event to the mirror and, when the mirror takes it, to the live document.
fn apply_one(mirror: &mut Dom, live: &mut Live, data: &EventData) {
    match data {
        EventData::Snapshot(snapshot) if mirror.apply_snapshot(snapshot).is_ok() => {
            live.rebuild(mirror);
        }
        EventData::Mutation(batch) => {
            let removed = removed_ids(mirror, &batch.removes);
            if mirror.apply(batch).is_ok() {
                live.apply_batch(mirror, batch, &removed);
            }
        }
        EventData::Input(input) if mirror.apply_input(input).is_ok() => {
            live.sync_form(mirror, input.id);
        }
        EventData::Scroll(scroll) if mirror.apply_scroll(scroll).is_ok() => {
            live.sync_scroll(mirror, scroll.target);
        }
        _ => {}
    }
}

/// Makes the live document (showing `mirror`) show `target`, and the mirror become it.
fn show(mirror: &mut Dom, live: &mut Live, target: Dom) {
    let patch = diff(mirror, &target);
    // Only a new document can take another doctype's rendering mode.
    let mode_change = page_doctype(mirror) != page_doctype(&target);
    if patch.reset || mode_change || patch_size(&patch) > target.len() {
        live.rebuild(&target);
    } else if !patch.is_empty() {
        let removed = removed_ids(mirror, &patch.batch.removes);
        live.apply_patch(&target, &patch, &removed);
    }
    *mirror = target;
}

fn page_doctype(dom: &Dom) -> Option<&Doctype> {
    dom.root()?.children().find_map(|c| match c.data() {
        NodeData::Doctype(d) => Some(d),
        _ => None,
    })
}

/// Nodes and values a patch touches.
pub(crate) fn patch_size(patch: &Patch) -> usize {
    let b = &patch.batch;
    b.removes.len()
        + b.adds.iter().map(|t| t.nodes.len()).sum::<usize>()
        + b.attrs.len()
        + b.texts.len()
        + patch.inputs.len()
        + patch.scrolls.len()
}

/// What the overlays and the clock need from the timeline, precomputed once.
struct Tracks {
    /// Viewport size from `Meta` and `Viewport` events.
    viewports: Vec<(u64, Size)>,
    /// Page URL from `Meta` and `Navigation` events.
    urls: Vec<(u64, String)>,
    /// Pointer positions (time, x, y), from pointer actions and move samples.
    pointer: Vec<(f64, f64, f64)>,
    /// Clicks (time, x, y).
    clicks: Vec<(f64, f64, f64)>,
    /// Skippable stretches (from, to), sorted and disjoint.
    idle: Vec<(f64, f64)>,
}

impl Tracks {
    fn new(timeline: &Timeline, duration: f64, threshold: f64) -> Tracks {
        let mut tracks = Tracks {
            viewports: Vec::new(),
            urls: Vec::new(),
            pointer: Vec::new(),
            clicks: Vec::new(),
            idle: Vec::new(),
        };
        let mut activity: Vec<f64> = Vec::new();
        for event in timeline.events() {
            let t = event.time as f64;
            match &event.data {
                EventData::Meta(meta) => {
                    tracks.viewports.push((event.time, meta.viewport));
                    tracks.urls.push((event.time, meta.url.clone()));
                    activity.push(t);
                }
                EventData::Viewport(v) => {
                    tracks.viewports.push((event.time, v.size));
                    activity.push(t);
                }
                EventData::Navigation(n) => {
                    tracks.urls.push((event.time, n.url.clone()));
                    activity.push(t);
                }
                EventData::Pointer(p) => {
                    let (x, y) = (f64::from(p.x), f64::from(p.y));
                    tracks.pointer.push((t, x, y));
                    if matches!(
                        p.kind,
                        PointerKind::Click | PointerKind::DoubleClick | PointerKind::ContextMenu
                    ) {
                        tracks.clicks.push((t, x, y));
                    }
                    activity.push(t);
                }
                EventData::PointerMove(m) => {
                    for point in &m.points {
                        let at = t + f64::from(point.offset);
                        tracks
                            .pointer
                            .push((at, f64::from(point.x), f64::from(point.y)));
                        activity.push(at);
                    }
                }
                EventData::Snapshot(_)
                | EventData::Input(_)
                | EventData::Focus(_)
                | EventData::Scroll(_)
                | EventData::Selection(_) => activity.push(t),
                _ => {}
            }
        }
        // Events are in time order; move samples may reach past later events.
        tracks.pointer.sort_by(|a, b| a.0.total_cmp(&b.0));
        activity.sort_by(f64::total_cmp);
        let margin = (threshold / 4.0).min(1000.0);
        let mut last = 0.0;
        for &t in &activity {
            if t - last > threshold {
                tracks.idle.push((last + margin, t - margin));
            }
            last = last.max(t);
        }
        if duration - last > threshold {
            tracks.idle.push((last + margin, duration));
        }
        tracks
    }

    fn viewport_at(&self, t: f64) -> Size {
        latest(&self.viewports, t)
            .copied()
            .filter(|s| s.width > 0 && s.height > 0)
            .unwrap_or(DEFAULT_VIEWPORT)
    }

    fn url_at(&self, t: f64) -> Option<&str> {
        latest(&self.urls, t).map(String::as_str)
    }

    /// Where the pointer is at `t`: between two close samples, interpolated.
    fn pointer_at(&self, t: f64) -> Option<(f64, f64)> {
        let i = self.pointer.partition_point(|p| p.0 <= t);
        let a = *self.pointer.get(i.checked_sub(1)?)?;
        match self.pointer.get(i) {
            Some(&b) if b.0 - a.0 <= INTERPOLATE_MS && b.0 > a.0 => {
                let f = (t - a.0) / (b.0 - a.0);
                Some((a.1 + (b.1 - a.1) * f, a.2 + (b.2 - a.2) * f))
            }
            _ => Some((a.1, a.2)),
        }
    }

    /// Clicks in `(from, to]`.
    fn clicks_between(&self, from: f64, to: f64) -> impl Iterator<Item = &(f64, f64, f64)> {
        let start = self.clicks.partition_point(|c| c.0 <= from);
        self.clicks[start..].iter().take_while(move |c| c.0 <= to)
    }

    /// The skippable stretch that playback from `from` to `to` enters, as (from, to).
    fn idle_crossed(&self, from: f64, to: f64) -> Option<(f64, f64)> {
        let i = self.idle.partition_point(|p| p.1 <= from);
        let &(start, end) = self.idle.get(i)?;
        (to >= start).then_some((start.max(from), end))
    }
}

/// The value of the last entry at or before `t`.
fn latest<T>(entries: &[(u64, T)], t: f64) -> Option<&T> {
    let i = entries.partition_point(|e| e.0 as f64 <= t);
    entries.get(i.checked_sub(1)?).map(|e| &e.1)
}
