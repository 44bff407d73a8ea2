// A static file server over the repository (the bench pages, the rrweb bundles in
// bench/node_modules, the built tapedeck package in npm/dist) with in-memory blobs for the
// replay pages, and the headless Chromium the measurements run in.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/** The repository root. */
export const ROOT = normalize(join(dirname(fileURLToPath(import.meta.url)), '..', '..'));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/**
 * Serves the repository read-only. `blobs` is a Map of path → Buffer served as
 * application/octet-stream (recordings handed to the replay pages).
 */
export async function startServer(blobs = new Map()) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const blob = blobs.get(url.pathname);
    if (blob) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(blob);
      return;
    }
    const path = normalize(join(ROOT, decodeURIComponent(url.pathname)));
    if (!path.startsWith(ROOT)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const info = await stat(path);
      const file = info.isDirectory() ? join(path, 'index.html') : path;
      const data = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(data);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    blobs,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

// The flags these machines need (see TOOLCHAIN.md and tests/e2e/harness.mjs).
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // one page at a time, always in front: no timer throttling of the measured page
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
];

/** Launches the system Chromium headless. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

/**
 * A fresh page with a CDP session, Performance metrics enabled, failing on page errors.
 * `close()` closes both.
 */
export async function openPage(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  await page.goto(url);
  return {
    page,
    cdp,
    errors,
    async close() {
      await context.close();
    },
  };
}
