/**
 * Turning a finished review into a record: an audit (any provider, any scope) or a person's
 * sign-off. An audit covers what it judged: a whole file or every region wholly inside a selection
 * ("*": whatever its base), or, for changes, each changed region of the judged files against the
 * audit's base (exactly that change). Each covered region carries the findings left open in it.
 */
import * as path from 'node:path';
import type { AuditReport, Finding } from '../audit/findings';
import { judgedRanges } from '../audit/scope';
import type { AuditScope } from '../audit/types';
import type { Label } from '../labels';
import type { StakesConfig } from '../routing/config';
import { asContent, regionChanges, type RegionChange } from './changes';
import { labelRegion, type DebtItem } from './debt';
import { readObjects, repoRootOf } from './git';
import { isReviewRecord, readRecordsFromDisk, reviewedChange, writeRecord, type OpenFinding, type ReviewedChange, type Reviewer, type WrittenRecord } from './records';
import { regionsOf } from './regions';

/** One audited file, as the audit saw it. */
export interface AuditedFile {
  /** Absolute path. */
  file: string;
  /** The exact text that was audited. */
  content: string;
  languageId?: string;
  scope: AuditScope;
  /** The path the report's findings use for this file (the audit target's path). */
  reportPath: string;
  /** For a changes scope: the file's path at the base, when it was renamed. */
  basePath?: string;
}

export interface AuditRecordInput {
  files: AuditedFile[];
  report: AuditReport;
  /** Ids of findings marked false positive: not open. */
  suppressed?: ReadonlySet<string>;
  /** For changes scopes: the commit (or ref) the hunks were computed against. */
  changesBase?: string;
  /** The label whose model the routing table chose, when it chose. */
  tier?: Label;
  /** What was audited, in words ("changes against main (merge base 1a2b3c4d)"). */
  scope: string;
  config: StakesConfig;
  now?: Date;
}

export interface RecordOutcome {
  /** The record written (or the identical one already there), per repository. */
  written: Array<WrittenRecord & { root: string; covered: number }>;
  /** Why nothing was recorded for some files ("not in a git repository", "the selection holds no whole function"). */
  notes: string[];
}

function openFindingsIn(findings: readonly Finding[], startLine: number, endLine: number): OpenFinding[] {
  return findings.filter((f) => f.startLine <= endLine && f.endLine >= startLine).map((f) => ({
    severity: f.severity, title: f.title.slice(0, 300), line: f.startLine, ...(f.id ? { id: f.id } : {}),
  }));
}

/** Record an audit in each repository it touched; the record lists every region it covered. */
export async function recordAudit(input: AuditRecordInput): Promise<RecordOutcome> {
  const outcome: RecordOutcome = { written: [], notes: [] };
  const byRoot = new Map<string, AuditedFile[]>();
  for (const f of input.files) {
    let root: string;
    try {
      root = await repoRootOf(path.dirname(f.file));
    } catch {
      outcome.notes.push(`${f.reportPath}: not in a git repository, so no review record was written`);
      continue;
    }
    byRoot.set(root, [...(byRoot.get(root) ?? []), f]);
  }
  const open = input.report.findings.filter((f) => !(f.id && input.suppressed?.has(f.id)));
  for (const [root, files] of byRoot) {
    const changes: ReviewedChange[] = [];
    for (const f of files) {
      const rel = path.relative(root, f.file).split(path.sep).join('/');
      if (isReviewRecord(rel)) continue;
      const findings = open.filter((x) => x.file === f.reportPath);
      const covered = await coveredChanges(root, rel, f, input.changesBase);
      if (covered.length === 0) {
        if (f.scope.kind === 'selection') outcome.notes.push(`${f.reportPath}: the selection holds no whole function or statement, so it was not recorded as reviewed (select the whole function)`);
        continue;
      }
      const placed = new Set<Finding>();
      for (const { c, whole } of covered) {
        const inRegion = c.to === null ? [] : findings.filter((x) => x.startLine <= c.region.endLine && x.endLine >= c.region.startLine);
        inRegion.forEach((x) => placed.add(x));
        const text = c.to === null ? null : f.content;
        const label = c.to === null ? undefined : labelRegion(input.config, rel, text === null ? null : { text }, c).label;
        changes.push(reviewedChange(c, { ...(label ? { label } : {}), whole, open: c.to === null ? [] : openFindingsIn(inRegion, c.region.startLine, c.region.endLine) }));
      }
      // A finding beside no covered region (at a deletion point) keeps the file's deletions open.
      const unplaced = findings.filter((x) => !placed.has(x));
      if (unplaced.length) {
        for (const ch of changes) if (ch.path === rel && ch.to === null) ch.open = unplaced.map((x) => ({ severity: x.severity, title: x.title.slice(0, 300), line: x.startLine }));
      }
    }
    if (changes.length === 0) continue;
    const openCount = changes.reduce((n, c) => n + c.open.length, 0);
    const by: Reviewer = { kind: 'audit', provider: input.report.model.provider, model: input.report.model.id, ...(input.tier ? { tier: input.tier } : {}) };
    const existing = readRecordsFromDisk(root).records;
    const written = writeRecord(root, {
      by, scope: input.scope, note: openCount === 0 ? 'no open findings in the covered regions' : `${openCount} finding${openCount === 1 ? '' : 's'} left open`, changes,
    }, existing, input.now);
    outcome.written.push({ ...written, root, covered: changes.length });
  }
  return outcome;
}

