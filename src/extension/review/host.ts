/**
 * Review debt in the editor, the heavy half (dist/review.js): one ReviewSession per repository of
 * the workspace, kept current after saves (one file recomputed), after git operations (HEAD and
 * refs watched: commit, checkout, rebase, pull, stash), when a record is written and when the
 * policy changes. It feeds the status bar's count and the "Review debt" view, whose items offer
 * Audit now, Review selection, Mark reviewed… and Go to code. Work is asynchronous and yields
 * between files, so typing is never blocked.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  branchNames, debtHeadline, GitError, warmUp, gitIdentity, recordSignOff, repoRootOf, ReviewSession, runGit, type DebtItem, type ReviewStatus,
} from '../../core/review';
import { ConfigError } from '../../core/routing/config';
import type { Services } from '../services';

export type ReviewNode =
  | { kind: 'repo'; root: string }
  | { kind: 'file'; root: string; path: string }
  | { kind: 'change'; root: string; item: DebtItem }
  | { kind: 'detail'; id: string; label: string; tooltip?: string; icon: string }
  | { kind: 'problem'; root: string; message: string };

export interface ViewParts {
  view: () => vscode.TreeView<ReviewNode> | undefined;
  treeChanged: vscode.EventEmitter<ReviewNode | undefined>;
}

interface RepoState {
  root: string;
  /** HEAD's commit and branch when last computed: git events that leave it unchanged (a status refreshing the index) cost one rev-parse. */
  head?: string;
  session?: ReviewSession;
  status?: ReviewStatus;
  /** Why there is no status (git failed, .stakes.json is broken). */
  problem?: string;
  disposables: vscode.Disposable[];
}

/** Debounce after git's refs or HEAD change (a rebase rewrites them many times). */
const GIT_SETTLE_MS = 700;
/** Debounce for files changed on disk outside the editor. */
const DISK_SETTLE_MS = 400;
const LABEL_ICON: Record<string, string> = { sensitive: 'shield', complex: 'layers', 'context-heavy': 'book', boilerplate: 'zap' };

export class ReviewHost implements vscode.Disposable {
  private readonly repos = new Map<string, RepoState>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Watchers that wait for a repository to appear; dropped on restart. */
  private pending: vscode.Disposable[] = [];
  private started: Promise<void> | undefined;
  private untrusted = false;
  /** stakes.review.enabled is off: no git, no count, a message in the view. */
  private disabled = false;
  private noRepository: string | undefined;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly diskQueue = new Map<string, Set<string>>();
  /** Serialises work per repository: a save never races a refresh. */
  private readonly chains = new Map<string, Promise<unknown>>();
  /** How long the last update after a save took, in ms (shown in the log, read by tests). */
  private lastSaveUpdateMs: number | undefined;
  /** What the watchers saw, for the tests and the log: file and git events received. */
  private readonly events = { disk: 0, git: 0, records: 0 };

