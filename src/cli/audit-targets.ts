/**
 * What `stakes audit` judges: the files named or found by walking folders (whole, or one selection),
 * or with `--changes [BASE]` the changed lines of git's diff plus untracked files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseUnifiedDiff } from '../core/audit/diff';
import { DEFAULT_EXCLUDE_GLOBS, exclusionOf } from '../core/audit/redaction';
import type { AuditTarget } from '../core/audit/types';
import { looksBinary } from '../core/classify/text';
import { relativePath, walkFiles } from '../core/files';
import { gitChanges, gitRoot, isRevision } from './git-changes';
import { UserError } from './io';
import { isReviewRecord } from '../core/review/records';

/** The targets, or why there is nothing to audit (not an error: a CI gate with no changes passes). */
export type TargetsResult = { targets: AuditTarget[]; changes?: ChangesBase } | { nothing: string };

/** For `--changes`: what the hunks are against, so the review record can fingerprint each change's before and after. */
export interface ChangesBase {
  /** The git repository root (absolute). */
  repo: string;
  /** The commit the hunks are against ("HEAD", a merge-base sha, or the empty tree). */
  against: string;
  /** Target path → its path at the base, for renamed files. */
  renamedFrom: Map<string, string>;
}

/** `--changes` takes an optional value: only when the next word names a commit and is not a path. */
export function splitChangesFlag(argv: string[], cwd: string): { argv: string[]; changes: boolean; base?: string } {
  const out: string[] = [];
  let changes = false;
  let base: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--changes=')) { changes = true; base = a.slice('--changes='.length) || undefined; continue; }
    if (a !== '--changes') { out.push(a); continue; }
    changes = true;
    const next = argv[i + 1];
    if (next && !next.startsWith('-') && !fs.existsSync(path.resolve(cwd, next)) && isRevision(cwd, next)) { base = next; i++; }
  }
  return { argv: out, changes, base };
}

/** `--selection START:END` (or a single line). */
export function parseSelection(value: string): { startLine: number; endLine: number } {
  const m = /^(\d+)(?::(\d+))?$/.exec(value.trim());
  if (!m) throw new UserError(`--selection ${value}: expected START:END line numbers, e.g. --selection 10:40.`);
  const startLine = Number(m[1]);
  const endLine = m[2] === undefined ? startLine : Number(m[2]);
  if (startLine < 1 || endLine < startLine) {
    throw new UserError(`--selection ${value}: START must be at least 1 and END at least START.`);
  }
  return { startLine, endLine };
}

const LOCKFILES = new Set(['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'poetry.lock',
  'Pipfile.lock', 'uv.lock', 'Cargo.lock', 'go.sum', 'composer.lock', 'Gemfile.lock', 'packages.lock.json']);
const MAX_WALKED_FILE_BYTES = 512 * 1024;

