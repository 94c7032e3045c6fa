/**
 * CI runs every command README.md and src/README.md document (.ci/readme-commands.mjs). This keeps
 * the READMEs and that check in step between CI runs: a new documented command must say how it runs.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../../support/activation';

interface Documented { doc: string; text: string }

describe('docs: the documented commands', () => {
  it('are all known to the README check CI runs, synopses aside', async () => {
    const check = await import(pathToFileURL(path.join(ROOT, '.ci/readme-commands.mjs')).href) as {
      documentedCommands: (root: string) => Documented[]; unknownCommands: (root: string) => Documented[];
    };
    const all = check.documentedCommands(ROOT).map((c) => c.text);
    // The scanner is not blind: the quick start, a CLI example and the dev commands are among them.
    for (const c of ['npm ci && npm start', 'npm ci && npm test', 'stakes audit --offline src migrations', 'npm run test:e2e', 'npm run test:vscode', 'npm run bench']) {
      assert.ok(all.includes(c), `${c} not found among ${all.length} documented commands`);
    }
    assert.ok(!all.some((c) => c.startsWith('stakes classify PATH')), 'a synopsis was taken for a command');
    assert.deepEqual(check.unknownCommands(ROOT).map((c) => `${c.doc}: ${c.text}`), []);
  });
});
