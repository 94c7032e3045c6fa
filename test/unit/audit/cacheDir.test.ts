import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheLayout, stakesCacheDir } from '../../../src/core/cacheDir';

describe('cache directory (core/cacheDir.ts: one decision for the CLI and the extension)', () => {
  const home = path.join(os.homedir(), '.cache', 'stakes');

  it('STAKES_CACHE_DIR wins over the host\'s storage and XDG_CACHE_HOME', () => {
    assert.equal(stakesCacheDir({ STAKES_CACHE_DIR: '/tmp/pinned', XDG_CACHE_HOME: '/xdg' }, '/vscode/globalStorage'), path.resolve('/tmp/pinned'));
    assert.equal(stakesCacheDir({ STAKES_CACHE_DIR: 'rel/cache' }), path.resolve('rel/cache'));
  });

  it('then the host\'s own storage (VS Code), then $XDG_CACHE_HOME/stakes, then ~/.cache/stakes', () => {
    assert.equal(stakesCacheDir({ XDG_CACHE_HOME: '/xdg' }, '/vscode/globalStorage'), '/vscode/globalStorage');
    assert.equal(stakesCacheDir({ XDG_CACHE_HOME: '/xdg' }), path.join('/xdg', 'stakes'));
    assert.equal(stakesCacheDir({}), home);
  });

  it('ignores empty values and a relative XDG_CACHE_HOME, as the XDG spec says', () => {
    assert.equal(stakesCacheDir({ STAKES_CACHE_DIR: '  ', XDG_CACHE_HOME: '' }), home);
    assert.equal(stakesCacheDir({ XDG_CACHE_HOME: 'relative' }), home);
  });

  it('lays out what lives there', () => {
    const l = cacheLayout('/c');
    assert.deepEqual(l, { root: '/c', auditResults: path.join('/c', 'audit-cache'), spendLedger: path.join('/c', 'audit-spend.json'), rawResponses: path.join('/c', 'audit-raw'), sql: '/c' });
  });
});
