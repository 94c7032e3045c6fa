/**
 * `stakes gate` and the review records, on real git repositories in temporary folders with the
 * real CLI (dist/cli.js): base selection, renames, deletions, binary files, merges, a rebased
 * branch, formatting-only edits, an edit inside a reviewed function, records that claim what they
 * do not match, the policy, audits recorded against the fake provider, SARIF and a pre-commit hook.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { FakeProviders, reviewText } from '../../support/fake-providers';
import { CLI, GitRepo } from '../../support/gitRepo';

const SESSION = `import jwt from 'jsonwebtoken';
import { db } from '../db';

const SECRET = process.env.SESSION_SECRET ?? '';

export function verifySession(token: string) {
  const claims = jwt.verify(token, SECRET, { algorithms: ['HS256'] }) as { sub: string; role: string };
  if (!claims.sub) throw new Error('no subject');
  return claims;
}

export async function requireAdmin(req, res, next) {
  const claims = verifySession(req.headers.authorization ?? '');
  if (claims.role !== 'admin') return res.status(403).json({ error: 'forbidden' });
  await db.audit.insert({ user: claims.sub, at: new Date() });
  return next();
}
`;

const DTO = `export interface UserDto {
  id: string;
  name: string;
  email: string;
}

export function toUserDto(row: { id: string; name: string; email: string }): UserDto {
  return { id: row.id, name: row.name, email: row.email };
}
`;

/** The same session module after a formatter: 4-space indentation, double quotes, no semicolons, a comment. */
const SESSION_REFORMATTED = SESSION.replace(/^ {2}/gm, '    ').replace(/'/g, '"').replace(/;$/gm, '').replace('export function verifySession', '// Verifies a session token.\nexport function verifySession');

interface Debt { path: string; region: { name: string; kind: string; startLine: number }; change: string; label: string; status: string; detail: string; why: string[] }
interface GateJson { unreviewed: number; debt: Debt[]; cleared: Array<{ region: { name: string }; by: string }>; exempt: Array<{ reason: string }>; base: { label: string; mode: string } }

async function gateJson(repo: GitRepo, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; json: GateJson; stderr: string }> {
  const r = await repo.stakes(['gate', '--format', 'json', ...args], env);
  assert.ok(r.code === 0 || r.code === 1, `stakes gate exited ${r.code}: ${r.stderr}`);
  return { code: r.code, json: JSON.parse(r.stdout) as GateJson, stderr: r.stderr };
}

const debtNames = (j: GateJson) => j.debt.map((d) => `${d.change}:${d.region.name}`).sort();

function newRepo(): GitRepo {
  const repo = new GitRepo();
  repo.write({ 'src/auth/session.ts': SESSION, 'src/dto/user.ts': DTO, 'README.md': '# app\n' });
  repo.commit('base');
  return repo;
}

describe('stakes gate (real git, real CLI)', function () {
  this.timeout(60_000);
  let repo: GitRepo;
  before(() => assert.ok(fs.existsSync(CLI), 'dist/cli.js is missing: npm test builds it first'));
  beforeEach(() => { repo = newRepo(); });
  afterEach(() => repo.dispose());

  it('passes with nothing changed; fails on an edit inside a sensitive function, naming it; ignores a boilerplate edit', async () => {
    assert.equal(repo.stakesBinary(['gate']).code, 0, 'the built binary');
    repo.edit('src/dto/user.ts', 'email: row.email', 'email: row.email.toLowerCase()');
    const dto = (await gateJson(repo));
    assert.equal(dto.code, 0, JSON.stringify(dto.json.debt));
    repo.edit('src/auth/session.ts', "algorithms: ['HS256']", "algorithms: ['HS256', 'none']");
    const r = await repo.stakes(['gate']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /1 unreviewed sensitive change against HEAD/);
    assert.match(r.stdout, /src\/auth\/session\.ts\n\s+6-10\s+verifySession \(function, modified\) · sensitive · /);
    assert.match(r.stdout, /no review covers this change/);
    assert.match(r.stdout, /Clears a sensitive change: an audit by a sensitive-tier model \(gpt-5\.4, claude-opus-4-6, gemini-3\.1-pro, qwen3-coder\) with no open high or critical finding, or a person's sign-off/);
    const j = (await gateJson(repo));
    assert.deepEqual(debtNames(j.json), ['modified:verifySession']);
    assert.equal(j.json.debt[0].status, 'unreviewed');
    assert.ok(j.json.debt[0].why.length > 0);
  });

  it('a routine-looking function in a sensitive file is sensitive, with the file\'s evidence as why; in a routine file it is not', async () => {
    const helper = '\nexport function displayName(user: { first: string; last: string }) {\n  return `${user.first} ${user.last}`.trim();\n}\n';
    repo.write({ 'src/auth/session.ts': SESSION + helper, 'src/dto/user.ts': DTO + helper });
    const j = (await gateJson(repo)).json;
    assert.deepEqual(debtNames(j), ['added:displayName']);
    assert.equal(j.debt[0].path, 'src/auth/session.ts');
    assert.equal(j.debt[0].label, 'sensitive');
    assert.ok(j.debt[0].why.length > 0);
  });

  it('measures against HEAD, the merge base with the main branch, or a named ref', async () => {
    repo.git('checkout', '-q', '-b', 'feature');
    repo.edit('src/auth/session.ts', "throw new Error('no subject')", "throw new Error('missing subject')");
    repo.commit('feature: message');
    // Default on a branch: since it left main.
    const auto = (await gateJson(repo));
    assert.equal(auto.code, 1);
    assert.match(auto.json.base.label, /^main \(merge base [0-9a-f]{8}\)$/);
    assert.deepEqual(debtNames(auto.json), ['modified:verifySession']);
    // HEAD: uncommitted changes only (none).
    assert.equal((await gateJson(repo, ['--base', 'HEAD'])).code, 0);
    // A named ref: its merge base with HEAD.
    const tag = (await gateJson(repo, ['--base', 'main']));
    assert.deepEqual(debtNames(tag.json), ['modified:verifySession']);
    // On main itself the default is HEAD.
    repo.git('checkout', '-q', 'main');
    assert.match((await gateJson(repo)).json.base.label, /^HEAD \(uncommitted changes; HEAD is on main\)/);
    // The base set in .stakes.json.
    repo.write({ '.stakes.json': JSON.stringify({ review: { base: 'feature' } }) });
    repo.git('checkout', '-q', 'feature');
    assert.match((await gateJson(repo)).json.base.label, /^feature \(merge base/);
    // Bad bases say what to do.
    const bad = await repo.stakes(['gate', '--base', 'nope']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /nope is not a branch, tag or commit in this repository/);
    const injected = await repo.stakes(['gate', '--base', '--output=x']);
    assert.equal(injected.code, 2);
  });

  it('in GitHub Actions takes origin/$GITHUB_BASE_REF', async () => {
    repo.git('update-ref', 'refs/remotes/origin/main', 'HEAD');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.edit('src/auth/session.ts', "'no subject'", "'no sub'");
    repo.commit('x');
    const r = (await gateJson(repo, [], { GITHUB_BASE_REF: 'main' }));
    assert.match(r.json.base.label, /^origin\/main \(merge base/);
    assert.equal(r.code, 1);
  });

  it('counts untracked files, and works in a repository without commits', async () => {
    const fresh = new GitRepo();
    try {
      fresh.write({ 'src/auth/session.ts': SESSION });
      const r = (await gateJson(fresh));
      assert.equal(r.code, 1);
      assert.match(r.json.base.label, /no commit yet/);
      assert.ok(debtNames(r.json).includes('added:verifySession'));
    } finally {
      fresh.dispose();
    }
    repo.write({ 'src/auth/tokens.ts': "import jwt from 'jsonwebtoken';\n\nexport function signAccessToken(user) {\n  return jwt.sign({ sub: user.id, role: user.role }, process.env.JWT_SECRET, { algorithm: 'HS256', expiresIn: '15m' });\n}\n" });
    assert.ok(debtNames((await gateJson(repo)).json).includes('added:signAccessToken'));
  });

  it('formatting-only edits are no change, and keep a review valid', async () => {
    repo.write({ 'src/auth/session.ts': SESSION_REFORMATTED });
    const j = (await gateJson(repo));
    assert.equal(j.code, 0, JSON.stringify(j.json.debt.map((d) => d.region.name)));
    // Reviewed, then reformatted: still reviewed.
    repo.write({ 'src/auth/session.ts': SESSION.replace("'no subject'", "'no subject in token'") });
    assert.equal((await repo.stakes(['gate', '--sign-off', '--note', 'read the message change'])).code, 0);
    assert.equal((await gateJson(repo)).code, 0);
    repo.write({ 'src/auth/session.ts': SESSION_REFORMATTED.replace('"no subject"', '"no subject in token"') });
    const after = (await gateJson(repo));
    assert.equal(after.code, 0, JSON.stringify(after.json.debt));
    assert.deepEqual(after.json.cleared.map((c) => c.region.name), ['verifySession']);
  });

  it('a sign-off clears exactly what it covers; editing the reviewed function makes it debt again', async () => {
    repo.edit('src/auth/session.ts', "'no subject'", "'no subject in token'");
    const signed = await repo.stakes(['gate', '--sign-off', '--note', 'Checked the error path: message only.']);
    assert.equal(signed.code, 0, signed.stderr);
    assert.match(signed.stdout, /Signed off 1 change as Ada Reviewer: \.stakes\/reviews\/\d{8}-\d{6}-[0-9a-f]{6}\.json/);
    const [file] = repo.records();
    const record = JSON.parse(repo.read(file));
    assert.equal(record.by.kind, 'person');
    assert.equal(record.by.name, 'Ada Reviewer');
    assert.equal(record.note, 'Checked the error path: message only.');
    assert.deepEqual(record.changes.map((c: { name: string; label: string }) => `${c.name}:${c.label}`), ['verifySession:sensitive']);
    const cleared = (await gateJson(repo));
    assert.equal(cleared.code, 0);
    assert.match(cleared.json.cleared[0].by, /^signed off by Ada Reviewer on \d{4}-\d{2}-\d{2}$/);
    // The record is not committed yet: the gate says so.
    assert.match((await repo.stakes(['gate'])).stdout, /1 review record in \.stakes\/reviews\/ is not committed yet/);
    // An edit inside the reviewed function: debt again, and it says it was reviewed before.
    repo.edit('src/auth/session.ts', 'if (!claims.sub)', 'if (!claims.sub || !claims.role)');
    const again = (await gateJson(repo));
    assert.equal(again.code, 1);
    assert.equal(again.json.debt[0].status, 'changed-since-review');
    assert.match(again.json.debt[0].detail, /^signed off by Ada Reviewer on .*; changed since$/);
    assert.match((await repo.stakes(['gate', '--sign-off'])).stderr, /--sign-off needs --note/);
  });

  it('renames: a moved file is no change; a review made before the rename stays valid; an edit in the renamed file is', async () => {
    repo.git('mv', 'src/auth/session.ts', 'src/auth/sessions.ts');
    assert.equal((await gateJson(repo)).code, 0, 'a pure rename changes no region');
    repo.git('checkout', '-q', '-f', 'HEAD');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.edit('src/auth/session.ts', "'no subject'", "'no subject in token'");
    assert.equal((await repo.stakes(['gate', '--sign-off', '--note', 'message'])).code, 0);
    repo.commit('message + record');
    repo.git('mv', 'src/auth/session.ts', 'src/auth/sessions.ts');
    repo.commit('rename');
    const j = (await gateJson(repo));
    assert.equal(j.code, 0, JSON.stringify(j.json.debt));
    repo.edit('src/auth/sessions.ts', "'forbidden'", "'forbidden for non-admins'");
    const edited = (await gateJson(repo));
    assert.deepEqual(debtNames(edited.json), ['modified:requireAdmin']);
    assert.equal(edited.json.debt[0].path, 'src/auth/sessions.ts');
  });

  it('deletions: a deleted sensitive function, and a deleted sensitive file, are debt until signed off', async () => {
    repo.edit('src/auth/session.ts', /export async function requireAdmin[\s\S]*?\n}\n/, '');
    const fn = (await gateJson(repo));
    assert.deepEqual(debtNames(fn.json), ['deleted:requireAdmin']);
    assert.equal(fn.json.debt[0].region.startLine, 12, 'lines as they were');
    assert.match((await repo.stakes(['gate'])).stdout, /12-17\s+requireAdmin \(function, deleted; lines as they were\)/);
    assert.equal((await repo.stakes(['gate', '--sign-off', '--note', 'the admin check moved to the gateway'])).code, 0);
    assert.equal((await gateJson(repo)).code, 0);
    repo.remove('src/auth/session.ts');
    const file = (await gateJson(repo));
    assert.deepEqual(debtNames(file.json), ['deleted:session.ts']);
    assert.equal(file.json.debt[0].region.kind, 'file');
  });

  it('binary files: one region over the bytes, on a path the policy always reviews', async () => {
    repo.write({ '.stakes.json': JSON.stringify({ review: { alwaysReview: ['keys/**'] } }) });
    repo.commit('policy');
    repo.write({ 'keys/signing.p12': Uint8Array.from([0x30, 0x82, 0, 1, 2, 3, 0, 0xff]) });
    const j = (await gateJson(repo));
    assert.equal(j.code, 1);
    assert.deepEqual(j.json.debt.map((d) => `${d.change}:${d.region.kind}:${d.path}`), ['added:binary:keys/signing.p12']);
    assert.match(JSON.stringify(j.json.debt[0]), /its path matches keys\/\*\* \(review\.alwaysReview\)/);
    await repo.stakes(['gate', '--sign-off', '--note', 'new signing key from the HSM export']);
    assert.equal((await gateJson(repo)).code, 0);
    repo.write({ 'keys/signing.p12': Uint8Array.from([0x30, 0x82, 0, 1, 2, 3, 0, 0xfe]) });
    assert.equal((await gateJson(repo)).code, 1, 'other bytes: debt again');
  });

  it('merges: merging main into a branch brings none of main\'s changes into the branch\'s debt', async () => {
    repo.git('checkout', '-q', '-b', 'feature');
    repo.edit('src/auth/session.ts', "'forbidden'", "'forbidden: admins only'");
    repo.commit('feature');
    repo.git('checkout', '-q', 'main');
    repo.edit('src/auth/session.ts', "'no subject'", "'token has no subject'");
    repo.commit('main: unrelated sensitive change');
    repo.git('checkout', '-q', 'feature');
    repo.git('merge', '-q', '--no-edit', 'main');
    const j = (await gateJson(repo));
    assert.deepEqual(debtNames(j.json), ['modified:requireAdmin'], 'verifySession changed on main, not on this branch');
  });

  it('a rebased branch keeps its records valid; a conflicting change on main makes the region debt again', async () => {
    repo.git('checkout', '-q', '-b', 'feature');
    repo.edit('src/auth/session.ts', "'forbidden'", "'forbidden: admins only'");
    await repo.stakes(['gate', '--sign-off', '--note', 'message only']);
    repo.commit('feature + record');
    assert.equal((await gateJson(repo)).code, 0);
    repo.git('checkout', '-q', 'main');
    repo.write({ 'src/dto/user.ts': DTO.replace('email: string;', 'email: string;\n  createdAt: string;') });
    repo.commit('main moves on');
    repo.git('checkout', '-q', 'feature');
    repo.git('rebase', '-q', 'main');
    const rebased = (await gateJson(repo));
    assert.equal(rebased.code, 0, `records survive the rebase: ${JSON.stringify(rebased.json.debt)}`);
    assert.match(rebased.json.base.label, /^main \(merge base/);
    // main changes the same function: after the rebase the branch's change is another change.
    repo.git('checkout', '-q', 'main');
    repo.edit('src/auth/session.ts', 'requireAdmin(req, res, next) {', 'requireAdmin(req, res, next): Promise<void> {');
    repo.commit('main: typed');
    repo.git('checkout', '-q', 'feature');
    repo.git('rebase', '-q', 'main');
    const after = (await gateJson(repo));
    assert.deepEqual(debtNames(after.json), ['modified:requireAdmin']);
  });

  it('a record never covers what it did not fingerprint, and a broken record stops the gate', async () => {
    repo.edit('src/auth/session.ts', "'no subject'", "'no subject in token'");
    const honest = (await gateJson(repo)).json.debt[0] as Debt & { from: string; to: string; region: { key: string; name: string; kind: string; startLine: number } };
    const base = { stakesReview: 1, fingerprints: 1, at: '2026-01-02T00:00:00.000Z', by: { kind: 'audit', provider: 'openai', model: 'gpt-5.4' }, scope: 'hand-written' };
    const change = { path: 'src/auth/session.ts', region: 'fn:verifySession', name: 'verifySession', kind: 'function', from: honest.from, to: honest.to, open: [] };
    // Claims the function with another content fingerprint.
    repo.write({ '.stakes/reviews/20260102-000000-aaaaaa.json': JSON.stringify({ ...base, id: '20260102-000000-aaaaaa', changes: [{ ...change, to: '0'.repeat(32) }] }) });
    assert.equal((await gateJson(repo)).code, 1);
    // Right content, but reviewed as a change from another base version.
    repo.write({ '.stakes/reviews/20260102-000000-bbbbbb.json': JSON.stringify({ ...base, id: '20260102-000000-bbbbbb', changes: [{ ...change, from: 'f'.repeat(32) }] }) });
    assert.equal((await gateJson(repo)).code, 1);
    // Right fingerprints, another file.
    repo.write({ '.stakes/reviews/20260102-000000-cccccc.json': JSON.stringify({ ...base, id: '20260102-000000-cccccc', changes: [{ ...change, path: 'src/dto/user.ts' }] }) });
    assert.equal((await gateJson(repo)).code, 1);
    // The honest record clears it.
    repo.write({ '.stakes/reviews/20260102-000000-dddddd.json': JSON.stringify({ ...base, id: '20260102-000000-dddddd', changes: [change] }) });
    assert.equal((await gateJson(repo)).code, 0);
    // A record that is not a record: exit 2, naming the file and the key.
    repo.write({ '.stakes/reviews/20260102-000000-eeeeee.json': JSON.stringify({ ...base, id: '20260102-000000-eeeeee', changes: [{ ...change, to: 'nope' }] }) });
    const bad = await repo.stakes(['gate']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /\.stakes\/reviews\/20260102-000000-eeeeee\.json is not a valid review record: changes\.0\.to/);
    repo.write({ '.stakes/reviews/20260102-000000-eeeeee.json': '<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> other\n' });
    assert.match((await repo.stakes(['gate'])).stderr, /not valid JSON .*merge conflict markers/);
  });

  it('the policy: exemptions with a reason, paths that always need review, what clears each label', async () => {
    repo.write({
      '.stakes.json': JSON.stringify({
        review: {
          require: { sensitive: { audit: 'sensitive', signOff: false }, boilerplate: { audit: 'any' } },
          exempt: [{ path: 'src/auth/session.ts', symbol: 'requireAdmin', reason: 'replaced by the gateway next sprint' }],
        },
      }),
    });
    repo.commit('policy');
    repo.edit('src/auth/session.ts', "'forbidden'", "'nope'");
    repo.edit('src/dto/user.ts', 'name: row.name', 'name: row.name.trim()');
    const j = (await gateJson(repo));
    assert.deepEqual(j.json.exempt.map((e) => e.reason), ['replaced by the gateway next sprint']);
    assert.deepEqual(debtNames(j.json), ['modified:toUserDto'], 'boilerplate needs an audit under this policy');
    assert.match((await repo.stakes(['gate'])).stdout, /exempt: src\/auth\/session\.ts:12-17 requireAdmin: replaced by the gateway next sprint/);
    // signOff: false: a person's sign-off does not clear a sensitive change.
    repo.edit('src/auth/session.ts', "'no subject'", "'no sub'");
    await repo.stakes(['gate', '--sign-off', '--note', 'looked at it']);
    const after = (await gateJson(repo));
    const session = after.json.debt.find((d) => d.region.name === 'verifySession')!;
    assert.equal(session.status, 'sign-off-not-accepted');
    // A broken policy is exit 2 with the file and key.
    repo.write({ '.stakes.json': JSON.stringify({ review: { require: { sensitive: { audit: 'gpt' } } } }) });
    const broken = await repo.stakes(['gate']);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /\.stakes\.json is not valid:\n\s+- review\.require\.sensitive\.audit: expected one of/);
  });

  it('limits to PATH arguments, and refuses what is not in a repository', async () => {
    repo.edit('src/auth/session.ts', "'no subject'", "'no sub'");
    assert.equal((await repo.stakes(['gate', 'src/dto'])).code, 0);
    assert.equal((await repo.stakes(['gate', 'src'])).code, 1);
    assert.match((await repo.stakes(['gate', 'nope'])).stderr, /nope: no such file or directory/);
    const outside = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'stakes-norepo-'));
    try {
      const run = spawnSync(process.execPath, [CLI, 'gate'], { cwd: outside, env: repo.env, encoding: 'utf8' });
      assert.equal(run.status, 2);
      assert.match(run.stderr, /is not inside a git repository: review debt is measured against git history/);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('SARIF validates against the SARIF 2.1.0 schema and points at the region; Markdown reads as a table', async () => {
    repo.edit('src/auth/session.ts', "'no subject'", "'no sub'");
    const r = await repo.stakes(['gate', '--format', 'markdown', '--output', 'summary.md', '--sarif', 'debt.sarif']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /report written to summary\.md\nstakes gate: 1 unreviewed sensitive change against HEAD/);
    const summary = repo.read('summary.md');
    assert.match(summary, /^### Stakes: 1 unreviewed sensitive change\n/);
    assert.match(summary, /\| `src\/auth\/session\.ts:6-10` \| verifySession \(function\) \| modified \| sensitive \|/);
    const sarif = JSON.parse(repo.read('debt.sarif')) as { runs: Array<{ results: Array<{ ruleId: string; level: string; message: { text: string }; locations: Array<{ physicalLocation: { region: unknown } }> }> }> };
    const schema = JSON.parse(fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
    const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3)));
    const [result] = sarif.runs[0].results;
    assert.equal(result.ruleId, 'stakes.review.sensitive');
    assert.equal(result.level, 'error');
    assert.deepEqual(result.locations[0].physicalLocation.region, { startLine: 6, endLine: 10 });
    assert.match(result.message.text, /verifySession \(function, modified\) needs review/);
    // Nothing to report is still valid SARIF.
    repo.git('checkout', '-q', '--', 'src/auth/session.ts');
    const clean = await repo.stakes(['gate', '--format', 'sarif']);
    assert.equal(clean.code, 0);
    assert.ok(validate(JSON.parse(clean.stdout)));
  });

  it('--staged judges the next commit, and a pre-commit hook blocks until the record is staged', async function () {
    const hook = path.join(repo.dir, '.git', 'hooks', 'pre-commit');
    fs.writeFileSync(hook, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" gate --staged --base HEAD\n`, { mode: 0o755 });
    repo.edit('src/auth/session.ts', "'no subject'", "'no sub'");
    repo.git('add', 'src/auth/session.ts');
    // Staged content is what counts: an unstaged fix does not help, an unstaged edit does not hurt.
    assert.throws(() => repo.git('commit', '-q', '-m', 'sensitive change'), (e: Error & { stdout?: string; stderr?: string }) => {
      assert.match(`${e.stdout}${e.stderr}`, /verifySession \(function, modified\)/);
      return true;
    });
    assert.equal((await repo.stakes(['gate', '--staged', '--base', 'HEAD', '--sign-off', '--note', 'read it'])).code, 0);
    assert.throws(() => repo.git('commit', '-q', '-m', 'sensitive change'), (e: Error & { stdout?: string; stderr?: string }) => {
      assert.match(`${e.stdout}${e.stderr}`, /1 review record in \.stakes\/reviews\/ is not staged, so it does not count for this commit: git add \.stakes\/reviews/);
      return true;
    });
    repo.git('add', '.stakes/reviews');
    repo.git('commit', '-q', '-m', 'sensitive change, reviewed');
    assert.equal(repo.git('log', '-1', '--format=%s'), 'sensitive change, reviewed');
    assert.equal(repo.git('show', '--name-only', '--format=', 'HEAD').split('\n').filter((f) => f.startsWith('.stakes/reviews/')).length, 1);
  });

  it('the pre-commit framework runs .pre-commit-hooks.yaml: blocked, then passes once the sign-off is staged', async function () {
    const which = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
    if (which.status !== 0) {
      if (process.env.CI === 'true') assert.fail('the pre-commit framework is not installed, and CI must run this test: .ci/services.sh installs it (apt-get install pre-commit)');
      console.log('      skipped: the pre-commit framework is not installed (apt-get install pre-commit, or pip install pre-commit)');
      this.skip();
    }
    // `stakes` on PATH, as `npm install -g` would put it.
    const bin = path.join(repo.dir, '.home', 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'stakes'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
    const env = { ...repo.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, PRE_COMMIT_HOME: path.join(repo.dir, '.home', 'pre-commit') };
    // try-repo runs the hooks of a repository as it is on disk (the hook definitions under test).
    const tryRepo = () => spawnSync('pre-commit', ['try-repo', path.resolve(CLI, '..', '..'), 'stakes-gate'], { cwd: repo.dir, env, encoding: 'utf8', timeout: 120_000 });
    repo.edit('src/auth/session.ts', "'no subject'", "'no sub'");
    repo.git('add', 'src/auth/session.ts');
    const blocked = tryRepo();
    assert.equal(blocked.status, 1, blocked.stdout + blocked.stderr);
    assert.match(blocked.stdout, /Stakes review debt \(sensitive changes need a review record\)\.+Failed/);
    assert.match(blocked.stdout, /verifySession \(function, modified\)/);
    assert.equal((await repo.stakes(['gate', '--staged', '--sign-off', '--note', 'message only'])).code, 0);
    repo.git('add', '.stakes/reviews');
    const passed = tryRepo();
    assert.equal(passed.status, 0, passed.stdout + passed.stderr);
    assert.match(passed.stdout, /Stakes review debt \(sensitive changes need a review record\)\.+Passed/);
  });
});

describe('stakes audit records its reviews (fake provider, real CLI)', function () {
  this.timeout(60_000);
  const fake = new FakeProviders();
  let repo: GitRepo;
  before(() => fake.start());
  after(() => fake.stop());
  beforeEach(() => { fake.reset(); repo = newRepo(); });
  afterEach(() => repo.dispose());
  const env = () => ({ OPENAI_API_KEY: 'test-key' });
  const openai = (model = 'gpt-5.4') => ['--provider', 'openai', '--model', model, '--base-url', `${fake.url}/v1`, '--no-cache'];

  it('an audit of the changes by the sensitive-tier model with nothing open clears them', async () => {
    repo.edit('src/auth/session.ts', "'forbidden'", "'forbidden: admins only'");
    fake.push({ kind: 'ok', text: reviewText([], 'Nothing wrong.') });
    const audit = await repo.stakes(['audit', '--changes', '.', ...openai()], env());
    assert.equal(audit.code, 0, audit.stderr);
    assert.match(audit.stdout + audit.stderr, /Review recorded in \.stakes\/reviews\/\S+\.json \(1 region\): commit it with the change/);
    const record = JSON.parse(repo.read(repo.records()[0]));
    assert.deepEqual(record.by, { kind: 'audit', provider: 'openai', model: 'gpt-5.4' });
    assert.equal(record.changes[0].name, 'requireAdmin');
    assert.notEqual(record.changes[0].from, '*', 'a changes audit reviews exactly the change');
    assert.equal((await gateJson(repo)).code, 0);
  });

  it('an open high finding keeps the change debt; a cheaper model does not clear it; a partial selection is not recorded', async () => {
    repo.edit('src/auth/session.ts', "'forbidden'", "'forbidden: admins only'");
    fake.push({ kind: 'ok', text: reviewText([{ title: 'Role check can be bypassed', severity: 'high', category: 'authz', file: 'src/auth/session.ts', startLine: 14, endLine: 14, evidence: "if (claims.role !== 'admin')" }]) });
    await repo.stakes(['audit', '--changes', '.', ...openai()], env());
    const open = (await gateJson(repo));
    assert.equal(open.code, 1);
    assert.equal(open.json.debt[0].status, 'open-findings');
    assert.match(open.json.debt[0].detail, /^audited by gpt-5\.4 on \S+ with 1 open high finding: Role check can be bypassed \(line 14\); fix it and audit again, or sign off$/);

    fake.push({ kind: 'ok', text: reviewText([]) });
    await repo.stakes(['audit', '--changes', '.', ...openai('gpt-5.4-mini')], env());
    const mini = (await gateJson(repo));
    assert.equal(mini.code, 1);
    assert.ok(!fake.modelRequests().some((r) => r.body.includes('.stakes/reviews')), 'review records are never sent as code');
    assert.ok(mini.json.debt.some((d) => /open high finding|not a sensitive-tier model/.test(d.detail)));

    const before = repo.records().length;
    fake.push({ kind: 'ok', text: reviewText([]) });
    const partial = await repo.stakes(['audit', 'src/auth/session.ts', '--selection', '13:14', ...openai()], env());
    assert.match(partial.stdout + partial.stderr, /the selection holds no whole function or statement, so it was not recorded as reviewed/);
    assert.equal(repo.records().length, before);

    // The whole function selected: reviewed whole, whatever its base.
    fake.push({ kind: 'ok', text: reviewText([]) });
    await repo.stakes(['audit', 'src/auth/session.ts', '--selection', '12:17', ...openai()], env());
    const whole = JSON.parse(repo.read(repo.records()[repo.records().length - 1]));
    assert.deepEqual(whole.changes.map((c: { name: string; from: string }) => `${c.name}:${c.from}`), ['requireAdmin:*']);
    assert.equal((await gateJson(repo)).code, 0);
    // --no-record writes nothing.
    fake.push({ kind: 'ok', text: reviewText([]) });
    const n = repo.records().length;
    await repo.stakes(['audit', 'src/auth/session.ts', '--no-record', ...openai()], env());
    assert.equal(repo.records().length, n);
  });
});
