/**
 * stakes_classify: what is at stake in code an agent is about to change (paths) or has changed (a
 * diff, or the changes against a base): the label, how sure, the model the routing table
 * recommends and why, and the evidence with lines. The same classifier and routing table as the
 * status bar and `stakes classify`.
 */
import { z } from 'zod';
import { classify, type Classification } from '../classify';
import { auditLabel } from '../audit/route';
import { recommend, type StakesConfig } from '../routing/config';
import type { Label } from '../labels';
import { argumentsKey, clip, decodeCursor, encodeCursor, LIMITS } from './paging';
import { BaseField, checkTargetChoice, CursorField, DiffField, Label as LabelSchema, limitField, Page, PathsField, Recommendation } from './schemas';
import { listTargets, loadTarget } from './targets';
import type { ToolDefinition } from './types';

export const ClassifyInput = z.strictObject({
  paths: PathsField.optional(),
  diff: DiffField.optional(),
  base: BaseField.optional(),
  limit: limitField(25, 100, 'Files'),
  cursor: CursorField.optional(),
}).superRefine(checkTargetChoice);

const Evidence = z.strictObject({
  signal: z.string().describe('Which signal fired, e.g. "jwt-import".'),
  label: LabelSchema.describe('The label this evidence argues for.'),
  detail: z.string().describe('What was found, e.g. "imports jsonwebtoken (line 3)".'),
  path: z.string().nullable(),
  line: z.int().nullable().describe('1-based line, when the evidence is on one line.'),
});

const ClassifiedFile = z.strictObject({
  path: z.string(),
  lines: z.strictObject({ startLine: z.int(), endLine: z.int() }).nullable().describe('The changed lines that were labelled (diff or base); null for the whole file.'),
  label: LabelSchema,
  confidence: z.number().min(0).max(1),
  uncertain: z.boolean().describe('True when the evidence is thin: treat the label as a guess.'),
  recommendation: Recommendation.nullable().describe('null when the team excluded every candidate model.'),
  evidence: z.array(Evidence),
  evidenceOmitted: z.int().min(0),
  runnerUp: z.strictObject({ label: LabelSchema, score: z.number() }).nullable(),
  decidedBy: z.string().nullable().describe('Set when a pin or a .stakes.json path rule decided the label instead of the signals.'),
  skipped: z.array(z.string()).describe('What the bounded scan did not read, and why.'),
});

export const ClassifyOutput = z.strictObject({
  label: LabelSchema.describe('The most demanding label among the files on this page (sensitive > complex > context-heavy > boilerplate).'),
  why: z.string(),
  recommendation: Recommendation.nullable().describe('The model for that label.'),
  files: z.array(ClassifiedFile),
  scope: z.string().describe('What was looked at.'),
  page: Page,
  notes: z.array(z.string()),
});

type Out = z.input<typeof ClassifyOutput>;

export const classifyTool: ToolDefinition<typeof ClassifyInput, typeof ClassifyOutput> = {
  name: 'stakes_classify',
  title: 'Stakes: what is at stake in this code',
  summary: 'Label code or a diff (sensitive, complex, context-heavy, boilerplate) with evidence and the model it calls for.',
  description: 'Label code as sensitive (auth, permissions, money, secrets, personal data, migrations), complex, context-heavy or boilerplate, ' +
    'with confidence, line-level evidence and the model the team\'s routing table recommends for that work, with the reason. ' +
    'Call it before editing (paths) and after (diff, or base "HEAD"). Local and deterministic: nothing is sent anywhere.',
  input: ClassifyInput,
  output: ClassifyOutput,
  openWorld: () => false,
  async run(args, ctx) {
    const key = argumentsKey('stakes_classify', args);
    const start = decodeCursor('stakes_classify', key, args.cursor);
    const list = listTargets(ctx.workspace, args);
    const page = list.items.slice(start.item, start.item + args.limit);
    const notes = [...list.notes];
    const files: Out['files'] = [];
    const labelled: Array<{ where: string; classification: Classification }> = [];
    for (const item of page) {
      ctx.signal?.throwIfAborted();
      const root = item.file?.root ?? ctx.workspace.roots[0];
      const { config, workingTree, problems } = ctx.rootState(root);
      notes.push(...problems);
      const t = loadTarget(ctx.workspace, item, LIMITS.classifyBytes);
      if (t.skipped) { notes.push(`${t.shown}: ${t.skipped}`); continue; }
      const lines = t.ranges?.length ? { startLine: t.ranges[0].startLine, endLine: t.ranges[t.ranges.length - 1].endLine } : null;
      const rel = item.file ? item.file.rel : t.shown;
      const c = classify({ active: { path: rel, content: t.content, ...(lines ? { selection: lines } : {}) }, workingTree, now: ctx.now() }, { config });
      labelled.push({ where: t.shown, classification: c });
      files.push(fileResult(t.shown, lines, c, config));
    }
    const overall = auditLabel(labelled);
    const config = ctx.rootState(ctx.workspace.roots[0]).config;
    const nextItem = start.item + page.length;
    const more = nextItem < list.items.length;
    if (more) notes.push(`label covers files ${start.item + 1}–${nextItem} of ${list.items.length}; later pages may raise it`);
    if (list.items.length === 0) notes.push('no files to classify (everything was ignored by .gitignore, or there are no changes)');
    return {
      label: overall.label,
      why: overall.why,
      recommendation: rec(config, overall.label),
      files,
      scope: list.scope,
      page: {
        total: list.items.length, offset: start.item, returned: page.length,
        nextCursor: more ? encodeCursor('stakes_classify', key, { item: nextItem, offset: 0 }) : null,
        truncated: list.truncated ?? null,
      },
      notes: [...new Set(notes)],
    };
  },
};

function rec(config: StakesConfig, label: Label): Out['recommendation'] {
  const r = recommend(config, label);
  return r ? { name: r.name, provider: r.provider, model: r.model, why: r.why, replaced: r.replaced ?? null } : null;
}

function fileResult(shown: string, lines: Out['files'][number]['lines'], c: Classification, config: StakesConfig): Out['files'][number] {
  // The evidence for the chosen label first, strongest first; then what argued for the others.
  const ordered = [...c.reasons].sort((a, b) => Number(b.label === c.label) - Number(a.label === c.label) || b.weight - a.weight);
  const shownEvidence = ordered.slice(0, LIMITS.evidencePerFile);
  return {
    path: shown,
    lines,
    label: c.label,
    confidence: Math.round(c.confidence * 1000) / 1000,
    uncertain: !!c.evidence,
    recommendation: rec(config, c.label),
    evidence: shownEvidence.map((r) => ({
      signal: r.signal, label: r.label, detail: clip(r.detail), path: r.file ? (r.file === c.file ? shown : r.file) : null, line: r.line ?? null,
    })),
    evidenceOmitted: ordered.length - shownEvidence.length,
    runnerUp: c.runnerUp ? { label: c.runnerUp.label, score: Math.round(c.runnerUp.score * 1000) / 1000 } : null,
    decidedBy: c.override?.detail ?? null,
    skipped: c.skipped.map((s) => clip(s)),
  };
}
