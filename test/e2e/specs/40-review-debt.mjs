// Review debt as a user meets it: the workspace becomes a git repository, an edit inside a
// sensitive function is saved, the status bar counts it and the "Review debt" view in the Source
// Control side bar lists it; "Audit now" sends it to the (fake) model, the review is recorded in
// .stakes/reviews/ and the debt clears.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { step } from '../harness.mjs';

const JWT = 'src/auth/jwt.ts';
const ANCHOR = 'payload = jwt.verify(token, config.JWT_SECRET, {';
const needsFake = { skipUnless: (env) => (env.fakeProviders ? undefined : 'the fake provider server is not built (run npx tsc -p .)') };
/** The pane of the Review debt view in the Source Control side bar. */
const PANE = '.pane:has(.pane-header[aria-label*="Review debt"])';

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

function git(workspace, ...args) {
  const env = { ...process.env, GIT_AUTHOR_NAME: 'Ada Reviewer', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada Reviewer', GIT_COMMITTER_EMAIL: 'ada@example.com' };
  return execFileSync('git', args, { cwd: workspace, env, encoding: 'utf8' }).trim();
}

/** Open the Source Control side bar and return the Review debt pane, expanded, with the side bar's other panes folded. */
async function reviewPane(ui) {
  await ui.runCommand('Stakes: Show review debt');
  const pane = ui.page.locator(PANE).first();
  await pane.waitFor({ state: 'visible' });
  const header = pane.locator('.pane-header').first();
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  const others = ui.page.locator('.sidebar .pane-header[aria-expanded="true"]').filter({ hasNotText: /Review debt/i });
  for (let i = await others.count(); i > 0; i--) await others.first().locator('.title').first().click();
  return pane;
}

/** Widen the side bar by dragging its edge (the sash beside it), as a user reading the reasons would. */
async function widenSideBar(ui, width = 640) {
  const sidebar = await ui.page.locator('.part.sidebar').boundingBox();
  const edge = sidebar.x + sidebar.width;
  const sashes = ui.page.locator('.monaco-sash.vertical');
  let target;
  for (let i = 0; i < await sashes.count(); i++) {
    const box = await sashes.nth(i).boundingBox();
    if (box && Math.abs(box.x + box.width / 2 - edge) < 6 && box.height > sidebar.height / 2) target = box;
  }
  if (!target) return;
  const x = target.x + target.width / 2;
  const y = target.y + target.height / 2;
  await ui.page.mouse.move(x, y);
  await ui.page.mouse.down();
  await ui.page.mouse.move(width, y, { steps: 10 });
  await ui.page.mouse.up();
}

step('review debt: the workspace becomes a repository, and an edit inside a sensitive function is counted once saved', async (ui, env) => {
  const ws = env.workspace;
  if (!existsSync(join(ws, '.git'))) git(ws, 'init', '-q', '-b', 'main');
  // Show VS Code's own changes list beside the Review debt view (the other steps run without the git extension).
  const settingsFile = join(ws, '.vscode', 'settings.json');
  writeFileSync(settingsFile, JSON.stringify({ ...JSON.parse(readFileSync(settingsFile, 'utf8')), 'git.enabled': true }, null, 2));
  git(ws, 'add', '-A');
  git(ws, 'commit', '-q', '-m', 'shop-api');
  await ui.openFile(JWT);
  await ui.waitStatus(/^GPT-5\.4 · sensitive$/);
  await ui.goToLine(ui.lineOf(JWT, ANCHOR), ANCHOR.length + 1);
  await ui.page.keyboard.press('End');
  await ui.page.keyboard.press('Enter');
  await ui.page.keyboard.type("algorithms: ['HS256'],");
  await ui.page.keyboard.press('Control+S');
  await ui.page.waitForFunction(() => !document.title.startsWith('●'));
  const text = await ui.waitStatus(/^GPT-5\.4 · sensitive · 1 unreviewed$/, { timeout: 30_000 });
  expect(text.endsWith('1 unreviewed'), text);
  // The offline rules re-check the saved file (the unpinned-algorithm warning goes away): let them finish before the picture.
  await ui.page.locator('.editor-group-container.active .squiggly-warning').first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => {});
  await ui.screenshot('status-bar-count');
}, { timeoutMs: 120_000, keepEditors: true });

