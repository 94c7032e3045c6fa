/**
 * `git`, read-only: the unified diff of the working tree against HEAD (uncommitted changes) or
 * against the merge base with BASE (a branch's changes), plus untracked files, which git diff does
 * not show but which are certainly "changes". Used by `stakes audit --changes`, the classifier's
 * working-tree signal and the agent tools (`stakes mcp`). Failures are `GitError`s whose `kind`
 * lets each adapter word its own next step.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type GitErrorKind = 'missing' | 'not-a-repository' | 'bad-revision' | 'failed';

export class GitError extends Error {
  constructor(readonly kind: GitErrorKind, message: string, readonly revision?: string) {
    super(message);
    this.name = 'GitError';
  }
}

/**
 * A revision as a user or an agent may name it (branch, tag, sha, `HEAD~2`, `origin/main`): never
 * an option (`--output=…` would make git write a file), never whitespace or control characters.
 */
export function isSafeRevision(ref: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_./@{}~^+-]{0,199}$/.test(ref) && !ref.includes('..');
}

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new GitError('missing', 'git is not on PATH');
    throw new GitError('failed', `git ${args[0]} failed: ${(err.stderr ?? err.message).toString().trim().split('\n')[0]}`);
  }
}

/** The repository's top-level directory; GitError 'not-a-repository' when `cwd` is not in one. */
export function gitRoot(cwd: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new GitError('missing', 'git is not on PATH');
    throw new GitError('not-a-repository', `${cwd} is not inside a git repository`);
  }
}

/** True when `ref` names a commit (branch, tag, sha). */
export function isRevision(cwd: string, ref: string): boolean {
  if (!isSafeRevision(ref)) return false;
  try {
    execFileSync('git', ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], { cwd, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface GitChanges {
  /** Unified diff text (paths relative to the repository root). */
  diff: string;
  /** Untracked, not ignored files (relative to the repository root). */
  untracked: string[];
  /** What the diff is against, for messages. */
  base: string;
  /** The commit (or tree) the diff is against: "HEAD", a merge-base sha, or the empty tree. */
  against: string;
}

/** Changes under `paths` (absolute) against HEAD or the merge base with `base`. */
export function gitChanges(root: string, paths: string[], base?: string): GitChanges {
  const hasHead = isRevision(root, 'HEAD');
  let against: string;
  let label: string;
  if (base) {
    if (!isRevision(root, base)) throw new GitError('bad-revision', `${base} is not a branch, tag or commit in this repository`, base);
    against = hasHead ? git(root, ['merge-base', '--end-of-options', base, 'HEAD']).trim() : base;
    label = `${base} (merge base ${against.slice(0, 8)})`;
  } else {
    // A repository without commits: everything is new; diff against the empty tree.
    against = hasHead ? 'HEAD' : git(root, ['hash-object', '-t', 'tree', '/dev/null']).trim();
    label = hasHead ? 'HEAD' : 'an empty repository';
  }
  // No external diff drivers or textconv filters: reading changes never runs a configured program.
  const diff = git(root, ['diff', '--no-color', '--no-ext-diff', '--no-textconv', '--unified=0', against, '--', ...paths]);
  const untracked = git(root, ['ls-files', '--others', '--exclude-standard', '-z', '--', ...paths]).split('\0').filter(Boolean);
  return { diff, untracked, base: label, against };
}

/** The nearest directory at or above `dir` holding `.git` (a directory, or a file in worktrees and submodules). */
function repositoryTop(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * Files with uncommitted changes (modified, staged, untracked, renamed) under the repository that
 * holds `dir`, as absolute paths; empty when `dir` is not in a repository or git is missing.
 * Used for the `complex` signal, so it never fails.
 */

export function uncommittedFiles(dir: string): string[] {
  // The repository's top is found on disk: outside a repository no git runs at all, inside one only `git status`.
  const top = repositoryTop(dir);
  if (!top) return [];
  try {
    const out = execFileSync('git', ['status', '--porcelain', '-z', '--untracked-files=normal'], { cwd: top, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
    const entries = out.split('\0');
    const files: string[] = [];
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      if (e.length < 4) continue;
      files.push(path.join(top, e.slice(3)));
      // A rename is followed by its old path, which is not a changed file of the working tree.
      if (e[0] === 'R' || e[0] === 'C') i++;
    }
    return files;
  } catch {
    return [];
  }
}
