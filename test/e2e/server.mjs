// code-server lifecycle for the harness: a throwaway home (user data, extensions, config), a free
// loopback port, readiness via /healthz, and a stop that kills the whole process group (the
// extension host otherwise outlives the server). Also the cleanup registry both runners share.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeServerEntry, node24Bin, repoRoot } from './tools.mjs';

// ---- cleanup registry: every process the harness starts is registered here --------------------

const cleanups = [];
let signalled = false;

/** Register `fn` to run (once, newest first) at the end of the run or on SIGINT/SIGTERM. */
export function onCleanup(fn) {
  cleanups.push(fn);
  return fn;
}

export async function runCleanups() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      await fn();
    } catch (error) {
      process.stderr.write(`[harness] cleanup failed: ${error instanceof Error ? error.message : error}\n`);
    }
  }
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
  process.on(signal, () => {
    if (signalled) return;
    signalled = true;
    process.stderr.write(`[harness] ${signal}: stopping everything this run started\n`);
    runCleanups().finally(() => process.exit(code));
  });
}

/** Kill a detached child's whole process group: SIGTERM, then SIGKILL after `graceMs`. */
export async function killGroup(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) {
    signalGroup(child.pid, 'SIGKILL'); // the leader is gone; stragglers in its group may not be
    return;
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  signalGroup(child.pid, 'SIGTERM');
  const timer = new Promise((resolve) => setTimeout(resolve, graceMs, 'timeout'));
  if ((await Promise.race([exited, timer])) === 'timeout') {
    signalGroup(child.pid, 'SIGKILL');
    await exited;
  }
  signalGroup(child.pid, 'SIGKILL');
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

// ---- scratch space -------------------------------------------------------------------------------

/** A temp dir removed at cleanup unless STAKES_KEEP_TMP=1 (then its path is printed). */
export function scratchDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `stakes-${prefix}-`));
  onCleanup(() => {
    if (process.env.STAKES_KEEP_TMP === '1') process.stdout.write(`[harness] kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** A private copy of examples/shop-api: tests write .stakes.json and settings into it. */
export function copyExampleWorkspace(into, name = 'shop-api') {
  const source = join(repoRoot, 'examples', name);
  const target = join(into, name);
  cpSync(source, target, {
    recursive: true,
    filter: (src) => !/[/\\](node_modules|\.git|dist|out)$/.test(src),
  });
  return target;
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const DEFAULT_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'editor.minimap.enabled': false,
  'editor.stickyScroll.enabled': false, // its overlay sits on top of the lines a step right-clicks
  'window.commandCenter': false,
  // The example has no node_modules: TypeScript's "cannot find module" squiggles are noise here,
  // and tsserver is the heaviest process on a 2-core machine.
  'typescript.validate.enable': false,
  'javascript.validate.enable': false,
  'typescript.tsserver.experimental.enableProjectDiagnostics': false,
};

/** Install a .vsix into `extensionsDir` with code-server's CLI; returns the unpacked extension dir. */
export function installVsix(vsix, extensionsDir) {
  mkdirSync(extensionsDir, { recursive: true });
  const result = spawnSync(node24Bin, [codeServerEntry, '--extensions-dir', extensionsDir, '--install-extension', vsix], {
    encoding: 'utf8',
    env: isolatedEnv(join(extensionsDir, '..', 'cli-home')),
    timeout: 120_000,
  });
  if (result.status !== 0) {
    throw new Error(`code-server --install-extension ${vsix} failed:\n${result.stdout}${result.stderr}`);
  }
  const dir = readdirSync(extensionsDir).find((name) => name.startsWith('stakes-dev.stakes-'));
  if (!dir) throw new Error(`${vsix} installed, but no stakes-dev.stakes-* folder appeared in ${extensionsDir}:\n${result.stdout}`);
  return join(extensionsDir, dir);
}

/** Environment that keeps code-server (and what it spawns) out of the real $HOME. */
function isolatedEnv(home, extra = {}) {
  mkdirSync(home, { recursive: true });
  const env = { ...process.env, ...extra };
  for (const key of Object.keys(env)) {
    if (key.startsWith('VSCODE_') || key.startsWith('npm_')) delete env[key];
  }
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
  };
}

/**
 * Start code-server on 127.0.0.1 with fresh user-data and extensions dirs under `root`.
 * Returns { url, port, origin, userDataDir, extensionsDir, logFile, stop() }; stop is also
 * registered for cleanup.
 */
export async function startCodeServer({ root, extensionsDir, settings = {}, smokeTestDriver = false, env = {} }) {
  const userDataDir = join(root, 'user-data');
  extensionsDir ??= join(root, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, ...settings }, null, 2));
  const configFile = join(root, 'code-server.yaml');
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  const port = await freePort();
  const logFile = join(root, 'code-server.log');
  const out = openSync(logFile, 'a');
  const args = [
    codeServerEntry,
    '--config', configFile,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  if (smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  const child = spawn(node24Bin, args, {
    detached: true, // own process group, so stop() reaches the extension host and watchers too
    stdio: ['ignore', out, out],
    // No marketplace: nothing to reach offline, and no gallery errors in the logs.
    env: isolatedEnv(join(root, 'home'), { EXTENSIONS_GALLERY: '{}', ...env }),
  });
  const origin = `http://127.0.0.1:${port}`;
  const server = {
    port,
    origin,
    pid: child.pid,
    userDataDir,
    extensionsDir,
    logFile,
    logTail: (lines = 40) => readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n'),
    stop: () => killGroup(child),
  };
  onCleanup(server.stop);
  const started = Date.now();
  const deadline = started + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited early (${child.exitCode ?? child.signalCode}); log ${logFile}:\n${server.logTail()}`);
    }
    try {
      const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`code-server did not answer ${origin}/healthz within 60 s; log:\n${server.logTail()}`);
    await new Promise((resolve) => setTimeout(resolve, 150)); // poll interval, not a wait for an outcome
  }
  process.stdout.write(`[harness] code-server pid ${child.pid} up on ${origin} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return server;
}
