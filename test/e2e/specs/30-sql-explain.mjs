// SQL EXPLAIN as a user meets it, on the embedded PostgreSQL built from examples/shop-api's
// migrations: "Stakes: Explain SQL" on a query in TypeScript, the plan view (tree, bars, badges,
// estimate banner, findings, verified index, raw plan), copy / go back, the Problems panel, the
// editor context menu on a migration, and ANALYZE's two confirmations on a data-changing statement.
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { step } from '../harness.mjs';

const REPO = 'src/orders/repository.ts';
const STATUS_QUERY = 'WHERE o.status = $1';
const MIGRATION = 'migrations/002_customer_email_and_webhook_log.sql';
/** The first explain starts the embedded engine and loads the migrations (later starts reuse their database). */
const FIRST_RUN_MS = 200_000;

/** Whether PostgreSQL listens on 127.0.0.1:5432 (a one-off check from a child, skipUnless is synchronous). */
function portOpenSync() {
  const probe = "require('net').connect(5432,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))";
  return spawnSync(process.execPath, ['-e', probe], { timeout: 3000 }).status === 0;
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function explainStatusQuery(ui, timeout = 60_000, { firstStart = false } = {}) {
  await ui.openFile(REPO);
  const line = ui.lineOf(REPO, STATUS_QUERY);
  await ui.goToLine(line, 15);
  await ui.runCommand('Stakes: Explain SQL');
  if (firstStart) {
    // The first explain starts the engine behind a cancellable progress notification.
    const toast = await ui.waitNotification(/Starting embedded PostgreSQL/, { timeout: 15_000 });
    expect(/first start runs them/.test(toast), `the start-up notification does not say why it takes time: ${toast}`);
    await ui.screenshot('starting-embedded');
  }
  await ui.waitTab('SQL plan', { timeout });
  return ui.webviewText(/Seq Scan on orders/, { selector: '[data-testid="plan-tree"]', timeout });
}

step('SQL: "Explain SQL" on a query in TypeScript shows the plan, findings and a verified index', async (ui) => {
  const tree = await explainStatusQuery(ui, FIRST_RUN_MS, { firstStart: true });
  const view = ui.webview();
  expect(await view.locator('.node .bar.cost .bar-fill').count() > 0, 'plan nodes have no cost bars');
  expect(/costly \d+%/.test(tree), `no "costly" badge on the plan:\n${tree}`);
  const banner = await ui.webviewText(/ESTIMATE: assumed table sizes/, { selector: '[data-testid="estimate-banner"]' });
  expect(/orders/.test(banner), `the estimate banner does not name the assumed tables:\n${banner}`);
  const engine = await ui.webviewText(/\S/, { selector: '[data-testid="engine"]' });
  expect(/PGlite|embedded/i.test(engine), `the engine is not named: ${engine}`);
  const findings = await ui.webviewText(/What to do:/, { selector: '[data-testid="findings"]' });
  expect(/orders/.test(findings), `no finding about orders:\n${findings}`);
  const suggestions = await ui.webviewText(/CREATE INDEX/, { selector: '[data-testid="suggestions"]' });
  expect(/CREATE INDEX CONCURRENTLY/.test(suggestions) && /cost \S+ → \S+/.test(suggestions) && /−\d+%/.test(suggestions),
    `the suggestion lacks CONCURRENTLY or its before → after cost:\n${suggestions}`);
  await ui.screenshot('plan');
  // A finding that points at a node highlights it in the tree and shows its details.
  await view.locator('.finding.clickable').first().click();
  await view.locator('.node.selected .details').first().waitFor({ state: 'visible' });
  // The raw plan is there, folded until asked for.
  await view.locator('#raw > summary').click();
  await ui.webviewText(/"Node Type"/, { selector: '[data-testid="raw-plan"]' });
  await ui.screenshot('finding-and-raw-plan');
}, { timeoutMs: FIRST_RUN_MS + 60_000 });

step('SQL: "Copy CREATE INDEX" and "Go to SQL" in the plan view', async (ui) => {
  await explainStatusQuery(ui);
  await ui.webview().locator('[data-testid="suggestions"] button', { hasText: 'Copy CREATE INDEX' }).first().click();
  // waitForFunction does not await an async predicate, so poll the clipboard here.
  let copied = '';
  for (const deadline = Date.now() + 10_000; Date.now() < deadline && !/CREATE INDEX/.test(copied);) {
    copied = await ui.readClipboard();
    if (!/CREATE INDEX/.test(copied)) await ui.page.waitForTimeout(100);
  }
  expect(/^CREATE INDEX CONCURRENTLY .*orders.*;$/s.test(copied.trim()), `clipboard holds "${copied}"`);
  await ui.webview().locator('button', { hasText: 'Go to SQL' }).first().click();
  await ui.waitActiveEditor('repository.ts');
  // The explained query is selected again: the cursor ends inside that literal, with a selection.
  const status = ui.lineOf(REPO, STATUS_QUERY);
  const item = ui.page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+ \(\d+ selected\)/ }).first();
  await item.waitFor({ state: 'visible' });
  const line = Number(/Ln (\d+)/.exec(await item.innerText())[1]);
  expect(line >= status - 2 && line <= status + 3, `the selection ends on line ${line}, not in the query around line ${status}`);
});

