//! Frames → one ordered timeline (a first version: see issue 4 — checkpoints, the session
//! reader's gap report and backend alignment come next).

use recorder_core::dom::Dom;
use recorder_core::event::Event;
use recorder_core::frame::{self, DecodeError};

/// A session's events in time order.
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    events: Vec<Event>,
}

impl Timeline {
    /// Decodes frames (each slice one frame or several back to back).
    pub fn from_frames<'a>(
        frames: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<Timeline, DecodeError> {
        let mut decoded = Vec::new();
        for mut bytes in frames {
            while !bytes.is_empty() {
                let (frame, used) = frame::decode_prefix(bytes)?;
                decoded.push(frame);
                bytes = &bytes[used..];
            }
        }
        decoded.sort_by_key(|f| f.header.seq);
        let mut events: Vec<Event> = decoded.into_iter().flat_map(|f| f.events).collect();
        events.sort_by_key(|e| e.time);
        Ok(Timeline { events })
    }

    /// Every event, in time order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Time of the last event, ms since the session start.
    pub fn duration(&self) -> u64 {
        self.events.last().map_or(0, |e| e.time)
    }

    /// The DOM after every event at or before `t` (events that fail to apply are skipped).
    pub fn dom_at(&self, t: u64) -> Dom {
        let mut dom = Dom::new();
        for event in self.events.iter().take_while(|e| e.time <= t) {
            let _ = dom.apply_event(&event.data);
        }
        dom
    }
}
