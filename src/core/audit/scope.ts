/**
 * Which lines of a target are judged. Whole file: all of them; selection: its lines; changes: the
 * added lines plus, for pure deletions, the line where code disappeared (so "removed the auth
 * check" can be reported). Everything else may be shown as context but is never reported on.
 */
import type { AuditScope, AuditTarget, CheckedFile, FileDiff, LineRange } from './types';

/** Number of lines in a text (a final newline does not start another line). */
export function lineCount(text: string): number {
  if (text === '') return 0;
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}

/** Sort and merge overlapping or touching ranges. */
export function mergeRanges(ranges: LineRange[]): LineRange[] {
  const sorted = [...ranges].sort((a, b) => a.startLine - b.startLine);
  const out: LineRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.startLine <= last.endLine + 1) last.endLine = Math.max(last.endLine, r.endLine);
    else out.push({ ...r });
  }
  return out;
}

/** The judged line ranges of a target, clamped to the file. */
export function judgedRanges(target: AuditTarget): LineRange[] {
  const total = Math.max(1, lineCount(target.content));
  const scope = target.scope;
  if (scope.kind === 'file') return [{ startLine: 1, endLine: total }];
  if (scope.kind === 'selection') {
    const start = Math.min(Math.max(1, scope.startLine), total);
    const end = Math.min(Math.max(start, scope.endLine), total);
    return [{ startLine: start, endLine: end }];
  }
  const lines: number[] = [];
  for (const hunk of scope.hunks) {
    let pendingRemoval = false;
    // git writes a pure deletion as "+N,0" where N is the line before the removed ones.
    let lastNew = hunk.newLines === 0 ? hunk.newStart : hunk.newStart - 1;
    for (const l of hunk.lines) {
      if (l.kind === 'add' && l.newLine !== null) { lines.push(l.newLine); pendingRemoval = false; lastNew = l.newLine; }
      else if (l.kind === 'remove') pendingRemoval = true;
      else if (l.newLine !== null) {
        if (pendingRemoval) { lines.push(l.newLine); if (lastNew >= 1) lines.push(lastNew); }
        pendingRemoval = false;
        lastNew = l.newLine;
      }
    }
    if (pendingRemoval) lines.push(Math.max(1, lastNew), lastNew + 1);
  }
  return mergeRanges(lines.filter((n) => n >= 1 && n <= total).map((n) => ({ startLine: n, endLine: n })));
}

/** True when [start, end] touches any judged range. */
export function intersectsJudged(ranges: LineRange[], startLine: number, endLine: number): boolean {
  return ranges.some((r) => startLine <= r.endLine && endLine >= r.startLine);
}

/** The changes scope of one file from its parsed diff. */
export function changesScopeFromDiff(diff: FileDiff, base: string): AuditScope {
  return { kind: 'changes', base, hunks: diff.hunks };
}

function formatRanges(ranges: LineRange[]): string {
  return ranges.map((r) => (r.startLine === r.endLine ? `${r.startLine}` : `${r.startLine}–${r.endLine}`)).join(', ');
}

/** "lines 10–40 (selection)", "changed lines 3, 8–12 against HEAD", "whole file (120 lines)". */
export function describeTarget(target: AuditTarget, ranges: LineRange[]): CheckedFile {
  const s = target.scope;
  const detail = s.kind === 'file' ? `whole file, ${lineCount(target.content)} line${lineCount(target.content) === 1 ? '' : 's'}`
    : s.kind === 'selection' ? `selected lines ${formatRanges(ranges)}`
      : `changed line${ranges.length === 1 && ranges[0].startLine === ranges[0].endLine ? '' : 's'} ${formatRanges(ranges)} against ${s.base}`;
  return { path: target.path, scope: s.kind, ranges, detail };
}
