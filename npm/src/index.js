// The tapedeck package entry point (the recorder API is being built: see issue 3).
import init, { version as wasmVersion, countNodes as wasmCountNodes } from './recorder_wasm.js';

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

/** Counts the nodes of the current document (a smoke test of the wasm chain). */
export async function countNodes() {
  await load();
  return wasmCountNodes();
}
