/**
 * Review debt inside the real extension host: the status bar's count and the "Review debt" view in
 * the Source Control side bar, after saves, files changed on disk and git operations; Mark
 * reviewed… and Audit now (against the loopback fake provider) clear it, an edit brings it back.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FakeProviders, reviewText } from '../support/fake-providers';
import { closeAllEditors, openFile, stakes, useFakeProvider, waitFor, withSetting, workspaceRoot, type StakesTestApi } from './helpers';

interface ReviewTestState {
  message: string;
  badge: number;
  count: number;
  repos: Array<{ root: string; base?: string; problem?: string; debt: Array<{ path: string; region: { name: string }; change: string; label: string; status: string; detail: string }>; cleared: Array<{ region: { name: string }; by: string }> }>;
  tree: Array<{ label: string; description: string; contextValue?: string; depth: number }>;
  lastSaveUpdateMs?: number;
  events: { disk: number; git: number; records: number };
}

async function review(action?: string): Promise<ReviewTestState> {
  const s = await vscode.commands.executeCommand<ReviewTestState>('stakes.review.testState', action);
  assert.ok(s, 'stakes.review.testState returned nothing (is STAKES_UNDER_TEST set?)');
  return s;
}

async function waitForCount(n: number, timeoutMs = 20_000): Promise<ReviewTestState> {
  let last: ReviewTestState | undefined;
  return waitFor(async () => {
    last = await review();
    return last.count === n ? last : undefined;
  }, () => `expected ${n} unreviewed, saw ${last?.count}: ${JSON.stringify(last?.repos.map((r) => [r.problem, r.debt.map((d) => `${d.path}:${d.region.name}:${d.status}`)]))}; watcher events ${JSON.stringify(last?.events)}`, timeoutMs);
}

const JWT = 'src/auth/jwt.ts';
const PASSWORD = 'src/auth/password.ts';

/** Edit a document through the editor and save it, as a user does. */
async function editAndSave(relative: string, from: string, to: string): Promise<vscode.TextDocument> {
  const editor = await openFile(relative);
  const doc = editor.document;
  const at = doc.getText().indexOf(from);
  assert.ok(at >= 0, `"${from}" is not in ${relative}`);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + from.length)), to);
  assert.ok(await vscode.workspace.applyEdit(edit));
  await doc.save();
  await waitFor(() => !doc.isDirty, () => `${relative} is still unsaved`);
  return doc;
}

