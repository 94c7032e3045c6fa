/**
 * Unified diffs for "uncommitted changes" and "branch against base", from VS Code's built-in git
 * extension (vscode.git, API v1) when it is there, else from the git command line. The core turns
 * the text into hunks; only changed lines are judged.
 */
import * as vscode from 'vscode';
import { execFile } from 'node:child_process';
import * as path from 'node:path';

/** The parts of the git extension's API v1 we use (vscode/extensions/git/src/api/git.d.ts). */
interface GitChange { readonly uri: vscode.Uri; readonly originalUri: vscode.Uri; readonly status: number }
interface GitRef { readonly type: number; readonly name?: string; readonly remote?: string }
interface GitBranch { readonly name?: string; readonly upstream?: { readonly remote: string; readonly name: string } }
interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: {
    readonly HEAD: GitBranch | undefined;
    readonly workingTreeChanges: GitChange[];
    readonly untrackedChanges?: GitChange[];
    readonly refs?: GitRef[];
  };
  diffWith(ref: string): Promise<GitChange[]>;
  diffWith(ref: string, path: string): Promise<string>;
  getMergeBase(ref1: string, ref2: string): Promise<string | undefined>;
  getRefs?(query: { pattern?: string }): Promise<GitRef[]>;
}
interface GitAPI {
  readonly state: 'uninitialized' | 'initialized';
  readonly onDidChangeState: vscode.Event<'uninitialized' | 'initialized'>;
  readonly repositories: GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
}

const STATUS_UNTRACKED = 7;

export interface WorkspaceDiff {
  /** Absolute path of the repository root; diff paths are relative to it. */
  root: string;
  /** `git diff` output for every changed file (added, modified, renamed). */
  diffText: string;
  /** Absolute paths of untracked files (new, never committed): audited whole. */
  untracked: string[];
  /** The ref the diff is against, as shown to the user ("HEAD", "origin/main (merge base 1a2b3c4)"). */
  baseLabel: string;
  /** The commit the diff is against ("HEAD" or the merge base's sha); unset for a repository without commits. */
  baseRef?: string;
  via: 'git extension' | 'git command';
}

/** A failure the user can act on (no repository, unknown ref, git missing). */
export class GitScopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitScopeError';
  }
}

async function gitApi(): Promise<GitAPI | undefined> {
  const ext = vscode.extensions.getExtension<{ enabled: boolean; getAPI(v: 1): GitAPI }>('vscode.git');
  if (!ext) return undefined;
  try {
    const exports = ext.isActive ? ext.exports : await ext.activate();
    if (!exports?.enabled) return undefined;
    const api = exports.getAPI(1);
    if (api.state !== 'initialized') {
      // Repositories are discovered after activation: wait briefly rather than report "no repository".
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { sub.dispose(); resolve(); }, 4000);
        const sub = api.onDidChangeState((s) => {
          if (s === 'initialized') { clearTimeout(timer); sub.dispose(); resolve(); }
        });
      });
    }
    return api;
  } catch {
    return undefined;
  }
}

function run(cwd: string, args: string[]): Promise<string> {
  // Hardened: no hooks, no fsmonitor, no external diff or textconv programs from the repository's config.
  const hardened = ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', '-c', 'diff.external=', ...args];
  return new Promise((resolve, reject) => {
    execFile('git', hardened, { cwd, maxBuffer: 64 * 1024 * 1024, timeout: 30_000, windowsHide: true }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') reject(new GitScopeError('git was not found on PATH and VS Code\'s Git extension is disabled: install git or enable the Git extension.'));
        else reject(new GitScopeError(`git ${args.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ')} failed: ${String(stderr || err.message).trim().split('\n')[0]}`));
        return;
      }
      resolve(stdout);
    });
  });
}

function requireTrustForGitCommand(): void {
  if (!vscode.workspace.isTrusted) {
    throw new GitScopeError('VS Code\'s Git extension is not available, and Stakes does not run git itself in an untrusted workspace ' +
      '(a repository\'s git config can run programs). Trust the workspace, or audit the current file instead.');
  }
}

function repoFor(api: GitAPI, folder: vscode.Uri): GitRepository | undefined {
  return api.getRepository(folder) ?? (api.repositories.length === 1 ? api.repositories[0] : undefined);
}

/** The directory to take changes from: the active file's (so nested repositories work), else the first workspace folder. */
export function currentFolder(): vscode.Uri {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && active.scheme === 'file') return vscode.Uri.file(path.dirname(active.fsPath));
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new GitScopeError('Open a folder that is a git repository to audit changes.');
  return folder.uri;
}

async function diffViaApi(repo: GitRepository, ref: string): Promise<{ diffText: string; untracked: string[] }> {
  const changes = await repo.diffWith(ref);
  const parts: string[] = [];
  for (const c of changes) {
    const text = await repo.diffWith(ref, c.uri.fsPath);
    if (text.trim()) parts.push(text.endsWith('\n') ? text : `${text}\n`);
  }
  const untrackedList = repo.state.untrackedChanges ?? repo.state.workingTreeChanges.filter((c) => c.status === STATUS_UNTRACKED);
  return { diffText: parts.join(''), untracked: untrackedList.filter((c) => c.status === STATUS_UNTRACKED).map((c) => c.uri.fsPath) };
}

