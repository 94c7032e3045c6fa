/**
 * `stakes mcp` over stdio with the MCP SDK's own client (which validates every structuredContent
 * against the tool's outputSchema): initialize, list, call each tool, bad input, path escapes,
 * a large tree, resources, the configured database only, no provider ever called, and a clean exit.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { runCli } from '../../support/cli';
import { FakeProviders } from '../../support/fake-providers';
import { GitRepo } from '../../support/gitRepo';
import { CLI, startStakesMcp, toolError, type StakesMcp } from '../../support/mcp';
import { needPostgres, runScopedName, scratchPostgres } from '../../support/services';
import { INJECTABLE_HANDLER } from '../../support/agentFixtures';

const ORDERS = [
  "import { db } from './db';",
  'export async function ordersOf(customerId: number) {',
  "  return db.query('SELECT id, total_cents FROM orders WHERE customer_id = $1 ORDER BY created_at DESC', [customerId]);",
  '}',
  '',
].join('\n');
const MIGRATION = 'CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL, total_cents int NOT NULL, created_at timestamptz NOT NULL DEFAULT now());\n';

type Call = (name: string, args: Record<string, unknown>) => Promise<CallToolResult>;

describe('stakes mcp over stdio (MCP SDK client)', function () {
  this.timeout(120_000);
  let base: string;
  let root: string;
  let server: StakesMcp;
  const fake = new FakeProviders();
  const call: Call = async (name, args) => (await server.client.callTool({ name, arguments: args })) as CallToolResult;

  before(async function () {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `node esbuild.mjs` (npm test does)');
    await fake.start();
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-mcp-')));
    root = path.join(base, 'api');
    fs.mkdirSync(path.join(root, 'src'), { recursive: true });
    fs.mkdirSync(path.join(root, 'migrations'));
    fs.writeFileSync(path.join(root, 'src/users.ts'), INJECTABLE_HANDLER);
    fs.writeFileSync(path.join(root, 'src/orders.ts'), ORDERS);
    fs.writeFileSync(path.join(root, 'migrations/001_init.sql'), MIGRATION);
    fs.writeFileSync(path.join(base, 'secret.env'), 'PASSWORD=hunter2\n');
    fs.symlinkSync(path.join(base, 'secret.env'), path.join(root, 'src/env.ts'));
    // Every provider pointed at the fake server, with keys: any model call would be recorded.
    server = await startStakesMcp(['--root', root, '--rows', 'orders=2000000'], {
      env: {
        OPENAI_API_KEY: 'k', ANTHROPIC_API_KEY: 'k', GEMINI_API_KEY: 'k',
        OPENAI_BASE_URL: `${fake.url}/v1`, ANTHROPIC_BASE_URL: fake.url, GOOGLE_GEMINI_BASE_URL: fake.url,
      },
    });
  });
  after(async () => {
    await server?.close();
    await fake.stop();
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('initializes as "stakes" with tools, resources and instructions (the agent recipe)', () => {
    assert.equal(server.client.getServerVersion()?.name, 'stakes');
    const caps = server.client.getServerCapabilities();
    assert.ok(caps?.tools && caps.resources, JSON.stringify(caps));
    assert.match(server.client.getInstructions() ?? '', /stakes_classify[\s\S]*sensitive[\s\S]*stakes_check/);
    assert.match(server.stderr(), /serving .*api/);
  });

  it('lists stakes_classify, stakes_check, stakes_explain_sql and stakes_review_status with input and output schemas', async () => {
    const { tools } = await server.client.listTools();
    assert.deepEqual(tools.map((t) => t.name), ['stakes_classify', 'stakes_check', 'stakes_explain_sql', 'stakes_review_status']);
    for (const t of tools) {
      assert.equal(t.inputSchema.type, 'object');
      assert.equal((t.inputSchema as { additionalProperties?: unknown }).additionalProperties, false);
      assert.equal(t.outputSchema?.type, 'object', `${t.name} has an output schema`);
      assert.equal(t.annotations?.readOnlyHint, true);
    }
  });

  it('stakes_classify: label, recommended model and evidence as structured content (validated by the client)', async () => {
    const r = await call('stakes_classify', { paths: ['src/users.ts', 'src/orders.ts'] });
    assert.ok(!r.isError, JSON.stringify(r.content));
    const s = r.structuredContent as { label: string; recommendation: { name: string; why: string }; files: Array<{ path: string; label: string; evidence: Array<{ line: number | null }> }> };
    assert.equal(s.label, 'sensitive');
    assert.ok(s.recommendation.name && s.recommendation.why);
    assert.deepEqual(s.files.map((f) => f.path), ['src/users.ts', 'src/orders.ts']);
    assert.ok(s.files[0].evidence.some((e) => e.line === 3));
    // The text block carries the same JSON, for clients that read only text.
    assert.deepEqual(JSON.parse((r.content[0] as { text: string }).text), s);
  });

  it('stakes_check: findings with rule id, CWE, location, evidence; a diff keeps only changed lines', async () => {
    const whole = await call('stakes_check', { paths: ['src'] });
    const all = (whole.structuredContent as { findings: Array<{ ruleId: string; cwe: string | null; path: string; startLine: number; evidence: string }> }).findings;
    const inj = all.find((f) => f.ruleId === 'sql-injection');
    assert.ok(inj, JSON.stringify(all));
    assert.equal(inj.cwe, 'CWE-89');
    assert.equal(inj.path, 'src/users.ts');
    assert.equal(inj.startLine, 3);
    assert.match(inj.evidence, /req\.params\.id/);
    const diff = ['--- a/src/orders.ts', '+++ b/src/orders.ts', '@@ -4,0 +5 @@', "+export const sign = (s: string) => require('crypto').createHash('md5').update(s).digest('hex');", ''].join('\n');
    const scoped = await call('stakes_check', { diff });
    const f = (scoped.structuredContent as { findings: Array<{ path: string; startLine: number }> }).findings;
    assert.ok(f.every((x) => x.path === 'src/orders.ts' && x.startLine === 5), JSON.stringify(f));
  });

  it('stakes_explain_sql: the query at path:line on the embedded engine, with a verified index suggestion', async () => {
    const r = await call('stakes_explain_sql', { path: 'src/orders.ts', line: 3 });
    assert.ok(!r.isError, JSON.stringify(r.content).slice(0, 2000));
    const s = r.structuredContent as {
      engine: { kind: string; estimate: boolean }; statements: Array<{ location: { path: string; line: number }; findings: Array<{ id: string }>; suggestions: Array<{ statement: string; reduction: number }>; plan: unknown[] }>;
    };
    assert.equal(s.engine.kind, 'embedded');
    assert.equal(s.engine.estimate, true);
    const st = s.statements[0];
    assert.deepEqual(st.location, { path: 'src/orders.ts', line: 3, via: 'pg' });
    assert.ok(st.plan.length > 0);
    assert.ok(st.findings.some((x) => x.id === 'indexable-seq-scan'), JSON.stringify(st.findings));
    assert.match(st.suggestions[0]?.statement ?? '', /CREATE INDEX CONCURRENTLY .*orders.*customer_id/);
    assert.ok(st.suggestions[0].reduction >= 0.5);
    const bad = toolError(await call('stakes_explain_sql', { sql: 'SELECT * FROM orders WHER customer_id = 1' }));
    assert.equal(bad.code, 'SQL_SYNTAX');
    const missing = toolError(await call('stakes_explain_sql', { sql: 'SELECT * FROM invoices' }));
    assert.equal(missing.code, 'SCHEMA_MISSING');
    assert.match(missing.action, /migration/);
    assert.equal(toolError(await call('stakes_explain_sql', { sql: 'DROP TABLE orders' })).code, 'SQL_NOT_EXPLAINABLE');
  });

  it('bad input and unknown tools are errors with a code and what to do', async () => {
    const e = toolError(await call('stakes_classify', { paths: [42] }));
    assert.equal(e.code, 'INVALID_INPUT');
    assert.match(e.message, /paths\[0\]/);
    assert.equal(e.retryable, false);
    assert.ok(e.action.length > 10);
    assert.equal(toolError(await call('stakes_check', { base: 'HEAD', diff: 'x' })).code, 'INVALID_INPUT');
    await assert.rejects(call('stakes_delete_everything', {}), /Unknown tool stakes_delete_everything\. Stakes' tools: stakes_classify/);
  });

  it('refuses to read outside the root: .., absolute paths, symlinks, diff headers', async () => {
    for (const args of [{ paths: ['../secret.env'] }, { paths: [path.join(base, 'secret.env')] }, { paths: ['src/env.ts'] }]) {
      for (const tool of ['stakes_classify', 'stakes_check']) {
        const e = toolError(await call(tool, args));
        assert.equal(e.code, 'OUTSIDE_WORKSPACE', `${tool} ${JSON.stringify(args)}`);
        assert.ok(!JSON.stringify(e).includes('hunter2'));
      }
    }
    assert.equal(toolError(await call('stakes_explain_sql', { path: '../secret.env' })).code, 'OUTSIDE_WORKSPACE');
    const diff = ['--- a/../secret.env', '+++ b/../secret.env', '@@ -1 +1 @@', '-PASSWORD=hunter2', '+PASSWORD=x', ''].join('\n');
    assert.equal(toolError(await call('stakes_check', { diff })).code, 'OUTSIDE_WORKSPACE');
  });

  it('bounds a large tree: the walk stops at 5,000 files, pages are small, the cut is said', async () => {
    // Not named generated/: the offline rules skip generated and vendored code by default.
    const tree = path.join(root, 'bulk');
    for (let d = 0; d < 52; d++) {
      fs.mkdirSync(path.join(tree, `m${String(d).padStart(2, '0')}`), { recursive: true });
      for (let i = 0; i < 100; i++) fs.writeFileSync(path.join(tree, `m${String(d).padStart(2, '0')}`, `f${i}.ts`), `export const x${i} = ${i};\n`);
    }
    try {
      const r = await call('stakes_classify', { paths: ['bulk'] });
      const s = r.structuredContent as { files: unknown[]; page: { total: number; nextCursor: string | null; truncated: string | null } };
      assert.equal(s.files.length, 25);
      assert.equal(s.page.total, 5000);
      assert.match(s.page.truncated ?? '', /stopped after 5,000 files/);
      assert.ok(s.page.nextCursor);
      assert.ok((r.content[0] as { text: string }).text.length < 64 * 1024);
      const next = await call('stakes_classify', { paths: ['bulk'], cursor: s.page.nextCursor });
      assert.equal((next.structuredContent as { page: { offset: number } }).page.offset, 25);
      const c = await call('stakes_check', { paths: ['bulk'] });
      const cs = c.structuredContent as { checked: number; page: { nextCursor: string | null }; notes: string[] };
      assert.equal(cs.checked, 200, 'one page analyses at most 200 files');
      assert.ok(cs.page.nextCursor);
    } finally {
      fs.rmSync(tree, { recursive: true });
    }
  });

  it('serves the routing table as a resource', async () => {
    const { resources } = await server.client.listResources();
    assert.deepEqual(resources.map((r) => r.uri), ['stakes://routing-table', 'stakes://error-codes']);
    const table = await server.client.readResource({ uri: 'stakes://routing-table' });
    const json = JSON.parse((table.contents[0] as { text: string }).text) as { roots: Array<{ labels: Array<{ label: string; recommendation: { name: string } }> }> };
    assert.deepEqual(json.roots[0].labels.map((l) => l.label), ['sensitive', 'complex', 'context-heavy', 'boilerplate']);
    await assert.rejects(server.client.readResource({ uri: 'stakes://nope' }), /unknown resource/);
  });

  it('never called a model provider', () => {
    assert.equal(fake.requests.length, 0, JSON.stringify(fake.requests.map((r) => r.path)));
  });
});

const SESSION = [
  "import jwt from 'jsonwebtoken';",
  "const SECRET = process.env.SESSION_SECRET ?? '';",
  'export function verifySession(token: string) {',
  "  const claims = jwt.verify(token, SECRET, { algorithms: ['HS256'] }) as { sub: string };",
  "  if (!claims.sub) throw new Error('no subject');",
  '  return claims;',
  '}',
  '',
].join('\n');

interface StatusOut {
  repository: string; unreviewed: number; base: { label: string; mode: string };
  debt: Array<{ path: string; region: { name: string; startLine: number }; label: string; status: string; why: string[]; clearedBy: string }>;
  cleared: Array<{ region: { name: string }; by: string }>; page: { total: number; returned: number; nextCursor: string | null }; notes: string[];
}

describe('stakes mcp: stakes_review_status on a git repository', function () {
  this.timeout(120_000);
  let repo: GitRepo;
  let server: StakesMcp;
  const status = async (args: Record<string, unknown> = {}) => {
    const r = (await server.client.callTool({ name: 'stakes_review_status', arguments: args })) as CallToolResult;
    return r;
  };

  before(async () => {
    repo = new GitRepo('stakes-mcp-review-');
    repo.write({ 'src/auth/session.ts': SESSION, 'src/auth/keys.ts': SESSION.replace('verifySession', 'verifyKey'), 'README.md': '# app\n' });
    repo.commit('base');
    server = await startStakesMcp(['--root', repo.dir], { env: repo.env as Record<string, string> });
  });
  after(async () => {
    await server?.close();
    repo?.dispose();
  });

  it('lists the unreviewed sensitive change with why and what clears it; a sign-off clears it', async () => {
    const clean = (await status()).structuredContent as unknown as StatusOut;
    assert.equal(clean.unreviewed, 0);
    assert.equal(clean.repository, repo.dir);
    repo.edit('src/auth/session.ts', "algorithms: ['HS256']", "algorithms: ['HS256', 'none']");
    repo.edit('src/auth/keys.ts', "throw new Error('no subject')", "return null");
    const r = await status({ base: 'HEAD' });
    assert.ok(!r.isError, JSON.stringify(r.content));
    const s = r.structuredContent as unknown as StatusOut;
    assert.equal(s.unreviewed, 2);
    assert.deepEqual(s.debt.map((d) => `${d.path}:${d.region.name}`).sort(), ['src/auth/keys.ts:verifyKey', 'src/auth/session.ts:verifySession']);
    assert.ok(s.debt.every((d) => d.label === 'sensitive' && d.status === 'unreviewed' && d.why.length > 0 && /sensitive-tier model/.test(d.clearedBy)));
    assert.match(s.notes.join(' '), /stakes gate --sign-off/);
    // Paged, and narrowed to a path.
    const first = (await status({ base: 'HEAD', limit: 1 })).structuredContent as unknown as StatusOut;
    assert.equal(first.debt.length, 1);
    assert.ok(first.page.nextCursor);
    const second = (await status({ base: 'HEAD', limit: 1, cursor: first.page.nextCursor })).structuredContent as unknown as StatusOut;
    assert.notEqual(second.debt[0].path, first.debt[0].path);
    assert.equal(second.page.nextCursor, null);
    const narrowed = (await status({ base: 'HEAD', paths: ['src/auth/keys.ts'] })).structuredContent as unknown as StatusOut;
    assert.deepEqual(narrowed.debt.map((d) => d.region.name), ['verifyKey']);
    // The person signs off (the tool cannot); the tool then sees it cleared.
    const signed = repo.stakesBinary(['gate', '--base', 'HEAD', '--sign-off', '--note', 'read both']);
    assert.equal(signed.code, 0, signed.stdout + signed.stderr);
    const after = (await status({ base: 'HEAD' })).structuredContent as unknown as StatusOut;
    assert.equal(after.unreviewed, 0);
    assert.equal(after.cleared.length, 2);
    assert.match(after.cleared[0].by, /signed off by Ada Reviewer/);
    assert.match(after.notes.join(' '), /not committed yet/);
  });

  it('an unknown base is UNKNOWN_REVISION; a root outside any repository is NOT_A_GIT_REPOSITORY', async () => {
    const e = toolError(await status({ base: 'no-such-branch' }));
    assert.equal(e.code, 'UNKNOWN_REVISION');
    assert.match(e.message, /no-such-branch/);
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-mcp-norepo-')));
    const other = await startStakesMcp(['--root', dir], { env: { GIT_CEILING_DIRECTORIES: path.dirname(dir) } });
    try {
      const n = toolError((await other.client.callTool({ name: 'stakes_review_status', arguments: {} })) as CallToolResult);
      assert.equal(n.code, 'NOT_A_GIT_REPOSITORY');
    } finally {
      await other.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a repository that starts above the workspace root (its records lie outside it)', async () => {
    const sub = await startStakesMcp(['--root', path.join(repo.dir, 'src')], { env: repo.env as Record<string, string> });
    try {
      const e = toolError((await sub.client.callTool({ name: 'stakes_review_status', arguments: {} })) as CallToolResult);
      assert.equal(e.code, 'OUTSIDE_WORKSPACE');
      assert.match(e.action, /--root /);
    } finally {
      await sub.close();
    }
  });
});

describe('stakes mcp: process and arguments', function () {
  this.timeout(60_000);

  it('exits 0 by itself when the client closes stdin', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-mcp-exit-'));
    const child = spawn(process.execPath, [CLI, 'mcp', '--root', dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }) + '\n');
    const deadline = Date.now() + 30_000;
    while (!out.includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const reply = JSON.parse(out.split('\n')[0]) as { result: { serverInfo: { name: string } } };
    assert.equal(reply.result.serverInfo.name, 'stakes', 'stdout holds nothing but protocol messages');
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('bad arguments exit 2 with a reason', async () => {
    let r = await runCli(['mcp', '--root', '/no/such/dir']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--root: workspace root \/no\/such\/dir does not exist/);
    r = await runCli(['mcp', '--db', 'oracle://x']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Unrecognised database URL/);
    r = await runCli(['mcp', 'somewhere']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--root DIR/);
  });
});

describe('stakes mcp --db: the configured database, read-only', function () {
  this.timeout(120_000);
  let pg: Awaited<ReturnType<typeof scratchPostgres>> | undefined;
  let server: StakesMcp | undefined;
  let dir: string;

  before(async function () {
    await needPostgres(this);
    pg = await scratchPostgres(runScopedName('stakes_mcp'));
    await pg.client.query('CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)');
    await pg.client.query('INSERT INTO accounts SELECT g, 100 FROM generate_series(1, 1000) g');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-mcp-db-'));
    server = await startStakesMcp(['--root', dir, '--db', pg.url]);
  });
  after(async () => {
    await server?.close();
    await pg?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('explains a DELETE on the configured PostgreSQL without running it, and says which database', async () => {
    const r = (await server!.client.callTool({ name: 'stakes_explain_sql', arguments: { sql: 'DELETE FROM accounts WHERE balance > 0' } })) as CallToolResult;
    assert.ok(!r.isError, JSON.stringify(r.content));
    const s = r.structuredContent as { engine: { kind: string; description: string; estimate: boolean }; statements: Array<{ plan: Array<{ nodeType: string }> }> };
    assert.equal(s.engine.kind, 'postgres');
    assert.equal(s.engine.estimate, false);
    assert.match(s.engine.description, new RegExp(new URL(pg!.url).pathname.slice(1)));
    assert.ok(s.statements[0].plan.some((n) => /Delete/.test(n.nodeType)), JSON.stringify(s.statements[0].plan));
    const { rows } = await pg!.client.query('SELECT count(*)::int AS n FROM accounts');
    assert.equal(rows[0].n, 1000, 'no row was deleted');
    const { tools } = await server!.client.listTools();
    assert.equal(tools.find((t) => t.name === 'stakes_explain_sql')?.annotations?.openWorldHint, true);
  });

  it('an unreachable database is DB_UNREACHABLE, retryable', async () => {
    const dead = await startStakesMcp(['--root', dir, '--db', 'postgres://postgres@127.0.0.1:1/none']);
    try {
      const e = toolError((await dead.client.callTool({ name: 'stakes_explain_sql', arguments: { sql: 'SELECT 1' } })) as CallToolResult);
      assert.equal(e.code, 'DB_UNREACHABLE');
      assert.equal(e.retryable, true);
    } finally {
      await dead.close();
    }
  });
});
