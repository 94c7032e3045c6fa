/**
 * Every Stakes webview opens as a real editor tab from its command. One `it` per view: adding a
 * view is a few lines (command, its preconditions, the view type).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { FakeProviders, reviewText } from '../support/fake-providers';
import { closeAllEditors, openFile, stakes, waitForWebview, webviewTabs, withSetting } from './helpers';

describe('webviews open from their commands', function () {
  this.timeout(120_000);
  afterEach(closeAllEditors);

  it('"Explain SQL" opens the SQL plan view (embedded PostgreSQL, no server)', async () => {
    await stakes();
    // PLANTED.md Q1: the back-office queue query, a SELECT with an unindexed filter.
    const editor = await openFile('src/orders/repository.ts');
    const line = editor.document.getText().split('\n').findIndex((l) => l.includes('WHERE o.status = $1'));
    assert.ok(line >= 0, 'the findOrdersByStatus query is no longer in src/orders/repository.ts');
    editor.selection = new vscode.Selection(line, 12, line, 12);
    assert.equal(webviewTabs('stakes.sqlPlan').length, 0);
    await vscode.commands.executeCommand('stakes.sql.explain');
    const tab = await waitForWebview('stakes.sqlPlan');
    assert.equal(tab.label, 'SQL plan');
  });

  it('"Review selection" opens the audit report (loopback fake provider)', async () => {
    await stakes();
    const fake = await new FakeProviders().start();
    const undo = [
      await withSetting('audit.provider', 'openai-compatible'),
      await withSetting('audit.openaiCompatible.baseUrl', `${fake.url}/v1`),
      await withSetting('audit.maxRetries', 0),
      await withSetting('audit.localOnly', false),
      await withSetting('audit.confirmAboveUsd', 100),
    ];
    try {
      fake.fallback = { kind: 'ok', text: reviewText([], 'Nothing to report in this selection.') };
      const editor = await openFile('src/products/routes.ts');
      editor.selection = new vscode.Selection(0, 0, Math.min(10, editor.document.lineCount - 1), 0);
      await vscode.commands.executeCommand('stakes.audit.selection');
      const tab = await waitForWebview('stakes.auditReport');
      assert.match(tab.label, /audit/i);
      assert.equal(fake.modelRequests().length, 1, 'exactly one request reached the provider');
    } finally {
      for (const u of undo.reverse()) await u();
      await fake.stop();
      await vscode.commands.executeCommand('stakes.audit.clearFindings');
    }
  });
});
