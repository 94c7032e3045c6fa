/**
 * stakes_review_status: review debt for an agent — the sensitive changes against a base that no
 * review record covers, why each counts, and what would clear it; the same status `stakes gate`
 * and the editor's Source Control view show (core/review). Read-only: it never writes a record
 * and never audits (an audit sends code to a provider and costs money: that is the user's call).
 */
import * as path from 'node:path';
import { z } from 'zod';
import { GitError, repoRootOf, reviewStatus, type ReviewStatus } from '../review';
import { AgentError } from './errors';
import { argumentsKey, clip, decodeCursor, encodeCursor } from './paging';
import { BaseField, CursorField, Label, limitField, Page, PathsField, Skipped } from './schemas';
import type { ToolDefinition } from './types';
import { inside, type Root } from './workspace';

export const ReviewStatusInput = z.strictObject({
  base: BaseField.optional().describe('Measure against this revision: "HEAD" for uncommitted changes only, a branch such as "main" for everything since the merge base. ' +
    'Default: the base .stakes.json sets (review.base), else the main branch\'s merge base (HEAD itself on the main branch).'),
  staged: z.boolean().default(false).describe('Judge what the next commit holds (the index) and count only staged review records, as the pre-commit hook does.'),
  paths: PathsField.optional().describe('Only changes under these files or directories (inside one workspace root).'),
  limit: limitField(50, 200, 'Unreviewed changes'),
  cursor: CursorField.optional(),
});

const Region = z.strictObject({
  key: z.string().describe('Stable key of the region in its file, e.g. "function:verifySession".'),
  name: z.string(),
  kind: z.string().describe('function, method, class, statement, imports, block, sql, file or binary.'),
  startLine: z.int().min(1),
  endLine: z.int().min(1),
});

const Change = z.enum(['added', 'modified', 'deleted']);

const DebtOut = z.strictObject({
  path: z.string().describe('Repository-relative path.'),
  oldPath: z.string().nullable().describe('The path in the base when the file was renamed.'),
  region: Region.describe('The changed region (for a deletion, its lines as they were in the base).'),
  change: Change,
  label: Label,
  why: z.array(z.string()).describe('Why it has this label: the classifier\'s evidence, strongest first.'),
  because: z.string().describe('Why it needs review at all (its label, or a path the policy always reviews).'),
  status: z.enum(['unreviewed', 'open-findings', 'model-not-accepted', 'sign-off-not-accepted', 'changed-since-review']),
  detail: z.string().describe('"no review covers this change", "audited by gpt-5.4 … with 1 open high finding …".'),
  clearedBy: z.string().describe('What would clear it under the team\'s policy.'),
});

const ClearedOut = z.strictObject({ path: z.string(), region: Region, change: Change, label: Label, by: z.string(), record: z.string() });
const ExemptOut = z.strictObject({ path: z.string(), region: Region, change: Change, label: Label, reason: z.string(), glob: z.string() });

export const ReviewStatusOutput = z.strictObject({
  repository: z.string().describe('The repository\'s root directory.'),
  base: z.strictObject({
    label: z.string().describe('"main (merge base 1a2b3c4d)", "HEAD (uncommitted changes)".'),
    sha: z.string(),
    mode: z.enum(['head', 'merge-base']),
    ref: z.string().nullable(),
  }),
  staged: z.boolean(),
  unreviewed: z.int().min(0).describe('Unreviewed changes in all (every page).'),
  debt: z.array(DebtOut).describe('The unreviewed changes on this page.'),
  cleared: z.array(ClearedOut).describe('Changes a review record clears (first 50).'),
  exempt: z.array(ExemptOut).describe('Changes the policy exempts, with its reason (first 50).'),
  notRequired: z.int().min(0).describe('Changed regions whose label needs no review under the policy.'),
  changedFiles: z.int().min(0),
  skipped: z.array(Skipped).describe('Changed files that were not read, and why (first 20).'),
  records: z.strictObject({
    count: z.int().min(0),
    untracked: z.array(z.string()).describe('Record files git does not track yet: they must be committed to count in CI.'),
    outdated: z.int().min(0),
  }),
  invalidRecords: z.array(z.strictObject({ file: z.string(), problems: z.array(z.string()) })).describe('Record files that are not valid (the gate fails on them).'),
  policy: z.array(z.strictObject({ label: Label, requirement: z.string() })).describe('What clears a change, per label that needs review.'),
  page: Page.describe('total counts unreviewed changes.'),
  notes: z.array(z.string()),
});

type Out = z.input<typeof ReviewStatusOutput>;

const LISTED = 50;