/** Binary content (images, archives, fonts): a NUL byte in the first 8 KB, as git decides it. */
function isBinaryFile(abs: string): boolean {
  let fd: number | undefined;
  try {
    fd = fs.openSync(abs, 'r');
    const head = Buffer.alloc(8192);
    return looksBinary(head.subarray(0, fs.readSync(fd, head, 0, head.length, 0)));
  } catch {
    return false; // reported when read
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Why a file found by walking a folder is not worth auditing (lockfile, minified, source map, huge), or null. */
function generatedReason(abs: string): string | null {
  const base = path.basename(abs);
  if (LOCKFILES.has(base)) return 'dependency lockfile';
  if (/\.(min\.(js|css)|map)$/.test(base)) return 'minified or source map';
  try {
    if (fs.statSync(abs).size > MAX_WALKED_FILE_BYTES) return 'larger than 512 KB (generated or vendored); name it explicitly to audit it';
  } catch { /* reported when read */ }
  return null;
}

function readText(abs: string, shown: string): string {
  try {
    return fs.readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${shown}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}.`);
  }
}

/** The named files and the files under named folders (ignored, generated and huge walked files left out, on stderr). */
export function fileTargets(paths: string[], root: string, selection: string | undefined, cwd: string, stderr: (t: string) => void): AuditTarget[] {
  const abs = paths.map((p) => path.resolve(cwd, p));
  let files: string[];
  try {
    files = walkFiles(abs, root);
  } catch (e) {
    throw new UserError(`${(e as Error).message}. Check the path and try again.`);
  }
  // Inside walked folders, generated files would only burn tokens; files named on the command line are always taken.
  const named = new Set(abs);
  const namedBinary = files.find((f) => named.has(f) && isBinaryFile(f));
  if (namedBinary) throw new UserError(`${relativePath(root, namedBinary)}: binary file, nothing to audit. Name source files or folders.`);
  // Binary files are counted, not listed: a repository has hundreds of images and none is code.
  let binary = 0;
  files = files.filter((f) => {
    if (named.has(f)) return true;
    if (isBinaryFile(f)) {
      binary++;
      return false;
    }
    const why = generatedReason(f);
    if (why) stderr(`stakes audit: skipped ${relativePath(root, f)}: ${why}\n`);
    return !why;
  });
  if (binary) stderr(`stakes audit: ${binary} binary file(s) skipped.\n`);
  if (files.length === 0) throw new UserError(`no files found under ${paths.join(', ')} (everything is ignored by .gitignore, generated, or the directory is empty).`);
  if (selection !== undefined && files.length !== 1) throw new UserError(`--selection applies to one file, but ${files.length} files were given.`);
  const lines = selection !== undefined ? parseSelection(selection) : undefined;
  const targets: AuditTarget[] = [];
  for (const f of files) {
    const shown = relativePath(root, f);
    let content: string;
    try {
      content = readText(f, shown);
    } catch (e) {
      // One unreadable file inside a walked folder costs only itself; a file named on the command line is an error.
      if (named.has(f) || !(e instanceof UserError)) throw e;
      stderr(`stakes audit: skipped ${e.message}\n`);
      continue;
    }
    // `file` lets the exclusions follow a symlink to what it points at.
    targets.push({ path: shown, content, scope: lines ? { kind: 'selection', ...lines } : { kind: 'file' }, file: f });
  }
  if (targets.length === 0) throw new UserError(`no readable files under ${paths.join(', ')}.`);
  return targets;
}

/** The changed lines under `paths` against HEAD (or the merge base with `base`), and untracked files whole. */
export function changedTargets(paths: string[], root: string, base: string | undefined, cwd: string): TargetsResult {
  const abs = paths.map((p) => path.resolve(cwd, p));
  for (const [i, p] of abs.entries()) if (!fs.existsSync(p)) throw new UserError(`${paths[i]}: no such file or directory.`);
  const repo = gitRoot(fs.statSync(abs[0]).isDirectory() ? abs[0] : path.dirname(abs[0]));
  const changes = gitChanges(repo, abs, base);
  const targets: AuditTarget[] = [];
  const renamedFrom = new Map<string, string>();
  for (const fd of parseUnifiedDiff(changes.diff)) {
    if (fd.status === 'deleted' || fd.binary || !fd.newPath || isReviewRecord(fd.newPath)) continue;
    const file = path.join(repo, fd.newPath);
    const target = relativePath(root, file);
    if (fd.status === 'renamed' && fd.oldPath) renamedFrom.set(target, fd.oldPath);
    targets.push({ path: target, content: readText(file, fd.newPath), scope: { kind: 'changes', base: changes.base, hunks: fd.hunks }, file });
  }
  for (const rel of changes.untracked.filter((r) => !isReviewRecord(r))) {
    const file = path.join(repo, rel);
    const content = readText(file, rel);
    const n = content.split('\n').length - (content.endsWith('\n') ? 1 : 0);
    if (n === 0) continue;
    const lines = content.split('\n').slice(0, n).map((text, i) => ({ kind: 'add' as const, text, oldLine: null, newLine: i + 1 }));
    targets.push({ path: relativePath(root, file), content, scope: { kind: 'changes', base: `${changes.base} (new, untracked file)`, hunks: [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: n, lines }] }, file });
  }
  if (targets.length === 0) return { nothing: `no changes against ${changes.base} under ${paths.join(', ')}: nothing to audit.` };
  // Changes only in files that are never sent (.env, keys) are not an error in a CI gate.
  if (targets.every((t) => exclusionOf(t, DEFAULT_EXCLUDE_GLOBS))) {
    return { nothing: `the only changes are in files that are never sent (${targets.map((t) => t.path).join(', ')}): nothing to audit.` };
  }
  return { targets, changes: { repo, against: changes.against, renamedFrom } };
}
