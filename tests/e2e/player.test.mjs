// The player UI (tapedeck/player) on a real session: the demo server records a user who
// signs in, fills a cart and places an order that fails in the backend; the demo's
// /player page must show the failed request with the backend span tree behind it, mark the
// error on the timeline, seek from markers and entries, and play to the end. The
// standalone page opens the same frames from a URL, a file and a drop; recorded strings
// stay text. Screenshots land in $TAPEDECK_SCREENSHOTS (default: a temp directory).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser } from './harness.mjs';
import { startDemo, shopSession } from './demo.mjs';

const SHOTS = process.env.TAPEDECK_SCREENSHOTS ?? join(tmpdir(), 'tapedeck-player-screenshots');

let demo, browser, sessionId;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  demo = await startDemo();
  browser = await launchBrowser();
  const page = await browser.newPage();
  sessionId = await shopSession(page, demo.origin);
  await page.close();
});
after(async () => {
  await browser?.close();
  await demo?.close();
});

/** Opens the demo's player page on the recorded session. */
async function openPlayer(viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(`${demo.origin}/player?session=${sessionId}`);
  await page.waitForFunction(() => window.tapedeckPlayer, null, { timeout: 20_000 });
  page.errors = errors;
  return page;
}

/** The session's events (DOM mutations and pointer moves left out), in time order. */
function events(page) {
  return page.evaluate(() =>
    window.tapedeckPlayer.replayer.events.filter((e) => e.kind !== 'Mutation' && e.kind !== 'PointerMove'),
  );
}

const currentTime = (page) => page.evaluate(() => window.tapedeckPlayer.replayer.currentTime);

/**
 * Brightness of the screenshot's regions, measured in the page: the replayed shop is a
 * light page, the player around it dark, so a blank or missing replay shows.
 */
async function brightness(page, png, regions) {
  return page.evaluate(
    async ([b64, regions]) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const canvas = new OffscreenCanvas(img.width, img.height);
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0);
      return regions.map(({ x, y, width, height }) => {
        const { data } = ctx.getImageData(x, y, width, height);
        let sum = 0;
        const colors = new Set();
        for (let i = 0; i < data.length; i += 4) {
          sum += (data[i] + data[i + 1] + data[i + 2]) / 3;
          colors.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        }
        return { mean: sum / (data.length / 4), colors: colors.size };
      });
    },
    [png.toString('base64'), regions],
  );
}

