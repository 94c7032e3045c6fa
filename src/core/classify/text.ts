/**
 * Bounded reading of a document for classification. Whatever the input (empty, 10 MB, minified,
 * binary, not UTF-8), this returns quickly with the text that may be scanned and what was skipped.
 */

/** Content past this many characters is not scanned (path and kind signals still apply). */
export const MAX_SCAN_CHARS = 600_000;
/** Lines past this many are not scanned. */
export const MAX_SCAN_LINES = 20_000;
/** A line this long is treated as data, not code: only its first part is looked at. */
export const MAX_LINE_CHARS = 2_000;

export interface ScannableText {
  /** The text to scan (possibly truncated); '' when content must not be scanned. */
  text: string;
  /** Offsets where each line of `text` starts. */
  lineStarts: number[];
  /** Total lines of the original content (for shape signals), when known. */
  totalLines: number;
  /** Full length in characters (or bytes for binary). */
  totalChars: number;
  skipped: string[];
  /** Content was unusable as code (binary, minified, invalid encoding): content signals are off. */
  contentOff: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A NUL byte in the first 8 KB: what git and grep take for binary. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

/**
 * `whole` gives the size of the whole document when `content` is only its head (a 10 MB file read up
 * to 8 MiB): sizes, line counts and the "only the first N of M" notes then describe the whole file.
 */
export function prepareText(content: string | Uint8Array, whole: { totalChars?: number; totalLines?: number } = {}): ScannableText {
  const result = prepareHead(content);
  if (whole.totalChars !== undefined && whole.totalChars > result.totalChars) {
    const before = fmt(result.totalChars);
    result.skipped = result.skipped.map((s) => s.replace(` of ${before} were scanned`, ` of ${fmt(whole.totalChars!)} were scanned`));
    if (!result.skipped.some((s) => s.includes(fmt(whole.totalChars!)))) result.skipped.push(`only the first ${before} of ${fmt(whole.totalChars)} characters were read`);
    result.totalChars = whole.totalChars;
  }
  if (whole.totalLines !== undefined && whole.totalLines > result.totalLines) result.totalLines = whole.totalLines;
  return result;
}

function prepareHead(content: string | Uint8Array): ScannableText {
  const skipped: string[] = [];
  let text: string;
  if (typeof content !== 'string') {
    if (content.length === 0) return empty(skipped);
    if (looksBinary(content)) {
      return { text: '', lineStarts: [0], totalLines: 0, totalChars: content.length, skipped: ['binary file: content not scanned'], contentOff: true };
    }
    const head = content.length > MAX_SCAN_CHARS * 4 ? content.subarray(0, MAX_SCAN_CHARS * 4) : content;
    try {
      text = utf8.decode(head);
    } catch {
      // A multi-byte character cut at the truncation point is fine; a real encoding error is not.
      try {
        if (head.length === content.length) throw new Error('invalid');
        text = utf8.decode(head.subarray(0, Math.max(0, head.length - 4)));
      } catch {
        return {
          text: '', lineStarts: [0], totalLines: 0, totalChars: content.length,
          skipped: ['not valid UTF-8: content not scanned (re-open the file as UTF-8 to classify its content)'], contentOff: true,
        };
      }
    }
  } else {
    text = content;
    if (text.indexOf('\u0000', 0) !== -1 && text.slice(0, 8192).includes('\u0000')) {
      return { text: '', lineStarts: [0], totalLines: 0, totalChars: text.length, skipped: ['binary content: not scanned'], contentOff: true };
    }
  }
  const totalChars = typeof content === 'string' ? content.length : content.length;
  if (text.length === 0) return empty(skipped);
  if (text.length > MAX_SCAN_CHARS) {
    text = text.slice(0, MAX_SCAN_CHARS);
    skipped.push(`only the first ${fmt(MAX_SCAN_CHARS)} characters of ${fmt(totalChars)} were scanned`);
  }
  let lineStarts = computeLineStarts(text);
  const totalLines = typeof content === 'string' && content.length === text.length ? lineStarts.length : estimateLines(content, lineStarts.length);
  if (lineStarts.length > MAX_SCAN_LINES) {
    text = text.slice(0, lineStarts[MAX_SCAN_LINES]);
    lineStarts = lineStarts.slice(0, MAX_SCAN_LINES);
    skipped.push(`lines after ${fmt(MAX_SCAN_LINES)} were not scanned`);
  }
  if (isMinified(text, lineStarts)) {
    return {
      text: '', lineStarts: [0], totalLines, totalChars,
      skipped: [...skipped, 'minified or generated single-line content: content not scanned'], contentOff: true,
    };
  }
  if (hasOverlongLines(text, lineStarts)) {
    text = clipLongLines(text, lineStarts);
    lineStarts = computeLineStarts(text);
    skipped.push(`lines longer than ${fmt(MAX_LINE_CHARS)} characters were cut`);
  }
  return { text, lineStarts, totalLines, totalChars, skipped, contentOff: false };
}

function empty(skipped: string[]): ScannableText {
  return { text: '', lineStarts: [0], totalLines: 0, totalChars: 0, skipped: [...skipped, 'empty file'], contentOff: true };
}

export function computeLineStarts(text: string): number[] {
  const starts = [0];
  let i = text.indexOf('\n');
  while (i !== -1) {
    starts.push(i + 1);
    i = text.indexOf('\n', i + 1);
  }
  return starts;
}

function estimateLines(content: string | Uint8Array, scanned: number): number {
  if (typeof content === 'string') {
    let n = 1;
    for (let i = content.indexOf('\n'); i !== -1; i = content.indexOf('\n', i + 1)) n++;
    return n;
  }
  let n = 1;
  for (let i = content.indexOf(10); i !== -1; i = content.indexOf(10, i + 1)) n++;
  return Math.max(n, scanned);
}

/** 1-based line number of an offset. */
export function lineOf(lineStarts: number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

export function lineText(t: { text: string; lineStarts: number[] }, line: number): string {
  const start = t.lineStarts[line - 1] ?? t.text.length;
  const end = line < t.lineStarts.length ? t.lineStarts[line] - 1 : t.text.length;
  return t.text.slice(start, end);
}

function isMinified(text: string, lineStarts: number[]): boolean {
  if (text.length < 4_000) return false;
  // Minified bundles: few, very long lines.
  if (text.length / lineStarts.length <= 400) return false;
  // Code with one huge data line (a Django migration's 600 time-zone choices) still has ordinary lines around it:
  // those are read, and the long line is cut (clipLongLines).
  let ordinary = 0;
  for (let i = 0; i < lineStarts.length && ordinary < MIN_ORDINARY_LINES; i++) {
    const end = i + 1 < lineStarts.length ? lineStarts[i + 1] : text.length;
    if (end - lineStarts[i] <= 400 && /\S/.test(text.slice(lineStarts[i], end))) ordinary++;
  }
  return ordinary < MIN_ORDINARY_LINES;
}

/** A file with fewer ordinary (≤ 400 characters, not blank) lines than this among its very long ones is minified. */
const MIN_ORDINARY_LINES = 10;

function hasOverlongLines(text: string, lineStarts: number[]): boolean {
  for (let i = 0; i < lineStarts.length; i++) {
    const end = i + 1 < lineStarts.length ? lineStarts[i + 1] : text.length;
    if (end - lineStarts[i] > MAX_LINE_CHARS) return true;
  }
  return false;
}

function clipLongLines(text: string, lineStarts: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < lineStarts.length; i++) {
    const end = i + 1 < lineStarts.length ? lineStarts[i + 1] : text.length;
    const line = text.slice(lineStarts[i], end);
    parts.push(line.length > MAX_LINE_CHARS ? line.slice(0, MAX_LINE_CHARS) + (line.endsWith('\n') ? '\n' : '') : line);
  }
  return parts.join('');
}

/** 12,345 — by hand: toLocaleString costs more than a classification on a long file. */
export function fmt(n: number): string {
  const [int, frac] = String(n).split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = sign ? int.slice(1) : int;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return sign + grouped + (frac ? `.${frac}` : '');
}

/** Rough token count (code averages ~3.5–4 characters per token). Used only for the context-size signal. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 3.8);
}
