/**
 * Secret detection for everything that leaves the machine: a maintained library (secretlint's
 * recommended preset, `library.ts`, loaded on first use) plus our own context rules (`context.ts`)
 * and provider formats (`formats.ts`). Returns character spans; `core/audit/redaction.ts` turns them
 * into placeholders and back.
 */
import { detectInText, type SecretSpan } from './context';
import { detectWithLibrary } from './library';

export type { SecretSpan } from './context';
export { isEnvFile, isConfigLike } from './context';
export { isSecretName, isReadableValue } from './values';

export interface DetectOptions {
  /** Lines longer than this are not scanned (the caller withholds them). */
  maxLineChars?: number;
  /** Skip the library (tests comparing rule sets; the library is otherwise always on). */
  library?: boolean;
}

/** Merge overlapping or touching spans (a library span inside a context span, a key inside its assignment). */
export function mergeSpans(spans: SecretSpan[]): SecretSpan[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: SecretSpan[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) {
      if (s.end > last.end) last.end = s.end;
      continue;
    }
    out.push({ ...s });
  }
  return out;
}

/** Blank out lines longer than `max` (same length, so offsets hold) before handing text to the library. */
function blankLongLines(text: string, max: number): string {
  if (!Number.isFinite(max)) return text;
  let out = '';
  let at = 0;
  let changed = false;
  for (;;) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    if (end - at > max) { out += ' '.repeat(end - at); changed = true; } else out += text.slice(at, end);
    if (end >= text.length) break;
    out += '\n';
    at = end + 1;
  }
  return changed ? out : text;
}

/** Every secret span in `text` (a file at `path`, workspace-relative), merged and sorted. */
export async function detectSecrets(path: string, text: string, options: DetectOptions = {}): Promise<SecretSpan[]> {
  const maxLine = options.maxLineChars ?? Infinity;
  const spans = detectInText(path, text, 0, maxLine);
  if (options.library !== false && text.length > 0) {
    const ext = /\.[A-Za-z0-9]+$/.exec(path)?.[0] ?? '.txt';
    spans.push(...await detectWithLibrary(blankLongLines(text, maxLine), ext));
  }
  return mergeSpans(spans);
}

/** Our own rules only, synchronously (offline rules, decoded blobs). */
export function detectSecretsSync(path: string, text: string, maxLineChars = Infinity): SecretSpan[] {
  return mergeSpans(detectInText(path, text, 0, maxLineChars));
}
