/**
 * Review records: one small JSON file per review under `.stakes/reviews/`, committed with the code
 * (like changesets: two branches never edit the same file, so they merge without conflicts and
 * show in the branch's history). A record lists the region changes it reviewed, each as the
 * fingerprints before and after, who or which model reviewed them, when, and the findings left
 * open in each. A record covers a change only when both fingerprints match: it never covers code
 * it did not fingerprint.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { LABELS, type Label } from '../labels';
import { REVIEW_SEVERITIES, type ReviewSeverity } from '../routing/review';
import type { RegionChange } from './changes';
import { FINGERPRINT_VERSION } from './regions';

/** Where records live, relative to the repository root. */
export const REVIEWS_DIR = '.stakes/reviews';
/** True for a repository-relative path inside .stakes/reviews/: records are metadata, never code to audit or review. */
export function isReviewRecord(repoPath: string): boolean {
  return repoPath.replace(/\\/g, '/').startsWith(`${REVIEWS_DIR}/`);
}

/** The record format; a record of another format is reported, never trusted. */
export const RECORD_FORMAT = 1;
/** `from` of a change reviewed whole (a file or a selection judged every line): it covers the region whatever its base. */
export const WHOLE = '*';

const Fingerprint = z.string().regex(/^[0-9a-f]{32}$/, 'a 32-character hex fingerprint');

const OpenFinding = z.object({
  severity: z.enum(REVIEW_SEVERITIES),
  title: z.string().max(300),
  line: z.number().int().min(1).optional(),
  id: z.string().optional(),
}).strict();
export type OpenFinding = z.infer<typeof OpenFinding>;

const ReviewedChange = z.object({
  path: z.string().min(1),
  /** Region key within the file (regions.ts). */
  region: z.string().min(1),
  name: z.string(),
  kind: z.string(),
  label: z.enum(LABELS).optional(),
  /** Lines when reviewed (informational; matching is by fingerprint). */
  lines: z.tuple([z.number().int().min(1), z.number().int().min(1)]).optional(),
  /** Base fingerprint of the reviewed change: null for a new region, "*" when the whole region was reviewed. */
  from: z.union([Fingerprint, z.literal(WHOLE), z.null()]),
  /** Fingerprint of the reviewed content: null for a deletion. */
  to: z.union([Fingerprint, z.null()]),
  open: z.array(OpenFinding).default([]),
}).strict().refine((c) => !(c.to === null && (c.from === null || c.from === WHOLE)), { message: 'a deletion needs the fingerprint of what was deleted in "from"' });
export type ReviewedChange = z.infer<typeof ReviewedChange>;

const AuditReviewer = z.object({
  kind: z.literal('audit'),
  provider: z.string().min(1),
  model: z.string().min(1),
  /** The label whose model the routing table chose, when it chose. */
  tier: z.enum(LABELS).optional(),
}).strict();
const PersonReviewer = z.object({
  kind: z.literal('person'),
  name: z.string().min(1),
  email: z.string().optional(),
}).strict();
export const Reviewer = z.discriminatedUnion('kind', [AuditReviewer, PersonReviewer]);
export type Reviewer = z.infer<typeof Reviewer>;

export const ReviewRecord = z.object({
  stakesReview: z.literal(RECORD_FORMAT),
  /** The fingerprint version (regions.ts); records of another version are read but cover nothing. */
  fingerprints: z.number().int().min(1),
  id: z.string().regex(/^[0-9]{8}-[0-9]{6}-[0-9a-f]{6,}$/),
  at: z.string().datetime({ offset: true }),
  by: Reviewer,
  /** What was reviewed, in words: "changes against main (merge base 1a2b3c4d)", "selection src/auth/jwt.ts:12–40". */
  scope: z.string(),
  /** The reviewer's note (a sign-off's), or how many findings the audit left. */
  note: z.string().max(2000).optional(),
  changes: z.array(ReviewedChange),
}).strict();
export type ReviewRecord = z.infer<typeof ReviewRecord>;

/** A record read from disk (or the index), with the file it came from. */
export interface LoadedRecord {
  record: ReviewRecord;
  /** Repository-relative path of the record file. */
  file: string;
  /** False when git does not track the file yet (it must be committed to count in CI). */
  tracked?: boolean;
}

