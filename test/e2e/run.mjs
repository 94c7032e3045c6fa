// `npm run test:e2e`: Stakes as a user meets it. Packages the .vsix, installs it into a fresh
// code-server on 127.0.0.1, opens a copy of examples/shop-api in Debian's Chromium and runs the
// steps in test/e2e/specs/*.mjs, screenshotting each into test-results/e2e/.
//
//   node test/e2e/run.mjs [--vsix stakes.vsix] [--grep TEXT]
//
// --vsix skips packaging and uses that file. STAKES_KEEP_TMP=1 keeps the scratch dir.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { launchBrowser } from './browser.mjs';
import { steps } from './harness.mjs';
import { copyExampleWorkspace, installVsix, runCleanups, scratchDir, startCodeServer } from './server.mjs';
import { ensureTools, repoRoot } from './tools.mjs';
import { slug, UI } from './ui.mjs';
import { startFakeProviders } from './fake-providers.mjs';

const SUITE_BUDGET_MS = Number(process.env.STAKES_E2E_BUDGET_MS || 15 * 60_000);

const { values: options } = parseArgs({
  options: {
    vsix: { type: 'string' },
    grep: { type: 'string' },
  },
});

function say(message) {
  process.stdout.write(`[e2e] ${message}\n`);
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

function packageVsix() {
  const started = Date.now();
  // npm runs with the Node that runs us (22+), which vsce 4 needs.
  const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` };
  const result = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run package failed:\n${result.stdout}${result.stderr}`);
  say(`packaged stakes.vsix in ${seconds(Date.now() - started)}`);
  return join(repoRoot, 'stakes.vsix');
}

async function main() {
  const started = Date.now();
  await ensureTools();
  const vsix = options.vsix ? resolve(options.vsix) : packageVsix();
  if (!existsSync(vsix)) throw new Error(`${vsix} does not exist`);

  const resultsDir = join(repoRoot, 'test-results', 'e2e');
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });

  const root = scratchDir('e2e');
  const workspace = copyExampleWorkspace(root);
  const env = { workspace };
  const fake = await startFakeProviders();
  if (fake) {
    env.fakeProviders = fake;
    // The audit talks to the loopback fake through the OpenAI-compatible provider; no key needed.
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify(fake.workspaceSettings, null, 2));
    say(`fake providers on ${fake.baseUrl}`);
  } else {
    say('no fake provider server (test/support/fake-providers.ts not built): audit steps will say SKIPPED');
  }

  const extensionsDir = join(root, 'extensions');
  installVsix(vsix, extensionsDir);
  const server = await startCodeServer({ root, extensionsDir });
  const { page, context } = await launchBrowser(root);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  page.setDefaultTimeout(20_000);

  const loadStarted = Date.now();
  await page.goto(`${server.origin}/?folder=${encodeURIComponent(workspace)}`, { timeout: 120_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: 60_000 });
  say(`workbench ready in ${seconds(Date.now() - loadStarted)}`);

  const ui = new UI({ page, workspace, resultsDir, origin: server.origin });
  const specDir = join(repoRoot, 'test', 'e2e', 'specs');
  for (const file of readdirSync(specDir).filter((f) => f.endsWith('.mjs')).sort()) {
    await import(pathToFileURL(join(specDir, file)).href);
  }
  const selected = steps.filter((s) => !options.grep || s.name.toLowerCase().includes(options.grep.toLowerCase()));
  if (selected.length === 0) throw new Error(`no step matches --grep ${options.grep}`);

  const results = [];
  for (const [index, s] of selected.entries()) {
    const prefix = `${String(index + 1).padStart(2, '0')}-${slug(s.name)}`;
    let skip;
    try {
      skip = s.skipUnless?.(env);
    } catch (error) {
      say(`FAILED   ${s.name}: its skipUnless threw: ${brief(error)}`);
      results.push({ name: s.name, status: 'failed', error: brief(error) });
      continue;
    }
    if (skip) {
      say(`SKIPPED  ${s.name}: ${skip}`);
      results.push({ name: s.name, status: 'skipped', reason: skip });
      continue;
    }
    if (Date.now() - started > SUITE_BUDGET_MS) {
      say(`FAILED   ${s.name}: the suite's ${seconds(SUITE_BUDGET_MS)} budget is spent`);
      results.push({ name: s.name, status: 'failed', error: 'suite budget spent' });
      continue;
    }
    ui.stepPrefix = prefix;
    const stepStarted = Date.now();
    let timer;
    try {
      if (!s.keepEditors) await ui.closeAllEditors(); // steps start from an empty editor area
      await Promise.race([
        s.fn(ui, env),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`step timed out after ${seconds(s.timeoutMs)}`)), s.timeoutMs); }),
      ]);
      await ui.screenshot('');
      say(`ok       ${s.name} (${seconds(Date.now() - stepStarted)})`);
      results.push({ name: s.name, status: 'passed' });
    } catch (error) {
      const message = brief(error);
      await ui.screenshot('FAILED').catch(() => {});
      say(`FAILED   ${s.name} (${seconds(Date.now() - stepStarted)}): ${message}`);
      results.push({ name: s.name, status: 'failed', error: message });
      await recover(ui);
    } finally {
      clearTimeout(timer);
    }
  }

  const failed = results.filter((r) => r.status === 'failed');
  const skipped = results.filter((r) => r.status === 'skipped');
  writeFileSync(join(resultsDir, 'results.json'), JSON.stringify(results, null, 2));
  say(`${results.length - failed.length - skipped.length} passed, ${failed.length} failed, ${skipped.length} skipped in ${seconds(Date.now() - started)}; screenshots in test-results/e2e/`);
  if (failed.length) {
    writeFileSync(join(resultsDir, 'code-server.log'), server.logTail(1000));
    return 1;
  }
  return 0;
}

/** The first line of an error, plus the locator Playwright was waiting for (not its whole call log). */
function brief(error) {
  const lines = (error instanceof Error ? error.message : String(error)).replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  const waiting = lines.find((l) => /waiting for (locator|getBy|function)/.test(l));
  return [lines[0], waiting?.trim()].filter(Boolean).join(' | ');
}

/** After a failed step: close whatever it left open so the next step starts clean. */
async function recover(ui) {
  try {
    for (let i = 0; i < 3; i++) await ui.page.keyboard.press('Escape');
    await ui.closeAllEditors();
  } catch (error) {
    say(`could not reset the workbench after the failure: ${error instanceof Error ? error.message : error}`);
  }
}

let exitCode;
try {
  exitCode = await main();
} catch (error) {
  process.stderr.write(`[e2e] FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  exitCode = 1;
} finally {
  await runCleanups();
}
process.exit(exitCode);
