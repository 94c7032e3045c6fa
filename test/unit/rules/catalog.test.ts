/**
 * The catalogue keeps the registry honest (like typescript-eslint's index and docs tests): every rule folder
 * is in the catalogue with meta.ts, index.ts and a matcher per declared language; ids match folder names;
 * every message a matcher reports exists; the README's table and `stakes audit --list-rules` are the
 * catalogue's own output.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listRulesText, RULE_MODULES, RULES, ruleTableMarkdown } from '../../../src/core/rules/catalog';
import { runCli } from '../../support/cli';
import { RULES_DIR } from './fixtures.test';

const README = path.resolve(__dirname, '../../../../README.md');
const MATCHER_FILE: Record<string, string> = { typescript: 'ts.ts', python: 'python.ts', go: 'go.ts', sql: 'sql.ts' };

describe('rule catalogue', () => {
  it('has one folder per rule, named by its id, with its metadata and a matcher per language', () => {
    const folders = fs.readdirSync(RULES_DIR, { withFileTypes: true }).filter((d) => d.isDirectory() && fs.existsSync(path.join(RULES_DIR, d.name, 'meta.ts'))).map((d) => d.name).sort();
    assert.deepEqual(folders, RULES.map((r) => r.id).sort(), 'every rule folder is in catalog.ts, and every catalogued rule has a folder');
    for (const m of RULE_MODULES) {
      const dir = path.join(RULES_DIR, m.meta.id);
      assert.ok(fs.existsSync(path.join(dir, 'index.ts')), `${m.meta.id}: index.ts`);
      const langs = m.meta.languages.filter((l) => l !== 'sql' || m.sql);
      for (const lang of langs) {
        const key = lang === 'sql' ? 'sql' : lang;
        // Migration rules serve TypeScript and Python migrations through their one SQL matcher.
        const file = m.sql ? 'sql.ts' : MATCHER_FILE[lang];
        assert.ok(fs.existsSync(path.join(dir, file)), `${m.meta.id}: ${file} for ${lang}`);
        if (!m.sql) assert.ok((m as unknown as Record<string, unknown>)[key], `${m.meta.id}: index.ts exports its ${lang} matcher`);
      }
      assert.ok(m.meta.tier === 'problem' || m.meta.tierReason, `${m.meta.id}: a hint-tier rule says why`);
    }
  });

  it('reports only messages its metadata declares', () => {
    for (const m of RULE_MODULES) {
      const dir = path.join(RULES_DIR, m.meta.id);
      for (const f of fs.readdirSync(dir).filter((x) => /^(?:ts|python|go|sql)\.ts$/.test(x))) {
        const text = fs.readFileSync(path.join(dir, f), 'utf8');
        for (const id of [...text.matchAll(/(?:report\([^,]+,\s*|messageId:\s*)(?:[^'"\n]*\?\s*)?'(\w+)'(?:\s*:\s*'(\w+)')?/g)].flatMap((x) => [x[1], x[2]]).filter(Boolean)) {
          assert.ok(id in m.meta.messages, `${m.meta.id}/${f} reports message "${id}", which meta.ts does not declare`);
        }
      }
    }
  });

  it('README.md holds the table the catalogue generates', () => {
    const readme = fs.readFileSync(README, 'utf8');
    const m = /<!-- rules-table:start -->\n([\s\S]*?)\n<!-- rules-table:end -->/.exec(readme);
    assert.ok(m, 'README.md has <!-- rules-table:start --> … <!-- rules-table:end -->');
    assert.equal(m[1], ruleTableMarkdown(), 'regenerate the table: node -e "console.log(require(\'./out/src/core/rules/catalog\').ruleTableMarkdown())"');
  });

  it('stakes audit --list-rules prints the catalogue', async () => {
    const r = await runCli(['audit', '--list-rules']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, listRulesText());
    for (const rule of RULES) assert.match(r.stdout, new RegExp(`^${rule.id} `, 'm'));
  });
});
