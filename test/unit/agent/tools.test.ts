/**
 * The agent tools in-process (src/core/agent): paths that escape the roots, diffs applied or not,
 * changes against a git base, pages and cursors, error codes, and results checked against the
 * output schemas. The same calls over MCP are in mcp.test.ts.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AgentSession } from '../../../src/core/agent/session';
import { callTool, listTools, readResource, type ToolOutcome } from '../../../src/core/agent/tools';
import { ERROR_CODE_NAMES } from '../../../src/core/agent/errors';
import { INJECTABLE_HANDLER } from '../../support/agentFixtures';


const README = '# Demo\n\nA small service.\n';

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8' });
}

function ok(r: ToolOutcome): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  if (!r.ok) assert.fail(`expected a result, got ${JSON.stringify(r.error)}`);
  return r.value;
}

function err(r: ToolOutcome): { code: string; message: string; action: string; retryable: boolean; details?: Record<string, unknown> } {
  if (r.ok) assert.fail(`expected an error, got ${JSON.stringify(r.value).slice(0, 300)}`);
  return r.error;
}

describe('agent tools (core/agent)', function () {
  this.timeout(30_000);
  let base: string;
  let root: string;
  let outside: string;
  let session: AgentSession;
  const call = (name: string, args: unknown) => callTool(name, args, session.context());

  before(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-agent-')));
    root = path.join(base, 'ws');
    outside = path.join(base, 'outside');
    fs.mkdirSync(path.join(root, 'src'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(root, 'src/users.ts'), INJECTABLE_HANDLER);
    fs.writeFileSync(path.join(root, 'README.md'), README);
    fs.writeFileSync(path.join(outside, 'secret.ts'), "export const KEY = 'sk_live_0123456789abcdef0123456789';\n");
    fs.symlinkSync(path.join(outside, 'secret.ts'), path.join(root, 'src/link-out.ts'));
    fs.symlinkSync(outside, path.join(root, 'linked-dir'));
    fs.symlinkSync(path.join(root, 'src/users.ts'), path.join(root, 'src/link-in.ts'));
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', 'src/users.ts', 'README.md');
    git(root, 'commit', '-qm', 'init');
    session = new AgentSession({ roots: [root], explainer: { cacheDir: path.join(base, 'cache') } });
  });
  after(async () => {
    await session.dispose();
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('lists four tools with strict JSON Schemas for input and output, all read-only', () => {
    const tools = listTools(session.context());
    assert.deepEqual(tools.map((t) => t.name), ['stakes_classify', 'stakes_check', 'stakes_explain_sql', 'stakes_review_status']);
    for (const t of tools) {
      assert.equal(t.inputSchema.type, 'object', t.name);
      assert.equal(t.inputSchema.additionalProperties, false, `${t.name} refuses unknown arguments`);
      assert.equal(t.outputSchema.type, 'object', t.name);
      assert.equal(t.outputSchema.additionalProperties, false, `${t.name} output is strict`);
      assert.equal(t.annotations.readOnlyHint, true);
      assert.equal(t.annotations.destructiveHint, false);
      assert.equal(t.annotations.openWorldHint, false, 'embedded engine: nothing leaves the machine');
      assert.ok(t.description.length > 80);
    }
  });

  it('classifies a file: label, confidence, recommended model with the reason, evidence with lines', async () => {
    const r = ok(await call('stakes_classify', { paths: ['src/users.ts'] }));
    assert.equal(r.label, 'sensitive');
    assert.equal(r.files.length, 1);
    const f = r.files[0];
    assert.equal(f.path, 'src/users.ts');
    assert.equal(f.label, 'sensitive');
    assert.ok(f.confidence > 0 && f.confidence <= 1);
    assert.ok(f.recommendation.name && f.recommendation.why, JSON.stringify(f.recommendation));
    assert.ok(f.evidence.some((e: { line: number | null }) => e.line === 3), JSON.stringify(f.evidence));
    assert.equal(r.page.nextCursor, null);
  });

  it('refuses paths outside the roots: .., absolute, and symlinks that lead out (files and directories)', async () => {
    for (const p of ['../outside/secret.ts', path.join(outside, 'secret.ts'), 'src/link-out.ts', 'linked-dir', 'linked-dir/secret.ts', '/etc/passwd', 'src/../../outside']) {
      for (const tool of ['stakes_classify', 'stakes_check']) {
        const e = err(await call(tool, { paths: [p] }));
        assert.equal(e.code, 'OUTSIDE_WORKSPACE', `${tool} ${p}: ${e.message}`);
        assert.equal(e.retryable, false);
        assert.match(e.action, /inside/);
      }
    }
    // A symlink that stays inside the root is fine; walking a directory never follows links.
    ok(await call('stakes_classify', { paths: ['src/link-in.ts'] }));
    const walked = ok(await call('stakes_classify', { paths: ['.'] }));
    assert.deepEqual(walked.files.map((f: { path: string }) => f.path).sort(), ['README.md', 'src/users.ts']);
  });

  it('refuses a FIFO without blocking on it, and names missing paths', async function () {
    if (process.platform === 'win32') this.skip();
    const fifo = path.join(root, 'pipe.ts');
    execFileSync('mkfifo', [fifo]);
    try {
      const e = err(await call('stakes_check', { paths: ['pipe.ts'] }));
      assert.equal(e.code, 'INVALID_PATH');
      assert.match(e.message, /FIFO/);
    } finally {
      fs.rmSync(fifo);
    }
    const missing = err(await call('stakes_classify', { paths: ['src/nope.ts'] }));
    assert.equal(missing.code, 'INVALID_PATH');
    assert.match(missing.message, /no such file/);
  });

  it('checks a diff that is already applied, one that is not yet, and says when one is stale', async () => {
    const applied = [
      '--- a/src/users.ts', '+++ b/src/users.ts', '@@ -3 +3 @@',
      '-  const rows = await db.query("SELECT * FROM users WHERE id = $1", [req.params.id]);',
      '+  const rows = await db.query("SELECT * FROM users WHERE id = " + req.params.id);', '',
    ].join('\n');
    const a = ok(await call('stakes_check', { diff: applied }));
    assert.deepEqual(a.findings.map((f: { ruleId: string }) => f.ruleId), ['sql-injection']);
    assert.equal(a.findings[0].path, 'src/users.ts');
    assert.equal(a.findings[0].startLine, 3);
    assert.equal(a.findings[0].cwe, 'CWE-89');

    // Not applied yet: the file on disk has the old side; the change is applied in memory only.
    const proposed = [
      '--- a/src/users.ts', '+++ b/src/users.ts', '@@ -4 +4,2 @@', '   res.json(rows);',
      "+  const token = require('crypto').createHash('md5').update(req.body.password).digest('hex');", '',
    ].join('\n');
    const before = fs.readFileSync(path.join(root, 'src/users.ts'), 'utf8');
    const p = ok(await call('stakes_check', { diff: proposed }));
    assert.equal(fs.readFileSync(path.join(root, 'src/users.ts'), 'utf8'), before, 'nothing is written');
    assert.ok(p.findings.length >= 1 && p.findings.every((f: { startLine: number }) => f.startLine === 5), JSON.stringify(p.findings));

    const stale = ['--- a/src/users.ts', '+++ b/src/users.ts', '@@ -2 +2 @@', '-nothing like this', '+or this', ''].join('\n');
    const s = ok(await call('stakes_check', { diff: stale }));
    assert.equal(s.findings.length, 0);
    assert.match(s.skipped[0].reason, /does not match/);

    const escape = ['--- a/../outside/secret.ts', '+++ b/../outside/secret.ts', '@@ -1 +1 @@', '-x', '+y', ''].join('\n');
    assert.equal(err(await call('stakes_check', { diff: escape })).code, 'OUTSIDE_WORKSPACE');
    assert.equal(err(await call('stakes_check', { diff: 'not a diff at all' })).code, 'INVALID_DIFF');
  });

  it('a diff that creates a file is checked from the diff alone', async () => {
    const created = ['--- /dev/null', '+++ b/src/config.ts', '@@ -0,0 +1,1 @@', "+export const STRIPE_KEY = 'sk_live_51H8xKLMnOpQrStUvWxYz0123456789abcd';", ''].join('\n');
    const r = ok(await call('stakes_check', { diff: created }));
    assert.deepEqual(r.findings.map((f: { ruleId: string; path: string }) => `${f.ruleId} ${f.path}`), ['hardcoded-secret src/config.ts']);
    assert.ok(!fs.existsSync(path.join(root, 'src/config.ts')));
  });

  it('checks the changes against HEAD (uncommitted and untracked) and an unknown base is UNKNOWN_REVISION', async () => {
    fs.writeFileSync(path.join(root, 'src/new.py'), 'import hashlib\n\ndef h(password):\n    return hashlib.md5(password.encode()).hexdigest()\n');
    try {
      const r = ok(await call('stakes_check', { base: 'HEAD' }));
      const where = r.findings.map((f: { ruleId: string; path: string }) => `${f.ruleId} ${f.path}`);
      assert.ok(where.includes('weak-password-hash src/new.py'), where.join(', '));
      assert.ok(!where.some((w: string) => w.includes('users.ts')), 'unchanged lines are not reported');
      const c = ok(await call('stakes_classify', { base: 'HEAD' }));
      assert.ok(c.files.some((f: { path: string }) => f.path === 'src/new.py'));
    } finally {
      fs.rmSync(path.join(root, 'src/new.py'));
    }
    const e = err(await call('stakes_check', { base: 'no-such-branch' }));
    assert.equal(e.code, 'UNKNOWN_REVISION');
    assert.equal(err(await call('stakes_check', { base: '--output=/tmp/x' })).code, 'UNKNOWN_REVISION', 'an option is never passed to git');
  });

  it('bad input: INVALID_INPUT naming the field, TOO_LARGE for size bounds, no tool, wrong combination', async () => {
    let e = err(await call('stakes_classify', { paths: 'src' }));
    assert.equal(e.code, 'INVALID_INPUT');
    assert.match(e.message, /^paths:/);
    e = err(await call('stakes_classify', { paths: ['src'], extra: true }));
    assert.match(e.message, /extra/);
    e = err(await call('stakes_classify', {}));
    assert.match(e.message, /one of paths, diff or base/);
    e = err(await call('stakes_check', { diff: 'x', paths: ['src'] }));
    assert.match(e.message, /cannot be combined/);
    e = err(await call('stakes_classify', { paths: Array.from({ length: 101 }, () => 'src') }));
    assert.equal(e.code, 'TOO_LARGE');
    e = err(await call('stakes_check', { diff: 'x'.repeat(2_000_001) }));
    assert.equal(e.code, 'TOO_LARGE');
    e = err(await call('stakes_check', { paths: ['src'], rules: ['no-such-rule'] }));
    assert.equal(e.code, 'INVALID_INPUT');
    e = err(await call('stakes_nothing', {}));
    assert.match(e.action, /stakes_classify/);
    for (const code of [e.code]) assert.ok(ERROR_CODE_NAMES.includes(code as never));
  });

  it('pages a large tree with cursors bound to their arguments, and bounds the walk', async () => {
    const big = path.join(root, 'big');
    fs.mkdirSync(big);
    for (let i = 0; i < 130; i++) fs.writeFileSync(path.join(big, `f${String(i).padStart(3, '0')}.ts`), `export const v${i} = ${i};\n`);
    try {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const r = ok(await call('stakes_classify', { paths: ['big'], limit: 50, ...(cursor ? { cursor } : {}) }));
        assert.ok(r.files.length <= 50);
        assert.equal(r.page.total, 130);
        seen.push(...r.files.map((f: { path: string }) => f.path));
        cursor = r.page.nextCursor ?? undefined;
        pages++;
      } while (cursor);
      assert.equal(pages, 3);
      assert.equal(new Set(seen).size, 130);
      const first = ok(await call('stakes_classify', { paths: ['big'], limit: 10 }));
      const e = err(await call('stakes_classify', { paths: ['src'], limit: 10, cursor: first.page.nextCursor }));
      assert.equal(e.code, 'INVALID_CURSOR');
      assert.equal(err(await call('stakes_classify', { paths: ['big'], cursor: 'garbage' })).code, 'INVALID_CURSOR');
      assert.equal(err(await call('stakes_check', { paths: ['big'], cursor: first.page.nextCursor })).code, 'INVALID_CURSOR', 'a cursor never crosses tools');
    } finally {
      fs.rmSync(big, { recursive: true });
    }
  });

  it('pages findings inside a file and across files', async () => {
    const many = Array.from({ length: 7 }, (_, i) => `export const K${i} = 'sk_live_${String(i).repeat(24)}abcdef';`).join('\n') + '\n';
    fs.mkdirSync(path.join(root, 'keys'));
    fs.writeFileSync(path.join(root, 'keys/a.ts'), many);
    fs.writeFileSync(path.join(root, 'keys/b.ts'), many);
    try {
      const all: string[] = [];
      let cursor: string | undefined;
      do {
        const r = ok(await call('stakes_check', { paths: ['keys'], limit: 4, ...(cursor ? { cursor } : {}) }));
        assert.ok(r.findings.length <= 4);
        all.push(...r.findings.map((f: { path: string; startLine: number }) => `${f.path}:${f.startLine}`));
        cursor = r.page.nextCursor ?? undefined;
      } while (cursor);
      assert.equal(all.length, 14, all.join(' '));
      assert.equal(new Set(all).size, 14);
    } finally {
      fs.rmSync(path.join(root, 'keys'), { recursive: true });
    }
  });

  it('serves the routing table and the error codes as resources', () => {
    const table = JSON.parse(readResource('stakes://routing-table', session.context())!);
    assert.deepEqual(table.precedence, ['sensitive', 'complex', 'context-heavy', 'boilerplate']);
    assert.equal(table.roots[0].root, root);
    assert.ok(table.roots[0].labels[0].recommendation.name);
    const codes = JSON.parse(readResource('stakes://error-codes', session.context())!);
    assert.deepEqual(codes.map((c: { code: string }) => c.code), ERROR_CODE_NAMES);
    assert.equal(readResource('stakes://nothing', session.context()), undefined);
  });

  it('several roots: relative paths are tried in each, results name files absolutely; base outside git is NOT_A_GIT_REPOSITORY', async () => {
    const second = path.join(base, 'second');
    fs.mkdirSync(path.join(second, 'lib'), { recursive: true });
    fs.writeFileSync(path.join(second, 'lib/util.ts'), 'export const add = (a: number, b: number) => a + b;\n');
    const multi = new AgentSession({ roots: [root, second], explainer: { cacheDir: path.join(base, 'cache') } });
    try {
      const r = ok(await callTool('stakes_classify', { paths: ['lib/util.ts', 'src/users.ts'] }, multi.context()));
      assert.deepEqual(r.files.map((f: { path: string }) => f.path), [path.join(second, 'lib/util.ts'), path.join(root, 'src/users.ts')]);
      const e = err(await callTool('stakes_check', { base: 'HEAD', paths: [second] }, multi.context()));
      assert.equal(e.code, 'NOT_A_GIT_REPOSITORY');
    } finally {
      await multi.dispose();
    }
  });

  it('explain_sql input errors are refused before any engine starts', async () => {
    assert.equal(err(await call('stakes_explain_sql', {})).code, 'INVALID_INPUT');
    assert.equal(err(await call('stakes_explain_sql', { sql: 'select 1', path: 'a.sql' })).code, 'INVALID_INPUT');
    assert.equal(err(await call('stakes_explain_sql', { path: '../outside/secret.ts' })).code, 'OUTSIDE_WORKSPACE');
    assert.equal(err(await call('stakes_explain_sql', { path: 'README.md' })).code, 'NO_SQL_FOUND');
    const atLine = err(await call('stakes_explain_sql', { path: 'src/users.ts', line: 1 }));
    assert.equal(atLine.code, 'NO_SQL_FOUND');
    assert.deepEqual(atLine.details?.statementLines, [3]);
  });
});
