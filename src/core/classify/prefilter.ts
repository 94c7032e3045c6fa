/**
 * One pass over the text instead of one regex scan per rule. For each content rule we derive,
 * from its regular expression, a set of literals at least one of which every match must
 * contain ("anchors"); an Aho-Corasick automaton finds all anchors of all rules in a single
 * case-insensitive pass, and each rule's regex then runs only on the lines its anchors hit.
 * Rules whose regex yields no usable anchors (team rules like `\w+Id`) fall back to a full scan.
 */

// ───────────── anchors: required literals of a regular expression ─────────────

type Node =
  | { t: 'lit'; ch: string }
  | { t: 'any' } // class, \w, ., etc.: consumes one char we cannot name
  | { t: 'zero' } // \b, ^, $, lookarounds: consume nothing
  | { t: 'group'; alts: Node[][]; min: number };

const MIN_ANCHOR = 3;

class Parser {
  i = 0;
  constructor(private readonly src: string) {}

  parseAlt(): Node[][] {
    const alts: Node[][] = [[]];
    while (this.i < this.src.length) {
      const c = this.src[this.i];
      if (c === ')') break;
      if (c === '|') {
        this.i++;
        alts.push([]);
        continue;
      }
      const atom = this.parseAtom();
      const min = this.parseQuantifier();
      const seq = alts[alts.length - 1];
      if (min === 1) seq.push(atom);
      else if (min === 0) seq.push({ t: 'zero' }, { t: 'any' });
      else seq.push({ t: 'group', alts: [[atom]], min });
    }
    return alts;
  }

  /** Returns the minimum repetitions of the preceding atom (1 when there is no quantifier). */
  private parseQuantifier(): number {
    const c = this.src[this.i];
    let min = 1;
    if (c === '?' || c === '*') {
      min = 0;
      this.i++;
    } else if (c === '+') {
      min = 2; // at least once, possibly more: keep its anchors, but it is no longer a plain literal
      this.i++;
    } else if (c === '{') {
      const m = /^\{(\d*)(,?)(\d*)\}/.exec(this.src.slice(this.i));
      if (m) {
        const lo = m[1] === '' ? 0 : Number(m[1]);
        min = lo === 0 ? 0 : lo === 1 && !m[2] ? 1 : 2;
        this.i += m[0].length;
      }
    }
    if (this.src[this.i] === '?' || this.src[this.i] === '+') this.i++; // lazy / possessive marker
    return min;
  }

  private parseAtom(): Node {
    const c = this.src[this.i];
    if (c === '(') {
      this.i++;
      let lookaround = false;
      if (this.src[this.i] === '?') {
        const m = /^\?(?::|=|!|<=|<!|<[A-Za-z_]\w*>)/.exec(this.src.slice(this.i));
        if (m) {
          lookaround = m[0] !== '?:' && !m[0].startsWith('?<') ? true : m[0] === '?<=' || m[0] === '?<!';
          this.i += m[0].length;
        }
      }
      const alts = this.parseAlt();
      this.i++; // ')'
      return lookaround ? { t: 'zero' } : { t: 'group', alts, min: 1 };
    }
    if (c === '[') {
      this.i++;
      if (this.src[this.i] === '^') this.i++;
      if (this.src[this.i] === ']') this.i++;
      while (this.i < this.src.length && this.src[this.i] !== ']') this.i += this.src[this.i] === '\\' ? 2 : 1;
      this.i++;
      return { t: 'any' };
    }
    if (c === '\\') {
      const e = this.src[this.i + 1];
      this.i += 2;
      if (e === 'b' || e === 'B') return { t: 'zero' };
      if ('wWsSdD'.includes(e)) return { t: 'any' };
      if (e === 'u' || e === 'x' || e === 'c' || e === 'p' || e === 'P' || e === 'k' || /\d/.test(e)) {
        // Escapes we do not decode: skip their payload, treat as an unknown char.
        const m = /^(?:\{[^}]*\}|[0-9A-Fa-f]{2,4})/.exec(this.src.slice(this.i));
        if (m) this.i += m[0].length;
        return { t: 'any' };
      }
      const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', '0': '\0' };
      return { t: 'lit', ch: map[e] ?? e };
    }
    this.i++;
    if (c === '.') return { t: 'any' };
    if (c === '^' || c === '$') return { t: 'zero' };
    return { t: 'lit', ch: c };
  }
}

/** A requirement: a match contains at least one of these literals (lower-cased). */
type Req = string[] | null;

/**
 * Words so frequent in backend code that, as anchors, they would send the rule to check most
 * lines anyway. Only used to choose between required literals: any choice is correct.
 */
const COMMON = new Set(['query', 'select', 'update', 'delete', 'insert', 'with', 'get', 'find', 'params', 'body', 'total',
  'number', 'string', 'function', 'return', 'const', 'type', 'data', 'value', 'create', 'require', 'request', 'from']);

function better(a: Req, b: Req): Req {
  if (!a) return b;
  if (!b) return a;
  const score = (r: string[]) => Math.min(...r.map((s) => s.length)) * 10 - r.length - 25 * r.filter((w) => COMMON.has(w)).length;
  return score(b) > score(a) ? b : a;
}

