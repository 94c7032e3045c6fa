/**
 * The git the review debt needs, asynchronous and hardened (no hooks, no fsmonitor, no external
 * diff or textconv programs): the repository root, the base (HEAD, the merge base with the main
 * branch or with a ref), the files changed against it with renames, and file contents read in one
 * `git cat-file --batch` process however many files there are.
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** A git failure the user can act on (no repository, unknown ref, shallow clone, git missing). */
export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

const HARDENED = ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', '-c', 'diff.external=', '-c', 'core.quotePath=false'];
const MAX_BUFFER = 256 * 1024 * 1024;

/** Run git in `cwd`; resolves stdout. Rejects with a GitError whose message says what failed. */
export function runGit(cwd: string, args: string[], options: { timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', [...HARDENED, ...args], { cwd, maxBuffer: MAX_BUFFER, timeout: options.timeoutMs ?? 60_000, windowsHide: true, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') reject(new GitError('git is not on PATH: install git (review debt is measured against git history).'));
        else reject(new GitError(`git ${args.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ')} failed: ${String(stderr || err.message).trim().split('\n')[0]}`));
        return;
      }
      resolve(stdout);
    });
  });
}

/** The top-level directory of the repository holding `dir`. */
export async function repoRootOf(dir: string): Promise<string> {
  try {
    return path.resolve((await runGit(dir, ['rev-parse', '--show-toplevel'])).trim());
  } catch (e) {
    if (e instanceof GitError && /not a git repository/i.test(e.message)) {
      throw new GitError(`${dir} is not inside a git repository: review debt is measured against git history (git init, or run it inside the repository).`);
    }
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || /ENOENT|no such file/i.test((e as Error).message)) throw new GitError(`${dir}: no such directory.`);
    throw e;
  }
}

async function commitOf(root: string, ref: string): Promise<string | null> {
  try {
    return (await runGit(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim() || null;
  } catch {
    return null;
  }
}

/** What the debt is measured against. */
export interface ResolvedBase {
  /** The commit the working tree (or index) is compared with; for a repository without commits, the empty tree. */
  sha: string;
  /** "HEAD (uncommitted changes)", "main (merge base 1a2b3c4d)". */
  label: string;
  mode: 'head' | 'merge-base';
  /** The ref whose merge base was taken. */
  ref?: string;
  /** The repository has no commit yet: everything is new. */
  empty?: boolean;
}

/** Main-branch names tried, in order, when no base is named. */
const MAIN_CANDIDATES = ['origin/HEAD', 'origin/main', 'origin/master', 'main', 'master', 'origin/trunk', 'trunk', 'origin/develop', 'develop'];

/**
 * The base: `requested` ("HEAD", or a ref whose merge base with HEAD is used), else the policy's,
 * else the main branch's merge base (HEAD itself when HEAD is on the main branch: then only the
 * uncommitted changes count).
 */
export async function resolveBase(root: string, requested?: string): Promise<ResolvedBase> {
  const head = await commitOf(root, 'HEAD');
  if (!head) {
    const empty = (await runGit(root, ['hash-object', '-t', 'tree', '/dev/null']).catch(() => '4b825dc642cb6eb9a060e54bf8d69288fbee4904')).trim();
    if (requested && requested !== 'HEAD') throw new GitError(`--base ${requested}: this repository has no commit yet, so there is no merge base; commit first, or use --base HEAD.`);
    return { sha: empty || '4b825dc642cb6eb9a060e54bf8d69288fbee4904', label: 'an empty repository (no commit yet)', mode: 'head', empty: true };
  }
  if (requested === 'HEAD') return { sha: head, label: 'HEAD (uncommitted changes)', mode: 'head' };
  if (requested) {
    if (requested.startsWith('-') || !/^[\w./@{}~^:+-]+$/.test(requested)) throw new GitError(`"${requested}" is not a git ref name: use a branch, tag or commit such as origin/main.`);
    const target = await commitOf(root, requested);
    if (!target) {
      throw new GitError(`${requested} is not a branch, tag or commit in this repository${requested.includes('/') ? ' (fetch it first: git fetch origin)' : ''}.`);
    }
    return mergeBaseWith(root, requested, head);
  }
  for (const ref of MAIN_CANDIDATES) {
    if (await commitOf(root, ref)) {
      const base = await mergeBaseWith(root, ref, head);
      if (base.sha === head) return { sha: head, label: `HEAD (uncommitted changes; HEAD is on ${ref === 'origin/HEAD' ? 'the main branch' : ref})`, mode: 'head' };
      return base;
    }
  }
  return { sha: head, label: 'HEAD (uncommitted changes; no main branch found)', mode: 'head' };
}

async function mergeBaseWith(root: string, ref: string, head: string): Promise<ResolvedBase> {
  const mb = (await runGit(root, ['merge-base', ref, head]).catch(() => '')).trim();
  if (!mb) {
    const shallow = (await runGit(root, ['rev-parse', '--is-shallow-repository']).catch(() => '')).trim() === 'true';
    throw new GitError(`${ref} and HEAD have no common ancestor${shallow ? ': this is a shallow clone, fetch the history (actions/checkout with fetch-depth: 0, or git fetch --unshallow)' : ': check the base name'}.`);
  }
  return { sha: mb, label: `${ref} (merge base ${mb.slice(0, 8)})`, mode: 'merge-base', ref };
}

export type ChangeStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'untracked' | 'unmerged';

export interface ChangedFile {
  status: ChangeStatus;
  /** Repository-relative, forward slashes. */
  path: string;
  /** Source path of a rename or copy. */
  oldPath?: string;
}

const STATUS: Record<string, ChangeStatus> = { A: 'added', M: 'modified', D: 'deleted', R: 'renamed', C: 'copied', T: 'modified', U: 'unmerged' };

/**
 * Files changed in the working tree (or the index, `staged`) against the base, with renames, plus
 * untracked files (not staged ones: they are not in the commit being made).
 */
export async function changedFiles(root: string, base: ResolvedBase, options: { staged?: boolean; paths?: string[] } = {}): Promise<ChangedFile[]> {
  const spec = ['--', ...(options.paths ?? [])];
  const out = await runGit(root, ['diff', '--name-status', '-z', '-M', '--no-ext-diff', '--no-textconv', ...(options.staged ? ['--cached'] : []), base.sha, ...spec]);
  const parts = out.split('\0');
  const files: ChangedFile[] = [];
  for (let i = 0; i < parts.length; i++) {
    const code = parts[i];
    if (!code) continue;
    const status = STATUS[code[0]];
    if (!status) continue;
    if (status === 'renamed' || status === 'copied') {
      files.push({ status, oldPath: parts[i + 1], path: parts[i + 2] });
      i += 2;
    } else {
      files.push({ status, path: parts[i + 1] });
      i += 1;
    }
  }
  if (!options.staged) {
    const others = await runGit(root, ['ls-files', '--others', '--exclude-standard', '-z', ...spec]);
    for (const p of others.split('\0')) if (p) files.push({ status: 'untracked', path: p });
  }
  return files;
}

/**
 * Read many objects in one process: `specs` like "<sha>:<path>" or ":<path>" (the index). Each
 * result is the bytes, or null when the object does not exist (or is not a file).
 */
export function readObjects(root: string, specs: readonly string[]): Promise<Array<Buffer | null>> {
  if (specs.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...HARDENED, 'cat-file', '--batch'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('error', (e) => reject((e as NodeJS.ErrnoException).code === 'ENOENT' ? new GitError('git is not on PATH: install git.') : e));
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new GitError(`git cat-file failed: ${stderr.trim().split('\n')[0] || `exit code ${code}`}`));
        return;
      }
      const buf = Buffer.concat(chunks);
      const results: Array<Buffer | null> = [];
      let pos = 0;
      for (let k = 0; k < specs.length; k++) {
        const nl = buf.indexOf(10, pos);
        if (nl === -1) { results.push(null); continue; }
        const header = buf.subarray(pos, nl).toString('utf8');
        pos = nl + 1;
        const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
        if (!m) { results.push(null); continue; } // "<spec> missing" / "ambiguous"
        const size = Number(m[2]);
        results.push(m[1] === 'blob' ? buf.subarray(pos, pos + size) : null);
        pos += size + 1;
      }
      resolve(results);
    });
    // Paths with a newline cannot be named on cat-file's stdin: ask for an object that does not exist instead.
    child.stdin.end(specs.map((s) => (s.includes('\n') ? ':\u0000' : s)).join('\n') + '\n');
  });
}

