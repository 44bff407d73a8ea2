// The tapedeck package: `record(options)` starts recording the page (see index.d.ts).
import init, { Recorder, version as wasmVersion } from './recorder_wasm.js';

let ready;
function load() {
  ready ??= init();
  return ready;
}

/** The recorder version. */
export async function version() {
  await load();
  return wasmVersion();
}

/**
 * Starts recording the current page. Resolves to a handle with `sessionId`, `flush()` and
 * `stop()`.
 */
export async function record(options) {
  await load();
  const recorder = Recorder.start(options);
  return {
    get sessionId() {
      return recorder.sessionId;
    },
    addEvent(name, payload) {
      recorder.addEvent(name, payload);
    },
    async flush() {
      recorder.flush();
    },
    async stop() {
      recorder.stop();
    },
  };
}
