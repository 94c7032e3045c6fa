/**
 * Baseline: the findings that already exist when a team adopts the rules, so CI fails only on new ones.
 * Keyed by rule + file + hash of whitespace-normalized evidence: moving code or reformatting it keeps the
 * key, changing the flagged code makes it new. Counts are kept, so a second copy of a known finding is new.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Finding } from '../audit/findings';
import { normalizeEvidence } from './hits';

export const BASELINE_VERSION = 1;

const BaselineEntry = z.object({
  ruleId: z.string().min(1),
  file: z.string().min(1),
  evidenceHash: z.string().regex(/^[0-9a-f]{16,64}$/),
  count: z.number().int().min(1).default(1),
  title: z.string().optional(),
  line: z.number().int().min(1).optional(),
});
export const BaselineFile = z.object({
  version: z.literal(BASELINE_VERSION),
  generatedAt: z.string().optional(),
  entries: z.array(BaselineEntry),
});
export type BaselineFile = z.infer<typeof BaselineFile>;

export function evidenceHash(evidence: string): string {
  return createHash('sha256').update(normalizeEvidence(evidence)).digest('hex').slice(0, 16);
}

function key(ruleId: string, file: string, hash: string): string {
  return `${ruleId}\0${file}\0${hash}`;
}

export function createBaseline(findings: Finding[], now = new Date()): BaselineFile {
  const map = new Map<string, z.infer<typeof BaselineEntry>>();
  for (const f of findings) {
    if (!f.ruleId) continue;
    const h = evidenceHash(f.evidence);
    const k = key(f.ruleId, f.file, h);
    const e = map.get(k);
    if (e) e.count++;
    else map.set(k, { ruleId: f.ruleId, file: f.file, evidenceHash: h, count: 1, title: f.title, line: f.startLine });
  }
  const entries = [...map.values()].sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || a.ruleId.localeCompare(b.ruleId));
  return { version: BASELINE_VERSION, generatedAt: now.toISOString(), entries };
}

/** Parse baseline JSON; the error says what is wrong and how to regenerate it. */
export function parseBaseline(json: string, source: string): BaselineFile {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    throw new Error(`${source} is not valid JSON (${(err as Error).message}). Regenerate it with \`stakes audit --offline PATH --write-baseline ${source}\`.`, { cause: err });
  }
  const r = BaselineFile.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`${source} is not a Stakes baseline (${issue.path.join('.') || 'root'}: ${issue.message}). Regenerate it with \`stakes audit --offline PATH --write-baseline ${source}\`.`);
  }
  return r.data;
}

/** Split findings into those already in the baseline and new ones. */
export function applyBaseline(findings: Finding[], baseline: BaselineFile): { fresh: Finding[]; known: Finding[] } {
  const remaining = new Map<string, number>();
  for (const e of baseline.entries) remaining.set(key(e.ruleId, e.file, e.evidenceHash), (remaining.get(key(e.ruleId, e.file, e.evidenceHash)) ?? 0) + e.count);
  const fresh: Finding[] = [];
  const known: Finding[] = [];
  for (const f of findings) {
    const k = f.ruleId ? key(f.ruleId, f.file, evidenceHash(f.evidence)) : '';
    const n = remaining.get(k) ?? 0;
    if (n > 0) {
      remaining.set(k, n - 1);
      known.push(f);
    } else fresh.push(f);
  }
  return { fresh, known };
}
