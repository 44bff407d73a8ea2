// The chain works: the npm package loads in a real page, records, and the frames it
// delivers decode with recorder-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser } from './harness.mjs';
import { decodeFrames } from './decode.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('the npm package records in Chromium and its frames decode natively', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/tests/fixtures/smoke.html`);
  const result = await page.evaluate(async () => {
    const tapedeck = await import('/npm/dist/index.js');
    const frames = [];
    const rec = await tapedeck.record({ onFrame: (bytes) => frames.push(Array.from(bytes)) });
    rec.addEvent('checkout', { step: 2 });
    await rec.flush();
    await rec.stop();
    return { version: await tapedeck.version(), sessionId: rec.sessionId, frames };
  });
  assert.match(result.version, /^\d+\.\d+\.\d+/);
  assert.match(result.sessionId, /^[0-9a-f]{32}$/);
  assert.ok(result.frames.length >= 1, 'at least one frame was delivered');
  const custom = decodeFrames(result.frames).filter((e) => e.kind === 'Custom');
  assert.deepEqual(custom.map((e) => e.data), [{ name: 'checkout', payload: '{"step":2}' }]);
});
