// Runs the real demo server (target/debug/tapedeck-demo) on a free port with a fresh data
// directory, and drives its shop the way a user does, so tests get a session with backend
// work joined to it.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';

/** Starts the demo; resolves to `{origin, close()}` once it listens. */
export async function startDemo() {
  const data = await mkdtemp(join(tmpdir(), 'tapedeck-demo-'));
  const bin = join(ROOT, 'target', 'debug', 'tapedeck-demo');
  const child = spawn(bin, ['--port', '0', '--data', data, '--assets', join(ROOT, 'npm', 'dist')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const origin = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start:\n${output}`)), 20_000);
    const read = (chunk) => {
      output += chunk;
      const m = output.match(/Tapedeck demo on (http:\/\/[^/\s]+)\//);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('error', (e) => reject(new Error(`cannot run ${bin} (cargo build -p tapedeck-demo): ${e.message}`)));
    child.on('exit', (code) => reject(new Error(`the demo exited with ${code}:\n${output}`)));
  });
  return {
    origin,
    async close() {
      child.kill('SIGINT');
      await new Promise((r) => (child.exitCode != null ? r() : child.once('exit', r)));
      await rm(data, { recursive: true, force: true });
    },
  };
}

/**
 * Signs in, loads the products, adds two of them, places the order (which fails with a 500
 * and a backend error, and makes the page log and throw), and waits until the page's frames
 * and the backend's are stored. Resolves to the session id.
 */
export async function shopSession(page, origin) {
  // A little time between steps, as a user takes: the steps are apart on the timeline.
  const pause = () => page.waitForTimeout(250);
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => window.tapedeck?.sessionId);
  await pause();
  await page.fill('#password', 'hunter2');
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#login-result.ok');
  await pause();
  await page.click('#load-products');
  await page.waitForSelector('#products li button');
  await pause();
  const add = page.locator('#products li button');
  await add.nth(0).click();
  await pause();
  await add.nth(1).click();
  await add.nth(1).click();
  await pause();
  await page.click('#place-order');
  await page.waitForSelector('#order-result.error');
  await page.waitForTimeout(200);
  const id = await page.evaluate(async () => {
    await window.tapedeck.flush();
    return window.tapedeck.sessionId;
  });
  // The backend writes its spans every 500 ms.
  await page.waitForTimeout(1200);
  return id;
}
