// What a page downloads to record (and to replay), gzipped at level 9 (as a CDN serves
// it): rrweb's `@rrweb/record` UMD bundle (minified; its ESM build is unminified, for
// bundlers) and its console plugin (and `@rrweb/replay`'s UMD bundle); Tapedeck's files
// that the page actually fetched to start a recording (or to load tapedeck/replay): the
// package's JS modules and wasm, observed in the browser so the figure follows whatever
// the package's layout is.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from './browser.mjs';

const gz = (data) => gzipSync(data, { level: 9 }).length;

function fileSize(path) {
  const data = readFileSync(path);
  return { file: path.slice(ROOT.length + 1), raw: data.length, gzip: gz(data) };
}

const RRWEB = join(ROOT, 'bench', 'node_modules', '@rrweb');

/** rrweb's bundles: { record, consolePlugin, replay }. */
export function rrwebSizes() {
  return {
    record: fileSize(join(RRWEB, 'record', 'dist', 'record.umd.min.cjs')),
    consolePlugin: fileSize(join(RRWEB, 'rrweb-plugin-console-record', 'dist', 'rrweb-plugin-console-record.umd.min.cjs')),
    replay: fileSize(join(RRWEB, 'replay', 'dist', 'replay.umd.min.cjs')),
  };
}

/** Sizes of files (paths from the server root): { files, raw, gzip }. */
export function filesSize(paths) {
  const files = paths.map((path) => fileSize(join(ROOT, path)));
  return {
    files,
    raw: files.reduce((t, f) => t + f.raw, 0),
    gzip: files.reduce((t, f) => t + f.gzip, 0),
  };
}

/** Tapedeck's files fetched by a page that records: { files: [...], raw, gzip }. */
export async function tapedeckSizes(browser, origin) {
  const page = await browser.newPage();
  const fetched = new Set();
  page.on('request', (req) => {
    const path = new URL(req.url()).pathname;
    if (path.startsWith('/npm/dist/')) fetched.add(path);
  });
  try {
    await page.goto(`${origin}/bench/page/index.html`);
    await page.evaluate(async () => {
      await window.bench.prepare('insert', 'tapedeck', 0.01);
      await window.bench.startBefore();
    });
  } finally {
    await page.close();
  }
  return filesSize([...fetched].sort());
}
