/**
 * Review debt: the changed regions (against HEAD, the merge base with the main branch, or a ref)
 * whose label or path needs review under the policy and whose current content no record covers.
 * `reviewStatus()` computes it once (the gate, the MCP tool); `ReviewSession` keeps it and
 * recomputes one file after a save (the editor).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { classify } from '../classify';
import type { Classification } from '../classify/types';
import type { Label } from '../labels';
import type { StakesConfig } from '../routing/config';
import { loadConfig } from '../routing/load';
import type { ReviewRequirement } from '../routing/review';
import { asContent, regionChanges, type ChangeKind, type FileContent, type RegionChange } from './changes';
import { changedFiles, readObjects, readWorkingFile, repoRootOf, resolveBase, runGit, trackedUnder, type ChangedFile, type ResolvedBase } from './git';
import { decide, describeRequirement, judge, type VerdictStatus } from './policy';
import { CoverageIndex, isReviewRecord, parseRecordTexts, readRecordsFromDisk, REVIEWS_DIR, type LoadedRecord, type ReviewRecordError } from './records';
import { FINGERPRINT_VERSION } from './regions';

/** Files larger than this are not read (they are listed as skipped). */
const MAX_FILE_BYTES = 8 * 1024 * 1024;
/** Longest stretch of synchronous work before yielding to the event loop. */
const YIELD_EVERY_MS = 12;
/** Reasons shown per change ("imports jsonwebtoken (line 3)"). */
const MAX_WHY = 3;

export interface RegionRef {
  key: string;
  name: string;
  kind: string;
  /** Current lines (for a deletion: the lines it had in the base). */
  startLine: number;
  endLine: number;
}

interface ItemBase {
  /** Repository-relative path. */
  path: string;
  oldPath?: string;
  region: RegionRef;
  change: ChangeKind;
  label: Label;
  /** Fingerprints before and after (a record covering this change carries the same two). */
  from: string | null;
  to: string | null;
}

/** A change that needs review and has none that meets the policy. */
export interface DebtItem extends ItemBase {
  /** Why it counts as this label: the classifier's evidence, strongest first. */
  why: string[];
  /** Why it needs review at all: "it is labelled sensitive", "its path matches src/billing/** (review.alwaysReview)". */
  because: string;
  requirement: ReviewRequirement;
  /** What would clear it, in words. */
  clearedBy: string;
  status: Exclude<VerdictStatus, 'cleared'>;
  /** "no review covers this change", "audited by gpt-5.4 on … with 1 open high finding: …". */
  detail: string;
}

export interface ClearedItem extends ItemBase {
  /** "audited by gpt-5.4 on 2026-11-21", "signed off by Ada on 2026-11-21". */
  by: string;
  /** The record file that cleared it. */
  record: string;
}

export interface ExemptItem extends ItemBase {
  reason: string;
  glob: string;
}

export interface ReviewStatus {
  /** Repository root (absolute). */
  root: string;
  base: ResolvedBase;
  staged: boolean;
  debt: DebtItem[];
  cleared: ClearedItem[];
  exempt: ExemptItem[];
  /** Changed regions whose label needs no review under the policy. */
  notRequired: number;
  /** Files changed against the base (untracked included). */
  changedFiles: number;
  skipped: Array<{ path: string; reason: string }>;
  records: {
    count: number;
    /** Record files git does not track yet: they must be committed to count in CI. */
    untracked: string[];
    /** Records made with another fingerprint version: read, but they cover nothing. */
    outdated: number;
  };
  /** Record files that are not valid records (the gate fails on them; the editor warns). */
  invalidRecords: ReviewRecordError[];
  /** What clears a change, per label that needs review. */
  policy: Array<{ label: Label; requirement: string }>;
  durationMs: number;
}

export interface ReviewStatusOptions {
  /** Any directory inside the repository. */
  cwd: string;
  /** "HEAD" (uncommitted changes) or a ref (its merge base with HEAD); else the policy's `review.base`; else the main branch. */
  base?: string;
  /** Compare the index (what the next commit holds) instead of the working tree; only records in the index count. */
  staged?: boolean;
  /** Limit to these repository-relative paths (git pathspecs). */
  paths?: string[];
  /** The configuration; default: the repository's `.stakes.json` over the defaults (a broken file throws ConfigError). */
  config?: StakesConfig;
}

/** Per-file outcome, kept by the session so a save recomputes one file only. */
interface FileResult {
  debt: DebtItem[];
  cleared: ClearedItem[];
  exempt: ExemptItem[];
  notRequired: number;
  skipped?: string;
}

interface Labelled {
  c: RegionChange;
  item: ItemBase;
  why: string[];
}

