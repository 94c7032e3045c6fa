/**
 * Keeping findings on the right lines while the user edits: lines below an edit move with it,
 * and a finding whose own lines were edited is dropped (the code it quoted is no longer there
 * as audited; re-run the audit to judge the new code). Pure, so it is unit-tested without VS Code.
 */

/** 0-based line span of one finding or diagnostic. */
export interface LineSpan {
  startLine: number;
  endLine: number;
}

/** One content change: the replaced 0-based lines and how many lines the new text spans. */
export interface LineEdit {
  startLine: number;
  endLine: number;
  /** Number of line breaks in the inserted text. */
  insertedLineBreaks: number;
}

/** New span after the edits (applied in order), or null when an edit touched the span. */
export function shiftSpan(span: LineSpan, edits: readonly LineEdit[]): LineSpan | null {
  let { startLine, endLine } = span;
  for (const e of edits) {
    if (e.startLine > endLine) continue;
    const delta = e.insertedLineBreaks - (e.endLine - e.startLine);
    if (e.endLine < startLine) {
      startLine += delta;
      endLine += delta;
      continue;
    }
    // The edit is on the finding's own lines.
    return null;
  }
  return { startLine, endLine };
}

export function countLineBreaks(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}