async function diffViaCommand(root: string, ref: string): Promise<{ diffText: string; untracked: string[] }> {
  const diffText = await run(root, ['diff', '--no-color', '--no-ext-diff', '--no-textconv', '-M', '--diff-filter=ADMR', ref, '--']);
  const others = await run(root, ['ls-files', '--others', '--exclude-standard', '-z']);
  return { diffText, untracked: others.split('\0').filter(Boolean).map((p) => path.join(root, p)) };
}

async function commandRoot(folder: vscode.Uri): Promise<string> {
  requireTrustForGitCommand();
  try {
    return (await run(folder.fsPath, ['rev-parse', '--show-toplevel'])).trim();
  } catch (e) {
    if (e instanceof GitScopeError && /not a git repository/i.test(e.message)) {
      throw new GitScopeError(`${folder.fsPath} is not inside a git repository: there are no changes to audit. Audit the current file instead.`);
    }
    throw e;
  }
}

/** Working tree (plus untracked files) against HEAD. */
export async function uncommittedChanges(folder: vscode.Uri): Promise<WorkspaceDiff> {
  const api = await gitApi();
  const repo = api && repoFor(api, folder);
  if (repo) {
    const d = await diffViaApi(repo, 'HEAD').catch((e: Error) => {
      if (/bad revision|unknown revision|ambiguous argument 'HEAD'/i.test(e.message)) return null;
      throw new GitScopeError(`Could not read the changes from git: ${e.message}`);
    });
    if (d) return { root: repo.rootUri.fsPath, ...d, baseLabel: 'HEAD', baseRef: 'HEAD', via: 'git extension' };
    // No commit yet: every file is new.
    return { root: repo.rootUri.fsPath, diffText: '', untracked: repo.state.workingTreeChanges.map((c) => c.uri.fsPath), baseLabel: 'an empty repository', via: 'git extension' };
  }
  if (api && api.repositories.length > 1) {
    throw new GitScopeError('Several git repositories are open: open a file of the one to audit, then run the command again.');
  }
  const root = await commandRoot(folder);
  return { root, ...(await diffViaCommand(root, 'HEAD')), baseLabel: 'HEAD', baseRef: 'HEAD', via: 'git command' };
}

/** Candidate bases for "branch against base": the setting, the upstream, then common trunk names that exist. */
export async function baseCandidates(folder: vscode.Uri, configured: string): Promise<string[]> {
  const out: string[] = [];
  const add = (r: string | undefined) => { if (r && !out.includes(r)) out.push(r); };
  add(configured || undefined);
  const api = await gitApi();
  const repo = api && repoFor(api, folder);
  let names: string[] = [];
  if (repo) {
    const up = repo.state.HEAD?.upstream;
    const refs = repo.getRefs ? await repo.getRefs({}).catch(() => [] as GitRef[]) : (repo.state.refs ?? []);
    names = refs.map((r) => (r.remote && r.name && !r.name.startsWith(`${r.remote}/`) ? `${r.remote}/${r.name}` : r.name ?? '')).filter(Boolean);
    for (const trunk of ['origin/main', 'origin/master', 'main', 'master', 'origin/develop', 'develop']) if (names.includes(trunk)) add(trunk);
    if (up) add(`${up.remote}/${up.name}`);
  } else if (vscode.workspace.isTrusted) {
    try {
      const root = await commandRoot(folder);
      names = (await run(root, ['for-each-ref', '--format=%(refname:short)', 'refs/heads', 'refs/remotes'])).split('\n').filter(Boolean);
      for (const trunk of ['origin/main', 'origin/master', 'main', 'master', 'origin/develop', 'develop']) if (names.includes(trunk)) add(trunk);
    } catch {
      // The quick pick still accepts a typed ref.
    }
  }
  for (const n of names) if (!n.endsWith('/HEAD')) add(n);
  return out;
}

/** Everything on this branch since it left `base`, plus uncommitted work: working tree against the merge base. */
export async function branchChanges(folder: vscode.Uri, base: string): Promise<WorkspaceDiff> {
  if (!/^[\w./@{}~^-]+$/.test(base) || base.startsWith('-')) {
    throw new GitScopeError(`"${base}" is not a git ref name. Use a branch, tag or commit such as origin/main.`);
  }
  const api = await gitApi();
  const repo = api && repoFor(api, folder);
  if (repo) {
    const mergeBase = await repo.getMergeBase(base, 'HEAD').catch(() => undefined);
    if (!mergeBase) throw new GitScopeError(`No common ancestor of "${base}" and HEAD: check the base name (for example origin/main) and fetch it first.`);
    const d = await diffViaApi(repo, mergeBase).catch((e: Error) => { throw new GitScopeError(`Could not diff against ${base}: ${e.message}`); });
    return { root: repo.rootUri.fsPath, ...d, baseLabel: `${base} (merge base ${mergeBase.slice(0, 7)})`, baseRef: mergeBase, via: 'git extension' };
  }
  const root = await commandRoot(folder);
  const mergeBase = (await run(root, ['merge-base', base, 'HEAD']).catch(() => '')).trim();
  if (!mergeBase) throw new GitScopeError(`No common ancestor of "${base}" and HEAD: check the base name (for example origin/main) and fetch it first.`);
  return { root, ...(await diffViaCommand(root, mergeBase)), baseLabel: `${base} (merge base ${mergeBase.slice(0, 7)})`, baseRef: mergeBase, via: 'git command' };
}
