// Debian's Chromium, started by us (so we hold its PID and kill its process group) and driven by
// playwright-core over the DevTools protocol. Profile, HOME and caches live in a throwaway dir.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { killGroup, onCleanup } from './server.mjs';
import { CHROMIUM, repoRoot } from './tools.mjs';

const { chromium } = createRequire(join(repoRoot, 'package.json'))('playwright-core');

export const VIEWPORT = { width: 1600, height: 1000 };

/** Launch Chromium with a fresh profile under `root`; returns { browser, context, page, pid, stop }. */
export async function launchBrowser(root) {
  const home = join(root, 'browser-home');
  const profile = join(root, 'browser-profile');
  mkdirSync(home, { recursive: true });
  mkdirSync(profile, { recursive: true });
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-dev-shm-usage',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-features=Translate,MediaRouter,OptimizationHints',
    '--password-store=basic',
    `--window-size=${VIEWPORT.width},${VIEWPORT.height}`,
    `--user-data-dir=${profile}`,
    '--remote-debugging-port=0',
    'about:blank',
  ];
  const child = spawn(CHROMIUM, args, {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') },
  });
  const stopProcess = () => killGroup(child, 3000);
  onCleanup(stopProcess);
  const endpoint = await new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`Chromium printed no DevTools endpoint within 30 s:\n${stderr}`)), 30_000);
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited (${code ?? signal}) before it was ready:\n${stderr}`));
    });
  });
  child.stderr.resume(); // keep draining so Chromium never blocks on a full pipe
  const browser = await chromium.connectOverCDP(endpoint);
  const context = browser.contexts()[0];
  const page = context.pages()[0] ?? (await context.newPage());
  await page.setViewportSize(VIEWPORT);
  const stop = async () => {
    await browser.close().catch(() => {});
    await stopProcess();
  };
  onCleanup(stop);
  return { browser, context, page, pid: child.pid, stop };
}