export const reviewStatusTool: ToolDefinition<typeof ReviewStatusInput, typeof ReviewStatusOutput> = {
  name: 'stakes_review_status',
  title: 'Stakes: unreviewed sensitive changes',
  summary: 'List the sensitive changes no review covers yet, and what would clear each.',
  description: 'Review debt: the changes against a base (default: the main branch\'s merge base) in regions whose label or path needs review under the team\'s ' +
    'policy (.stakes.json), that no review record in .stakes/reviews covers — each with file, function, why it is sensitive, its status (unreviewed, ' +
    'changed since its review, open findings, a model the policy does not accept) and what clears it. Call it before you finish sensitive work and tell the user ' +
    'what still needs review; this tool never audits or signs off (the user does: "Audit now" or `stakes gate --sign-off`). Local and read-only.',
  input: ReviewStatusInput,
  output: ReviewStatusOutput,
  openWorld: () => false,
  async run(args, ctx) {
    const { root, repo, rels } = await scopeOf(ctx.workspace.roots, args.paths, (p, i) => ctx.workspace.resolve(p, `paths[${i}]`));
    ctx.signal?.throwIfAborted();
    const { config, problems } = ctx.rootState(root);
    let status: ReviewStatus;
    try {
      status = await reviewStatus({ cwd: repo, ...(args.base ? { base: args.base } : {}), staged: args.staged, ...(rels.length ? { paths: rels } : {}), config });
    } catch (e) {
      throw gitError(e, args.base);
    }
    ctx.signal?.throwIfAborted();
    const key = argumentsKey('stakes_review_status', args);
    const start = decodeCursor('stakes_review_status', key, args.cursor).item;
    const page = status.debt.slice(start, start + args.limit);
    const next = start + page.length < status.debt.length ? encodeCursor('stakes_review_status', key, { item: start + page.length, offset: 0 }) : null;
    const notes = [...problems];
    if (status.cleared.length > LISTED) notes.push(`${status.cleared.length} cleared changes; the first ${LISTED} are listed`);
    if (status.exempt.length > LISTED) notes.push(`${status.exempt.length} exempt changes; the first ${LISTED} are listed`);
    if (status.records.untracked.length) notes.push(`${status.records.untracked.length} review record(s) are not committed yet: they count here, but not in CI until committed (git add .stakes/reviews)`);
    if (status.invalidRecords.length) notes.push('some review records are not valid: stakes gate fails until they are fixed or removed');
    if (status.debt.length) notes.push('To clear: the user audits the changes (VS Code: "Audit now" in the Source Control view; CLI: stakes audit --changes) or signs off after reading them (stakes gate --sign-off --note "…"); then commits .stakes/reviews/.');
    const out: Out = {
      repository: status.root,
      base: { label: status.base.label, sha: status.base.sha, mode: status.base.mode, ref: status.base.ref ?? null },
      staged: status.staged,
      unreviewed: status.debt.length,
      debt: page.map((d) => ({
        path: d.path, oldPath: d.oldPath ?? null, region: regionOut(d.region), change: d.change, label: d.label,
        why: d.why.map((w) => clip(w)), because: d.because, status: d.status, detail: clip(d.detail), clearedBy: d.clearedBy,
      })),
      cleared: status.cleared.slice(0, LISTED).map((c) => ({ path: c.path, region: regionOut(c.region), change: c.change, label: c.label, by: c.by, record: c.record })),
      exempt: status.exempt.slice(0, LISTED).map((e) => ({ path: e.path, region: regionOut(e.region), change: e.change, label: e.label, reason: e.reason, glob: e.glob })),
      notRequired: status.notRequired,
      changedFiles: status.changedFiles,
      skipped: status.skipped.slice(0, 20),
      records: status.records,
      invalidRecords: status.invalidRecords.map((e) => ({ file: e.file, problems: e.problems })),
      policy: status.policy,
      page: { total: status.debt.length, offset: start, returned: page.length, nextCursor: next, truncated: null },
      notes,
    };
    return out;
  },
};

function regionOut(r: { key: string; name: string; kind: string; startLine: number; endLine: number }) {
  return { key: r.key, name: r.name, kind: r.kind, startLine: r.startLine, endLine: r.endLine };
}

/**
 * Which repository, and which paths in it. The repository must lie inside a workspace root: its
 * records and changed files are read, and the server reads nothing outside its roots.
 */
async function scopeOf(
  roots: readonly Root[], paths: string[] | undefined, resolve: (p: string, i: number) => { abs: string; root: Root; isDirectory: boolean },
): Promise<{ root: Root; repo: string; rels: string[] }> {
  const resolved = (paths ?? []).map((p, i) => resolve(p, i));
  const root = resolved[0]?.root ?? roots[0];
  if (resolved.some((r) => r.root.real !== root.real)) {
    throw new AgentError('INVALID_INPUT', 'paths span several workspace roots: ask about one root per call', { field: 'paths' });
  }
  let repo: string;
  try {
    const first = resolved[0];
    repo = await repoRootOf(first ? (first.isDirectory ? first.abs : path.dirname(first.abs)) : root.real);
  } catch (e) {
    throw gitError(e);
  }
  if (!inside(root.real, repo)) {
    throw new AgentError('OUTSIDE_WORKSPACE', `the git repository at ${repo} starts above the workspace root ${root.dir}: its review records and changes lie outside what this server may read`,
      { repository: repo, root: root.dir }, `Ask the user to start the server with the repository's root as a workspace root (stakes mcp --root ${repo}).`);
  }
  const rels = resolved.map((r) => path.relative(repo, r.abs).split(path.sep).join('/') || '.');
  if (rels.some((r) => r.startsWith('..'))) throw new AgentError('INVALID_INPUT', 'paths lie in different git repositories: ask about one repository per call', { field: 'paths' });
  return { root, repo, rels };
}

function gitError(e: unknown, base?: string): unknown {
  if (!(e instanceof GitError)) return e;
  if (/not on PATH/.test(e.message)) return new AgentError('GIT_UNAVAILABLE', e.message);
  if (/not inside a git repository|no such directory/.test(e.message)) return new AgentError('NOT_A_GIT_REPOSITORY', e.message, undefined, 'Review debt is measured against git history: this workspace root is not in a git repository.');
  if (base && /not a branch|no common ancestor|not a git ref|no commit yet/.test(e.message)) return new AgentError('UNKNOWN_REVISION', e.message, { field: 'base', base });
  if (/not valid|review record/.test(e.message)) return new AgentError('CONFIG_INVALID', e.message);
  return new AgentError('INTERNAL_ERROR', e.message);
}
