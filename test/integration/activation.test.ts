import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extension, stakes } from './helpers';

describe('activation', () => {
  it('activates and returns the test API', async () => {
    const api = await stakes();
    assert.ok(extension().isActive);
    assert.equal(typeof api.status, 'function');
  });

  it('registers every command it contributes', async () => {
    await stakes();
    const contributed: { command: string }[] = extension().packageJSON.contributes?.commands ?? [];
    assert.ok(contributed.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('registers the status bar commands', async () => {
    await stakes();
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of ['stakes.showWhy', 'stakes.openRoutingTable', 'stakes.pinLabel', 'stakes.copyModelName']) {
      assert.ok(registered.has(id), `${id} is not registered`);
    }
  });
});
