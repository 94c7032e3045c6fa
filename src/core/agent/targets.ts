/**
 * What a tool looks at, from the three ways an agent can say it: paths (files, or directories
 * walked with .gitignore), a unified diff, or the changes against a git base. Listing is cheap and
 * stable (paths and hunks only), so a cursor can point into it; a page's files are read when the
 * page is built. A diff may describe the files on disk (already applied) or a change not yet made
 * (applied here in memory, never written); one that matches neither is reported, not guessed at.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseUnifiedDiff } from '../audit/diff';
import { judgedRanges } from '../audit/scope';
import type { DiffHunk, FileDiff, LineRange } from '../audit/types';
import { walkFiles } from '../files';
import { gitChanges, GitError, gitRoot } from '../git';
import { AgentError, isAgentError } from './errors';
import { LIMITS } from './paging';
import { toPosix, type ResolvedPath, type Workspace } from './workspace';

export interface TargetRequest {
  paths?: string[];
  diff?: string;
  base?: string;
}

/** One file to look at, before reading it. */
export interface TargetItem {
  /** As shown to the agent. */
  shown: string;
  /** The file on disk; absent for a file a diff adds that does not exist yet. */
  file?: ResolvedPath;
  /** Hunks when only changed lines count (diff or base). */
  hunks?: DiffHunk[];
  /** A diff item whose old side is /dev/null. */
  added?: boolean;
  /** The whole file is new (untracked): every line counts. */
  untracked?: boolean;
}

export interface TargetList {
  items: TargetItem[];
  /** What was looked at, in words ("3 paths", "the diff's 4 files", "changes against main (merge base 1a2b3c4d)"). */
  scope: string;
  /** Set when walking stopped at the file limit. */
  truncated?: string;
  /** Things the agent should know (deleted or binary files in a diff). */
  notes: string[];
}

/** A target read from disk (or rebuilt from a diff), ready for a tool. */
export interface LoadedTarget {
  shown: string;
  content: Buffer;
  /** Judged lines; undefined means the whole file. */
  ranges?: LineRange[];
  /** Why the file was not looked at (the item stays in the page with this reason). */
  skipped?: string;
}

/** The targets of a request, in a stable order. Exactly one of paths / diff / base (paths may narrow base). */
export function listTargets(ws: Workspace, req: TargetRequest): TargetList {
  if (req.diff !== undefined) return diffTargets(ws, req.diff);
  if (req.base !== undefined) return baseTargets(ws, req.base, req.paths);
  return pathTargets(ws, req.paths ?? []);
}

function pathTargets(ws: Workspace, paths: string[]): TargetList {
  const resolved = paths.map((p, i) => ws.resolve(p, `paths[${i}]`));
  const seen = new Set<string>();
  const items: TargetItem[] = [];
  let truncated: string | undefined;
  for (const r of resolved) {
    if (items.length >= LIMITS.walkedFiles) {
      truncated = `stopped after ${LIMITS.walkedFiles.toLocaleString('en-US')} files; pass narrower paths to see the rest`;
      break;
    }
    const files = r.isDirectory ? walkFiles([r.abs], r.root.real, r.root.real, LIMITS.walkedFiles - items.length) : [r.abs];
    if (r.isDirectory && files.length > LIMITS.walkedFiles - items.length) {
      files.length = LIMITS.walkedFiles - items.length;
      truncated = `walking ${ws.display(r.abs)} stopped after ${LIMITS.walkedFiles.toLocaleString('en-US')} files; pass narrower paths to see the rest`;
    }
    for (const abs of files) {
      if (seen.has(abs)) continue;
      seen.add(abs);
      const root = ws.rootOf(abs) ?? r.root;
      items.push({ shown: ws.display(abs), file: { abs, root, rel: toPosix(path.relative(root.real, abs)), isDirectory: false } });
    }
  }
  return {
    items, notes: [], ...(truncated ? { truncated } : {}),
    scope: `${paths.length === 1 ? paths[0] : `${paths.length} paths`} (${items.length.toLocaleString('en-US')} file${items.length === 1 ? '' : 's'})`,
  };
}