step('review debt: the Source Control view lists the change, why it is sensitive and what clears it', async (ui) => {
  const pane = await reviewPane(ui);
  await widenSideBar(ui);
  const row = pane.locator('.monaco-list-row', { hasText: 'verifyAccessToken' }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  const description = (await row.innerText()).replace(/\s+/g, ' ');
  expect(/modified · sensitive · unreviewed/.test(description), `the change row reads "${description}"`);
  // Expand it: why, status, what clears it.
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
  const details = pane.locator('.monaco-list-row', { hasText: /^\s*(Why sensitive|No review covers|Clears with)/ });
  await details.nth(2).waitFor({ state: 'visible' });
  const shown = (await pane.locator('.monaco-list-rows').innerText()).replace(/\s+/g, ' ');
  expect(/jwt\.ts/.test(shown), `the file row is missing: ${shown}`);
  expect(/Clears with an audit by a sensitive-tier model/.test(shown), `"what clears it" is missing: ${shown}`);
  const message = (await pane.locator('.message').first().innerText().catch(() => '')).trim();
  expect(/^1 unreviewed sensitive change against HEAD/.test(message), `the view's message reads "${message}"`);
  await row.hover();
  for (const action of ['Audit now', 'Review selection', 'Mark reviewed…', 'Go to code']) {
    await row.locator(`.action-label[aria-label="${action}"]`).waitFor({ state: 'visible' });
  }
  await ui.screenshot('view', { readme: 'review-debt-view' });
}, { keepEditors: true });

step('review debt: "Audit now" sends the change to the model the label routes to, records the review and clears it', async (ui, env) => {
  const fake = env.fakeProviders.server;
  fake.reset();
  fake.push({ kind: 'ok', text: JSON.stringify({ summary: 'The algorithm list is pinned to HS256.', findings: [] }) });
  const pane = await reviewPane(ui);
  const row = pane.locator('.monaco-list-row', { hasText: 'verifyAccessToken' }).first();
  await row.hover();
  await row.locator('.action-label[aria-label="Audit now"]').click();
  await ui.waitTab('Stakes audit');
  await ui.webviewText(/No findings/, { selector: '[data-testid="report-header"], body', timeout: 60_000 });
  const requests = fake.modelRequests();
  expect(requests.length === 1, `expected 1 model request, saw ${requests.length}`);
  const body = JSON.parse(requests[0].body);
  expect(body.model === 'qwen3-coder', `the audit used ${body.model}, not the sensitive-tier model of the openai-compatible row`);
  expect(requests[0].body.includes("algorithms: ['HS256']"), 'the change was not sent');
  await ui.openFile(JWT);
  await ui.waitStatus(/^GPT-5\.4 · sensitive$/, { timeout: 30_000 });
  await reviewPane(ui);
  await ui.page.locator(`${PANE} .message`, { hasText: /No unreviewed changes against HEAD/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
  const records = readdirSync(join(env.workspace, '.stakes', 'reviews'));
  expect(records.length === 1, `expected one review record, found ${records.join(', ') || 'none'}`);
  const record = JSON.parse(readFileSync(join(env.workspace, '.stakes', 'reviews', records[0]), 'utf8'));
  expect(record.by.model === 'qwen3-coder' && record.changes.some((c) => c.name === 'verifyAccessToken'), JSON.stringify(record));
  await ui.screenshot('cleared', { readme: 'review-debt-cleared' });
}, { ...needsFake, timeoutMs: 120_000, keepEditors: true });
