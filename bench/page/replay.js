// The replay page's side of the harness (bench/lib/replay.mjs): load a recorded session
// (untimed), then build the player, seek to the end of the session and lay out the page it
// shows, in one page task that the harness measures (CDP TaskDuration; the wall-clock
// split is returned too), and report how many elements the page has.
const root = () => document.getElementById('root');

/** The browser Replayer of the tapedeck package (tapedeck/replay), or null before it lands. */
async function tapedeckReplay() {
  try {
    const module = await import('/npm/dist/replay.js');
    // load and compile the replayer's wasm before the clock starts (as rrweb's bundle is)
    await import('/npm/dist/replayer.js').then((glue) => glue.default()).catch(() => {});
    return module.Replayer;
  } catch {
    return null;
  }
}

/**
 * Lays out the rebuilt page. Part of the measured time for both replayers: one that sets
 * scroll offsets while seeking pays for layout then, one that does not pays for it before
 * the first paint; either way the user waits for it.
 */
function layout(doc) {
  return doc.documentElement.getBoundingClientRect().height;
}

let loaded = null;

window.replay = {
  async available() {
    return { rrweb: Boolean(window.rrwebReplay?.Replayer), tapedeck: Boolean(await tapedeckReplay()) };
  },

  /** Fetches the recording and the replayer (untimed). False when that replayer is missing. */
  async load(which, url) {
    if (which === 'rrweb') {
      const events = await (await fetch(url)).json();
      loaded = { events };
    } else {
      const Replayer = await tapedeckReplay();
      if (!Replayer) return false;
      loaded = { Replayer, frames: new Uint8Array(await (await fetch(url)).arrayBuffer()) };
    }
    return true;
  },

  /** rrweb: `new Replayer(events, { root })` then `pause(end)`, which fast-forwards
   * synchronously (rebuilding the snapshot, applying every event before `end` through its
   * virtual DOM, then flushing to the iframe). */
  rrweb() {
    const { events } = loaded;
    const first = events[0].timestamp;
    const end = Math.max(...events.map((e) => e.timestamp)) - first;
    const t0 = performance.now();
    const replayer = new window.rrwebReplay.Replayer(events, { root: root() });
    const t1 = performance.now();
    // events at exactly the offset are left to the timer: go 1 ms past the last one
    replayer.pause(end + 1);
    const t2 = performance.now();
    const doc = replayer.iframe.contentDocument;
    layout(doc);
    const t3 = performance.now();
    const elements = doc.getElementsByTagName('*').length;
    return { wallMs: t3 - t0, createMs: t1 - t0, seekMs: t2 - t1, layoutMs: t3 - t2, elements };
  },

  /** Tapedeck: `await Replayer.create(frames, { root })` then `await seek(duration)`. */
  async tapedeck() {
    const { Replayer, frames } = loaded;
    const t0 = performance.now();
    const replayer = await Replayer.create(frames, { root: root() });
    const t1 = performance.now();
    await replayer.seek(replayer.duration);
    const t2 = performance.now();
    const doc = replayer.document;
    layout(doc);
    const t3 = performance.now();
    const elements = doc.getElementsByTagName('*').length;
    return { wallMs: t3 - t0, createMs: t1 - t0, seekMs: t2 - t1, layoutMs: t3 - t2, elements };
  },
};
