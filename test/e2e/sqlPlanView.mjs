// End-to-end: the SQL plan webview in a real VS Code (code-server + Chromium). Opens
// examples/shop-api/src/orders/repository.ts, puts the cursor in findOrdersByStatus' query, runs
// "Stakes: Explain SQL" from the command palette and reads what the plan view shows.
//
//   node test/e2e/sqlPlanView.mjs [--vsix stakes.vsix]      (default: the repository folder, built)
//
// Exit code 0 when every check passed; a screenshot is written to test-results/sql-plan-view.png.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launchBrowser } from './browser.mjs';
import { copyExampleWorkspace, installVsix, runCleanups, scratchDir, startCodeServer } from './server.mjs';
import { ensureTools, repoRoot } from './tools.mjs';

const { values: options } = parseArgs({ options: { vsix: { type: 'string' } } });
/** First start builds the PGlite template and loads the migrations; allow a slow, shared machine. */
const PLAN_TIMEOUT_MS = Number(process.env.STAKES_SQL_E2E_TIMEOUT_MS || 180_000);

function say(message) {
  process.stdout.write(`[sql-e2e] ${message}\n`);
}

const failures = [];
function check(ok, what) {
  say(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

async function main() {
  await ensureTools();
  const root = scratchDir('sql-e2e');
  let extensionPath = repoRoot;
  if (options.vsix) {
    extensionPath = installVsix(resolve(options.vsix), join(root, 'packaged'));
  } else if (!existsSync(join(repoRoot, 'dist', 'sql.js')) || !existsSync(join(repoRoot, 'media', 'planView.js'))) {
    throw new Error('dist/sql.js or media/planView.js is missing: run "npm run build" first.');
  }
  const workspace = copyExampleWorkspace(root);
  const server = await startCodeServer({ root, smokeTestDriver: true });
  const { page } = await launchBrowser(root);

  // Load the extension as a development extension (no tests path): the workbench opens normally.
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = [['extensionDevelopmentPath', remote(extensionPath)]];
  await page.goto(`${server.origin}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.statusbar').waitFor({ timeout: 60_000 });

  // Open the file and put the cursor on the query (Ctrl+P, then Ctrl+G line:column).
  const file = 'src/orders/repository.ts';
  const text = readFileSync(join(workspace, file), 'utf8');
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes('WHERE o.status = $1'));
  if (line < 0) throw new Error(`${file} no longer contains "WHERE o.status = $1"; update this test.`);
  const column = lines[line].indexOf('o.status') + 1;
  await page.keyboard.press('Control+P');
  await page.keyboard.type('repository.ts');
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.monaco-editor .view-lines').first().waitFor();
  await page.waitForTimeout(500); // let the editor take focus (UI settle, not an outcome wait)
  await page.keyboard.press('Control+G');
  await page.keyboard.type(`${line + 1}:${column}`);
  await page.keyboard.press('Enter');

  // The Explain CodeLens is drawn above the SQL literals.
  await page.locator('.contentWidgets .codelens-decoration a, .codelens-decoration a').filter({ hasText: 'Explain' }).first()
    .waitFor({ timeout: 30_000 }).then(() => check(true, 'an "Explain" CodeLens is shown above SQL in code'),
      () => check(false, 'an "Explain" CodeLens is shown above SQL in code'));

  await page.keyboard.press('F1');
  await page.keyboard.type('Stakes: Explain SQL');
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: /Explain SQL$/ }).first();
  await row.waitFor();
  await row.click();

  const view = page.frameLocator('iframe.webview').frameLocator('#active-frame');
  const started = Date.now();
  await view.locator('[data-testid="plan-tree"], [data-testid="sql-error"]').first().waitFor({ timeout: PLAN_TIMEOUT_MS });
  say(`plan view answered in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const error = view.locator('[data-testid="sql-error"]');
  if (await error.count()) {
    check(false, `the plan view shows a plan, not an error: ${await error.innerText()}`);
    return;
  }
  const treeText = await view.locator('[data-testid="plan-tree"]').innerText();
  check(/Seq Scan on orders/.test(treeText), 'the plan tree shows the sequential scan on orders');
  check(await view.locator('.node .bar.cost .bar-fill').count() > 0, 'plan nodes have cost bars');
  check(await view.locator('[data-testid="estimate-banner"]').isVisible(), 'the "ESTIMATE: assumed table sizes" banner is shown for the embedded engine');
  const engine = await view.locator('[data-testid="engine"]').innerText();
  check(/PGlite|embedded/i.test(engine), `the engine is named (${engine})`);
  const findingCount = Number(await view.locator('[data-testid="finding-count"]').innerText());
  check(findingCount > 0, `findings are listed (${findingCount})`);
  const findings = await view.locator('[data-testid="findings"]').innerText().catch(() => '');
  check(/orders/.test(findings) && /What to do:/.test(findings), 'each finding names the node and says what to do');
  const suggestions = await view.locator('[data-testid="suggestions"]').innerText().catch(() => '');
  check(/CREATE INDEX CONCURRENTLY/.test(suggestions) && /cost .+ → /.test(suggestions), 'a verified CREATE INDEX with before → after cost is suggested');

  // Clicking a finding that points at a node highlights that node in the tree.
  const clickable = view.locator('.finding.clickable').first();
  if (await clickable.count()) {
    await clickable.click();
    await view.locator('.node.selected').first().waitFor({ timeout: 5000 }).then(() => check(true, 'clicking a finding highlights its plan node'),
      () => check(false, 'clicking a finding highlights its plan node'));
  } else {
    check(false, 'at least one finding points at a plan node');
  }
  // The raw plan is there, collapsed.
  await view.locator('#raw > summary').click();
  const raw = await view.locator('[data-testid="raw-plan"]').innerText();
  check(/"Node Type"/.test(raw), 'the raw JSON plan is shown');

  // Findings also reach the Problems panel.
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel .monaco-list-row').first().waitFor({ timeout: 10_000 }).catch(() => {});
  const problems = await page.locator('.markers-panel').innerText().catch(() => '');
  check(/Stakes SQL/.test(problems), 'findings appear in the Problems panel (source "Stakes SQL")');

  const dir = join(repoRoot, 'test-results');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, 'sql-plan-view.png') });
  say('screenshot: test-results/sql-plan-view.png');
}

let exitCode = 1;
try {
  await main();
  exitCode = failures.length ? 1 : 0;
  if (failures.length) say(`${failures.length} check(s) failed`);
} catch (error) {
  process.stderr.write(`[sql-e2e] FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
} finally {
  await runCleanups();
}
process.exit(exitCode);