interface FileState {
  file: ChangedFile;
  base: FileContent;
  /** The file's region changes with their labels, computed once per content. */
  labelled: Labelled[];
  skipped?: string;
  result: FileResult;
}

/** The configuration for a repository root, throwing the first ConfigError (the gate exits 2 on it). */
export function repositoryConfig(root: string): StakesConfig {
  const loaded = loadConfig(root);
  if (loaded.errors.length) throw loaded.errors[0];
  return loaded.config;
}

/** Load the classifier and its model now (an editor does it when idle, so the first save is not the one that pays). */
export function warmUp(): void {
  classify({ active: { path: 'warm-up.ts', content: 'export const ready = true;\n' } });
}

/** Review debt of a repository, computed once. Throws GitError (no repository, bad ref) and ConfigError. */
export async function reviewStatus(options: ReviewStatusOptions): Promise<ReviewStatus> {
  const session = await ReviewSession.open(options);
  return session.status();
}

/** The last whole-file classification: a file's changed regions are labelled one after another, so it is computed once per file. */
let lastWhole: { config: StakesConfig; path: string; text: string; result: Classification } | undefined;

function wholeFile(config: StakesConfig, filePath: string, text: string): Classification {
  if (lastWhole?.config !== config || lastWhole.path !== filePath || lastWhole.text !== text) {
    lastWhole = { config, path: filePath, text, result: classify({ active: { path: filePath, content: text } }, { config }) };
  }
  return lastWhole.result;
}

/** The label of a region and the evidence for it, from the classifier run on the region's lines. */
export function labelRegion(config: StakesConfig, filePath: string, content: FileContent, c: RegionChange): { label: Label; why: string[] } {
  if (content === null) return { label: 'sensitive', why: ['the file could not be read'] };
  let result: Classification;
  if ('binary' in content) {
    result = classify({ active: { path: filePath, content: content.binary } }, { config });
  } else {
    const selection = c.region.kind === 'file' ? undefined : { startLine: c.region.startLine, endLine: c.region.endLine };
    result = classify({ active: { path: filePath, content: content.text, ...(selection ? { selection } : {}) } }, { config });
  }
  const inRegion = (line?: number) => line !== undefined && line >= c.region.startLine && line <= c.region.endLine;
  const whyOf = (r: Classification) => {
    const reasons = r.reasons.filter((x) => x.label === r.label && x.weight > 0)
      .sort((a, b) => Number(inRegion(b.line)) - Number(inRegion(a.line)) || b.weight - a.weight);
    return [...new Set([...(r.override ? [r.override.detail] : []), ...reasons.map((x) => x.detail)])].slice(0, MAX_WHY);
  };
  // A function of a sensitive file is sensitive for review even when its own lines read as routine:
  // the file's evidence (its transaction, its path, the token it issues) is what the function takes
  // part in, and a missed review costs more than one extra (a region's lines alone lose that context).
  if (result.label !== 'sensitive' && c.region.kind !== 'file' && !('binary' in content)) {
    const whole = wholeFile(config, filePath, content.text);
    if (whole.label === 'sensitive') {
      return { label: 'sensitive', why: [`in a file labelled sensitive: ${whyOf(whole).slice(0, 2).join('; ') || 'no strong signal'}`] };
    }
  }
  const why = whyOf(result);
  return { label: result.label, why: why.length ? why : ['no strong signal'] };
}

/**
 * Review debt kept up to date for an editor: opened once (base, records, every changed file),
 * then `updateFile` after a save and `reloadRecords` after a record is written, both cheap;
 * `refresh` after git operations (commit, checkout, rebase, pull) recomputes everything.
 */
export class ReviewSession {
  private files = new Map<string, FileState>();
  private index = new CoverageIndex([]);
  private loaded: { records: LoadedRecord[]; invalid: ReviewRecordError[]; untracked: string[] } = { records: [], invalid: [], untracked: [] };
  private durationMs = 0;

  private constructor(
    readonly root: string,
    private base: ResolvedBase,
    private config: StakesConfig,
    private readonly options: ReviewStatusOptions,
  ) {}

  static async open(options: ReviewStatusOptions): Promise<ReviewSession> {
    const root = await repoRootOf(options.cwd);
    const config = options.config ?? repositoryConfig(root);
    const base = await resolveBase(root, options.base ?? config.review.base);
    const session = new ReviewSession(root, base, config, options);
    await session.computeAll();
    return session;
  }

  get baseInfo(): ResolvedBase {
    return this.base;
  }

  get records(): readonly LoadedRecord[] {
    return this.loaded.records;
  }

  /** Everything again: base, records, changed files (after a commit, checkout, rebase, pull, or a new policy). */
  async refresh(config?: StakesConfig): Promise<ReviewStatus> {
    if (config) this.config = config;
    else if (!this.options.config) this.config = repositoryConfig(this.root);
    this.base = await resolveBase(this.root, this.options.base ?? this.config.review.base);
    await this.computeAll();
    return this.status();
  }

