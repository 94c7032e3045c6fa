/**
 * Secrets never leave the machine: before sending, each secret in the audited code is replaced by a
 * placeholder (`__STAKES_SECRET_3__`) that the prompt explains, and restored in the results.
 * Replacement keeps line breaks, so line numbers in the payload match the file. Files matching
 * exclusion globs are not sent at all.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import picomatch from 'picomatch';
import { detectSecrets, type SecretSpan } from '../secrets';
import type { DiffHunk, RedactionNote } from './types';

export { entropy } from '../secrets/values';

/** Files never sent to a model unless the user removes the glob. */
export const DEFAULT_EXCLUDE_GLOBS = [
  '.env', '.env.*', '*.env', '*.pem', '*.key', '*.p12', '*.pfx', '*.jks', '*.keystore', '*.kdbx',
  'id_rsa*', 'id_dsa*', 'id_ecdsa*', 'id_ed25519*', '.npmrc', '.pypirc', '.netrc', '.pgpass',
  '*.tfstate', '*.tfstate.*', '*.tfvars', 'credentials.json', 'service-account*.json',
];

/**
 * The exclusion that applies to a target, following symlinks: `settings.txt -> .env` is excluded by
 * ".env". `file` is the target's absolute path on disk (absent for unsaved documents).
 */
export function exclusionOf(target: { path: string; file?: string }, globs: string[]): { glob: string; via?: string } | null {
  const direct = excludedBy(target.path, globs);
  if (direct) return { glob: direct };
  if (!target.file) return null;
  let real: string;
  try {
    real = fs.realpathSync(target.file);
  } catch {
    return null;
  }
  if (real === nodePath.resolve(target.file)) return null;
  const abs = nodePath.resolve(target.file).split(nodePath.sep).join('/');
  const rel = target.path.replace(/\\/g, '/');
  // The workspace root is what the target path is relative to; outside it, the absolute path is matched.
  const root = abs.endsWith(`/${rel}`) ? abs.slice(0, -rel.length - 1) : nodePath.dirname(abs);
  const realPosix = real.split(nodePath.sep).join('/');
  const inside = realPosix.startsWith(`${root}/`) ? realPosix.slice(root.length + 1) : realPosix.replace(/^\/+/, '');
  const glob = excludedBy(inside, globs);
  return glob ? { glob, via: inside } : null;
}

/** The placeholder text for the n-th secret of a run. */
export function placeholderFor(n: number): string {
  return `__STAKES_SECRET_${n}__`;
}

