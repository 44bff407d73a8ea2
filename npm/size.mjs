// Reports what a page downloads to record: every file of the built package that a browser
// loads for `record()` (the JS modules and the wasm; not the player, `tapedeck/replay`),
// raw and gzipped (level 9, as a CDN would serve it).
// `node size.mjs --check` exits 1 when the gzipped total is over the budget.
//   npm run build && npm run size
// tests/e2e/package.test.mjs imports `recorderSize` to report the same figure.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The budget for the recorder with every hook included, gzipped bytes. */
export const BUDGET = 40 * 1024;

const here = dirname(fileURLToPath(import.meta.url));

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(m?js|wasm)$/.test(name)) yield path;
  }
}

/** Whether a file of dist/ is loaded by `record()`: the entry module, the recorder's wasm
 * and glue, and its snippets. */
export const isRecorderFile = (file) =>
  file === 'index.js' || /^(recorder_wasm[^/]*|snippets\/recorder-wasm-[^/]+\/.*)\.(js|wasm)$/.test(file);

/** The recorder's files in `dist` with their raw and gzipped sizes, and the totals. */
export function recorderSize(dist = join(here, 'dist')) {
  const rows = [...files(dist)]
    .map((path) => ({ path, file: relative(dist, path).split('\\').join('/') }))
    .filter(({ file }) => isRecorderFile(file))
    .map(({ path, file }) => {
      const data = readFileSync(path);
      return { file, raw: data.length, gzip: gzipSync(data, { level: 9 }).length };
    });
  const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip }), { raw: 0, gzip: 0 });
  return { rows, total };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { rows, total } = recorderSize();
  if (rows.length === 0) {
    console.error('no built files in dist/: run `npm run build` first');
    process.exit(2);
  }
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  for (const r of rows) console.log(`${r.file.padEnd(56)} ${kb(r.raw).padStart(10)} ${kb(r.gzip).padStart(10)} gz`);
  console.log(`${'total'.padEnd(56)} ${kb(total.raw).padStart(10)} ${kb(total.gzip).padStart(10)} gz (budget ${kb(BUDGET)})`);
  if (total.gzip > BUDGET) {
    console.log(`over budget by ${kb(total.gzip - BUDGET)}`);
    if (process.argv.includes('--check')) process.exit(1);
  }
}