test('the demo player shows the failed order with the backend spans behind it', async () => {
  const page = await openPlayer();
  const ui = page.locator('.tapedeck-ui');
  const timeline = await events(page);
  const timeOf = (kind, pred = () => true) => timeline.find((e) => e.kind === kind && pred(e.data)).time;

  // Header: the page, the environment, the duration; the recording is complete.
  await assert.doesNotReject(ui.locator('.page-url', { hasText: `${demo.origin}/` }).waitFor());
  assert.equal(await ui.locator('.report').count(), 0, 'a complete recording has no report bar');
  assert.match(await ui.locator('.facts').innerText(), /1280×720/); // the recorded viewport

  // Network: the failed request, its detail, and the backend span tree of its trace.
  await ui.locator('.tab[data-panel=network]').click();
  const failed = ui.locator('.req.failed');
  assert.equal(await failed.count(), 1);
  assert.match(await failed.innerText(), /POST\s+\/api\/orders\s+500/);
  const orderTime = timeOf('Network', (d) => d.url.endsWith('/api/orders'));
  await failed.click();
  await page.waitForFunction((t) => window.tapedeckPlayer.replayer.currentTime === t, orderTime);
  const detail = ui.locator('.detail');
  await detail.waitFor();
  assert.match(await detail.locator('.detail-head').innerText(), /500\s+POST\s+\/api\/orders/);
  assert.match(await detail.innerText(), /"reason": "deadlock detected"/, 'the response body, pretty-printed');
  const spans = await detail.locator('.span').evaluateAll((rows) =>
    rows.map((r) => ({
      name: r.querySelector('.op').textContent,
      depth: Number(r.style.getPropertyValue('--depth')),
      error: r.classList.contains('error'),
    })),
  );
  assert.deepEqual(
    spans.map((s) => s.name),
    ['POST /api/orders', 'validate cart', 'db.insert orders'],
  );
  const insert = spans.find((s) => s.name === 'db.insert orders');
  assert.equal(insert.depth, 1, 'db.insert orders sits under the request span');
  assert.ok(insert.error, 'db.insert orders is marked as failed');
  assert.match(await detail.locator('.log.lv-error').innerText(), /deadlock detected while inserting order/);
  // The request row is the current one, the later rows are still to come.
  assert.match(await failed.getAttribute('class'), /\bcurrent\b/);
  // The replay shows the page as it was: the cart the order was placed with.
  const cart = await page.evaluate(() =>
    [...window.tapedeckPlayer.replayer.document.querySelectorAll('#cart li')].map((li) => li.firstChild.textContent.trim()),
  );
  assert.deepEqual(cart, ['Cassette tape × 1', 'Tape deck × 2']);

  // Clicking another request seeks to it.
  const productsTime = timeOf('Network', (d) => d.url.endsWith('/api/products'));
  await ui.locator('.req', { hasText: '/api/products' }).click();
  assert.equal(await currentTime(page), productsTime);
  assert.equal(await ui.locator('.req.failed.future').count(), 1, 'the failed request is ahead again');

  const wide = await page.screenshot({ path: join(SHOTS, 'player-network-1280.png') });

  // The error marker: hover says what it is, a click seeks there and opens the error.
  const errorTime = timeOf('Error');
  const marker = ui.locator('.marker.k-error');
  assert.equal(await marker.count(), 1);
  await marker.hover();
  assert.match(await ui.locator('.tip').innerText(), /Order failed: deadlock detected/);
  await marker.click();
  assert.equal(await currentTime(page), errorTime, 'the marker seeks to the error');
  assert.equal(await ui.locator('.tab[aria-selected=true]').getAttribute('data-panel'), 'errors');
  assert.match(await ui.locator('.panel-errors .row.selected').innerText(), /Unhandled rejection/);
  await page.screenshot({ path: join(SHOTS, 'player-marker-hover-1280.png') });

  // Console: the console.error with its stack; a click seeks to it.
  await ui.locator('.tab[data-panel=console]').click();
  const consoleError = ui.locator('.panel-console .entry.lv-error');
  assert.match(await consoleError.innerText(), /order failed 500/);
  const consoleTime = timeOf('Console', (d) => d.level === 'Error');
  await consoleError.locator('.msg').click();
  assert.equal(await currentTime(page), consoleTime);
  await consoleError.locator('button', { hasText: 'stack' }).click();
  assert.ok(await consoleError.locator('.stack').isVisible());
  // The level filter hides the rest.
  await ui.locator('.panel-console .chip.lv-info').click();
  assert.equal(await ui.locator('.panel-console .entry:visible').count(), 1);

  // Backend: every trace, the failed one marked.
  await ui.locator('.tab[data-panel=backend]').click();
  assert.equal(await ui.locator('.panel-backend .trace').count(), 3);
  assert.equal(await ui.locator('.panel-backend .trace.error').count(), 1);

  // Performance: the vitals summary is there.
  await ui.locator('.tab[data-panel=performance]').click();
  assert.match(await ui.locator('.vitals').innerText(), /LCP[\s\S]*CLS[\s\S]*INP/);

  // The Markdown timeline for an AI assistant, from the wasm player, copied.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: demo.origin });
  await ui.locator('button', { hasText: 'Copy timeline for AI' }).click();
  await ui.locator('.toast', { hasText: 'Copied the timeline' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, await page.evaluate(() => window.tapedeckPlayer.markdown()));
  assert.match(copied, /^# Session/);
  assert.match(copied, /db\.insert orders/);

  // Keyboard: space plays and pauses, arrows seek 5 s.
  await page.evaluate(() => window.tapedeckPlayer.replayer.seek(0));
  await page.keyboard.press('ArrowRight');
  const duration = await page.evaluate(() => window.tapedeckPlayer.replayer.duration);
  assert.equal(await currentTime(page), Math.min(5000, duration));
  await page.keyboard.press('ArrowLeft');
  assert.equal(await currentTime(page), 0);
  await page.keyboard.press('Space');
  assert.equal(await page.evaluate(() => window.tapedeckPlayer.replayer.playing), true);
  await page.keyboard.press('Space');
  assert.equal(await page.evaluate(() => window.tapedeckPlayer.replayer.playing), false);

  await page.keyboard.press('End');
  assert.equal(await currentTime(page), duration);
  await page.keyboard.press('Home');
  assert.equal(await currentTime(page), 0);

  // Dragging along the timeline seeks as it goes.
  const track = await ui.locator('.scrubber .track').boundingBox();
  const y = track.y + track.height / 2;
  await page.mouse.move(track.x + track.width * 0.25, y);
  await page.mouse.down();
  const quarter = await currentTime(page);
  await page.mouse.move(track.x + track.width * 0.5, y, { steps: 5 });
  await page.mouse.up();
  const half = await currentTime(page);
  assert.ok(Math.abs(quarter - duration / 4) < duration / 50, `pressing seeks (${quarter} of ${duration})`);
  assert.ok(Math.abs(half - duration / 2) < duration / 50, `dragging seeks (${half} of ${duration})`);

  // Skipping inactivity is a toggle.
  const skip = ui.locator('.toggle input');
  await skip.uncheck();
  assert.equal(await page.evaluate(() => window.tapedeckPlayer.replayer.skipInactive), false);
  await skip.check();
  assert.equal(await page.evaluate(() => window.tapedeckPlayer.replayer.skipInactive), true);

  // The timeline downloads as Markdown too.
  const [download] = await Promise.all([page.waitForEvent('download'), ui.locator('button[aria-label="Download the Markdown timeline"]').click()]);
  assert.equal(download.suggestedFilename(), `tapedeck-${sessionId}.md`);

  // Playback runs to the end at the speed picked; the rows follow.
  await ui.locator('select[aria-label=Speed]').selectOption('4');
  assert.equal(await page.evaluate(() => window.tapedeckPlayer.replayer.speed), 4);
  const ended = page.evaluate(() => new Promise((resolve) => window.tapedeckPlayer.replayer.on('end', resolve)));
  await ui.locator('button.play').click();
  await ended;
  assert.equal(await currentTime(page), duration);
  assert.equal(await ui.locator('button.play').getAttribute('aria-label'), 'Replay from the start');
  assert.equal(await ui.locator('.clock b').innerText(), await ui.locator('.fact[title=Duration]').innerText());
  assert.equal(await ui.locator('.panel-performance .row.future').count(), 0, 'every entry was reached');

  // Pixels: the replayed (light) page is in the stage, the (dark) panels beside it.
  const shot = await page.screenshot({ path: join(SHOTS, 'player-end-1280.png') });
  assert.ok(wide.length > 10_000 && shot.length > 10_000, 'non-empty screenshots');
  const stage = await ui.locator('.stage').boundingBox();
  const side = await ui.locator('.side').boundingBox();
  const [inStage, inSide] = await brightness(page, shot, [
    { x: Math.round(stage.x + stage.width / 2 - 100), y: Math.round(stage.y + stage.height / 2 - 60), width: 200, height: 120 },
    { x: Math.round(side.x + 20), y: Math.round(side.y + side.height - 120), width: 200, height: 100 },
  ]);
  assert.ok(inStage.mean > 150 && inStage.colors > 20, `the replay shows the page (${JSON.stringify(inStage)})`);
  assert.ok(inSide.mean < 60, `the panels are dark (${JSON.stringify(inSide)})`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('on a narrow screen the panels go under the replay', async () => {
  const page = await openPlayer({ width: 420, height: 860 });
  const ui = page.locator('.tapedeck-ui');
  await page.waitForSelector('.app.narrow');
  const stage = await ui.locator('.stage').boundingBox();
  const side = await ui.locator('.side').boundingBox();
  assert.ok(side.y >= stage.y + stage.height, 'the panels are below the replay');
  assert.ok(stage.width <= 420 && side.width <= 420, 'nothing is wider than the screen');
  assert.ok(stage.height > 150, `the replay keeps a useful height (${stage.height})`);
  await ui.locator('.tab[data-panel=network]').click();
  await ui.locator('.req.failed').click();
  await ui.locator('.detail .span.error').first().waitFor();
  const shot = await page.screenshot({ path: join(SHOTS, 'player-network-420.png') });
  assert.ok(shot.length > 5_000);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the standalone player opens a session from ?src=, a file and a drop, and says why it cannot', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const frames = `/api/sessions/${sessionId}/frames`;
  await page.goto(`${demo.origin}/tapedeck/player.html?src=${encodeURIComponent(frames)}`);
  await page.waitForFunction(() => window.tapedeckPlayer);
  assert.equal(await page.locator('.tapedeck-ui .req.failed').count(), 1);
  assert.equal(await page.locator('#open').isVisible(), false);
  await page.screenshot({ path: join(SHOTS, 'standalone-1280.png') });

  const bytes = await page.evaluate(async (url) => [...new Uint8Array(await (await fetch(url)).arrayBuffer())], frames);
  const file = { name: 'shop.tdk', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) };
  await page.goto(`${demo.origin}/tapedeck/player.html`);
  assert.ok(await page.locator('#open .drop').isVisible());
  await page.screenshot({ path: join(SHOTS, 'standalone-open-1280.png') });
  await page.setInputFiles('#file', file);
  await page.waitForFunction(() => window.tapedeckPlayer);
  assert.equal(await page.evaluate(() => window.tapedeckPlayer.replayer.report.sessionId), sessionId);
  assert.equal(await page.title(), 'shop.tdk · Tapedeck');

  // A drop replaces the session shown; a file that is not a recording says so.
  await page.evaluate((bytes) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], 'again.tdk'));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, cancelable: true }));
  }, bytes);
  await page.waitForFunction(() => document.title === 'again.tdk · Tapedeck');
  assert.equal(await page.locator('.tapedeck-ui').count(), 1, 'the previous player is gone');
  await page.setInputFiles('#file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not frames') });
  await page.waitForSelector('#status.error:not(:empty)');
  assert.match(await page.locator('#status').innerText(), /Cannot open notes\.txt: tapedeck: /);
  assert.equal(await page.locator('.tapedeck-ui').count(), 0);

  await page.goto(`${demo.origin}/tapedeck/player.html?src=/nowhere.tdk`);
  await page.waitForSelector('#status.error:not(:empty)');
  assert.match(await page.locator('#status').innerText(), /404/);
  await context.close();
});

