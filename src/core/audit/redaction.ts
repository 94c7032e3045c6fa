/**
 * Secrets never leave the machine: before sending, each secret in the audited code is replaced by a
 * placeholder (`__STAKES_SECRET_3__`) that the prompt explains, and restored in the results.
 * Replacement keeps line breaks, so line numbers in the payload match the file. Files matching
 * exclusion globs are not sent at all.
 */
import picomatch from 'picomatch';
import type { RedactionNote } from './types';

/** Files never sent to a model unless the user removes the glob. */
export const DEFAULT_EXCLUDE_GLOBS = [
  '.env', '.env.*', '*.env', '*.pem', '*.key', '*.p12', '*.pfx', '*.jks', '*.keystore', '*.kdbx',
  'id_rsa*', 'id_dsa*', 'id_ecdsa*', 'id_ed25519*', '.npmrc', '.pypirc', '.netrc', '.pgpass',
  '*.tfstate', '*.tfstate.*', '*.tfvars', 'credentials.json', 'service-account*.json',
];

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

interface Pattern {
  kind: string;
  re: RegExp;
  /** Capture group holding the secret (0 = whole match). */
  group: number;
  /** Extra check on the captured value (and the whole match, for the name). */
  accept?: (value: string, match: RegExpExecArray) => boolean;
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

const looksRandom = (v: string): boolean => v.length >= 16 && entropy(v) >= 3.5 && /\d/.test(v) && /[A-Za-z]/.test(v);
/** A value that is code or a reference, not a literal secret. */
const looksLikeReference = (v: string): boolean =>
  /^\$\{?[A-Za-z_]/.test(v) || /^(process\.env|os\.environ|env\.|config\.|settings\.)/.test(v) || /^<[^>]+>$/.test(v) || /^\*+$/.test(v);

const SECRET_NAME = String.raw`[A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|signing[_-]?key|credential|auth[_-]?key|encryption[_-]?key|session[_-]?key|webhook[_-]?secret|salt|dsn)[A-Za-z0-9_.-]*`;

/** Names whose literal value is a secret whatever it looks like ("hunter2" is still a password). */
const PASSWORD_NAME = /password|passwd|pwd|secret/i;

/** Ordered: specific formats first, then generic assignments. */
const PATTERNS: Pattern[] = [
  { kind: 'private key', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g, group: 0 },
  { kind: 'Anthropic API key', re: /\bsk-ant-[A-Za-z0-9_-]{20,}/g, group: 0 },
  { kind: 'OpenAI API key', re: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g, group: 0 },
  { kind: 'Stripe key', re: /\b(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{16,}\b/g, group: 0 },
  { kind: 'Stripe webhook secret', re: /\bwhsec_[A-Za-z0-9]{20,}\b/g, group: 0 },
  { kind: 'GitHub token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b/g, group: 0 },
  { kind: 'Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, group: 0 },
  { kind: 'Slack webhook', re: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/g, group: 0 },
  { kind: 'AWS access key id', re: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b/g, group: 0 },
  { kind: 'Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g, group: 0 },
  { kind: 'Azure storage key', re: /\b(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/=]{20,})/g, group: 1 },
  { kind: 'Azure SAS signature', re: /[?&]sig=([A-Za-z0-9%+/=]{20,})/g, group: 1 },
  { kind: 'JWT', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{10,}/g, group: 0 },
  { kind: 'password in connection string', re: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"`]+:([^\s@'"`/]+)@/gi, group: 1, accept: (v) => !looksLikeReference(v) },
  // secret-like name = "literal" (JS/TS/Python/Go/YAML/JSON/properties)
  {
    kind: 'secret assigned to a secret-like name',
    re: new RegExp(String.raw`(?:^|[^A-Za-z0-9_])["']?(${SECRET_NAME})["']?\s*(?::=|=>|=|:)\s*(?:[A-Za-z_.]+\()?\s*(["'\`])([^"'\`\n]{4,})\2`, 'gi'),
    group: 3,
    accept: (v, m) => !looksLikeReference(v) && (PASSWORD_NAME.test(m[1]) ? v.trim().length >= 4 && !/\s/.test(v.trim()) : looksRandom(v) || (v.length >= 12 && entropy(v) >= 3)),
  },
  // AWS secret access key style value anywhere after a secret-like name, unquoted (env files, YAML)
  {
    kind: 'high-entropy value assigned to a secret-like name',
    re: new RegExp(String.raw`(?:^|[^A-Za-z0-9_])(${SECRET_NAME})\s*[:=]\s*([A-Za-z0-9+/=_\-.~]{16,})`, 'gim'),
    group: 2,
    accept: (v) => looksRandom(v) && !looksLikeReference(v),
  },
];

/** Every KEY=value of a .env-style file is a secret. */
const ENV_LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+?)\s*$/gm;

function isEnvFile(path: string): boolean {
  const base = path.split('/').pop() ?? '';
  return /^\.env(\..*)?$/.test(base) || base.endsWith('.env');
}

/** Keeps the secret ↔ placeholder map for one audit run. */
export class Redactor {
  private readonly byValue = new Map<string, string>();
  private readonly byPlaceholder = new Map<string, string>();
  readonly notes: RedactionNote[] = [];

  /** Replace secrets in one file's text; line breaks inside a secret are kept so line numbers do not move. */
  redact(path: string, text: string): string {
    const spans: Array<{ start: number; end: number; kind: string }> = [];
    const add = (start: number, end: number, kind: string): void => {
      if (end <= start) return;
      if (spans.some((s) => start < s.end && end > s.start)) return;
      spans.push({ start, end, kind });
    };
    for (const p of PATTERNS) {
      p.re.lastIndex = 0;
      for (let m = p.re.exec(text); m; m = p.re.exec(text)) {
        const value = m[p.group];
        if (value === undefined) continue;
        if (p.accept && !p.accept(value, m)) continue;
        const start = m.index + (p.group === 0 ? 0 : m[0].lastIndexOf(value));
        add(start, start + value.length, p.kind);
        if (m[0].length === 0) p.re.lastIndex++;
      }
    }
    if (isEnvFile(path)) {
      ENV_LINE.lastIndex = 0;
      for (let m = ENV_LINE.exec(text); m; m = ENV_LINE.exec(text)) {
        let value = m[2];
        if (/^["'].*["']$/.test(value)) value = value.slice(1, -1);
        if (value === '' || looksLikeReference(value)) continue;
        const start = m.index + m[0].lastIndexOf(value);
        add(start, start + value.length, '.env value');
      }
    }
    spans.sort((a, b) => a.start - b.start);
    let out = '';
    let at = 0;
    for (const s of spans) {
      const secret = text.slice(at > s.start ? at : s.start, s.end);
      const placeholder = this.placeholder(secret);
      const line = text.slice(0, s.start).split('\n').length;
      this.notes.push({ placeholder, kind: s.kind, file: path, line });
      // Keep the secret's line breaks after the placeholder so later lines keep their numbers.
      out += text.slice(at, s.start) + placeholder + '\n'.repeat((secret.match(/\n/g) ?? []).length);
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