/** The glob (as the user wrote it) that excludes `path`, or null. Globs without "/" match the file name anywhere. */
export function excludedBy(path: string, globs: string[]): string | null {
  const normalized = path.replace(/\\/g, '/').replace(/^\.\//, '');
  for (const glob of globs) {
    const g = glob.includes('/') ? glob.replace(/^\.\//, '') : `**/${glob}`;
    if (picomatch.isMatch(normalized, g, { dot: true, nocase: true })) return glob;
  }
  return null;
}

/**
 * Lines longer than this are not sent: they are data (inlined assets, minified bundles, dumps), too
 * long to check for secrets in bounded time and of no use to a reviewer. They are replaced by a note
 * saying so, and listed in `Redactor.withheld`.
 */
export const MAX_SENT_LINE_CHARS = 16_384;

/** The text that stands in for a withheld line. */
export function withheldLineText(chars: number): string {
  return `[line of ${chars.toLocaleString('en-US')} characters withheld by Stakes: too long to check for secrets]`;
}

interface Replacement {
  start: number;
  end: number;
  kind: string;
  /** Withheld overlong line (not a secret): replaced by a note, not a placeholder. */
  withheld?: boolean;
}

/** Keeps the secret ↔ placeholder map for one audit run. */
export class Redactor {
  private readonly byValue = new Map<string, string>();
  private readonly byPlaceholder = new Map<string, string>();
  readonly notes: RedactionNote[] = [];

  /** Overlong lines withheld from the payload (file, line, length). */
  readonly withheld: Array<{ file: string; line: number; chars: number }> = [];

  /**
   * Replace secrets in one file's text; line breaks inside a secret are kept so line numbers do not
   * move. Lines longer than MAX_SENT_LINE_CHARS are replaced by a note.
   */
  async redact(path: string, text: string): Promise<string> {
    const spans = await detectSecrets(path, text, { maxLineChars: MAX_SENT_LINE_CHARS });
    return this.apply(path, text, spans, (i) => i + 1, true);
  }

  /**
   * Redact the removed and context lines of diff hunks (they are rendered from the diff, not from the
   * file, so they need their own pass). A secret on a removed line gets the same placeholder as the
   * same secret anywhere else in the run.
   */
  async redactHunks(path: string, hunks: DiffHunk[]): Promise<DiffHunk[]> {
    const out: DiffHunk[] = [];
    for (const hunk of hunks) {
      const old = hunk.lines.filter((l) => l.kind !== 'add');
      if (!old.some((l) => l.kind === 'remove')) { out.push(hunk); continue; }
      const text = old.map((l) => l.text).join('\n');
      const spans = await detectSecrets(path, text, { maxLineChars: MAX_SENT_LINE_CHARS });
      const redacted = this.apply(path, text, spans, (i) => old[i].oldLine ?? hunk.oldStart, false, (i) => old[i].kind === 'remove').split('\n');
      const map = new Map(old.map((l, i) => [l, redacted[i] ?? '']));
      out.push({ ...hunk, lines: hunk.lines.map((l) => (map.has(l) ? { ...l, text: map.get(l)! } : l)) });
    }
    return out;
  }

  /** Redact a short text that is not a file (a rule hint's title, a file name): known secrets first, then detection. */
  async redactText(label: string, text: string): Promise<string> {
    const concealed = this.conceal(text);
    const spans = await detectSecrets(label, concealed, { maxLineChars: MAX_SENT_LINE_CHARS });
    return this.apply(label, concealed, spans, (i) => i + 1, false, () => false);
  }

  private apply(path: string, text: string, spans: SecretSpan[], /** 0-based line index → the line number notes show. */ lineNumber: (index: number) => number, recordWithheld: boolean,
    recordNote: (index: number) => boolean = () => true): string {
    const all: Replacement[] = [...spans];
    // Overlong lines: withheld whole (their secrets, if any, were never scanned).
    for (let at = 0, i = 0; at <= text.length; i++) {
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      if (end - at > MAX_SENT_LINE_CHARS) {
        all.push({ start: at, end, kind: 'withheld', withheld: true });
        if (recordWithheld) this.withheld.push({ file: path, line: lineNumber(i), chars: end - at });
      }
      if (end >= text.length) break;
      at = end + 1;
    }
    all.sort((a, b) => a.start - b.start);
    let out = '';
    let at = 0;
    let line = 0; // 0-based index of the line holding `at`
    for (const s of all) {
      if (s.end <= at) continue;
      const start = Math.max(s.start, at);
      for (let i = text.indexOf('\n', at); i >= 0 && i < start; i = text.indexOf('\n', i + 1)) line++;
      const original = text.slice(start, s.end);
      const breaks = (original.match(/\n/g) ?? []).length;
      let replacement: string;
      if (s.withheld) replacement = withheldLineText(s.end - s.start);
      else {
        replacement = this.placeholder(original);
        if (recordNote(line)) this.notes.push({ placeholder: replacement, kind: s.kind, file: path, line: lineNumber(line) });
      }
      // Keep the secret's line breaks after the placeholder so later lines keep their numbers.
      out += text.slice(at, start) + replacement + '\n'.repeat(breaks);
      line += breaks;
      at = s.end;
    }
    return out + text.slice(at);
  }

  private placeholder(secret: string): string {
    let p = this.byValue.get(secret);
    if (!p) {
      p = placeholderFor(this.byValue.size + 1);
      this.byValue.set(secret, p);
      this.byPlaceholder.set(p, secret);
    }
    return p;
  }

  /** Put the secrets back into model output (evidence, fix, explanation). Unknown placeholders stay as they are. */
  restore(text: string): string {
    // A multi-line secret was sent as its placeholder plus the same number of line breaks: take them back.
    return text.replace(/__STAKES_SECRET_\d+__(\r?\n)*/g, (m) => {
      const placeholder = /^__STAKES_SECRET_\d+__/.exec(m)![0];
      const secret = this.byPlaceholder.get(placeholder);
      if (secret === undefined) return m;
      const padding = (secret.match(/\n/g) ?? []).length;
      const breaks = m.slice(placeholder.length).match(/\r?\n/g) ?? [];
      return secret + breaks.slice(Math.min(padding, breaks.length)).join('');
    });
  }

  /** Replace every known secret in `text` by its placeholder (for what is written to the cache). */
  conceal(text: string): string {
    let out = text;
    for (const [secret, placeholder] of [...this.byValue].sort((a, b) => b[0].length - a[0].length)) out = out.split(secret).join(placeholder);
    return out;
  }

  /** How many distinct secrets were replaced. */
  get count(): number {
    return this.byValue.size;
  }
}
