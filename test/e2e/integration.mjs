// Runs the extension-host suite (out/test/integration) inside code-server's real Node extension
// host, through VS Code's smoke-test driver payload; the mocha result is this process's exit code.
//
//   node test/e2e/integration.mjs [--vsix stakes.vsix | --dev | --extension DIR] [--grep PATTERN]
//
// Default: the packaged stakes.vsix is installed into a scratch dir and loaded from there, so a
// file missing from the package fails here. --dev loads the repository folder instead (no packaging).
import { appendFileSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format, parseArgs } from 'node:util';
import { launchBrowser } from './browser.mjs';
import { copyExampleWorkspace, installVsix, runCleanups, scratchDir, startCodeServer } from './server.mjs';
import { ensureTools, repoRoot } from './tools.mjs';

/** Printed by test/integration/index.ts when mocha starts. */
const SUITE_START_MARKER = '[stakes-integration] suite starting';
/** Workbench info lines that say nothing about the suite (they stay in the log file). */
const WORKBENCH_CHATTER = /^(Ignoring fetching additional builtin extensions|Updating additional builtin extensions|\[AccountPolicyGate\]|\[AgentHost|Creating a socket|Resolv(ing|ed) connection token|\[reconnection-grace-time\]|\[Service Worker\])/;
const SUITE_TIMEOUT_MS = Number(process.env.STAKES_INTEGRATION_TIMEOUT_MS || 300_000);

const { values: options } = parseArgs({
  options: {
    vsix: { type: 'string', default: join(repoRoot, 'stakes.vsix') },
    dev: { type: 'boolean', default: false },
    extension: { type: 'string' },
    grep: { type: 'string' },
  },
});

function say(message) {
  process.stdout.write(`[integration] ${message}\n`);
}

async function main() {
  const started = Date.now();
  await ensureTools();
  const suiteIndex = join(repoRoot, 'out', 'test', 'integration', 'index.js');
  if (!existsSync(suiteIndex)) throw new Error(`${suiteIndex} is missing: run "npx tsc -p ." first.`);

  const root = scratchDir('integration');
  let extensionPath = repoRoot;
  if (options.extension) {
    extensionPath = resolve(options.extension);
    say(`extension: folder ${extensionPath} (--extension)`);
  } else if (options.dev) {
    if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run "npm run build" first.');
    say(`extension: repository folder ${repoRoot} (--dev)`);
  } else {
    const vsix = resolve(options.vsix);
    if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run "npm run package" first (or pass --dev).`);
    extensionPath = installVsix(vsix, join(root, 'packaged'));
    say(`extension: ${vsix} unpacked at ${extensionPath}`);
  }
  const workspace = copyExampleWorkspace(root);
  say(`workspace: ${workspace}`);

  const server = await startCodeServer({ root, smokeTestDriver: true });
  const { page } = await launchBrowser(root);
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  let finish;
  const finished = new Promise((resolve) => (finish = resolve));
  // Everything the workbench and extension host log arrives here. All of it goes to a log file;
  // the terminal gets errors, and everything once the suite announced itself (see index.ts).
  const logFile = join(root, 'workbench.log');
  let suiteStarted = false;
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = Array.isArray(args) ? format(...args) : String(args);
    appendFileSync(logFile, `[${type}] ${text}\n`);
    if (text.includes(SUITE_START_MARKER)) suiteStarted = true;
    else if (WORKBENCH_CHATTER.test(text)) return;
    else if (suiteStarted) process.stdout.write(type === 'error' ? `  ! ${text}\n` : `  ${text}\n`);
    else if (type === 'error') process.stdout.write(`  ! (workbench) ${text.split('\n')[0]}\n`);
  });
  await page.exposeFunction('codeAutomationExit', (code) => finish(Number(code)));

  const remote = (path) => `vscode-remote://127.0.0.1:${server.port}${path}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extensionPath)],
    ['extensionTestsPath', remote(suiteIndex)],
    // NO_COLOR: with CI set, mocha colours its output, and the log is not a terminal.
    ['extensionEnvironment', JSON.stringify({ STAKES_TEST_GREP: options.grep ?? '', STAKES_UNDER_TEST: '1', CI: process.env.CI ?? '', NO_COLOR: '1' })],
  ];
  const url = `${server.origin}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  say('opening the workbench; the suite starts once the extension host is up');
  await page.goto(url, { timeout: 120_000 });

  const timeout = new Promise((resolve) => setTimeout(resolve, SUITE_TIMEOUT_MS, 'timeout')).then(() => 'timeout');
  const code = await Promise.race([finished, timeout]);
  if (code === 'timeout') {
    await page.screenshot({ path: join(keepLogs(server, logFile), 'integration-timeout.png') }).catch(() => {});
    say(`no result within ${SUITE_TIMEOUT_MS / 1000} s`);
    if (pageErrors.length) say(`workbench errors:\n  ${pageErrors.join('\n  ')}`);
    return 1;
  }
  say(`mocha finished with exit code ${code} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (code !== 0) keepLogs(server, logFile);
  return code;
}

/** Copy the logs of a failed run into test-results/ (the scratch dir is removed at exit). */
function keepLogs(server, workbenchLog) {
  const dir = join(repoRoot, 'test-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'integration-code-server.log'), server.logTail(1000));
  if (existsSync(workbenchLog)) copyFileSync(workbenchLog, join(dir, 'integration-workbench.log'));
  say('logs kept in test-results/integration-*.log');
  return dir;
}

let exitCode;
try {
  exitCode = await main();
} catch (error) {
  process.stderr.write(`[integration] FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  exitCode = 1;
} finally {
  await runCleanups();
}
process.exit(exitCode);