step('SQL: findings are in the Problems panel with source "Stakes SQL"', async (ui) => {
  await explainStatusQuery(ui);
  await ui.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
  const row = ui.page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'Stakes SQL' }).first();
  await row.waitFor({ state: 'visible' });
  await ui.screenshot('problems');
  await ui.runCommand('View: Toggle Panel Visibility');
});

step('SQL: "Explain SQL" is on the context menu of a .sql file and explains the statement under the cursor', async (ui) => {
  await ui.openFile(MIGRATION);
  const from = ui.lineOf(MIGRATION, 'UPDATE orders o');
  await ui.selectLines(from, from + 3);
  const items = await ui.contextMenuItems();
  expect(items.includes('Stakes: Explain SQL'), `"Stakes: Explain SQL" missing from the context menu: ${items.join(', ')}`);
  await ui.contextMenu('Stakes: Explain SQL');
  await ui.waitTab('SQL plan');
  const tree = await ui.webviewText(/Update on orders/, { selector: '[data-testid="plan-tree"]', timeout: 60_000 });
  expect(/users/.test(tree), `the UPDATE … FROM users plan does not read users:\n${tree}`);
});

step('SQL: ANALYZE of an UPDATE asks twice, runs in a rolled-back transaction and says so', async (ui) => {
  await ui.openFile(MIGRATION);
  await ui.goToLine(ui.lineOf(MIGRATION, 'UPDATE orders o'), 3);
  await ui.runCommand('Stakes: Explain SQL with ANALYZE');
  const dialog = ui.page.locator('.monaco-dialog-box');
  await dialog.filter({ hasText: 'EXPLAIN ANALYZE' }).waitFor({ state: 'visible' });
  await ui.screenshot('first-confirmation');
  await dialog.locator('.monaco-button', { hasText: 'Run with ANALYZE' }).click();
  await dialog.filter({ hasText: 'changes data' }).waitFor({ state: 'visible' });
  const second = (await dialog.innerText()).replace(/\s+/g, ' ');
  expect(/rolled back/.test(second), `the second confirmation does not say it is rolled back: ${second}`);
  await ui.screenshot('second-confirmation');
  await dialog.locator('.monaco-button', { hasText: 'Run it in a rolled-back transaction' }).click();
  await ui.webviewText(/EXPLAIN ANALYZE/, { selector: 'header', timeout: 60_000 });
  await ui.webviewText(/rolled back: no data was changed/, { selector: '.banner.info' });
  await ui.screenshot('analyze');
});

