/**
 * Is a query issued once per loop iteration? That is the N+1 pattern: one round trip per row
 * instead of one query for the set. Works on source text with strings and comments blanked.
 */
import type { LoopContext, SqlFinding } from './types';
import type { ExtractedStatement } from './types';

const ITERATING_CALLS = /(?:\.|^|\s)(forEach|map|flatMap|filter|reduce|some|every|each|mapSeries|eachSeries|forEachSeries|mapLimit|times|all)\s*$/;

/** The innermost loop enclosing `at`, or undefined. `masked` is the source with literals/comments blanked. */
export function findLoop(masked: string, text: string, at: number, lang: 'js' | 'python' | 'go'): LoopContext | undefined {
  if (lang === 'python') return pythonLoop(text, masked, at);
  let depth = 0;
  // A loop whose body is a single statement without braces: `for (const x of xs) await db.query(…);`
  let statementChecked = lang !== 'js';
  const bracelessLoop = (from: number): LoopContext | undefined => {
    statementChecked = true;
    const m = /^\s*(for\s*(?:await\s*)?\(|while\s*\()/.exec(masked.slice(from, at));
    return m ? { line: countLines(text, from + m.index + (m[0].length - m[0].trimStart().length)), kind: m[1].replace(/[\s(]+$/, '').replace(/\s+/g, ' ') } : undefined;
  };
  for (let k = at - 1; k >= 0; k--) {
    const ch = masked[k];
    if (!statementChecked && depth === 0 && (ch === ';' || ch === '}' || ch === '{')) {
      const loop = bracelessLoop(k + 1);
      if (loop) return loop;
    }
    if (ch === ')' || ch === '}' || ch === ']') { depth++; continue; }
    if (ch !== '(' && ch !== '{' && ch !== '[') continue;
    if (depth > 0) { depth--; continue; }
    const lineOf = (o: number): number => countLines(text, o);
    if (ch === '(') {
      const before = masked.slice(Math.max(0, k - 80), k);
      const call = ITERATING_CALLS.exec(before);
      if (call && lang === 'js' && call[1] !== 'all') return { line: lineOf(k), kind: `.${call[1]}()` };
      continue;
    }
    if (ch === '{') {
      const header = blockHeader(masked, k);
      if (lang === 'go' && /^\s*for\b/.test(header)) return { line: lineOf(k), kind: 'for' };
      if (lang === 'js') {
        const m = /(?:^|[;}\s])(for\s*(?:await\s*)?\(|while\s*\(|do\s*$)/.exec(header);
        if (m) return { line: lineOf(k), kind: m[1].replace(/[\s(]+$/, '').replace(/\s+/g, ' ') };
      }
    }
  }
  return statementChecked ? undefined : bracelessLoop(0);
}

/** Text between the previous statement boundary and a `{`. */
function blockHeader(masked: string, brace: number): string {
  let depth = 0;
  let k = brace - 1;
  for (; k >= 0; k--) {
    const ch = masked[k];
    if (ch === ')') depth++;
    else if (ch === '(') depth--;
    else if (depth === 0 && (ch === ';' || ch === '{' || ch === '}')) break;
  }
  return masked.slice(k + 1, brace);
}

function countLines(text: string, offset: number): number {
  let n = 0;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

function pythonLoop(text: string, masked: string, at: number): LoopContext | undefined {
  const lines = masked.split('\n');
  const line = countLines(text, at);
  // Indentation of the logical line holding the call: walk up while the previous line is a continuation.
  let threshold = indentOf(lines[line]);
  // Comprehension on the same logical line: `[cur.execute(q) for x in xs]`.
  if (/\bfor\b[^\n]*\bin\b/.test(lines[line].slice(0)) && /\[|\(/.test(lines[line])) {
    const after = masked.slice(at, masked.indexOf('\n', at) < 0 ? masked.length : masked.indexOf('\n', at));
    if (/\bfor\s+\w[\w, ]*\s+in\b/.test(after)) return { line, kind: 'comprehension' };
  }
  for (let l = line - 1; l >= 0; l--) {
    const src = lines[l];
    if (src.trim() === '') continue;
    const ind = indentOf(src);
    if (ind >= threshold) continue;
    threshold = ind;
    const t = src.trim();
    if (/^(async\s+)?for\b.*:\s*$/.test(t) || /^while\b.*:\s*$/.test(t)) return { line: l, kind: t.startsWith('while') ? 'while' : 'for' };
    if (/^(async\s+)?def\b|^class\b/.test(t)) return undefined;
    if (ind === 0) return undefined;
  }
  return undefined;
}

function indentOf(line: string | undefined): number {
  if (!line) return 0;
  const m = /^[ \t]*/.exec(line);
  return m ? m[0].replace(/\t/g, '    ').length : 0;
}

/** One finding per statement issued inside a loop. */
export function nPlusOneFindings(statements: ExtractedStatement[]): SqlFinding[] {
  const out: SqlFinding[] = [];
  for (const s of statements) {
    if (!s.inLoop) continue;
    const isWrite = /^\s*(INSERT|UPDATE|DELETE)\b/i.test(s.sql);
    out.push({
      id: 'n-plus-one',
      title: isWrite ? 'Write issued once per loop iteration' : 'Query issued once per loop iteration (N+1)',
      severity: 'medium',
      why: `This ${isWrite ? 'statement' : 'query'} runs inside the ${s.inLoop.kind} loop on line ${s.inLoop.line + 1}: one database round trip per item. ` +
        'At production sizes that is hundreds or thousands of round trips for one request, and latency grows with the data.',
      action: isWrite
        ? 'Batch the writes: one multi-row INSERT (or INSERT … SELECT / UPDATE … FROM a VALUES list / unnest($1::int[])) for the whole set, inside one transaction.'
        : 'Fetch the set in one query: WHERE id = ANY($1) (PostgreSQL) or WHERE id IN (…), or a JOIN, then group the rows in code.',
      evidence: { loopLine: s.inLoop.line + 1, loop: s.inLoop.kind },
      file: s.file,
      range: s.range,
    });
  }
  return out;
}
