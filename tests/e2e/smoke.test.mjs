// The chain works: the npm package's wasm loads in a real page and reaches the DOM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser } from './harness.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('the packaged recorder wasm runs in Chromium and walks the real DOM', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/tests/fixtures/smoke.html`);
  const result = await page.evaluate(async () => {
    const tapedeck = await import('/npm/dist/index.js');
    const before = await tapedeck.countNodes();
    document.body.append(Object.assign(document.createElement('p'), { textContent: 'added' }));
    return { version: await tapedeck.version(), before, after: await tapedeck.countNodes() };
  });
  assert.match(result.version, /^\d+\.\d+\.\d+/);
  assert.ok(result.before > 5, `document has nodes (${result.before})`);
  assert.equal(result.after, result.before + 2, 'a <p> and its text node were added');
});
