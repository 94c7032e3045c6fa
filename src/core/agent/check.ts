/**
 * stakes_check: the deterministic offline rules (no model, no network) over paths, a diff, or the
 * changes against a base; for a diff or base, only findings on changed lines (the audit's scope
 * rule), so an agent can check exactly what it wrote before it finishes. Findings are paged
 * across files: a cursor points at a file and a finding inside it.
 */
import { z } from 'zod';
import { intersectsJudged } from '../audit/scope';
import type { Finding } from '../audit/findings';
import { SEVERITIES } from '../audit/findings';
import * as rules from '../rules';
import { AgentError } from './errors';
import { argumentsKey, clip, decodeCursor, encodeCursor, LIMITS } from './paging';
import { BaseField, checkTargetChoice, CursorField, DiffField, limitField, Page, PathsField, Severity, Skipped } from './schemas';
import { listTargets, loadTarget } from './targets';
import type { ToolDefinition } from './types';

const RuleId = z.string().min(1).max(100);

export const CheckInput = z.strictObject({
  paths: PathsField.optional(),
  diff: DiffField.optional(),
  base: BaseField.optional(),
  minSeverity: Severity.default('low').describe('Leave out findings below this severity (default low: everything but info).'),
  rules: z.array(RuleId).min(1).max(100).optional().describe('Only these rule ids (default: every rule).'),
  limit: limitField(50, 200, 'Findings'),
  cursor: CursorField.optional(),
}).superRefine(checkTargetChoice);

const FindingOut = z.strictObject({
  id: z.string().describe('Stable id of the finding (file, rule, evidence).'),
  ruleId: z.string(),
  title: z.string(),
  severity: Severity,
  category: z.string(),
  cwe: z.string().nullable(),
  path: z.string(),
  startLine: z.int().min(1),
  endLine: z.int().min(1),
  startColumn: z.int().min(0).nullable(),
  endColumn: z.int().min(0).nullable(),
  evidence: z.string().describe('The code the finding is about, quoted from the file.'),
  explanation: z.string(),
  fix: z.string().nullable().describe('Replacement for the evidence when the fix is mechanical.'),
  confidence: z.number().min(0).max(1),
});

export const CheckOutput = z.strictObject({
  findings: z.array(FindingOut),
  counts: z.strictObject(Object.fromEntries(SEVERITIES.map((s) => [s, z.int().min(0)])) as Record<(typeof SEVERITIES)[number], z.ZodInt>)
    .describe('Findings on this page by severity.'),
  checked: z.int().min(0).describe('Files analysed for this page.'),
  suppressed: z.int().min(0).describe('Findings silenced by stakes-ignore comments in the code.'),
  skipped: z.array(Skipped).describe('Files on this page that were not analysed, and why (first 20).'),
  scope: z.string(),
  rules: z.int().min(1).describe('Rules that ran.'),
  page: Page.describe('total counts files; offset and nextCursor walk files and findings inside them.'),
  notes: z.array(z.string()),
});

type Out = z.input<typeof CheckOutput>;

/** Files analysed per call at most, so one page never takes long even when findings are rare. */
const FILES_PER_CALL = 200;

