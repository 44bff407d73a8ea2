// The benchmark page's side of the harness (bench/lib/measure.mjs drives it through
// `window.bench`): build a workload's page, start a recorder, run the workload in a page
// task, flush, and hand the recording back.
import { workloads, countNodes } from './workloads.js';
import { recorders, preload, wasmMemoryBytes } from './recorders.js';

const state = { workload: null, recorderName: null, recorder: null, out: {}, mark: 0 };

/** Index of the first event (rrweb) or frame (Tapedeck) recorded inside the window. */
const outputLength = () => (state.out.events ?? state.out.frames ?? []).length;

function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

window.bench = {
  /** Loads both recorders and builds the workload's page. */
  async prepare(workload, recorder, scale) {
    await preload();
    state.workload = workloads[workload];
    state.recorderName = recorder;
    if (!state.workload) throw new Error(`no workload ${workload}`);
    state.workload.setup(scale);
    return { nodes: countNodes() };
  },

  /** Starts the recorder before the window (unless its start is what is measured). */
  async startBefore() {
    if (state.workload.startInWindow) return;
    state.recorder = await recorders[state.recorderName].start(state.out);
    await state.recorder.flush();
    state.mark = outputLength();
  },

  /** The measured work: the workload, run in a fresh page task. */
  runWorkload() {
    return new Promise((resolve, reject) => {
      setTimeout(async () => {
        try {
          if (state.workload.startInWindow) {
            state.recorder = await recorders[state.recorderName].start(state.out);
            state.mark = 0;
          }
          resolve(await state.workload.run());
        } catch (e) {
          reject(e);
        }
      }, 0);
    });
  },

  flush() {
    return state.recorder.flush();
  },

  wasmMemoryBytes,

  /** The recording, and what the page looks like now. */
  collect() {
    const result = {
      liveNodes: countNodes(),
      liveElements: document.getElementsByTagName('*').length,
      mark: state.mark,
    };
    if (state.out.events) {
      const t0 = performance.now();
      JSON.stringify(state.out.events.slice(state.mark));
      result.stringifyMs = performance.now() - t0;
      result.json = JSON.stringify(state.out.events);
    }
    if (state.out.frames) {
      const frames = state.out.frames;
      result.frameLengths = frames.map((f) => f.length);
      const all = new Uint8Array(result.frameLengths.reduce((a, b) => a + b, 0));
      let at = 0;
      for (const f of frames) {
        all.set(f, at);
        at += f.length;
      }
      result.frames = base64(all);
    }
    return result;
  },

  /** Drops the recording (the recorder keeps running) so the heap holds only its state. */
  release() {
    if (state.out.events) state.out.events.length = 0;
    if (state.out.frames) state.out.frames.length = 0;
  },
};
