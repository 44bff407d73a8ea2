// Decodes frames with the Rust decoder (`tapedeck json`), so end-to-end tests assert on
// what recorder-core really reads back, not on what the page thinks it sent.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';

const CLI = join(ROOT, 'target', 'debug', 'tapedeck');

/** Frames (arrays of byte values or Buffers) → [{seq, time, kind, data}]. */
export function decodeFrames(frames) {
  const dir = mkdtempSync(join(tmpdir(), 'tapedeck-'));
  try {
    const file = join(dir, 'session.tdk');
    writeFileSync(file, Buffer.concat(frames.map((f) => Buffer.from(f))));
    const out = execFileSync(CLI, ['json', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
    return out.split('\n').filter(Boolean).map((line) => {
      const e = JSON.parse(line);
      const [kind] = Object.keys(e.data);
      return { seq: e.seq, time: e.time, kind, data: e.data[kind] };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