  /** Re-read the records (one was written, or pulled) and re-judge every change; no file is re-read. */
  async reloadRecords(): Promise<ReviewStatus> {
    const started = Date.now();
    await this.loadRecords();
    for (const state of this.files.values()) state.result = this.judgeFile(state);
    this.durationMs = Date.now() - started;
    return this.status();
  }

  /** Recompute one file (after a save). `text`: its content now; omitted: read from disk. */
  async updateFile(rel: string, text?: string): Promise<ReviewStatus> {
    const started = Date.now();
    const p = rel.split(path.sep).join('/');
    if (isReviewRecord(p)) return this.reloadRecords();
    let state = this.files.get(p);
    if (!state) {
      // Not changed before this save: its base is the same path at the base commit, if it was there.
      const [blob] = await readObjects(this.root, [`${this.base.sha}:${p}`]);
      if (blob === null) {
        const ignored = await runGit(this.root, ['check-ignore', '-q', '--', p]).then(() => true, () => false);
        if (ignored) return this.status();
        state = { file: { status: 'untracked', path: p }, base: null, labelled: [], result: emptyResult() };
      } else {
        state = { file: { status: 'modified', path: p }, base: asContent(blob), labelled: [], result: emptyResult() };
      }
    }
    const current = text !== undefined ? { text } : await this.currentOf(state.file);
    this.analyse(p, state, current);
    state.result = this.judgeFile(state);
    if (isEmpty(state.result) && current !== null && sameContent(state.base, current)) this.files.delete(p);
    else this.files.set(p, state);
    this.durationMs = Date.now() - started;
    return this.status();
  }

  status(): ReviewStatus {
    const debt: DebtItem[] = [];
    const cleared: ClearedItem[] = [];
    const exempt: ExemptItem[] = [];
    const skipped: ReviewStatus['skipped'] = [];
    let notRequired = 0;
    for (const [p, s] of this.files) {
      debt.push(...s.result.debt);
      cleared.push(...s.result.cleared);
      exempt.push(...s.result.exempt);
      notRequired += s.result.notRequired;
      if (s.result.skipped) skipped.push({ path: p, reason: s.result.skipped });
    }
    const order = (a: ItemBase, b: ItemBase) => a.path.localeCompare(b.path) || a.region.startLine - b.region.startLine;
    return {
      root: this.root,
      base: this.base,
      staged: this.options.staged ?? false,
      debt: debt.sort(order),
      cleared: cleared.sort(order),
      exempt: exempt.sort(order),
      notRequired,
      changedFiles: this.files.size,
      skipped: skipped.sort((a, b) => a.path.localeCompare(b.path)),
      records: {
        count: this.loaded.records.length,
        untracked: this.loaded.untracked,
        outdated: this.loaded.records.filter((r) => r.record.fingerprints !== FINGERPRINT_VERSION).length,
      },
      invalidRecords: this.loaded.invalid,
      policy: (Object.entries(this.config.review.require) as Array<[Label, ReviewRequirement | null]>)
        .filter(([, r]) => r !== null).map(([label, r]) => ({ label, requirement: describeRequirement(this.config, r!) })),
      durationMs: this.durationMs,
    };
  }

  private async computeAll(): Promise<void> {
    const started = Date.now();
    const staged = this.options.staged ?? false;
    const [changed] = await Promise.all([changedFiles(this.root, this.base, { staged, paths: this.options.paths }), this.loadRecords()]);
    const files = changed.filter((f) => !isReviewRecord(f.path));
    const baseSpecs = files.map((f) => (f.status === 'added' || f.status === 'untracked' ? null : `${this.base.sha}:${f.oldPath ?? f.path}`));
    const wanted = baseSpecs.filter((s): s is string => s !== null);
    const blobs = await readObjects(this.root, wanted);
    const byspec = new Map(wanted.map((s, i) => [s, blobs[i]]));
    const currents = staged ? await this.readIndex(files) : await mapLimit(files, 32, (f) => this.currentOf(f));
    const next = new Map<string, FileState>();
    let slice = Date.now();
    for (const [i, f] of files.entries()) {
      // Labelling is synchronous work: give the event loop a turn every few milliseconds (an editor's host stays responsive).
      if (Date.now() - slice > YIELD_EVERY_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        slice = Date.now();
      }
      const spec = baseSpecs[i];
      const blob = spec ? byspec.get(spec) ?? null : null;
      const state: FileState = { file: f, base: blob ? asContent(blob) : null, labelled: [], result: emptyResult() };
      this.analyse(f.path, state, currents[i]);
      state.result = this.judgeFile(state);
      next.set(f.path, state);
    }
    this.files = next;
    this.durationMs = Date.now() - started;
  }