  constructor(private readonly services: Services, private readonly parts: ViewParts) {
    this.disposables.push(
      vscode.workspace.onDidSaveTextDocument((doc) => this.saved(doc)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.restart()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.restart()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('stakes.review.base') || e.affectsConfiguration('stakes.review.enabled')) this.restart();
      }),
      services.onDidChangeConfig(() => this.refreshAll()),
      services.reviewDebt.onDidRecord(() => this.reloadRecordsAll()),
    );
  }

  /** Find the repositories of the workspace and compute their debt. */
  start(): Promise<void> {
    this.started ??= this.discover();
    return this.started;
  }

  private async discover(): Promise<void> {
    this.disabled = !vscode.workspace.getConfiguration('stakes').get<boolean>('review.enabled', true);
    if (this.disabled) {
      this.publish();
      return;
    }
    if (!vscode.workspace.isTrusted) {
      // A repository's git config can run programs (fsmonitor, filters): no git in an untrusted workspace.
      this.untrusted = true;
      this.publish();
      return;
    }
    const roots = new Set<string>();
    const problems: string[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      try {
        roots.add(await repoRootOf(folder.uri.fsPath));
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    this.noRepository = roots.size === 0 ? (problems[0] ?? 'Open a folder that is a git repository to track review debt.') : undefined;
    if (roots.size === 0) this.watchForRepository();
    await vscode.window.withProgress({ location: { viewId: 'stakes.reviewDebt' } }, async () => {
      await Promise.all([...roots].map((root) => this.openRepo(root)));
    });
    this.publish();
    // The classifier loads its model on first use: pay that now, not on the first save.
    if (roots.size) setTimeout(() => { try { warmUp(); } catch { /* labelled on first save instead */ } }, 50);
  }

  /** No repository yet: start as soon as one appears (git init, a clone into the folder). VS Code's watcher leaves .git out. */
  private watchForRepository(): void {
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      try {
        const w = fs.watch(folder.uri.fsPath, { persistent: false }, (_event, name) => {
          if (name && String(name) === '.git') this.later('discover', GIT_SETTLE_MS, () => this.restart());
        });
        w.on('error', () => w.close());
        this.pending.push({ dispose: () => w.close() });
      } catch {
        // "Refresh review debt" finds the repository instead.
      }
    }
  }

  private async openRepo(root: string): Promise<void> {
    const state: RepoState = { root, disposables: [] };
    this.repos.set(root, state);
    await this.run(root, async () => {
      const started = Date.now();
      try {
        state.head = await headOf(root);
        state.session = await ReviewSession.open({ cwd: root, ...this.baseFor(root) });
        state.status = state.session.status();
        state.problem = undefined;
        this.services.output.info(`Review debt in ${root}: ${debtHeadline(state.status)} against ${state.status.base.label} (${state.status.changedFiles} changed files, ${Date.now() - started} ms).`);
      } catch (e) {
        state.problem = this.describe(e);
        this.services.output.warn(`Review debt in ${root}: ${state.problem}`);
      }
    });
    await this.watch(state);
  }

  /** The base for a repository: the `stakes.review.base` setting, else the policy's, else the main branch. */
  private baseFor(root: string): { base?: string } {
    const base = vscode.workspace.getConfiguration('stakes', vscode.Uri.file(root)).get<string>('review.base', '').trim();
    return base ? { base } : {};
  }

  private describe(e: unknown): string {
    if (e instanceof GitError || e instanceof ConfigError) return e.message;
    return `could not compute the review debt: ${(e as Error).message ?? String(e)}`;
  }

  private async watch(state: RepoState): Promise<void> {
    const { root } = state;
    const dirs = await gitDirs(root);
    // VS Code's file watcher leaves .git out, so git's own files are watched directly (as VS Code's git extension does):
    // HEAD and the index change on commit, checkout, reset, rebase, merge, pull and stash.
    const gitEvent = (_event: string, name: string | Buffer | null) => {
      if (name && String(name).endsWith('.lock')) return;
      this.events.git++;
      this.later(`git:${root}`, GIT_SETTLE_MS, () => this.headMoved(root));
    };
    for (const [dir, recursive] of [[dirs.gitDir, false], [dirs.commonDir, false], [path.join(dirs.commonDir, 'refs', 'heads'), true]] as const) {
      try {
        const w = fs.watch(dir, { persistent: false, recursive }, gitEvent);
        w.on('error', () => w.close());
        state.disposables.push({ dispose: () => w.close() });
      } catch (e) {
        this.services.output.debug(`Review debt: cannot watch ${dir}: ${(e as Error).message}`);
      }
    }
    const records = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), '.stakes/reviews/*.json'));
    const recordEvent = () => {
      this.events.records++;
      this.later(`records:${root}`, 200, () => this.reloadRecords(root));
    };
    state.disposables.push(records, records.onDidChange(recordEvent), records.onDidCreate(recordEvent), records.onDidDelete(recordEvent));
    // Files changed outside the editor (a formatter, a generator, git checkout of one file).
    const files = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), '**/*'));
    const fileEvent = (uri: vscode.Uri) => this.onDisk(root, uri);
    state.disposables.push(files, files.onDidChange(fileEvent), files.onDidCreate(fileEvent), files.onDidDelete(fileEvent));
  }

  private onDisk(root: string, uri: vscode.Uri): void {
    this.events.disk++;
    const rel = relativeTo(root, uri.fsPath);
    if (!rel || rel.startsWith('.git/') || rel === '.git' || rel.startsWith('.stakes/reviews/') || /(^|\/)node_modules\//.test(rel)) return;
    // A save's own echo is recomputed again: cheap (one file), and an external change right after a save is never lost.
    let queue = this.diskQueue.get(root);
    if (!queue) this.diskQueue.set(root, (queue = new Set()));
    queue.add(rel);
    this.later(`disk:${root}`, DISK_SETTLE_MS, async () => {
      const paths = [...(this.diskQueue.get(root) ?? [])];
      this.diskQueue.delete(root);
      for (const p of paths) await this.update(root, p);
    });
  }

  private saved(doc: vscode.TextDocument): void {
    if (doc.uri.scheme !== 'file') return;
    const state = this.repoOf(doc.uri.fsPath);
    if (!state?.session) return;
    const rel = relativeTo(state.root, doc.uri.fsPath);
    if (!rel || rel.startsWith('.git/')) return;
    const text = doc.getText();
    void this.update(state.root, rel, text, true);
  }

  private update(root: string, rel: string, text?: string, fromSave = false): Promise<void> {
    return this.run(root, async () => {
      const state = this.repos.get(root);
      if (!state?.session) return;
      const started = performance.now();
      try {
        state.status = await state.session.updateFile(rel, text);
      } catch (e) {
        this.services.output.warn(`Review debt: could not update ${rel}: ${(e as Error).message}`);
        return;
      }
      if (fromSave) {
        this.lastSaveUpdateMs = performance.now() - started;
        this.services.output.debug(`Review debt after saving ${rel}: ${this.lastSaveUpdateMs.toFixed(1)} ms`);
      }
      this.publish();
    });
  }

  /** Recompute when HEAD's commit or branch changed since the last computation. */
  private async headMoved(root: string): Promise<void> {
    const state = this.repos.get(root);
    if (!state) return;
    const head = await headOf(root);
    if (head !== state.head) await this.refreshRepo(root);
  }

  private refreshRepo(root: string): Promise<void> {
    return this.run(root, async () => {
      const state = this.repos.get(root);
      if (!state) return;
      try {
        state.head = await headOf(root);
        if (state.session) state.status = await state.session.refresh();
        else {
          state.session = await ReviewSession.open({ cwd: root, ...this.baseFor(root) });
          state.status = state.session.status();
        }
        state.problem = undefined;
      } catch (e) {
        state.problem = this.describe(e);
        state.session = undefined;
        state.status = undefined;
      }
      this.publish();
    });
  }

  private reloadRecords(root: string): Promise<void> {
    return this.run(root, async () => {
      const state = this.repos.get(root);
      if (!state?.session) return;
      state.status = await state.session.reloadRecords();
      this.publish();
    });
  }

  private async refreshAll(): Promise<void> {
    await this.start();
    if (this.repos.size === 0 && !this.untrusted) {
      this.restart();
      await this.start();
      return;
    }
    await Promise.all([...this.repos.keys()].map((r) => this.refreshRepo(r)));
  }

  private async reloadRecordsAll(): Promise<void> {
    await Promise.all([...this.repos.keys()].map((r) => this.reloadRecords(r)));
  }

  private restart(): void {
    for (const s of this.repos.values()) s.disposables.forEach((d) => d.dispose());
    this.pending.forEach((d) => d.dispose());
    this.pending = [];
    this.repos.clear();
    this.started = undefined;
    this.untrusted = false;
    void this.start();
  }

  /** Run `job` after the repository's previous job (saves, refreshes and reloads never interleave). */
  private run<T>(root: string, job: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(root) ?? Promise.resolve();
    const next = prev.then(job, job);
    this.chains.set(root, next.catch(() => undefined));
    return next;
  }

  private later(key: string, ms: number, fn: () => unknown): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void Promise.resolve(fn()).catch((e) => this.services.output.warn(`Review debt: ${(e as Error).message}`));
    }, ms));
  }

  private repoOf(file: string): RepoState | undefined {
    let best: RepoState | undefined;
    for (const s of this.repos.values()) {
      const rel = path.relative(s.root, file);
      if (!rel.startsWith('..') && !path.isAbsolute(rel) && (!best || s.root.length > best.root.length)) best = s;
    }
    return best;
  }

  /** The count for the status bar, the view's message and badge, and a fresh tree. */
  private publish(): void {
    const statuses = [...this.repos.values()].filter((s) => s.status).map((s) => s.status!);
    const count = statuses.reduce((n, s) => n + s.debt.length, 0);
    const headline = statuses.length === 1 ? `${debtHeadline(statuses[0])} against ${statuses[0].base.label}`
      : `${count} unreviewed change${count === 1 ? '' : 's'} in ${statuses.length} repositories`;
    this.services.reviewDebt.set(statuses.length ? { count, headline } : undefined);
    const view = this.parts.view();
    if (view) {
      const problems = [...this.repos.values()].filter((s) => s.problem).map((s) => s.problem!);
      view.message = this.disabled ? 'Review debt is off (setting stakes.review.enabled).' : this.untrusted ? 'Trust this workspace to track review debt: Stakes runs git, and a repository\'s git config can run programs.'
        : this.noRepository ? this.noRepository
          : problems.length ? problems.join(' ')
            : statuses.length === 0 ? 'Computing review debt…'
              : count === 0 ? `No unreviewed changes against ${statuses.length === 1 ? statuses[0].base.label : 'their bases'}.`
                : `${headline}.`;
      view.badge = count ? { value: count, tooltip: headline } : undefined;
    }
    this.parts.treeChanged.fire(undefined);
  }

  // ---- the view ---------------------------------------------------------------------------------

  children(node?: ReviewNode): ReviewNode[] {
    void this.start();
    const repos = [...this.repos.values()].filter((s) => s.status?.debt.length);
    if (!node) {
      if (repos.length > 1) return repos.map((s) => ({ kind: 'repo', root: s.root }));
      return repos[0] ? this.files(repos[0]) : [];
    }
    if (node.kind === 'repo') {
      const s = this.repos.get(node.root);
      return s ? this.files(s) : [];
    }
    if (node.kind === 'file') {
      return (this.repos.get(node.root)?.status?.debt ?? []).filter((d) => d.path === node.path).map((item) => ({ kind: 'change', root: node.root, item }));
    }
    if (node.kind === 'change') {
      const d = node.item;
      const id = `${node.root}:${d.path}:${d.region.key}`;
      return [
        { kind: 'detail', id: `${id}:why`, label: `Why ${d.label}: ${d.why.join('; ')}`, tooltip: d.because, icon: LABEL_ICON[d.label] ?? 'info' },
        { kind: 'detail', id: `${id}:status`, label: capitalise(d.detail), icon: d.status === 'open-findings' ? 'warning' : 'history' },
        { kind: 'detail', id: `${id}:clears`, label: `Clears with ${d.clearedBy}`, icon: 'pass' },
      ];
    }
    return [];
  }

  private files(s: RepoState): ReviewNode[] {
    const paths = [...new Set((s.status?.debt ?? []).map((d) => d.path))];
    return paths.map((p) => ({ kind: 'file', root: s.root, path: p }));
  }

  treeItem(node: ReviewNode): vscode.TreeItem {
    switch (node.kind) {
      case 'repo': {
        const item = new vscode.TreeItem(path.basename(node.root), vscode.TreeItemCollapsibleState.Expanded);
        const s = this.repos.get(node.root)?.status;
        item.description = s ? `${s.debt.length} against ${s.base.label}` : '';
        item.iconPath = new vscode.ThemeIcon('repo');
        item.id = `repo:${node.root}`;
        return item;
      }
      case 'file': {
        const uri = vscode.Uri.file(path.join(node.root, node.path));
        const item = new vscode.TreeItem(uri, vscode.TreeItemCollapsibleState.Expanded);
        const n = (this.repos.get(node.root)?.status?.debt ?? []).filter((d) => d.path === node.path).length;
        const dir = path.posix.dirname(node.path);
        item.description = `${dir === '.' ? '' : `${dir} · `}${n} unreviewed`;
        item.contextValue = 'stakes.review.file';
        item.id = `file:${node.root}:${node.path}`;
        return item;
      }
      case 'change': {
        const d = node.item;
        const item = new vscode.TreeItem(d.region.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = `${d.change} · ${d.label} · ${d.status === 'unreviewed' ? 'unreviewed' : d.status.replace(/-/g, ' ')}`;
        item.iconPath = new vscode.ThemeIcon(LABEL_ICON[d.label] ?? 'circle-outline', new vscode.ThemeColor(d.label === 'sensitive' ? 'list.warningForeground' : 'foreground'));
        const md = new vscode.MarkdownString();
        md.appendMarkdown(`**${escapeMd(d.region.name)}** (${d.region.kind}, ${d.change}) · lines ${d.region.startLine}–${d.region.endLine}${d.change === 'deleted' ? ' as they were' : ''}\n\n`);
        md.appendMarkdown(`Needs review: ${escapeMd(d.because)}. Why ${d.label}: ${escapeMd(d.why.join('; '))}.\n\n`);
        md.appendMarkdown(`Status: ${escapeMd(d.detail)}.\n\nClears with ${escapeMd(d.clearedBy)}.`);
        item.tooltip = md;
        item.contextValue = d.change === 'deleted' ? (d.region.kind === 'file' ? 'stakes.review.change.deletedFile' : 'stakes.review.change.deleted') : 'stakes.review.change';
        item.id = `change:${node.root}:${d.path}:${d.region.key}`;
        item.command = { command: 'stakes.review.goToCode', title: 'Go to code', arguments: [node] };
        item.accessibilityInformation = { label: `${d.region.name}, ${d.change}, ${d.label}, ${d.detail}` };
        return item;
      }
      case 'detail': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.tooltip = node.tooltip ?? node.label;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.id = node.id;
        return item;
      }
      case 'problem': {
        const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('warning');
        return item;
      }
    }
  }

  // ---- commands ---------------------------------------------------------------------------------

  /** The debt items a command acts on: a change, a file's changes, the selected ones, or (none) all. */
  private itemsOf(node: unknown, selected?: unknown): Array<{ root: string; item: DebtItem }> {
    const nodes = (Array.isArray(selected) && selected.length ? selected : node ? [node] : []) as ReviewNode[];
    const out: Array<{ root: string; item: DebtItem }> = [];
    for (const n of nodes) {
      if (n?.kind === 'change') {
        out.push({ root: n.root, item: n.item });
      } else if (n?.kind === 'file' || n?.kind === 'repo') {
        for (const item of this.repos.get(n.root)?.status?.debt ?? []) if (n.kind === 'repo' || item.path === n.path) out.push({ root: n.root, item });
      }
    }
    if (nodes.length === 0) for (const s of this.repos.values()) for (const item of s.status?.debt ?? []) out.push({ root: s.root, item });
    return out;
  }

  private async oneRepo(items: Array<{ root: string; item: DebtItem }>, what: string): Promise<{ root: string; items: DebtItem[] } | undefined> {
    const roots = [...new Set(items.map((i) => i.root))];
    if (roots.length === 0) return undefined;
    let root = roots[0];
    if (roots.length > 1) {
      const pick = await vscode.window.showQuickPick(roots.map((r) => ({ label: path.basename(r), description: r })), { title: `${what}: which repository?` });
      if (!pick) return undefined;
      root = pick.description;
    }
    return { root, items: items.filter((i) => i.root === root).map((i) => i.item) };
  }

  /** Audit the unreviewed changes (of one change's file, or all) against the debt's base, with the model the label routes to. */
  async auditNow(node?: unknown): Promise<void> {
    await this.start();
    const chosen = await this.oneRepo(this.itemsOf(node), 'Audit now');
    if (!chosen) {
      void vscode.window.showInformationMessage('Stakes: there are no unreviewed changes to audit.');
      return;
    }
    const status = this.repos.get(chosen.root)?.status;
    if (!status) return;
    const files = [...new Set(chosen.items.filter((i) => !(i.change === 'deleted' && i.region.kind === 'file')).map((i) => path.join(chosen.root, i.path)))];
    if (files.length === 0) {
      void vscode.window.showInformationMessage('Stakes: a deleted file cannot be audited. Read the deletion, then use "Mark reviewed…".');
      return;
    }
    const folder = vscode.Uri.file(chosen.root);
    if (status.base.mode === 'head') await vscode.commands.executeCommand('stakes.audit.changes', { folder, files });
    else await vscode.commands.executeCommand('stakes.audit.branch', { folder, base: status.base.sha, label: status.base.label, files });
  }

  /** Select the whole region in its editor and run "Review selection" on it: the model judges every line. */
  async reviewSelection(node?: unknown): Promise<void> {
    const [target] = this.itemsOf(node);
    if (!target) return;
    if (target.item.change === 'deleted') {
      void vscode.window.showInformationMessage(`Stakes: ${target.item.region.name} was deleted, there is nothing to select. Use "Audit now" (the audit sees the deletion) or "Mark reviewed…".`);
      return;
    }
    const editor = await this.reveal(target.root, target.item);
    if (editor) await vscode.commands.executeCommand('stakes.audit.selection');
  }

  async goToCode(node?: unknown): Promise<void> {
    const [target] = this.itemsOf(node);
    if (!target) return;
    const d = target.item;
    if (d.change === 'deleted') {
      if (d.region.kind === 'file') {
        void vscode.window.showInformationMessage(`Stakes: ${d.path} was deleted (it is in ${this.repos.get(target.root)?.status?.base.label ?? 'the base'}).`);
        return;
      }
      await this.reveal(target.root, d, true);
      void vscode.window.setStatusBarMessage(`Stakes: ${d.region.name} was deleted here (lines ${d.region.startLine}–${d.region.endLine} of the base).`, 8000);
      return;
    }
    await this.reveal(target.root, d);
  }

  private async reveal(root: string, d: DebtItem, cursorOnly = false): Promise<vscode.TextEditor | undefined> {
    const uri = vscode.Uri.file(path.join(root, d.path));
    let doc: vscode.TextDocument;
    try {
      doc = await vscode.workspace.openTextDocument(uri);
    } catch {
      void vscode.window.showWarningMessage(`Stakes: ${d.path} can no longer be opened: it was moved or deleted. Refresh the review debt.`);
      return undefined;
    }
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    const start = Math.min(Math.max(0, d.region.startLine - 1), doc.lineCount - 1);
    const end = Math.min(Math.max(start, d.region.endLine - 1), doc.lineCount - 1);
    const range = new vscode.Range(start, 0, end, doc.lineAt(end).text.length);
    editor.selection = cursorOnly ? new vscode.Selection(range.start, range.start) : new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return editor;
  }

  /** A person's sign-off of the chosen changes, with a note, as a record in .stakes/reviews/. `options.note` skips the prompt (tests, keybindings). */
  async markReviewed(node?: unknown, selected?: unknown, options?: unknown): Promise<void> {
    await this.start();
    const given = (options && typeof options === 'object' ? options : {}) as { note?: string; all?: boolean };
    let items = this.itemsOf(node, selected);
    if (!node && !given.all && items.length > 1) {
      const picks = await vscode.window.showQuickPick(items.map((i) => ({
        label: `$(${LABEL_ICON[i.item.label] ?? 'circle-outline'}) ${i.item.region.name}`, description: `${i.item.path}:${i.item.region.startLine} · ${i.item.change}`,
        detail: i.item.detail, picked: true, entry: i,
      })), { canPickMany: true, title: 'Mark reviewed: which changes did you read?', placeHolder: 'Only the changes you pick are signed off.' });
      if (!picks?.length) return;
      items = picks.map((p) => p.entry);
    }
    const chosen = await this.oneRepo(items, 'Mark reviewed');
    if (!chosen) {
      void vscode.window.showInformationMessage('Stakes: there are no unreviewed changes to mark reviewed.');
      return;
    }
    const n = chosen.items.length;
    const note = given.note ?? await vscode.window.showInputBox({
      title: `Mark ${n === 1 ? chosen.items[0].region.name : `${n} changes`} reviewed`,
      prompt: 'What did you check? The note is kept in the review record (.stakes/reviews/), which you commit with the change.',
      placeHolder: 'e.g. read the token check: algorithms pinned, expiry enforced',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim().length < 3 ? 'Say what you checked (at least 3 characters).' : undefined),
    });
    if (!note?.trim()) return;
    const me = await gitIdentity(chosen.root);
    const status = this.repos.get(chosen.root)?.status;
    const written = recordSignOff({
      root: chosen.root, items: chosen.items, note,
      person: { name: me.name ?? os.userInfo().username, ...(me.email ? { email: me.email } : {}) },
      scope: `${n} change${n === 1 ? '' : 's'} against ${status?.base.label ?? 'the base'}`,
    });
    this.services.reviewDebt.recorded(written.file);
    await this.reloadRecords(chosen.root);
    const open = 'Open the record';
    void vscode.window.showInformationMessage(`Stakes: signed off ${n} change${n === 1 ? '' : 's'} in ${written.file}; commit it with the change.`, open)
      .then((b) => (b === open ? vscode.window.showTextDocument(vscode.Uri.file(path.join(chosen.root, written.file))) : undefined));
  }

  async refresh(): Promise<void> {
    if (!this.started) return this.start();
    await this.refreshAll();
  }

  async chooseBase(): Promise<void> {
    await this.start();
    const root = [...this.repos.keys()][0];
    const names = root ? await branchNames(root) : [];
    const current = vscode.workspace.getConfiguration('stakes').get<string>('review.base', '');
    const items: Array<vscode.QuickPickItem & { value: string }> = [
      { label: '$(git-branch) The main branch', description: 'default: review.base in .stakes.json, else main/master (HEAD when on it)', value: '' },
      { label: '$(git-commit) HEAD', description: 'uncommitted changes only', value: 'HEAD' },
      ...names.map((n) => ({ label: `$(git-compare) ${n}`, description: 'changes since the merge base with it', value: n })),
    ].map((i) => ({ ...i, ...(i.value === current ? { detail: 'chosen now' } : {}) }));
    const pick = await vscode.window.showQuickPick(items, { title: 'Measure review debt against…', placeHolder: 'A ref: its merge base with HEAD. Saved as stakes.review.base for this workspace.' });
    if (!pick) return;
    await vscode.workspace.getConfiguration('stakes').update('review.base', pick.value || undefined, vscode.ConfigurationTarget.Workspace);
  }

  /** For the extension-host tests: what the view and the status bar show now. */
  async testState(action?: unknown): Promise<unknown> {
    await this.start();
    if (action === 'refresh') await this.refreshAll();
    for (const p of this.chains.values()) await p;
    const view = this.parts.view();
    const statuses = [...this.repos.values()];
    const flatten = (nodes: ReviewNode[]): Array<{ label: string; description: string; contextValue?: string; depth: number }> => {
      const out: Array<{ label: string; description: string; contextValue?: string; depth: number }> = [];
      const walk = (list: ReviewNode[], depth: number) => {
        for (const n of list) {
          const item = this.treeItem(n);
          const label = typeof item.label === 'string' ? item.label : item.label?.label ?? (item.resourceUri ? path.basename(item.resourceUri.fsPath) : '');
          out.push({ label, description: String(item.description ?? ''), ...(item.contextValue ? { contextValue: item.contextValue } : {}), depth });
          walk(this.children(n), depth + 1);
        }
      };
      walk(nodes, 0);
      return out;
    };
    return {
      message: view?.message ?? '',
      badge: view?.badge?.value ?? 0,
      count: this.services.reviewDebt.summary?.count ?? 0,
      repos: statuses.map((s) => ({ root: s.root, base: s.status?.base.label, problem: s.problem, debt: s.status?.debt ?? [], cleared: s.status?.cleared ?? [] })),
      tree: flatten(this.children()),
      lastSaveUpdateMs: this.lastSaveUpdateMs,
      events: { ...this.events },
    };
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.repos.values()) s.disposables.forEach((d) => d.dispose());
    this.pending.forEach((d) => d.dispose());
    this.disposables.forEach((d) => d.dispose());
  }
}

