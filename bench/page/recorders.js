// The recorders under test, behind one interface: `start(out)` begins recording into `out`
// and resolves to `{ flush(), stop() }`. Configuration is deliberately close to each
// recorder's defaults; where they differ on what is recorded, the difference is named
// here and in the README.
//
// rrweb: `@rrweb/record` (window.rrwebRecord, its UMD bundle) with its console plugin
//   (window.rrwebPluginConsoleRecord), because Tapedeck records console calls by default
//   and rrweb does not without it. `maskAllInputs: true` to match Tapedeck's default
//   (rrweb masks only passwords by default; masking costs it next to nothing and keeps the
//   typed text out of its bytes, as in Tapedeck's). Everything else at rrweb's defaults:
//   no canvas, no fonts, inline stylesheets, mousemove sampled every 50 ms.
// Tapedeck: `record({ onFrame })` with every default: all inputs masked; console, errors,
//   network, performance hooks on; frames cut every 1000 ms; pointer moves sampled every
//   50 ms. rrweb has no equivalent of the error/network/performance hooks; they cost
//   nothing here except installing them (no request, no error happens).
import * as tapedeck from '/npm/dist/index.js';

export const recorders = {
  none: {
    async start() {
      return { async flush() {}, async stop() {} };
    },
  },

  rrweb: {
    async start(out) {
      out.events = [];
      const stop = window.rrwebRecord.record({
        emit(event) {
          out.events.push(event);
        },
        maskAllInputs: true,
        plugins: [window.rrwebPluginConsoleRecord.getRecordConsolePlugin()],
      });
      if (!stop) throw new Error('rrweb did not start');
      return {
        // rrweb emits synchronously (mutations at the end of each observer callback,
        // mouse moves on its own 500 ms timer): there is nothing to flush.
        async flush() {},
        async stop() {
          stop();
        },
      };
    },
  },

  tapedeck: {
    async start(out) {
      out.frames = [];
      const recording = await tapedeck.record({
        onFrame(frame) {
          out.frames.push(frame);
        },
      });
      return {
        flush: () => recording.flush(),
        stop: () => recording.stop(),
      };
    },
  },
};

/** Loads both recorders' code before anything is measured (the wasm too). */
export async function preload() {
  if (!window.rrwebRecord?.record) throw new Error('the rrweb bundle did not load');
  if (!window.rrwebPluginConsoleRecord?.getRecordConsolePlugin) {
    throw new Error('the rrweb console plugin bundle did not load');
  }
  await tapedeck.version();
}

/** Bytes of Tapedeck's wasm linear memory (it lives outside the JS heap), or null. */
export async function wasmMemoryBytes() {
  try {
    const glue = await import('/npm/dist/recorder_wasm.js');
    const exports = await glue.default();
    return exports.memory.buffer.byteLength;
  } catch {
    return null;
  }
}