  private async readIndex(files: ChangedFile[]): Promise<FileContent[]> {
    const blobs = await readObjects(this.root, files.map((f) => `:${f.path}`));
    return files.map((f, i) => (f.status === 'deleted' || blobs[i] === null ? null : asContent(blobs[i]!)));
  }

  private async currentOf(f: ChangedFile): Promise<FileContent> {
    if (f.status === 'deleted') return null;
    if (this.options.staged) return (await this.readIndex([f]))[0];
    const bytes = await readWorkingFile(this.root, f.path);
    return bytes === null ? null : asContent(bytes);
  }

  private async loadRecords(): Promise<void> {
    if (this.options.staged) {
      const tracked = [...await trackedUnder(this.root, REVIEWS_DIR)].filter((f) => f.endsWith('.json')).sort();
      const blobs = await readObjects(this.root, tracked.map((f) => `:${f}`));
      const parsed = parseRecordTexts(tracked.map((file, i) => (blobs[i] ? { file, text: blobs[i]!.toString('utf8') } : { file, error: 'not in the index' })));
      // Records on disk but not staged do not count for the commit being made: say so.
      const onDisk = readRecordsFromDisk(this.root).records.map((r) => r.file);
      const indexed = new Set(tracked);
      this.loaded = { ...parsed, untracked: onDisk.filter((f) => !indexed.has(f)) };
    } else {
      const [parsed, tracked] = await Promise.all([Promise.resolve(readRecordsFromDisk(this.root)), trackedUnder(this.root, REVIEWS_DIR)]);
      for (const r of parsed.records) r.tracked = tracked.has(r.file);
      this.loaded = { ...parsed, untracked: parsed.records.filter((r) => !r.tracked).map((r) => r.file) };
    }
    this.index = new CoverageIndex(this.loaded.records);
  }

  /** One file's region changes, each labelled by the classifier on the region's lines (the expensive part, done once per content). */
  private analyse(p: string, state: FileState, current: FileContent): void {
    state.labelled = [];
    state.skipped = undefined;
    if (current !== null && 'binary' in current && current.binary.byteLength > MAX_FILE_BYTES) {
      state.skipped = `larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`;
      return;
    }
    const changes = regionChanges({ path: p, ...(state.file.oldPath ? { oldPath: state.file.oldPath } : {}), base: state.base, current });
    for (const c of changes) {
      const labelled = c.change === 'deleted' ? labelRegion(this.config, c.path, state.base, c) : labelRegion(this.config, p, current, c);
      state.labelled.push({
        c,
        why: labelled.why,
        item: {
          path: c.path, ...(c.oldPath ? { oldPath: c.oldPath } : {}),
          region: { key: c.region.key, name: c.region.name, kind: c.region.kind, startLine: c.region.startLine, endLine: c.region.endLine },
          change: c.change, label: labelled.label, from: c.from, to: c.to,
        },
      });
    }
  }

  /** One file's labelled changes, decided by the policy and judged against the records (cheap: no file is read). */
  private judgeFile(state: FileState): FileResult {
    const result = emptyResult();
    result.skipped = state.skipped;
    for (const { c, item, why } of state.labelled) {
      const decision = decide(this.config.review, c.path, c.region.name, item.label);
      if (decision.kind === 'not-required') { result.notRequired++; continue; }
      if (decision.kind === 'exempt') { result.exempt.push({ ...item, reason: decision.reason, glob: decision.glob }); continue; }
      const covering = this.index.covering(c, (f) => fs.existsSync(path.join(this.root, f)));
      const verdict = judge(this.config, decision.requirement, covering, covering.length ? [] : this.index.earlier(c));
      if (verdict.status === 'cleared') {
        result.cleared.push({ ...item, by: verdict.detail, record: verdict.by!.record.file });
        continue;
      }
      result.debt.push({
        ...item, why, because: decision.because, requirement: decision.requirement,
        clearedBy: describeRequirement(this.config, decision.requirement), status: verdict.status, detail: verdict.detail,
      });
    }
    return result;
  }
}

function emptyResult(): FileResult {
  return { debt: [], cleared: [], exempt: [], notRequired: 0 };
}

function isEmpty(r: FileResult): boolean {
  return r.debt.length === 0 && r.cleared.length === 0 && r.exempt.length === 0 && r.notRequired === 0;
}

function sameContent(a: FileContent, b: FileContent): boolean {
  if (a === null || b === null) return a === b;
  if ('text' in a && 'text' in b) return a.text === b.text;
  if ('binary' in a && 'binary' in b) return Buffer.compare(Buffer.from(a.binary), Buffer.from(b.binary)) === 0;
  return false;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  });
  await Promise.all(workers);
  return out;
}
