/**
 * Schema pieces the agent tools share. Every object is strict (unknown keys are refused on input
 * and never produced on output), so the JSON Schemas published to MCP clients and VS Code say
 * exactly what is accepted and returned.
 */
import { z } from 'zod';
import { LABELS } from '../labels';
import { SEVERITIES } from '../audit/findings';
import { LIMITS } from './paging';

export const Label = z.enum(LABELS);
export const Severity = z.enum(SEVERITIES);

const PathString = z.string().min(1).max(4096);

export const PathsField = z.array(PathString).min(1).max(LIMITS.paths)
  .describe('Files or directories, relative to the workspace root (or absolute inside it). Directories are walked, respecting .gitignore.');
export const DiffField = z.string().min(1).max(LIMITS.diffChars)
  .describe('A unified diff as `git diff` prints it. Files must be inside the workspace; the diff may be applied already or not yet (it is then applied in memory, never written).');
export const BaseField = z.string().min(1).max(200)
  .describe('Look at the changes against this git revision: "HEAD" for uncommitted changes, a branch such as "main" for the changes since the merge base. Untracked files count as changes.');
export const CursorField = z.string().min(1).max(512).describe('nextCursor from the previous page of the same call.');

export function limitField(defaultValue: number, max: number, what: string) {
  return z.int().min(1).max(max).default(defaultValue).describe(`${what} per page (default ${defaultValue}, at most ${max}).`);
}

/** Exactly one of paths, diff, base (paths may narrow base). */
export function checkTargetChoice(v: { paths?: unknown; diff?: unknown; base?: unknown }, ctx: z.RefinementCtx): void {
  const given = (['paths', 'diff', 'base'] as const).filter((k) => v[k] !== undefined);
  if (given.length === 0) ctx.addIssue({ code: 'custom', message: 'give one of paths, diff or base', path: [] });
  if (v.diff !== undefined && given.length > 1) ctx.addIssue({ code: 'custom', message: 'diff cannot be combined with paths or base', path: ['diff'] });
}

export const Recommendation = z.strictObject({
  name: z.string().describe('Model to use, e.g. "GPT-5.4".'),
  provider: z.string(),
  model: z.string().describe('Model id as its provider spells it.'),
  why: z.string().describe('Why this model suits this kind of work.'),
  replaced: z.string().nullable().describe('Set when the first choice is excluded by the team\'s configuration.'),
});

export const Page = z.strictObject({
  total: z.int().min(0).describe('Items in the whole result (files, findings or statements).'),
  offset: z.int().min(0).describe('Index of the first item of this page.'),
  returned: z.int().min(0),
  nextCursor: z.string().nullable().describe('Pass as cursor, with the same arguments, for the next page; null on the last page.'),
  truncated: z.string().nullable().describe('Set when the result itself was cut short (walk limit), with what to do.'),
});

export const Skipped = z.strictObject({ path: z.string(), reason: z.string() });

export type PageOut = z.infer<typeof Page>;