function seqReq(seq: Node[]): Req {
  let best: Req = null;
  let run = '';
  const flush = () => {
    if (run.length >= MIN_ANCHOR) best = better(best, [run]);
    run = '';
  };
  for (const n of seq) {
    if (n.t === 'lit') run += n.ch.toLowerCase();
    else if (n.t === 'zero') continue;
    else if (n.t === 'any') flush();
    else {
      // A group of plain literals extends the run (e.g. jwt\.(?:sign|verify)) only when it has one branch.
      const single = n.min === 1 && n.alts.length === 1 && n.alts[0].every((x) => x.t === 'lit' || x.t === 'zero');
      if (single) {
        for (const x of n.alts[0]) if (x.t === 'lit') run += x.ch.toLowerCase();
        continue;
      }
      flush();
      if (n.min >= 1) best = better(best, altReq(n.alts));
    }
  }
  flush();
  return best;
}

function altReq(alts: Node[][]): Req {
  const out: string[] = [];
  for (const a of alts) {
    const r = seqReq(a);
    if (!r) return null;
    out.push(...r);
  }
  return [...new Set(out)];
}

/** The literals a match of `re` must contain one of, or null when no literal of 3+ chars is required. */
export function anchorsOf(re: RegExp): string[] | null {
  try {
    const p = new Parser(re.source);
    const req = altReq(p.parseAlt());
    if (!req || req.some((s) => /[^\x00-\x7f]/.test(s))) return null;
    return req;
  } catch {
    return null;
  }
}

// ───────────── Aho-Corasick over ASCII, case-insensitive ─────────────

export interface AnchorIndex {
  /** Offsets (end positions) where any anchor of rule i was found; undefined = no anchors (scan fully). */
  hits(text: string): Map<number, number[]>;
}

export function buildAnchorIndex(ruleAnchors: Array<string[] | null>): AnchorIndex {
  const goto: Int32Array[] = [new Int32Array(128).fill(-1)];
  const out: number[][] = [[]];
  const add = (word: string, rule: number) => {
    let s = 0;
    for (let k = 0; k < word.length; k++) {
      const c = word.charCodeAt(k);
      if (goto[s][c] === -1) {
        goto[s][c] = goto.length;
        goto.push(new Int32Array(128).fill(-1));
        out.push([]);
      }
      s = goto[s][c];
    }
    if (!out[s].includes(rule)) out[s].push(rule);
  };
  ruleAnchors.forEach((anchors, rule) => anchors?.forEach((a) => add(a, rule)));
  // Failure links by BFS, folded into a full transition table (a DFA).
  const fail = new Int32Array(goto.length);
  const queue: number[] = [];
  for (let c = 0; c < 128; c++) {
    const s = goto[0][c];
    if (s === -1) goto[0][c] = 0;
    else {
      fail[s] = 0;
      queue.push(s);
    }
  }
  while (queue.length) {
    const r = queue.shift()!;
    for (const rule of out[fail[r]]) if (!out[r].includes(rule)) out[r].push(rule);
    for (let c = 0; c < 128; c++) {
      const s = goto[r][c];
      if (s === -1) goto[r][c] = goto[fail[r]][c];
      else {
        fail[s] = goto[fail[r]][c];
        queue.push(s);
      }
    }
  }
  // Compact alphabet: only characters that occur in some anchor get a column; every other
  // character sends the automaton back to the root. A small table stays in cache.
  const charClass = new Uint8Array(128);
  let width = 1;
  ruleAnchors.forEach((anchors) => anchors?.forEach((a) => {
    for (let k = 0; k < a.length; k++) {
      const c = a.charCodeAt(k);
      if (c < 128 && charClass[c] === 0) charClass[c] = width++;
    }
  }));
  for (let c = 65; c <= 90; c++) charClass[c] = charClass[c | 0x20];
  const table = goto.length < 0x7fff ? new Int16Array(goto.length * width) : new Int32Array(goto.length * width);
  goto.forEach((row, st) => {
    for (let c = 0; c < 128; c++) {
      const k = charClass[c];
      if (k !== 0 && !(c >= 65 && c <= 90)) table[st * width + k] = row[c];
    }
  });
  // Characters that can start an anchor: at the root, any other character leaves the automaton there.
  const starts = new Uint8Array(128);
  for (let c = 0; c < 128; c++) if (goto[0][c] !== 0 && charClass[c] !== 0) starts[c] = 1;
  for (let c = 65; c <= 90; c++) starts[c] = starts[c | 0x20];
  const outputs = out.map((o) => (o.length ? Int32Array.from(o) : null));
  const ruleCount = ruleAnchors.length;
  // A byte per state keeps the hot loop on typed arrays.
  const emits = Uint8Array.from(out, (o) => (o.length ? 1 : 0));

  return {
    hits(text: string): Map<number, number[]> {
      const lists: number[][] = [];
      for (let r = 0; r < ruleCount; r++) lists.push([]);
      let s = 0;
      const n = text.length;
      for (let i = 0; i < n; i++) {
        const c = text.charCodeAt(i);
        if (s === 0) {
          if (c >= 128 || starts[c] === 0) continue;
          s = table[charClass[c]];
        } else {
          const k = c < 128 ? charClass[c] : 0;
          if (k === 0) {
            s = 0;
            continue;
          }
          s = table[s * width + k];
        }
        if (emits[s] !== 0) {
          const o = outputs[s]!;
          for (let j = 0; j < o.length; j++) lists[o[j]].push(i);
        }
      }
      const found = new Map<number, number[]>();
      for (let r = 0; r < ruleCount; r++) if (lists[r].length) found.set(r, lists[r]);
      return found;
    },
  };
}
