/**
 * A model's line numbers are never trusted. Each finding's evidence is searched in the audited file,
 * ignoring whitespace; the finding is re-anchored to where the quote really is. A quote that is not
 * in the file makes the finding unverified.
 */
import type { Finding, ModelFinding } from './findings';
import { findingId } from './merge';
import type { LineRange } from './types';

/** Non-whitespace characters a quote needs before it counts as located. */
const MIN_EVIDENCE_CHARS = 4;

export interface Anchor {
  startLine: number;
  endLine: number;
  /** 0-based, inclusive start. */
  startColumn: number;
  /** 0-based, exclusive end. */
  endColumn: number;
}

/** A file prepared for whitespace-insensitive search. */
export class GroundingIndex {
  private readonly compact: string;
  private readonly offsets: number[];
  private readonly lineStarts: number[];

  constructor(readonly text: string) {
    const chars: string[] = [];
    const offsets: number[] = [];
    for (let i = 0; i < text.length; i++) {
      if (!/\s/.test(text[i])) {
        chars.push(text[i]);
        offsets.push(i);
      }
    }
    this.compact = chars.join('');
    this.offsets = offsets;
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }

  /** 1-based line and 0-based column of a character offset. */
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo] };
  }

  /** Every place (as compact start/end indexes) where the compacted needle occurs. */
  private occurrences(needle: string): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    if (!needle) return out;
    for (let i = this.compact.indexOf(needle); i >= 0; i = this.compact.indexOf(needle, i + 1)) out.push([i, i + needle.length]);
    return out;
  }

  /** Occurrences of segments in order ("a ... b"): from the first segment's start to the last's end, within 80 lines. */
  private orderedSegments(segments: string[]): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (const [start, firstEnd] of this.occurrences(segments[0])) {
      let end = firstEnd;
      let ok = true;
      for (const seg of segments.slice(1)) {
        const at = this.compact.indexOf(seg, end);
        if (at < 0) { ok = false; break; }
        end = at + seg.length;
      }
      if (!ok) continue;
      const lines = this.position(this.offsets[end - 1]).line - this.position(this.offsets[start]).line;
      if (lines <= 80) out.push([start, end]);
    }
    return out;
  }

  private anchorOf([start, end]: [number, number]): Anchor {
    const a = this.position(this.offsets[start]);
    const b = this.position(this.offsets[end - 1]);
    return { startLine: a.line, endLine: b.line, startColumn: a.column, endColumn: b.column + 1 };
  }

  /**
   * Where `evidence` is in the file, or null. Among several occurrences, prefers one inside `judged`,
   * then the one nearest the line the model claimed.
   */
  locate(evidence: string, claimedLine: number, judged: LineRange[] = []): Anchor | null {
    const tries: string[][] = [];
    for (const variant of evidenceVariants(evidence)) {
      tries.push([compactOf(variant)]);
      // "a ... b": the model elided the middle (the code itself may contain "...", so exact comes first).
      const segments = variant.split(/\.\.\.|…/).map(compactOf).filter((s) => s.length > 0);
      if (segments.length > 0 && /\.\.\.|…/.test(variant)) tries.push(segments);
    }
    for (const segments of tries) {
      // Too short to place with confidence ("}", "id"): better unverified than anchored anywhere.
      if (segments.join('').length < MIN_EVIDENCE_CHARS) continue;
      const found = segments.length === 1 ? this.occurrences(segments[0]) : this.orderedSegments(segments);
      if (found.length === 0) continue;
      const anchors = found.map((f) => this.anchorOf(f));
      const inJudged = (a: Anchor): boolean => judged.some((r) => a.startLine <= r.endLine && a.endLine >= r.startLine);
      anchors.sort((x, y) => (Number(inJudged(y)) - Number(inJudged(x))) ||
        (Math.abs(x.startLine - claimedLine) - Math.abs(y.startLine - claimedLine)));
      return anchors[0];
    }
    return null;
  }
}

function compactOf(s: string): string {
  return s.replace(/\s+/g, '');
}

/** The quote as given, then with the prompt's line prefixes ("> 12 | ") or diff markers removed. */
function evidenceVariants(evidence: string): string[] {
  const stripped = evidence.split('\n').map((l) => l.replace(/^\s*[>+-]?\s*\d+\s*\|\s?/, '')).join('\n');
  const unfenced = stripped.replace(/^```[\w-]*\n?|\n?```$/g, '');
  return [...new Set([evidence, stripped, unfenced])];
}

/** One audited file as grounding needs it. */
export interface GroundingTarget {
  path: string;
  content: string;
  judged: LineRange[];
}

/**
 * Ground model findings in the audited files: re-anchor each to where its evidence really is,
 * list those whose evidence is nowhere as unverified, and count (then drop) those that land
 * outside the judged lines (unchanged code, outside the selection).
 */
export function groundFindings(findings: ModelFinding[], targets: GroundingTarget[]): { grounded: Finding[]; unverified: Finding[]; dropped: number } {
  const indexes = new Map(targets.map((t) => [t.path, new GroundingIndex(t.content)]));
  const norm = (p: string): string => p.replace(/\\/g, '/').replace(/^\.\//, '');
  const grounded: Finding[] = [];
  const unverified: Finding[] = [];
  let dropped = 0;
  for (const f of findings) {
    // The model may spell the path differently: try its file first, then every audited file.
    const named = targets.find((t) => norm(t.path) === norm(f.file) || norm(t.path).endsWith(`/${norm(f.file)}`));
    const order = named ? [named, ...targets.filter((t) => t !== named)] : targets;
    let placed = false;
    for (const t of order) {
      const anchor = indexes.get(t.path)!.locate(f.evidence, f.startLine, t.judged);
      if (!anchor) continue;
      placed = true;
      if (!t.judged.some((r) => anchor.startLine <= r.endLine && anchor.endLine >= r.startLine)) { dropped++; break; }
      const finding: Finding = { ...f, file: t.path, ...anchor, source: 'ai', ruleId: null };
      grounded.push({ ...finding, id: findingId(finding) });
      break;
    }
    if (!placed) {
      const finding: Finding = { ...f, file: named?.path ?? f.file, source: 'ai', ruleId: null };
      unverified.push({ ...finding, id: findingId(finding) });
    }
  }
  return { grounded, unverified, dropped };
}