describe('review debt: the status bar count and the Source Control view', function () {
  this.timeout(120_000);
  const fake = new FakeProviders();
  const undo: Array<() => Promise<void>> = [];
  let api: StakesTestApi;
  let root: string;
  const originals = new Map<string, string>();
  const env = { ...process.env, GIT_AUTHOR_NAME: 'Ada Reviewer', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada Reviewer', GIT_COMMITTER_EMAIL: 'ada@example.com' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, env, encoding: 'utf8' }).trim();

  before(async function () {
    api = await stakes();
    root = workspaceRoot();
    for (const f of [JWT, PASSWORD]) originals.set(f, fs.readFileSync(path.join(root, f), 'utf8'));
    // Records left by the audit suite's runs are not this suite's.
    fs.rmSync(path.join(root, '.stakes'), { recursive: true, force: true });
    try {
      if (!fs.existsSync(path.join(root, '.git'))) git('init', '-q');
      git('config', 'user.name', 'Ada Reviewer');
      git('config', 'user.email', 'ada@example.com');
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', 'review debt test: clean base');
    } catch (e) {
      if (process.env.CI === 'true') throw e;
      console.log(`  skipped: git is not usable here (${(e as Error).message.split('\n')[0]})`);
      this.skip();
    }
    // Uncommitted changes only, whatever branch the audit tests left checked out.
    undo.push(await withSetting('review.base', 'HEAD'));
    await fake.start();
    undo.push(...await useFakeProvider(fake.url));
    await review('refresh');
    await waitForCount(0);
  });

  after(async () => {
    for (const u of undo.reverse()) await u();
    await fake.stop();
    await closeAllEditors();
    for (const [f, text] of originals) fs.writeFileSync(path.join(root, f), text);
    fs.rmSync(path.join(root, '.stakes'), { recursive: true, force: true });
    await vscode.commands.executeCommand('stakes.audit.clearFindings');
  });

  it('an edit inside a sensitive function, once saved, is counted in the status bar and listed in the view', async () => {
    await editAndSave(JWT, 'payload = jwt.verify(token, config.JWT_SECRET, {', "payload = jwt.verify(token, config.JWT_SECRET, {\n      algorithms: ['HS256'],");
    const s = await waitForCount(1);
    await openFile(JWT);
    const status = await waitFor(() => (/ · 1 unreviewed$/.test(api.refresh().text) ? api.status() : undefined), () => `status bar: ${api.status().text}`);
    assert.match(status.text, /^\$\(shield\) GPT-5\.4 · sensitive · 1 unreviewed$/);
    assert.match(status.tooltip, /1 unreviewed sensitive change against HEAD/);
    assert.match(s.message, /^1 unreviewed sensitive change against HEAD \(uncommitted changes\)/);
    assert.equal(s.badge, 1);
    const file = s.tree.find((t) => t.depth === 0);
    assert.equal(file?.label, 'jwt.ts');
    assert.equal(file?.description, 'src/auth · 1 unreviewed');
    const change = s.tree.find((t) => t.depth === 1);
    assert.equal(change?.label, 'verifyAccessToken');
    assert.equal(change?.description, 'modified · sensitive · unreviewed');
    assert.equal(change?.contextValue, 'stakes.review.change');
    const details = s.tree.filter((t) => t.depth === 2).map((t) => t.label);
    assert.match(details[0], /^Why sensitive: /);
    assert.equal(details[1], 'No review covers this change');
    assert.match(details[2], /^Clears with an audit by a sensitive-tier model \(.*\) with no open high or critical finding, or a person's sign-off/);
    if (s.lastSaveUpdateMs !== undefined) console.log(`      (debt update after the save: ${s.lastSaveUpdateMs.toFixed(1)} ms)`);
  });

  it('a formatting-only edit of another sensitive function adds nothing', async () => {
    const text = fs.readFileSync(path.join(root, PASSWORD), 'utf8');
    const doc = (await openFile(PASSWORD)).document;
    const reindented = text.replace(/^ {2}(?=\S)/gm, '    ');
    assert.notEqual(reindented, text);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), reindented);
    await vscode.workspace.applyEdit(edit);
    await doc.save();
    await new Promise((r) => setTimeout(r, 800));
    const s = await waitForCount(1);
    assert.deepEqual(s.repos[0].debt.map((d) => d.region.name), ['verifyAccessToken']);
  });

  it('Mark reviewed… clears it and writes a record; an edit inside the function brings it back', async () => {
    await vscode.commands.executeCommand('stakes.review.markReviewed', undefined, undefined, { note: 'Checked the algorithm list: pinned to HS256.', all: true });
    const s = await waitForCount(0);
    assert.deepEqual(s.repos[0].cleared.map((c) => c.region.name), ['verifyAccessToken']);
    assert.match(s.repos[0].cleared[0].by, /^signed off by Ada Reviewer on /);
    assert.match(s.message, /^No unreviewed changes against HEAD/);
    await openFile(JWT);
    await waitFor(() => (!/unreviewed/.test(api.refresh().text) ? api.status() : undefined), () => `status bar: ${api.status().text}`);
    const records = fs.readdirSync(path.join(root, '.stakes', 'reviews'));
    assert.equal(records.length, 1);
    const record = JSON.parse(fs.readFileSync(path.join(root, '.stakes', 'reviews', records[0]), 'utf8'));
    assert.equal(record.note, 'Checked the algorithm list: pinned to HS256.');

    await editAndSave(JWT, "algorithms: ['HS256'],", "algorithms: ['HS256', 'HS512'],");
    const again = await waitForCount(1);
    assert.equal(again.repos[0].debt[0].status, 'changed-since-review');
    assert.match(again.tree.find((t) => t.depth === 1)?.description ?? '', /changed since review$/);
  });

  it('Audit now sends the change to the routed model and clears it when nothing is left open', async () => {
    fake.reset();
    fake.push({ kind: 'ok', text: reviewText([], 'The algorithm list is pinned.') });
    await vscode.commands.executeCommand('stakes.review.auditNow');
    const audit = await vscode.commands.executeCommand<{ error: { message: string } | null }>('stakes.audit.testState');
    assert.equal(audit.error, null, audit.error?.message);
    const s = await waitForCount(0, 60_000);
    assert.equal(fake.modelRequests().length, 1, 'one call to the model');
    const body = JSON.parse(fake.modelRequests()[0].body) as { model: string; messages: Array<{ content: string }> };
    assert.equal(body.model, 'qwen3-coder', 'the sensitive-tier model of the openai-compatible row');
    assert.ok(body.messages.some((m) => m.content.includes("'HS512'")), 'the change was sent');
    assert.match(s.repos[0].cleared[0].by, /^audited by qwen3-coder on /);
    const state = await vscode.commands.executeCommand<{ scope: { notes?: string[] } | null }>('stakes.audit.testState');
    assert.ok(state.scope?.notes?.some((n) => /^Recorded as reviewed in \.stakes\/reviews\/\S+\.json \(1 region\)/.test(n)), JSON.stringify(state.scope?.notes));
  });

  it('follows files changed on disk and git operations without a save', async () => {
    const text = fs.readFileSync(path.join(root, PASSWORD), 'utf8');
    const changed = text.replace('bcrypt.hash(password, config.BCRYPT_ROUNDS)', 'bcrypt.hash(password, Math.max(config.BCRYPT_ROUNDS, 12))');
    assert.notEqual(changed, text);
    fs.writeFileSync(path.join(root, PASSWORD), changed);
    await waitForCount(1);
    git('add', '-A');
    git('commit', '-q', '-m', 'review debt test: commit the change');
    const s = await waitForCount(0);
    assert.match(s.message, /^No unreviewed changes against HEAD/);
  });
});