test('recorded strings are shown as text, never as markup', async () => {
  const server = await startServer({
    '/api/boom': (req, res) => {
      res.writeHead(500, { 'content-type': 'application/json', 'x-note': '<img src=x onerror="window.pwnedHeader=1">' });
      res.end('{"error":"<img src=x onerror=\\"window.pwnedBody=1\\">"}');
    },
  });
  const page = await browser.newPage();
  try {
    await page.goto(`${server.origin}/tests/fixtures/smoke.html`);
    const out = await page.evaluate(async () => {
      const { record } = await import('/npm/dist/index.js');
      const { mountPlayer } = await import('/npm/dist/player.js');
      const frames = [];
      const rec = await record({ onFrame: (bytes) => frames.push(bytes) });
      const hostile = '<img src=x onerror="window.pwnedConsole=1"><b>bold</b>';
      console.error(hostile);
      await fetch('/api/boom?note=<b>boom</b>').catch(() => {});
      rec.addEvent('<svg onload="window.pwnedCustom=1">', { html: '<img src=x onerror="window.pwnedPayload=1">' });
      await new Promise((r) => setTimeout(r, 100));
      await rec.flush();
      await rec.stop();

      const root = document.createElement('div');
      root.style.height = '600px';
      document.body.append(root);
      const p = await mountPlayer(root, frames, { keyboard: false });
      const ui = p.element.shadowRoot;
      ui.querySelector('.tab[data-panel=network]').click();
      ui.querySelector('.req.failed').click();
      await new Promise((r) => setTimeout(r, 100));
      const markers = [...ui.querySelectorAll('.marker')].map((m) => m.getAttribute('aria-label'));
      return {
        consoleText: ui.querySelector('.panel-console .entry.lv-error .msg').textContent,
        injected: ui.querySelectorAll('.side img, .side b, .side svg, .lane img, .lane svg, .tip img').length,
        detail: ui.querySelector('.detail').textContent,
        markers,
        pwned: Object.keys(window).filter((k) => k.startsWith('pwned')),
      };
    });
    assert.equal(out.consoleText, '<img src=x onerror="window.pwnedConsole=1"><b>bold</b>');
    assert.equal(out.injected, 0, 'no recorded markup became elements');
    assert.match(out.detail, /\/api\/boom\?note=/);
    assert.match(out.detail, /window\.pwnedBody=1/);
    assert.ok(out.markers.some((m) => m.includes('<svg onload')), 'the custom event marker names it as text');
    assert.deepEqual(out.pwned, []);
  } finally {
    await page.close();
    await server.close();
  }
});

