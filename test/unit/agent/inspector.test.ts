/**
 * An independent client: the MCP Inspector's CLI (@modelcontextprotocol/inspector, built on the
 * v2 client packages, not the SDK the server uses) starts `stakes mcp` and lists, checks the tool
 * schemas' portability (--strict), calls each tool and reads the routing table. Offline: the
 * Inspector is a devDependency; HOME points at a temporary folder so it keeps nothing in the real one.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../../support/activation';
import { CLI, TEST_CACHE_DIR } from '../../support/mcp';

const INSPECTOR = path.join(ROOT, 'node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js');

describe('stakes mcp with the MCP Inspector CLI (independent client)', function () {
  this.timeout(180_000);
  let dir: string;

  before(() => {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `node esbuild.mjs` (npm test does)');
    if (!fs.existsSync(INSPECTOR)) throw new Error('@modelcontextprotocol/inspector is missing: run npm ci');
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-inspector-')));
    fs.mkdirSync(path.join(dir, 'api/src'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'api/migrations'));
    fs.writeFileSync(path.join(dir, 'api/src/session.ts'), [
      "import jwt from 'jsonwebtoken';",
      "import { db } from './db';",
      "const SECRET = 'dev-secret-do-not-ship-0123456789';",
      'export async function login(req, res) {',
      '  const rows = await db.query("SELECT id, password_hash FROM users WHERE email = \'" + req.body.email + "\'");',
      '  if (!rows.length) return res.status(401).end();',
      "  res.json({ token: jwt.sign({ sub: rows[0].id }, SECRET) });",
      '}',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'api/migrations/001.sql'), 'CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function inspector(...args: string[]): { code: number | null; json: Record<string, unknown>; stderr: string } {
    const r = spawnSync(process.execPath, [INSPECTOR, '--cli', process.execPath, CLI, 'mcp', '--root', path.join(dir, 'api'), ...args], {
      encoding: 'utf8', env: { ...process.env, STAKES_CACHE_DIR: TEST_CACHE_DIR, HOME: dir }, timeout: 120_000,
    });
    let json: Record<string, unknown> = {};
    try { json = JSON.parse(r.stdout) as Record<string, unknown>; } catch { /* asserted by the caller */ }
    return { code: r.status, json, stderr: r.stderr };
  }

  it('lists the tools with portable schemas, calls each tool, reads the routing table, sees errors', () => {
    const list = inspector('--method', 'tools/list', '--strict');
    assert.equal(list.code, 0, list.stderr);
    assert.doesNotMatch(list.stderr, /^(Warning|Error)/m, 'no schema portability problems');
    assert.deepEqual((list.json.tools as Array<{ name: string }>).map((t) => t.name), ['stakes_classify', 'stakes_check', 'stakes_explain_sql', 'stakes_review_status']);

    const classify = inspector('--method', 'tools/call', '--tool-name', 'stakes_classify', '--tool-arg', 'paths=["src/session.ts"]');
    assert.equal(classify.code, 0, classify.stderr);
    assert.equal((classify.json.structuredContent as { label: string }).label, 'sensitive');

    const check = inspector('--method', 'tools/call', '--tool-name', 'stakes_check', '--tool-arg', 'paths=["src"]');
    assert.equal(check.code, 0, check.stderr);
    const rules = (check.json.structuredContent as { findings: Array<{ ruleId: string }> }).findings.map((f) => f.ruleId);
    assert.ok(rules.includes('sql-injection'), rules.join(', '));

    const explain = inspector('--method', 'tools/call', '--tool-name', 'stakes_explain_sql', '--tool-arg', 'sql=SELECT id FROM users WHERE email = $1');
    assert.equal(explain.code, 0, explain.stderr);
    assert.equal((explain.json.structuredContent as { engine: { kind: string } }).engine.kind, 'embedded');

    const table = inspector('--method', 'resources/read', '--uri', 'stakes://routing-table');
    assert.equal(table.code, 0, table.stderr);
    assert.match(((table.json.contents as Array<{ text: string }>)[0]).text, /"sensitive"/);

    const escape = inspector('--method', 'tools/call', '--tool-name', 'stakes_classify', '--tool-arg', 'paths=["../.."]');
    assert.notEqual(escape.code, 0);
    assert.equal(escape.json.isError, true);
    const body = JSON.parse(((escape.json.content as Array<{ text: string }>)[0]).text) as { error: { code: string } };
    assert.equal(body.error.code, 'OUTSIDE_WORKSPACE');
  });
});