/** A record file that is not a valid record: the gate refuses to guess. */
export class ReviewRecordError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file} is not a valid review record: ${problems.join('; ')}. Fix it, or delete it (git rm) and review the change again.`);
    this.name = 'ReviewRecordError';
  }
}

/** Parse one record file's text; throws ReviewRecordError naming the file and the key. */
export function parseRecord(text: string, file: string): ReviewRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ReviewRecordError(file, [`not valid JSON (${(e as Error).message})${/^(<<<<<<<|=======|>>>>>>>)/m.test(text) ? ', it has merge conflict markers' : ''}`]);
  }
  const version = (raw as { stakesReview?: unknown; fingerprints?: unknown } | null);
  if (version && typeof version === 'object' && typeof version.stakesReview === 'number' && version.stakesReview > RECORD_FORMAT) {
    throw new ReviewRecordError(file, [`written by a newer Stakes (record format ${version.stakesReview}, this one reads ${RECORD_FORMAT}): update Stakes`]);
  }
  const result = ReviewRecord.safeParse(raw);
  if (!result.success) {
    throw new ReviewRecordError(file, result.error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`));
  }
  return result.data;
}

/** Every record under `<root>/.stakes/reviews/`, sorted by file name (oldest first). Invalid ones are returned apart. */
export function readRecordsFromDisk(root: string): { records: LoadedRecord[]; invalid: ReviewRecordError[] } {
  const dir = path.join(root, REVIEWS_DIR);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], invalid: [] };
    return { records: [], invalid: [new ReviewRecordError(REVIEWS_DIR, [`cannot be read (${(e as Error).message})`])] };
  }
  return parseRecordTexts(names.map((n) => {
    const file = `${REVIEWS_DIR}/${n}`;
    try {
      return { file, text: fs.readFileSync(path.join(dir, n), 'utf8') };
    } catch (e) {
      return { file, error: (e as Error).message };
    }
  }));
}

export function parseRecordTexts(files: Array<{ file: string; text?: string; error?: string }>): { records: LoadedRecord[]; invalid: ReviewRecordError[] } {
  const records: LoadedRecord[] = [];
  const invalid: ReviewRecordError[] = [];
  for (const f of files) {
    if (f.text === undefined) {
      invalid.push(new ReviewRecordError(f.file, [`cannot be read (${f.error ?? 'unknown error'})`]));
      continue;
    }
    try {
      records.push({ record: parseRecord(f.text, f.file), file: f.file });
    } catch (e) {
      if (e instanceof ReviewRecordError) invalid.push(e);
      else throw e;
    }
  }
  return { records, invalid };
}

