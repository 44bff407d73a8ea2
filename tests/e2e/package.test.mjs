// The npm package as published: what `npm pack` would ship, whether every module it
// imports is in it, whether the types cover every option the recorder accepts, where the
// wasm is loaded from, and how many bytes a page downloads (reported, with the budget).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { ROOT, startServer, launchBrowser } from './harness.mjs';
import { BUDGET, recorderSize } from '../../npm/size.mjs';

const NPM = join(ROOT, 'npm');

function packedFiles() {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: NPM, encoding: 'utf8' });
  return JSON.parse(out)[0].files.map((f) => f.path);
}

test('npm pack ships the modules, types, wasm and README, and every relative import resolves', () => {
  const files = new Set(packedFiles());
  for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/recorder_wasm.js', 'dist/recorder_wasm_bg.wasm', 'README.md', 'package.json']) {
    assert.ok(files.has(f), `${f} is packed`);
  }
  const pkg = JSON.parse(readFileSync(join(NPM, 'package.json'), 'utf8'));
  assert.equal(pkg.type, 'module');
  assert.ok(files.has(normalize(pkg.exports['.'].default).replace(/^\.\//, '')));
  assert.ok(files.has(normalize(pkg.exports['.'].types).replace(/^\.\//, '')));
  for (const file of [...files].filter((f) => f.endsWith('.js'))) {
    const source = readFileSync(join(NPM, file), 'utf8');
    for (const [, spec] of source.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = normalize(join(dirname(file), spec));
      assert.ok(files.has(target), `${file} imports ${spec}, which is packed`);
    }
  }
  assert.ok(!files.has('dist/package.json'), 'no stray wasm-bindgen package.json');
});

test('index.d.ts documents every option the recorder accepts, with its default', () => {
  const rust = readFileSync(join(ROOT, 'recorder-wasm', 'src', 'options.rs'), 'utf8');
  const table = rust.match(/\noption_table! \{([^}]*)\}/)[1];
  const names = [...table.matchAll(/"(\w+)" =>/g)].map((m) => m[1]);
  assert.ok(names.length >= 20);
  const types = readFileSync(join(NPM, 'src', 'index.d.ts'), 'utf8');
  const body = types.slice(types.indexOf('interface RecordOptions'), types.indexOf('interface RecordingStats'));
  for (const name of names) {
    const at = body.indexOf(`  ${name}?:`);
    assert.ok(at > 0, `${name} is in RecordOptions`);
    const doc = body.slice(body.lastIndexOf('/**', at), at);
    const hasDefault = /Default|default/.test(doc);
    const isFreeForm = ['onFrame', 'endpoint', 'endpointHeaders', 'maskTextSelector', 'maskInputSelector', 'unmaskSelector', 'blockSelector'].includes(name);
    assert.ok(hasDefault || isFreeForm, `${name} documents its default`);
  }
});

test('package size (JS + wasm a page downloads to record, gzipped)', (t) => {
  const { rows, total } = recorderSize();
  const packed = new Set(packedFiles());
  for (const { file } of rows) assert.ok(packed.has(`dist/${file}`), `${file} is packed`);
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  t.diagnostic(`${rows.length} files: ${kb(total.raw)} raw, ${kb(total.gzip)} gzipped (budget ${kb(BUDGET)})`);
  if (total.gzip > BUDGET) t.diagnostic(`over the size budget by ${kb(total.gzip - BUDGET)}`);
  assert.ok(total.gzip > 1024, 'a real build was measured');
});

let server, browser;
const wasmRequests = [];
before(async () => {
  server = await startServer({
    '/assets/recorder.wasm': (req, res) => {
      wasmRequests.push(req.url);
      res.writeHead(200, { 'content-type': 'application/wasm' });
      res.end(readFileSync(join(NPM, 'dist', 'recorder_wasm_bg.wasm')));
    },
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('record({ wasmUrl }) loads the wasm from there', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/tests/fixtures/smoke.html`);
  const sessionId = await page.evaluate(async () => {
    const { record } = await import('/npm/dist/index.js');
    const rec = await record({ onFrame() {}, wasmUrl: '/assets/recorder.wasm' });
    await rec.stop();
    return rec.sessionId;
  });
  await page.close();
  assert.match(sessionId, /^[0-9a-f]{32}$/);
  assert.deepEqual(wasmRequests, ['/assets/recorder.wasm']);
});