/** The working tree's bytes of a repository file (a symlink's target path, as git stores it); null when absent or a directory. */
export async function readWorkingFile(root: string, rel: string): Promise<Buffer | null> {
  const abs = path.join(root, rel);
  try {
    const st = await fs.lstat(abs);
    if (st.isSymbolicLink()) return Buffer.from(await fs.readlink(abs));
    if (!st.isFile()) return null;
    return await fs.readFile(abs);
  } catch {
    return null;
  }
}

/** Who "Mark reviewed…" is signed by: git's user.name and user.email. */
export async function gitIdentity(root: string): Promise<{ name?: string; email?: string }> {
  const get = (key: string) => runGit(root, ['config', '--get', key]).then((s) => s.trim() || undefined, () => undefined);
  const [name, email] = await Promise.all([get('user.name'), get('user.email')]);
  return { ...(name ? { name } : {}), ...(email ? { email } : {}) };
}

/** Record files git tracks (in the index), for `--staged` and for "commit your records" warnings. */
export async function trackedUnder(root: string, dir: string): Promise<Set<string>> {
  const out = await runGit(root, ['ls-files', '-z', '--', dir]).catch(() => '');
  return new Set(out.split('\0').filter(Boolean));
}

/** Local and remote branch names, for "choose the base". */
export async function branchNames(root: string): Promise<string[]> {
  const out = await runGit(root, ['for-each-ref', '--format=%(refname:short)', 'refs/heads', 'refs/remotes']).catch(() => '');
  return out.split('\n').filter((n) => n && !n.endsWith('/HEAD'));
}

/**
 * The files on the main branch that are unchanged since: at the main branch's merge base (HEAD on
 * the main branch itself) and not modified, staged or deleted in the working tree. A migration among
 * them has already run where the main branch is deployed, so warning that it would lock a table
 * helps no one; one that is new, or changed on this branch, has not. null outside a repository.
 */
export async function mainBranchHistory(dir: string): Promise<{ base: ResolvedBase; root: string; where: string; has: (rel: string) => boolean } | null> {
  let root: string;
  try {
    root = await repoRootOf(dir);
  } catch {
    return null;
  }
  const base = await resolveBase(root).catch(() => null);
  // No main branch found: nothing says what has been deployed.
  if (!base || base.empty || (base.mode === 'head' && !/HEAD is on/.test(base.label))) return null;
  const [tree, changed] = await Promise.all([
    runGit(root, ['ls-tree', '-r', '-z', '--name-only', base.sha]),
    runGit(root, ['diff', '--name-only', '-z', '--no-renames', base.sha]),
  ]).catch(() => [null, null] as const);
  if (tree === null || changed === null) return null;
  const onMain = new Set(tree.split('\0').filter(Boolean));
  for (const p of changed.split('\0')) if (p) onMain.delete(p);
  const where = base.mode === 'merge-base' && base.ref ? base.ref : 'the main branch';
  return { base, root, where, has: (rel) => onMain.has(rel) };
}