export const checkTool: ToolDefinition<typeof CheckInput, typeof CheckOutput> = {
  name: 'stakes_check',
  title: 'Stakes: offline rules on code or a diff',
  summary: 'Run Stakes\' offline security rules on files, a diff or uncommitted changes.',
  description: 'Run Stakes\' deterministic security rules (SQL/NoSQL/command injection, IDOR, path traversal, SSRF, open redirect, hard-coded secrets, ' +
    'weak crypto, unsafe JWT verification, risky migrations…) over TypeScript/JavaScript, Python, Go and SQL. Give paths, a unified diff, or base "HEAD" ' +
    'for uncommitted changes: with a diff or base only findings on changed lines are reported. Each finding has rule id, CWE, location, evidence and a fix when mechanical. ' +
    'Run it on your diff before you finish sensitive work. Local and deterministic: no model, nothing sent.',
  input: CheckInput,
  output: CheckOutput,
  openWorld: () => false,
  async run(args, ctx) {
    const known = new Set<string>(rules.RULES.map((r) => r.id));
    const unknown = (args.rules ?? []).filter((r) => !known.has(r));
    if (unknown.length) {
      throw new AgentError('INVALID_INPUT', `unknown rule id${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`, { field: 'rules', known: [...known] });
    }
    const key = argumentsKey('stakes_check', args);
    const start = decodeCursor('stakes_check', key, args.cursor);
    const list = listTargets(ctx.workspace, args);
    const findings: Out['findings'] = [];
    const skipped: Out['skipped'] = [];
    const notes = [...list.notes];
    let checked = 0;
    let suppressed = 0;
    let item = start.item;
    let offset = start.offset;
    let next: { item: number; offset: number } | null = null;
    for (; item < list.items.length; item++, offset = 0) {
      ctx.signal?.throwIfAborted();
      if (item - start.item >= FILES_PER_CALL) { next = { item, offset: 0 }; break; }
      const t = loadTarget(ctx.workspace, list.items[item], LIMITS.checkBytes);
      if (t.skipped) { skipped.push({ path: t.shown, reason: t.skipped }); continue; }
      let r: rules.FileResult;
      try {
        r = await rules.analyzeFile(list.items[item].file?.rel ?? t.shown, t.content.toString('utf8'), {
          minSeverity: args.minSeverity, ...(args.rules ? { only: args.rules } : {}),
        });
      } catch (e) {
        skipped.push({ path: t.shown, reason: `analysis failed: ${(e as Error).message}` });
        continue;
      }
      if (r.skipped) { if (r.language) skipped.push({ path: t.shown, reason: r.skipped }); continue; }
      checked++;
      const judged = (f: Finding) => !t.ranges || intersectsJudged(t.ranges, f.startLine, f.endLine);
      const mine = r.findings.filter(judged);
      suppressed += r.suppressed.filter((s) => judged(s.finding)).length;
      const take = mine.slice(offset, offset + (args.limit - findings.length));
      findings.push(...take.map((f) => findingOut(f, t.shown)));
      if (offset + take.length < mine.length) { next = { item, offset: offset + take.length }; break; }
      if (findings.length >= args.limit) { next = item + 1 < list.items.length ? { item: item + 1, offset: 0 } : null; break; }
    }
    if (next && next.item - start.item >= FILES_PER_CALL && findings.length < args.limit) {
      notes.push(`analysed ${FILES_PER_CALL} files for this page; follow nextCursor for the rest`);
    }
    if (list.items.length === 0) notes.push('nothing to check (no files, or no changes)');
    const counts = Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length])) as Out['counts'];
    return {
      findings,
      counts,
      checked,
      suppressed,
      skipped: skipped.slice(0, LIMITS.skippedPerPage),
      scope: list.scope,
      rules: args.rules?.length ?? rules.RULES.length,
      page: {
        total: list.items.length, offset: start.item, returned: findings.length,
        nextCursor: next ? encodeCursor('stakes_check', key, next) : null,
        truncated: list.truncated ?? null,
      },
      notes: [...new Set(notes)],
    };
  },
};

function findingOut(f: Finding, shown: string): Out['findings'][number] {
  return {
    id: f.id ?? `${f.ruleId}:${shown}:${f.startLine}`,
    ruleId: f.ruleId ?? 'unknown',
    title: f.title,
    severity: f.severity,
    category: f.category,
    cwe: f.cwe,
    path: shown,
    startLine: f.startLine,
    endLine: f.endLine,
    startColumn: f.startColumn ?? null,
    endColumn: f.endColumn ?? null,
    evidence: clip(f.evidence),
    explanation: clip(f.explanation, 1200),
    fix: f.fix === null ? null : clip(f.fix, 1200),
    confidence: f.confidence,
  };
}