function diffTargets(ws: Workspace, diff: string): TargetList {
  const files = parseUnifiedDiff(diff);
  if (files.length === 0) throw new AgentError('INVALID_DIFF', 'diff has no file sections (expected ---/+++ headers or diff --git lines, then @@ hunks)', { field: 'diff' });
  const items: TargetItem[] = [];
  const notes: string[] = [];
  for (const [i, fd] of files.entries()) {
    const name = fd.newPath ?? fd.oldPath ?? `file ${i + 1}`;
    if (fd.status === 'deleted' || !fd.newPath) { notes.push(`${name}: deleted by the diff (nothing left to look at)`); continue; }
    if (fd.binary) { notes.push(`${name}: binary change, not looked at`); continue; }
    if (fd.hunks.length === 0) { notes.push(`${name}: no changed lines (rename or mode change only)`); continue; }
    items.push(diffItem(ws, fd, `diff file ${i + 1} (${name})`));
  }
  return { items, notes, scope: `the diff's ${items.length} changed file${items.length === 1 ? '' : 's'}` };
}

/** A diff's file: on disk when it exists inside a root; a new file only the diff holds otherwise. */
function diffItem(ws: Workspace, fd: FileDiff, field: string): TargetItem {
  const p = fd.newPath!;
  const file = resolveDiffPath(ws, p, field);
  if (file) return { shown: ws.display(file.abs), file, hunks: fd.hunks, added: fd.status === 'added' };
  if (fd.status !== 'added') {
    throw new AgentError('INVALID_PATH', `${field}: ${p} does not exist in the workspace roots (${ws.describeRoots().join(', ')}), and the diff does not create it`, { field, path: p });
  }
  // A file the diff creates and that is not written yet: it will live in the first root.
  const target = path.resolve(ws.roots[0].dir, p);
  if (path.isAbsolute(p) || path.relative(ws.roots[0].dir, target).split(path.sep)[0] === '..') {
    throw new AgentError('OUTSIDE_WORKSPACE', `${field}: ${p} is outside the workspace roots (${ws.describeRoots().join(', ')})`, { field, path: p });
  }
  return { shown: ws.roots.length > 1 ? target : toPosix(path.relative(ws.roots[0].dir, target)), hunks: fd.hunks, added: true };
}

/** Diff paths are relative to the repository; roots may be folders inside it. */
function resolveDiffPath(ws: Workspace, p: string, field: string): ResolvedPath | undefined {
  try {
    return ws.resolve(p, field);
  } catch (e) {
    if (!isAgentError(e) || e.code !== 'INVALID_PATH') throw e;
  }
  for (const root of ws.roots) {
    let top: string;
    try { top = gitRoot(root.real); } catch { continue; }
    const abs = path.resolve(top, p);
    if (!path.relative(top, abs).startsWith('..')) {
      try {
        return ws.resolve(abs, field);
      } catch (e) {
        if (isAgentError(e) && e.code === 'OUTSIDE_WORKSPACE') continue; // in the repository but outside this server's roots
        if (!isAgentError(e) || e.code !== 'INVALID_PATH') throw e;
      }
    }
  }
  return undefined;
}

function baseTargets(ws: Workspace, base: string, paths: string[] | undefined): TargetList {
  const scopes = paths?.length ? paths.map((p, i) => ws.resolve(p, `paths[${i}]`)) : ws.roots.map((r) => ({ abs: r.real, root: r }));
  const byRepo = new Map<string, string[]>();
  for (const s of scopes) {
    const top = gitCall(() => gitRoot(s.abs));
    byRepo.set(top, [...(byRepo.get(top) ?? []), s.abs]);
  }
  const items: TargetItem[] = [];
  const notes: string[] = [];
  let label = base;
  for (const [top, under] of byRepo) {
    const changes = gitCall(() => gitChanges(top, under, base));
    label = changes.base;
    for (const fd of parseUnifiedDiff(changes.diff)) {
      if (fd.status === 'deleted' || !fd.newPath) { notes.push(`${fd.oldPath}: deleted`); continue; }
      if (fd.binary) { notes.push(`${fd.newPath}: binary change, not looked at`); continue; }
      if (fd.hunks.length === 0) continue;
      const file = resolveChanged(ws, path.join(top, fd.newPath), fd.newPath, notes);
      if (file) items.push({ shown: ws.display(file.abs), file, hunks: fd.hunks });
    }
    for (const rel of changes.untracked) {
      // A new symlink is a change to the link, not new content in whatever it points at.
      if (fs.lstatSync(path.join(top, rel), { throwIfNoEntry: false })?.isSymbolicLink()) { notes.push(`${rel}: new symbolic link, not followed`); continue; }
      const file = resolveChanged(ws, path.join(top, rel), rel, notes);
      if (file && !file.isDirectory) items.push({ shown: ws.display(file.abs), file, untracked: true });
    }
  }
  items.sort((a, b) => a.shown.localeCompare(b.shown));
  return { items, notes, scope: `changes against ${label} (${items.length} file${items.length === 1 ? '' : 's'})` };
}

