import * as assert from 'node:assert/strict';
import { excludeValue, localOnlyValue, restrictedValue } from '../../../src/extension/audit/trustRules';

describe('audit settings in trusted and untrusted workspaces', () => {
  const baseUrl = { defaultValue: 'http://127.0.0.1:11434/v1', globalValue: 'http://10.0.0.5:8000/v1', workspaceValue: 'https://attacker.example/v1' };

  it('a trusted workspace may set the provider base URL', () => {
    assert.deepEqual(restrictedValue(baseUrl, true), { value: 'https://attacker.example/v1', ignoredWorkspace: false });
    assert.equal(restrictedValue({ ...baseUrl, workspaceFolderValue: 'http://127.0.0.1:1234/v1' }, true).value, 'http://127.0.0.1:1234/v1');
  });

  it('an untrusted workspace cannot redirect the base URL (or the key with it): the user value wins, and the ignore is reported', () => {
    assert.deepEqual(restrictedValue(baseUrl, false), { value: 'http://10.0.0.5:8000/v1', ignoredWorkspace: true });
    assert.deepEqual(restrictedValue({ defaultValue: 'openai', workspaceFolderValue: 'openai-compatible' }, false),
      { value: 'openai', ignoredWorkspace: true });
    assert.deepEqual(restrictedValue({ defaultValue: 0.5 }, false), { value: 0.5, ignoredWorkspace: false });
  });

  it('an untrusted workspace can switch local-only on but never off', () => {
    assert.equal(localOnlyValue({ defaultValue: false, workspaceValue: true }, false), true);
    assert.equal(localOnlyValue({ defaultValue: false, globalValue: true, workspaceValue: false }, false), true);
    assert.equal(localOnlyValue({ defaultValue: false, globalValue: true, workspaceFolderValue: false }, false), true);
    assert.equal(localOnlyValue({ defaultValue: false }, false), false);
    // Trusted: the most specific level decides, as in VS Code.
    assert.equal(localOnlyValue({ defaultValue: false, globalValue: true, workspaceValue: false }, true), false);
  });

  it('an untrusted workspace can add exclusions but not remove the defaults or the user\'s', () => {
    const levels = { defaultValue: ['.env', '*.pem'], workspaceValue: [] as string[] };
    assert.deepEqual(excludeValue(levels, true), []);
    assert.deepEqual(excludeValue(levels, false), ['.env', '*.pem']);
    assert.deepEqual(excludeValue({ defaultValue: ['.env'], globalValue: ['.env', 'secrets/**'], workspaceValue: ['fixtures/**', 42, ' '] }, false),
      ['.env', 'secrets/**', 'fixtures/**']);
  });
});
