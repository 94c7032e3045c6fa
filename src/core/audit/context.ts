/**
 * What the model sees of each target: numbered lines, judged lines marked with ">", context lines
 * unmarked, removed lines (changes scope) shown with "-" and no number so the model can judge a
 * deletion, and the file's import lines so it knows which libraries are in play.
 */
import { lineCount, mergeRanges } from './scope';
import type { AuditTarget, LineRange } from './types';

export const DEFAULT_CONTEXT_LINES = 12;
const MAX_IMPORT_LINES = 40;
/** How far the enclosing top-level block is looked for, each way. Beyond it only the context lines are sent. */
const MAX_BLOCK_REACH = 60;

const IMPORT_LINE = /^\s*(import\b|from\s+\S+\s+import\b|(const|let|var)\s+.+=\s*require\(|require\(|using\s+[\w.]+;|package\s+[\w.]+|#include\b|use\s+[\w:]+)/;

/** 1-based numbers of the import lines at the top of a file (stops at the first non-import code). */
function importLines(lines: string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(lines.length, 200) && out.length < MAX_IMPORT_LINES; i++) {
    const l = lines[i];
    if (IMPORT_LINE.test(l)) out.push(i + 1);
    else if (l.trim() === '' || /^\s*(\/\/|#|\/\*|\*|"use strict"|'use strict')/.test(l)) continue;
    else if (out.length > 0) break;
  }
  return out;
}

const indentOf = (l: string): number => /^[ \t]*/.exec(l)![0].length;
const isClosing = (l: string): boolean => /^\s*([})\]]+[;,)]*|end)\s*$/.test(l);

/**
 * The top-level block (function, route handler, class) around lines start..end, so a change is judged
 * with its function's signature, guards and cleanup. Null when the block reaches further than MAX_BLOCK_REACH.
 */
export function enclosingBlock(lines: string[], start: number, end: number): LineRange | null {
  let top: number | null = null;
  for (let n = start; n >= Math.max(1, start - MAX_BLOCK_REACH); n--) {
    const l = lines[n - 1] ?? '';
    if (l.trim() === '' || indentOf(l) > 0 || isClosing(l) || /^\s*(\/\/|#|\*|\/\*)/.test(l)) continue;
    top = n;
    break;
  }
  if (top === null) return null;
  let bottom: number | null = null;
  for (let n = end + 1; n <= Math.min(lines.length, end + MAX_BLOCK_REACH); n++) {
    const l = lines[n - 1] ?? '';
    if (l.trim() === '' || indentOf(l) > 0) continue;
    bottom = isClosing(l) ? n : n - 1;
    break;
  }
  if (bottom === null) bottom = end + MAX_BLOCK_REACH >= lines.length ? lines.length : null;
  return bottom === null ? null : { startLine: top, endLine: Math.max(bottom, end) };
}

/** Removed lines keyed by the new-file line they preceded (end of file: lineCount + 1). */
function removedBefore(target: AuditTarget, total: number): Map<number, string[]> {
  const out = new Map<number, string[]>();
  if (target.scope.kind !== 'changes') return out;
  for (const hunk of target.scope.hunks) {
    let pending: string[] = [];
    for (const l of hunk.lines) {
      if (l.kind === 'remove') pending.push(l.text);
      else if (l.newLine !== null && pending.length) {
        out.set(l.newLine, [...(out.get(l.newLine) ?? []), ...pending]);
        pending = [];
      }
    }
    if (pending.length) {
      const at = Math.min(hunk.newLines === 0 ? hunk.newStart + 1 : hunk.newStart + hunk.newLines, total + 1);
      out.set(at, [...(out.get(at) ?? []), ...pending]);
    }
  }
  return out;
}

/**
 * Render one target. `content` is the redacted text (same line numbers as the file).
 * Returns the text block and the line ranges it shows.
 */
export function renderTarget(target: AuditTarget, content: string, judged: LineRange[], contextLines: number,
  describe: string): { text: string; shown: LineRange[] } {
  const lines = content.split('\n');
  const total = lineCount(content);
  const shown = target.scope.kind === 'file'
    ? [{ startLine: 1, endLine: total }]
    : mergeRanges([
      ...judged.map((r) => ({ startLine: Math.max(1, r.startLine - contextLines), endLine: Math.min(total, r.endLine + contextLines) })),
      ...judged.flatMap((r) => enclosingBlock(lines.slice(0, total), r.startLine, r.endLine) ?? []),
      ...importLines(lines).map((n) => ({ startLine: n, endLine: n })),
    ]);
  const isJudged = (n: number): boolean => judged.some((r) => n >= r.startLine && n <= r.endLine);
  const removed = removedBefore(target, total);
  const width = String(Math.max(total, 1)).length;
  const out: string[] = [];
  const lang = target.languageId ? ` (${target.languageId})` : '';
  out.push(`=== FILE: ${target.path}${lang} — under review: ${describe} ===`);
  const gap = (from: number, to: number): string => `${' '.repeat(width + 2)}⋮ (${from === to ? `line ${from}` : `lines ${from}–${to}`} not shown)`;
  let previousEnd = 0;
  for (const r of shown) {
    if (r.startLine > previousEnd + 1) out.push(gap(previousEnd + 1, r.startLine - 1));
    for (let n = r.startLine; n <= r.endLine; n++) {
      for (const gone of removed.get(n) ?? []) out.push(`-${' '.repeat(width)} | ${gone}`);
      out.push(`${isJudged(n) ? '>' : ' '}${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`);
    }
    previousEnd = r.endLine;
  }
  for (const gone of removed.get(total + 1) ?? []) out.push(`-${' '.repeat(width)} | ${gone}`);
  if (previousEnd < total) out.push(gap(previousEnd + 1, total));
  out.push(`=== END FILE: ${target.path} ===`);
  return { text: out.join('\n'), shown };
}
