/** `stakes audit --offline`: files and directories, .gitignore, formats, --fail-on exit codes, baseline. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../support/cli';
import { analyzeFile } from '../../../src/core/rules';
import { GitRepo } from '../../support/gitRepo';

function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stakes-rules-cli-'));
  fs.mkdirSync(path.join(dir, '.git'));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.mkdirSync(path.join(dir, 'vendor'));
  fs.mkdirSync(path.join(dir, 'migrations'));
  fs.writeFileSync(path.join(dir, '.gitignore'), 'vendor/\n');
  fs.writeFileSync(path.join(dir, 'src', 'users.js'), [
    "const router = require('express').Router();",
    "router.get('/users', async (req, res) => {",
    "  const rows = await db.query(\"SELECT * FROM users WHERE name = '\" + req.query.name + \"'\");",
    '  res.json(rows);',
    '});',
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'src', 'safe.py'), 'def add(a, b):\n    return a + b\n');
  fs.writeFileSync(path.join(dir, 'vendor', 'lib.js'), "app.get('/', (req, res) => eval(req.query.x));\n");
  fs.writeFileSync(path.join(dir, 'migrations', '002.sql'), 'CREATE INDEX users_name ON users (name);\n');
  return dir;
}

describe('stakes audit --offline', () => {
  it('walks directories respecting .gitignore and exits 1 on findings at --fail-on', async () => {
    const dir = project();
    const r = await runCli(['audit', '--offline', '.', '--format', 'json', '--fail-on', 'high'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout);
    const files = report.findings.map((f: { file: string }) => f.file).sort();
    assert.deepEqual(files, ['migrations/002.sql', 'src/users.js']);
    assert.ok(report.findings.every((f: { source: string; ruleId: string }) => f.source === 'rule' && f.ruleId));
    assert.equal(report.model.id, 'offline-rules');
    assert.match(r.stderr, /1 finding\(s\) at or above high/);
  });

  it('exits 0 when nothing reaches --fail-on, and with no findings', async () => {
    const dir = project();
    assert.equal((await runCli(['audit', '--offline', 'migrations', '--fail-on', 'high'], { cwd: dir })).code, 0);
    const clean = await runCli(['audit', '--offline', 'src/safe.py', '--fail-on', 'info'], { cwd: dir });
    assert.equal(clean.code, 0);
    assert.match(clean.stdout, /No findings/);
  });

  it('prints SARIF with rule ids and markdown', async () => {
    const dir = project();
    const sarif = JSON.parse((await runCli(['audit', '--offline', 'src', '--format', 'sarif'], { cwd: dir })).stdout);
    assert.equal(sarif.version, '2.1.0');
    const results = sarif.runs[0].results;
    assert.ok(results.some((x: { ruleId?: string; message: { text: string } }) => JSON.stringify(x).includes('sql-injection')));
    const md = (await runCli(['audit', '--offline', 'src', '--format', 'markdown'], { cwd: dir })).stdout;
    assert.match(md, /SQL built from request data/);
  });

  it('exits 2 with a clear message on bad input', async () => {
    const dir = project();
    const missing = await runCli(['audit', '--offline', 'nope.js'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.js/);
    const badSeverity = await runCli(['audit', '--offline', 'src', '--fail-on', 'severe'], { cwd: dir });
    assert.equal(badSeverity.code, 2);
    assert.match(badSeverity.stderr, /--fail-on severe: use one of critical, high, medium, low, info/);
    const noOffline = await runCli(['audit', 'src', '--write-baseline'], { cwd: dir });
    assert.equal(noOffline.code, 2);
    assert.match(noOffline.stderr, /add --offline/);
  });

  it('writes a baseline, then fails only on new findings', async () => {
    const dir = project();
    const write = await runCli(['audit', '--offline', '.', '--write-baseline'], { cwd: dir });
    assert.equal(write.code, 0, write.stderr);
    assert.match(write.stderr, /Recorded 2 finding\(s\)/);
    const baseline = JSON.parse(fs.readFileSync(path.join(dir, '.stakes-baseline.json'), 'utf8'));
    assert.equal(baseline.entries.length, 2);

    const known = await runCli(['audit', '--offline', '.', '--baseline', '.stakes-baseline.json', '--fail-on', 'low'], { cwd: dir });
    assert.equal(known.code, 0, known.stdout + known.stderr);
    assert.match(known.stdout + known.stderr, /2 known finding\(s\) from the baseline/);

    fs.appendFileSync(path.join(dir, 'src', 'users.js'), "router.get('/x', (req, res) => res.redirect(req.query.next));\n");
    const fresh = await runCli(['audit', '--offline', '.', '--baseline', '.stakes-baseline.json', '--fail-on', 'medium', '--format', 'json'], { cwd: dir });
    assert.equal(fresh.code, 1);
    assert.deepEqual(JSON.parse(fresh.stdout).findings.map((f: { ruleId: string }) => f.ruleId), ['open-redirect']);

    fs.writeFileSync(path.join(dir, 'broken.json'), '[]');
    const broken = await runCli(['audit', '--offline', '.', '--baseline', 'broken.json'], { cwd: dir });
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /not a Stakes baseline/);
  });

  it('reports suppressed counts', async () => {
    const dir = project();
    const file = path.join(dir, 'src', 'users.js');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('  const rows', '  // stakes-ignore sql-injection name is validated by the router\n  const rows'));
    const r = await runCli(['audit', '--offline', 'src', '--fail-on', 'low'], { cwd: dir });
    assert.equal(r.code, 0);
    assert.match(r.stdout + r.stderr, /1 finding\(s\) suppressed by stakes-ignore/);
  });
});

describe('stakes audit --offline: migrations already on the main branch', function () {
  this.timeout(60_000);
  it('reports a new or changed migration, and only hints at one that is on main unchanged (it has run)', async () => {
    const repo = new GitRepo('stakes-rules-history-');
    try {
      repo.write({ 'migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, name text);\n', 'migrations/002_index.sql': 'CREATE INDEX users_name ON users (name);\n' });
      repo.commit('main: two migrations');
      repo.git('checkout', '-q', '-b', 'feature');
      repo.write({ 'migrations/003_email.sql': 'CREATE INDEX users_lower_name ON users (lower(name));\n' });
      repo.commit('feature: a third migration');
      const r = await repo.stakes(['audit', '--offline', '.', '--format', 'json']);
      const report = JSON.parse(r.stdout) as { findings: Array<{ file: string; ruleId: string }> };
      assert.deepEqual(report.findings.map((f) => `${f.file}:${f.ruleId}`), ['migrations/003_email.sql:migration-index-not-concurrent'], r.stderr);
      assert.match(r.stderr, /1 migration finding\(s\) in migrations already on main \(they have run\) shown as hints only: --hints lists them/);
      // --hints lists it; editing the old migration on the branch makes it a problem again.
      const hints = JSON.parse((await repo.stakes(['audit', '--offline', '.', '--format', 'json', '--hints'])).stdout) as { findings: Array<{ file: string }> };
      assert.ok(hints.findings.some((f) => f.file === 'migrations/002_index.sql'));
      repo.edit('migrations/002_index.sql', 'ON users (name)', 'ON users (name, id)');
      const edited = JSON.parse((await repo.stakes(['audit', '--offline', '.', '--format', 'json'])).stdout) as { findings: Array<{ file: string }> };
      assert.deepEqual(edited.findings.map((f) => f.file).sort(), ['migrations/002_index.sql', 'migrations/003_email.sql']);
    } finally {
      repo.dispose();
    }
  });
});

describe('analyzeFile: onMainBranch', () => {
  it('moves only migration findings to hints; a security finding in the same file stays a problem', async () => {
    const sql = 'CREATE INDEX users_name ON users (name);\n';
    const fresh = await analyzeFile('migrations/002.sql', sql);
    const ran = await analyzeFile('migrations/002.sql', sql, { onMainBranch: true });
    assert.deepEqual(fresh.findings.map((f) => f.ruleId), ['migration-index-not-concurrent']);
    assert.deepEqual(ran.findings, []);
    assert.deepEqual(ran.hints.map((f) => f.ruleId), ['migration-index-not-concurrent']);
    const handler = "const router = require('express').Router();\nrouter.get('/u', async (req, res) => res.json(await db.query(\"SELECT * FROM users WHERE name = '\" + req.query.name + \"'\")));\n";
    assert.deepEqual((await analyzeFile('src/users.js', handler, { onMainBranch: true })).findings.map((f) => f.ruleId), ['sql-injection']);
  });
});