test('an incomplete recording says what is missing, and the rest plays', async () => {
  const server = await startServer();
  const page = await browser.newPage();
  try {
    await page.goto(`${server.origin}/tests/fixtures/smoke.html`);
    const out = await page.evaluate(async () => {
      const { record } = await import('/npm/dist/index.js');
      const { mountPlayer } = await import('/npm/dist/player.js');
      const frames = [];
      const rec = await record({ onFrame: (bytes) => frames.push(bytes) });
      for (const name of ['one', 'two', 'three']) {
        rec.addEvent(name, {});
        await rec.flush();
      }
      await rec.stop();
      const total = frames.length;
      frames.splice(1, 1);
      const root = document.createElement('div');
      root.style.height = '600px';
      document.body.append(root);
      const p = await mountPlayer(root, frames);
      return {
        total,
        report: p.element.shadowRoot.querySelector('.report')?.textContent,
        customs: p.replayer.events.filter((e) => e.kind === 'Custom').map((e) => e.data.name),
      };
    });
    assert.ok(out.total >= 3, `three flushes make three frames (${out.total})`);
    assert.match(out.report, /Incomplete recording: 1 frame missing \(#1\)/);
    assert.deepEqual(out.customs, ['one', 'three'], 'the other frames play');
  } finally {
    await page.close();
    await server.close();
  }
});

test('mountPlayer rejects bad arguments clearly and leaves nothing behind', async () => {
  const server = await startServer();
  const page = await browser.newPage();
  try {
    await page.goto(`${server.origin}/tests/fixtures/smoke.html`);
    const out = await page.evaluate(async () => {
      const { mountPlayer } = await import('/npm/dist/player.js');
      const root = document.createElement('div');
      document.body.append(root);
      const message = (p) => p.then(() => 'resolved', (e) => e.message);
      return {
        noContainer: await message(mountPlayer(null, [])),
        badOption: await message(mountPlayer(root, [], { colour: 'red' })),
        badPanel: await message(mountPlayer(root, [], { panel: 'timeline' })),
        badFrames: await message(mountPlayer(root, [new Uint8Array([1, 2, 3])])),
        left: root.childElementCount,
      };
    });
    assert.match(out.noContainer, /needs a container element/);
    assert.match(out.badOption, /unknown player option `colour`/);
    assert.match(out.badPanel, /options\.panel must be one of/);
    assert.match(out.badFrames, /^tapedeck: /);
    assert.equal(out.left, 0);
  } finally {
    await page.close();
    await server.close();
  }
});

// Written for the reviewer: where to look.
after(() => writeFileSync(join(SHOTS, 'README.txt'), 'Screenshots of tests/e2e/player.test.mjs (1280×800 and 420 wide).\n'));