/** The region changes an audit of one file covered, and whether each was judged whole. */
async function coveredChanges(root: string, rel: string, f: AuditedFile, changesBase: string | undefined): Promise<Array<{ c: RegionChange; whole: boolean }>> {
  const target = { path: f.reportPath, content: f.content, scope: f.scope, ...(f.languageId ? { languageId: f.languageId } : {}) };
  const judged = judgedRanges(target);
  const inside = (s: number, e: number) => judged.some((r) => r.startLine <= s && r.endLine >= e);
  const regions = regionsOf(rel, f.content, f.languageId);
  const whole = (list: typeof regions) => list.map((r) => ({ c: { path: rel, change: 'modified' as const, region: r, from: null, to: r.fingerprint }, whole: true }));
  if (f.scope.kind === 'file') return whole(regions);
  if (f.scope.kind === 'selection' || !changesBase) return whole(regions.filter((r) => inside(r.startLine, r.endLine)));
  const basePath = f.basePath ?? rel;
  const [blob] = await readObjects(root, [`${changesBase}:${basePath}`]);
  const changed = regionChanges({ path: rel, ...(basePath !== rel ? { oldPath: basePath } : {}), base: blob ? asContent(blob) : null, current: { text: f.content }, ...(f.languageId ? { languageId: f.languageId } : {}) });
  return changed.map((c) => ({ c, whole: c.to !== null && inside(c.region.startLine, c.region.endLine) }));
}

export interface SignOffInput {
  /** Repository root (absolute). */
  root: string;
  /** The debt items the person reviewed (from reviewStatus / the editor's view). */
  items: ReadonlyArray<Pick<DebtItem, 'path' | 'region' | 'change' | 'label' | 'from' | 'to'>>;
  person: { name: string; email?: string };
  note: string;
  /** What was reviewed, in words ("3 changes against main (merge base 1a2b3c4d)"). */
  scope: string;
  now?: Date;
}

/** Record a person's sign-off of exactly these changes. */
export function recordSignOff(input: SignOffInput): WrittenRecord {
  const note = input.note.trim();
  if (!note) throw new Error('A sign-off needs a note: say what you checked.');
  const changes: ReviewedChange[] = input.items.map((i) => ({
    path: i.path, region: i.region.key, name: i.region.name, kind: i.region.kind, label: i.label,
    lines: [i.region.startLine, i.region.endLine], from: i.from, to: i.to, open: [],
  }));
  return writeRecord(input.root, {
    by: { kind: 'person', name: input.person.name, ...(input.person.email ? { email: input.person.email } : {}) }, scope: input.scope, note, changes,
  }, readRecordsFromDisk(input.root).records, input.now);
}
