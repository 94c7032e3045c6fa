// Offline rules in the editor: opening a sensitive file runs the deterministic rules locally (no
// model, no network) and their findings appear in the Problems panel as "Stakes rules".
import { step } from '../harness.mjs';

step('opening src/auth/jwt.ts lists the refresh token that is decoded but never verified in Problems (offline rules)', async (ui) => {
  await ui.openFile('src/auth/jwt.ts');
  await ui.waitStatus('GPT-5.4 · sensitive');
  await ui.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
  const row = ui.page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'JWT decoded but never verified' }).first();
  await row.waitFor({ state: 'visible', timeout: 60_000 });
  const text = (await row.innerText()).replace(/\s+/g, ' ');
  if (!/Stakes rules/.test(text) || !/Ln 65\b/.test(text)) throw new Error(`the Problems row should name "Stakes rules" at Ln 65: ${text}`);
  await ui.screenshot('problems');
  await ui.runCommand('View: Toggle Panel Visibility');
});
