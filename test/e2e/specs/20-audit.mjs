// The AI audit as a user meets it, against the loopback fake provider (see ../fake-providers.mjs):
// "Review selection" on the editor's context menu, the report webview, "Go to code", the Problems
// panel, and "Audit current file" from the palette.
import { step } from '../harness.mjs';
import { PLANTED_INJECTION_REVIEW } from '../fake-providers.mjs';

const ADMIN = 'src/admin/routes.ts';
/** The editor context menu entry (VS Code shows menu titles without the category). */
const REVIEW_SELECTION = /^(Stakes: )?Review selection$/;
const FINDING = PLANTED_INJECTION_REVIEW.findings[0];
const needsFake = { skipUnless: (env) => (env.fakeProviders ? undefined : 'the fake provider server is not built (run npx tsc -p .)') };

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

step('report commands are offered only once there is a report (stakes.audit.hasReport)', async (ui) => {
  await ui.openFile(ADMIN);
  expect(await ui.paletteHas('Stakes: Audit current file'), 'the palette does not offer "Stakes: Audit current file"');
  for (const title of ['Stakes: Open audit report', 'Stakes: Clear audit findings']) {
    expect(!(await ui.paletteHas(title)), `"${title}" is offered before any audit ran`);
  }
});

step('"Review selection" is on the context menu only when text is selected', async (ui) => {
  await ui.openFile(ADMIN);
  await ui.goToLine(ui.lineOf(ADMIN, "WHERE o.created_at BETWEEN"), 5);
  const without = await ui.contextMenuItems();
  expect(!without.some((i) => REVIEW_SELECTION.test(i)), `"Review selection" offered with nothing selected: ${without.join(', ')}`);
  await ui.selectLines(ui.lineOf(ADMIN, '// Date-bounded export'), ui.lineOf(ADMIN, 'const { rows } = await pool.query'));
  const withSelection = await ui.contextMenuItems();
  expect(withSelection.some((i) => REVIEW_SELECTION.test(i)), `"Review selection" missing from the context menu: ${withSelection.join(', ')}`);
});

step('right-click "Review selection" shows the grounded finding in the report', async (ui, env) => {
  env.fakeProviders.server.reset();
  await ui.openFile(ADMIN);
  await ui.selectLines(ui.lineOf(ADMIN, '// Date-bounded export'), ui.lineOf(ADMIN, 'const { rows } = await pool.query'));
  await ui.contextMenu(REVIEW_SELECTION);
  await ui.waitTab('Stakes audit');
  const finding = await ui.webviewText(FINDING.title, { selector: '[data-testid="finding"]', timeout: 60_000 });
  expect(/critical/i.test(finding), `the finding card lacks its severity:\n${finding}`);
  expect(finding.includes(`${ADMIN} · line ${ui.lineOf(ADMIN, FINDING.evidence)}`), `the finding card does not cite ${ADMIN} at the evidence line:\n${finding}`);
  expect(finding.includes(FINDING.evidence), `the finding card lacks the quoted evidence:\n${finding}`);
  const header = await ui.webviewText(/Model/, { selector: '[data-testid="report-header"]' });
  expect(/openai-compatible/.test(header), `the report header does not name the provider:\n${header}`);
  await ui.screenshot('report', { readme: 'audit-report' });
  // Exactly one request reached the fake model, and it carried the selected code.
  const requests = env.fakeProviders.server.modelRequests();
  expect(requests.length === 1, `expected 1 model request, saw ${requests.length}`);
  expect(requests[0].body.includes('BETWEEN'), 'the request did not contain the selected code');
}, needsFake);

step('"Go to code" in the report jumps to the evidence line', async (ui) => {
  await ui.openFile(ADMIN);
  await ui.runCommand('Stakes: Open audit report');
  await ui.waitTab('Stakes audit');
  const go = ui.webview().locator('[data-testid="finding"] button', { hasText: 'Go to code' }).first();
  await go.click();
  await ui.waitActiveEditor('routes.ts');
  await ui.page.locator('.statusbar-item', { hasText: new RegExp(`^\\s*Ln ${ui.lineOf(ADMIN, FINDING.evidence)},`) }).first().waitFor({ state: 'visible' });
}, needsFake);

step('the finding is in the Problems panel with source Stakes', async (ui) => {
  await ui.openFile(ADMIN);
  await ui.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
  const row = ui.page.locator('.markers-panel .monaco-list-row').filter({ hasText: FINDING.title }).first();
  await row.waitFor({ state: 'visible' });
  const text = (await row.innerText()).replace(/\s+/g, ' ');
  expect(/Stakes/.test(text), `the Problems row does not name Stakes: ${text}`);
  await ui.screenshot('problems');
  await ui.runCommand('View: Toggle Panel Visibility');
}, needsFake);

step('"Audit current file" from the palette reports on the whole file', async (ui, env) => {
  env.fakeProviders.server.reset();
  await ui.openFile(ADMIN);
  await ui.runCommand('Stakes: Audit current file');
  await ui.waitTab('Stakes audit');
  await ui.webviewText(/Audit: .*routes\.ts/, { selector: '[data-testid="report-header"]', timeout: 60_000 });
  await ui.webviewText(FINDING.title, { selector: '[data-testid="finding"]' });
  const requests = env.fakeProviders.server.modelRequests();
  expect(requests.length === 1, `expected 1 model request, saw ${requests.length}`);
  expect(requests[0].body.includes('customers/:email/orders'), 'the whole file was not sent');
}, needsFake);