/** A new record id: sortable by time, unique without coordination ("20261121-101500-3fa9c2"). */
export function newRecordId(now: Date = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const day = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`;
  const time = `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${day}-${time}-${randomBytes(3).toString('hex')}`;
}

/** What a new record says, before it gets its id and time. */
export interface RecordDraft {
  by: Reviewer;
  scope: string;
  note?: string;
  changes: ReviewedChange[];
}

/** Two records saying the same (same reviewer, same changes, same open findings): the second is not written. */
function sameClaim(a: ReviewRecord, d: RecordDraft): boolean {
  if (JSON.stringify(a.by) !== JSON.stringify(d.by) || a.changes.length !== d.changes.length || (a.note ?? '') !== (d.note ?? '')) return false;
  const key = (c: ReviewedChange) => JSON.stringify([c.path, c.region, c.from, c.to, c.open.map((f) => [f.severity, f.title])]);
  const mine = new Set(d.changes.map(key));
  return a.changes.every((c) => mine.has(key(c)));
}

export interface WrittenRecord {
  record: ReviewRecord;
  /** Repository-relative path of the record file. */
  file: string;
  /** True when an identical record already existed and nothing was written. */
  existing: boolean;
}

/**
 * Write a record into `<root>/.stakes/reviews/<id>.json` (pretty-printed, one change per block, so a
 * diff of it reads well in review). Returns the existing record instead when one says the same.
 */
export function writeRecord(root: string, draft: RecordDraft, existing: readonly LoadedRecord[] = [], now: Date = new Date()): WrittenRecord {
  const same = existing.find((r) => sameClaim(r.record, draft));
  if (same) return { record: same.record, file: same.file, existing: true };
  const record: ReviewRecord = ReviewRecord.parse({
    stakesReview: RECORD_FORMAT, fingerprints: FINGERPRINT_VERSION, id: newRecordId(now), at: now.toISOString(), ...draft,
  });
  const dir = path.join(root, REVIEWS_DIR);
  fs.mkdirSync(dir, { recursive: true });
  const file = `${REVIEWS_DIR}/${record.id}.json`;
  // 'wx': never overwrite (the id is random; a clash is astronomically unlikely, and then the write fails loudly).
  fs.writeFileSync(path.join(root, file), `${JSON.stringify(record, null, 2)}\n`, { flag: 'wx' });
  return { record, file, existing: false };
}

/** One reviewed change of one record, for lookups by fingerprint. */
export interface CoverageEntry {
  change: ReviewedChange;
  record: LoadedRecord;
}

/**
 * The records, indexed by the fingerprint they leave a region in (`to`; for deletions the deleted
 * content's `from`), and by path and region key for "reviewed before, changed since".
 */
export class CoverageIndex {
  private readonly byPrint = new Map<string, CoverageEntry[]>();
  private readonly byRegion = new Map<string, CoverageEntry[]>();
  readonly records: readonly LoadedRecord[];

  constructor(records: readonly LoadedRecord[]) {
    this.records = records;
    for (const r of records) {
      if (r.record.fingerprints !== FINGERPRINT_VERSION) continue;
      for (const change of r.record.changes) {
        const entry = { change, record: r };
        const print = change.to ?? `deleted:${change.from}`;
        push(this.byPrint, print, entry);
        push(this.byRegion, `${change.path}\u0000${change.region}`, entry);
      }
    }
  }

  /**
   * The record entries that cover a change: same content after (`to`), same base before (`from`, or
   * the whole region reviewed), and the same file (or the file it was renamed from, or one that no
   * longer exists with the same region key: a file created, reviewed, then renamed on the branch).
   */
  covering(c: RegionChange, fileExists: (path: string) => boolean): CoverageEntry[] {
    const print = c.to ?? `deleted:${c.from}`;
    return (this.byPrint.get(print) ?? []).filter(({ change: e }) => {
      if (c.to === null ? e.from !== c.from : e.from !== WHOLE && e.from !== c.from) return false;
      if (e.path === c.path || (c.oldPath !== undefined && e.path === c.oldPath)) return true;
      return e.region === c.region.key && !fileExists(e.path);
    });
  }

  /** Entries for the same region with other content: it was reviewed, then changed. Newest first. */
  earlier(c: RegionChange): CoverageEntry[] {
    const list = [...(this.byRegion.get(`${c.path}\u0000${c.region.key}`) ?? []), ...(c.oldPath ? this.byRegion.get(`${c.oldPath}\u0000${c.region.key}`) ?? [] : [])];
    return list.filter((e) => e.change.to !== c.to).sort((a, b) => b.record.record.at.localeCompare(a.record.record.at));
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A reviewed change for a record, from a region change and what was found in it. */
export function reviewedChange(c: RegionChange, options: { label?: Label; whole: boolean; open: OpenFinding[] }): ReviewedChange {
  return {
    path: c.path,
    region: c.region.key,
    name: c.region.name,
    kind: c.region.kind,
    ...(options.label ? { label: options.label } : {}),
    lines: [c.region.startLine, c.region.endLine],
    from: options.whole && c.to !== null ? WHOLE : c.from,
    to: c.to,
    open: options.open,
  };
}

/** Open findings at or above `failOn`, most severe first. */
export function blockingFindings(open: readonly OpenFinding[], failOn: ReviewSeverity): OpenFinding[] {
  const rank = (s: ReviewSeverity) => REVIEW_SEVERITIES.indexOf(s);
  return open.filter((f) => rank(f.severity) <= rank(failOn)).sort((a, b) => rank(a.severity) - rank(b.severity));
}
