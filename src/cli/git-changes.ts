/**
 * `git` for `stakes audit --changes [BASE]`: the unified diff of the working tree against HEAD
 * (uncommitted changes) or against the merge base with BASE (a branch's changes), plus untracked
 * files, which git diff does not show but which are certainly "changes".
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { UserError } from './io';

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new UserError('--changes needs git, which is not on PATH. Install git or audit files without --changes.');
    throw new UserError(`git ${args[0]} failed: ${(err.stderr ?? err.message).toString().trim().split('\n')[0]}`);
  }
}

/** The repository's top-level directory, or a clear error when `cwd` is not in one. */
export function gitRoot(cwd: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError('--changes needs git, which is not on PATH.');
    throw new UserError(`--changes: ${cwd} is not inside a git repository. Audit files without --changes, or run it inside the repository.`);
  }
}

/** True when `ref` names a commit (branch, tag, sha). */
export function isRevision(cwd: string, ref: string): boolean {
  try {
    execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd, stdio: 'ignore' });
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
    if (!isRevision(root, base)) throw new UserError(`--changes ${base}: not a branch, tag or commit in this repository.`);
    against = hasHead ? git(root, ['merge-base', base, 'HEAD']).trim() : base;
    label = `${base} (merge base ${against.slice(0, 8)})`;
  } else {
    // A repository without commits: everything is new; diff against the empty tree.
    against = hasHead ? 'HEAD' : git(root, ['hash-object', '-t', 'tree', '/dev/null']).trim();
    label = hasHead ? 'HEAD' : 'an empty repository';
  }
  const diff = git(root, ['diff', '--no-color', '--no-ext-diff', '--unified=0', against, '--', ...paths]);
  const untracked = git(root, ['ls-files', '--others', '--exclude-standard', '-z', '--', ...paths]).split('\0').filter(Boolean);
  return { diff, untracked, base: label, against };
}

/**
 * Files with uncommitted changes (modified, staged, untracked, renamed) under the repository that
 * holds `dir`, as absolute paths; empty when `dir` is not in a repository or git is missing.
 * Used for the `complex` signal, so it never fails a command.
 */
export function uncommittedFiles(dir: string): string[] {
  try {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
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
