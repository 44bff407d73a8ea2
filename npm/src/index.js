// The tapedeck package: `record(options)` starts recording the page (see index.d.ts for
// every option and README.md for usage).
import init, { Recorder, version as wasmVersion } from './recorder_wasm.js';

let ready;
/** Loads the wasm once: from `wasmUrl`, or next to this file (`import.meta.url`). */
function load(wasmUrl) {
  ready ??= init(wasmUrl === undefined ? undefined : { module_or_path: wasmUrl }).catch((error) => {
    ready = undefined; // a later call may try again (e.g. after a network blip)
    throw error;
  });
  return ready;
}

// The running recording, held here so that it keeps recording even when the caller drops
// its handle (the wasm object would otherwise be garbage-collected, which stops it).
let current = null;

/** The recorder version. */
export async function version() {
  await load();
  return wasmVersion();
}

/**
 * Starts recording the current page. Resolves to a handle with `sessionId`, `addEvent()`,
 * `flush()`, `stop()` and `stats()`; rejects on invalid options or when a recording is
 * already running.
 */
export async function record(options) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('tapedeck: record(options) needs an options object with onFrame or endpoint');
  }
  const { wasmUrl, ...recorderOptions } = options;
  await load(wasmUrl);
  const recorder = Recorder.start(recorderOptions);
  current = recorder;
  const sessionId = recorder.sessionId;
  let stopped = null;
  return {
    get sessionId() {
      return sessionId;
    },
    addEvent(name, payload) {
      recorder.addEvent(String(name), payload);
    },
    flush() {
      return stopped ?? recorder.flush();
    },
    stop() {
      if (stopped) return stopped;
      stopped = recorder.stop();
      if (current === recorder) current = null;
      return stopped;
    },
    stats() {
      return recorder.stats();
    },
  };
}
