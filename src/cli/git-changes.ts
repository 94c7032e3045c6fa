/**
 * `git` for `stakes audit --changes [BASE]` and `stakes classify` (core/git.ts does the work):
 * git's failures become UserErrors that name the flag and what to do.
 */
import * as core from '../core/git';
import { UserError } from './io';

export { isRevision, uncommittedFiles, type GitChanges } from '../core/git';

function forUser(e: unknown, cwd: string): unknown {
  if (!(e instanceof core.GitError)) return e;
  switch (e.kind) {
    case 'missing': return new UserError('--changes needs git, which is not on PATH. Install git or audit files without --changes.');
    case 'not-a-repository': return new UserError(`--changes: ${cwd} is not inside a git repository. Audit files without --changes, or run it inside the repository.`);
    case 'bad-revision': return new UserError(`--changes ${e.revision}: not a branch, tag or commit in this repository.`);
    default: return new UserError(e.message);
  }
}

/** The repository's top-level directory, or a clear error when `cwd` is not in one. */
export function gitRoot(cwd: string): string {
  try {
    return core.gitRoot(cwd);
  } catch (e) {
    throw forUser(e, cwd);
  }
}

/** Changes under `paths` (absolute) against HEAD or the merge base with `base`. */
export function gitChanges(root: string, paths: string[], base?: string): core.GitChanges {
  try {
    return core.gitChanges(root, paths, base);
  } catch (e) {
    throw forUser(e, root);
  }
}