/** git names the file; it must still resolve inside a root (a tracked symlink can point anywhere). */
function resolveChanged(ws: Workspace, abs: string, rel: string, notes: string[]): ResolvedPath | undefined {
  try {
    return ws.resolve(abs, rel);
  } catch (e) {
    if (!isAgentError(e) || (e.code !== 'OUTSIDE_WORKSPACE' && e.code !== 'INVALID_PATH')) throw e;
    notes.push(`${rel}: not read (${e.message.replace(`${rel}: `, '')})`);
    return undefined;
  }
}

function gitCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof GitError)) throw e;
    if (e.kind === 'missing') throw new AgentError('GIT_UNAVAILABLE', 'git is not installed on the machine running Stakes');
    if (e.kind === 'not-a-repository') throw new AgentError('NOT_A_GIT_REPOSITORY', `${e.message}`);
    if (e.kind === 'bad-revision') throw new AgentError('UNKNOWN_REVISION', e.message, { field: 'base', base: e.revision });
    throw new AgentError('INTERNAL_ERROR', e.message);
  }
}

/** Read one target: its content (or the diff applied in memory) and the lines that count. */
export function loadTarget(ws: Workspace, item: TargetItem, maxBytes: number): LoadedTarget {
  if (!item.file) {
    // Only the diff has this file: its added lines are the whole file.
    const lines = (item.hunks ?? []).flatMap((h) => h.lines.filter((l) => l.kind !== 'remove').map((l) => l.text));
    const content = Buffer.from(lines.join('\n') + '\n');
    return { shown: item.shown, content, ranges: [{ startLine: 1, endLine: Math.max(1, lines.length) }] };
  }
  const { bytes, size } = ws.read(item.file, maxBytes);
  if (size > maxBytes) return { shown: item.shown, content: bytes, skipped: `larger than ${Math.round(maxBytes / 1024 / 1024)} MB (generated or vendored code)` };
  if (item.untracked) return { shown: item.shown, content: bytes };
  if (!item.hunks) return { shown: item.shown, content: bytes };
  const text = bytes.toString('utf8');
  const lines = text.split(/\r?\n/);
  const ranges = (content: string): LineRange[] => judgedRanges({ path: item.shown, content, scope: { kind: 'changes', base: 'diff', hunks: item.hunks! } });
  // With -U0, a hunk that only removes lines says nothing about the new side: it counts as applied
  // unless the removed lines are still where the diff says.
  const newSide = item.hunks.some((h) => h.lines.some((l) => l.kind !== 'remove'));
  if (newSide && matchesNewSide(lines, item.hunks)) return { shown: item.shown, content: bytes, ranges: ranges(text) };
  const applied = applyHunks(lines, item.hunks);
  if (applied !== undefined) {
    const rebuilt = applied.join(text.includes('\r\n') ? '\r\n' : '\n');
    return { shown: item.shown, content: Buffer.from(rebuilt), ranges: ranges(rebuilt) };
  }
  if (!newSide) return { shown: item.shown, content: bytes, ranges: ranges(text) };
  return { shown: item.shown, content: bytes, skipped: 'the diff does not match this file on disk, before or after the change (a stale diff?): pass a fresh diff or the path' };
}

/** True when every added and context line of the hunks is on disk at its new line number (the diff is applied). */
function matchesNewSide(lines: string[], hunks: DiffHunk[]): boolean {
  return hunks.every((h) => h.lines.every((l) => l.kind === 'remove' || (l.newLine !== null && lines[l.newLine - 1] === l.text)));
}

/** The file with the diff applied, when every removed and context line is at its old line number; undefined otherwise. */
function applyHunks(lines: string[], hunks: DiffHunk[]): string[] | undefined {
  const out: string[] = [];
  let next = 0; // index into lines of the first line not yet copied
  for (const h of hunks) {
    // git writes a hunk that only adds as "-N,0": the new lines go after old line N.
    const start = h.oldLines === 0 ? h.oldStart : h.oldStart - 1;
    if (start < next || start > lines.length) return undefined;
    out.push(...lines.slice(next, start));
    let at = start;
    for (const l of h.lines) {
      if (l.kind === 'add') { out.push(l.text); continue; }
      if (lines[at] !== l.text) return undefined;
      if (l.kind === 'context') out.push(l.text);
      at++;
    }
    next = at;
  }
  out.push(...lines.slice(next));
  return out;
}