function relativeTo(root: string, file: string): string | undefined {
  const rel = path.relative(root, file);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/** The repository's git directory (HEAD lives there) and common directory (refs live there; they differ in a worktree). */
async function gitDirs(root: string): Promise<{ gitDir: string; commonDir: string }> {
  try {
    const [gitDir, commonDir] = (await runGit(root, ['rev-parse', '--absolute-git-dir', '--git-common-dir'])).trim().split('\n');
    return { gitDir, commonDir: path.resolve(root, commonDir) };
  } catch {
    return { gitDir: path.join(root, '.git'), commonDir: path.join(root, '.git') };
  }
}

/** "<sha> <branch>": what a git operation moves. */
async function headOf(root: string): Promise<string> {
  const [sha, branch] = await Promise.all([
    runGit(root, ['rev-parse', '--verify', '--quiet', 'HEAD']).catch(() => ''),
    runGit(root, ['symbolic-ref', '--quiet', 'HEAD']).catch(() => ''),
  ]);
  return `${sha.trim()} ${branch.trim()}`;
}

function capitalise(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`);
}

let host: ReviewHost | undefined;

/** Entry point used by register.ts through loadFeature('review'). */
export function createReviewHost(context: vscode.ExtensionContext, services: Services, parts: ViewParts): ReviewHost {
  if (!host) {
    host = new ReviewHost(services, parts);
    context.subscriptions.push(host);
  }
  return host;
}