step('SQL: declining the data-change confirmation runs nothing', async (ui) => {
  await ui.openFile(MIGRATION);
  await ui.goToLine(ui.lineOf(MIGRATION, 'UPDATE orders o'), 3);
  await ui.runCommand('Stakes: Explain SQL with ANALYZE');
  const dialog = ui.page.locator('.monaco-dialog-box');
  await dialog.locator('.monaco-button', { hasText: 'Run with ANALYZE' }).click();
  await dialog.filter({ hasText: 'changes data' }).waitFor({ state: 'visible' });
  await ui.page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  // Nothing ran: no plan view opened (the step started with every editor closed), no progress.
  await ui.page.waitForTimeout(1000); // give a wrongly started run the time to show itself
  const tabs = await ui.page.locator('.tabs-container .tab').allInnerTexts();
  expect(!tabs.some((t) => /SQL plan/.test(t)), `a plan view opened after declining: ${tabs.join(', ')}`);
  const toasts = await ui.page.locator('.notifications-toasts').innerText().catch(() => '');
  expect(!/explaining SQL|Starting embedded/.test(toasts), `an explain started after declining: ${toasts}`);
});

step('SQL: cancelling the engine start-up stops it cleanly; the next explain starts it again', async (ui, env) => {
  await ui.openFile(REPO);
  await ui.runCommand('Stakes: Stop embedded PostgreSQL');
  await ui.waitNotification(/embedded PostgreSQL (stopped|is not running)/);
  // With unchanged migrations the engine starts from its cached database in well under a second,
  // too soon to click Cancel: a changed migration makes this start run them again.
  appendFileSync(join(env.workspace, MIGRATION), '\n-- e2e: changed, so the next start runs the migrations again\n');
  await ui.goToLine(ui.lineOf(REPO, STATUS_QUERY), 15);
  await ui.runCommand('Stakes: Explain SQL');
  const toast = ui.page.locator('.notifications-toasts .notification-toast').filter({ hasText: /Starting embedded PostgreSQL/ }).first();
  await toast.waitFor({ state: 'visible', timeout: 15_000 });
  await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
  await ui.waitTab('SQL plan');
  const error = await ui.webviewText(/EXPLAIN cancelled/, { selector: '[data-testid="sql-error"]' });
  expect(/Cancelled/.test(error), `the view does not say it was cancelled:\n${error}`);
  await ui.screenshot('cancelled');
  await ui.webview().locator('button', { hasText: 'Try again' }).click();
  await ui.webviewText(/Seq Scan on orders/, { selector: '[data-testid="plan-tree"]', timeout: FIRST_RUN_MS });
}, { timeoutMs: FIRST_RUN_MS + 30_000 });

step('SQL: "Choose SQL connection…" keeps the password out of settings and tests the server', async (ui, env) => {
  const url = process.env.STAKES_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const typed = url.replace('://postgres@', '://postgres:not-in-settings@');
  await ui.openFile(REPO);
  await ui.runCommand('Stakes: Choose SQL connection…');
  await ui.pickQuickItem(/PostgreSQL server/);
  const input = ui.page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(typed);
  await ui.page.keyboard.press('Enter');
  await ui.pickQuickItem(/This workspace/);
  await ui.waitNotification(/EXPLAIN now runs on postgres:\/\//);
  const settingsFile = join(env.workspace, '.vscode', 'settings.json');
  const settings = readFileSync(settingsFile, 'utf8');
  expect(settings.includes(url), `.vscode/settings.json lacks the connection:\n${settings}`);
  expect(!settings.includes('not-in-settings'), `the password reached .vscode/settings.json:\n${settings}`);
  await ui.page.locator('.notification-toast .monaco-button', { hasText: 'Test connection' }).first().click();
  await ui.waitNotification(/connected to PostgreSQL \S+ — PostgreSQL \d+/, { timeout: 30_000 });
  await ui.screenshot('connected');
  // Back to the embedded engine for whatever runs next.
  await ui.runCommand('Stakes: Choose SQL connection…');
  await ui.pickQuickItem(/Embedded PostgreSQL/);
  await ui.pickQuickItem(/This workspace/);
  await ui.waitNotification(/EXPLAIN now runs on the embedded PostgreSQL/);
}, { skipUnless: () => (process.env.CI === 'true' || portOpenSync() ? undefined : 'no PostgreSQL on 127.0.0.1:5432 (.ci/services.sh starts it)') });
