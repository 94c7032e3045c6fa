/**
 * The review policy: the `review` key of `.stakes.json`. Per label, what clears a changed region
 * (an audit by a model of some tier with no open finding at or above a severity, a person's
 * sign-off, or nothing at all); paths that always need review; exemptions, each with its reason;
 * the base the debt is measured against. core/review evaluates it; this module only validates and
 * layers it (it is part of the routing table, in the activation bundle: zod/mini).
 */
import * as z from 'zod/mini';
import { LABELS, type Label } from '../labels';

/** The audit severities (core/audit/findings.ts SEVERITIES; a test keeps them equal), most severe first. */
export const REVIEW_SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type ReviewSeverity = (typeof REVIEW_SEVERITIES)[number];

/** Which audits count: the routing table's models for a label, any model, or none (only a sign-off clears). */
export const AUDIT_TIERS = [...LABELS, 'any', 'none'] as const;
export type AuditTier = (typeof AUDIT_TIERS)[number];

const NonEmpty = z.string().check(z.minLength(1));

const RequirementSchema = z.strictObject({
  audit: z.optional(z.enum(AUDIT_TIERS)),
  failOn: z.optional(z.enum(REVIEW_SEVERITIES)),
  signOff: z.optional(z.boolean()),
  models: z.optional(z.array(NonEmpty)),
});

const RequirementOrNothing = z.union([z.literal('nothing'), RequirementSchema]);

/** The `review` key as written in `.stakes.json` (or the `stakes.routing` setting). */
export const ReviewPolicySchema = z.strictObject({
  base: z.optional(NonEmpty),
  require: z.optional(z.strictObject({
    sensitive: z.optional(RequirementOrNothing),
    complex: z.optional(RequirementOrNothing),
    'context-heavy': z.optional(RequirementOrNothing),
    boilerplate: z.optional(RequirementOrNothing),
  })),
  alwaysReview: z.optional(z.array(NonEmpty)),
  exempt: z.optional(z.array(z.strictObject({
    path: NonEmpty,
    symbol: z.optional(NonEmpty),
    reason: z.string().check(z.minLength(3, 'a reason the team can read in review (at least 3 characters)')),
  }))),
});
export type ReviewPolicyFile = z.infer<typeof ReviewPolicySchema>;

/** What a changed region needs before it stops being review debt. */
export interface ReviewRequirement {
  /** Which audits count: `any` model, the routing table's models for a label, or `none`. */
  audit: AuditTier;
  /** An open finding at or above this severity in the region keeps it unreviewed. */
  failOn: ReviewSeverity;
  /** Whether a person's "Mark reviewed…" clears it. */
  signOff: boolean;
  /** Model ids accepted besides the tier's (e.g. a self-hosted model the team trusts). */
  models: string[];
}

export interface ReviewPolicy {
  /** The base the debt is measured against ("HEAD", or a ref whose merge base with HEAD is used); unset: the main branch. */
  base?: string;
  /** Per label; null: changes with that label never need review. */
  require: Record<Label, ReviewRequirement | null>;
  /** Globs whose changes always need review, whatever their label (the sensitive requirement applies). */
  alwaysReview: Array<{ glob: string; origin: string }>;
  /** Globs (optionally one symbol) that never need review, with the reason shown wherever they are skipped. */
  exempt: Array<{ glob: string; symbol?: string; reason: string; origin: string }>;
  /** Where each rule came from, for messages. */
  requireOrigin: Partial<Record<Label, string>>;
}

/** The default requirement for sensitive work: an audit by the sensitive-tier model with no open high or critical finding, or a sign-off. */
export const DEFAULT_SENSITIVE_REQUIREMENT: ReviewRequirement = { audit: 'sensitive', failOn: 'high', signOff: true, models: [] };

export function defaultReviewPolicy(): ReviewPolicy {
  return {
    require: { sensitive: { ...DEFAULT_SENSITIVE_REQUIREMENT, models: [] }, complex: null, 'context-heavy': null, boilerplate: null },
    alwaysReview: [],
    exempt: [],
    requireOrigin: { sensitive: 'built-in defaults' },
  };
}

/** Problems the schema cannot express: a requirement nothing could ever meet. */
export function reviewPolicyProblems(file: ReviewPolicyFile | undefined): string[] {
  const out: string[] = [];
  for (const label of LABELS) {
    const r = file?.require?.[label];
    if (r && r !== 'nothing' && r.audit === 'none' && r.signOff === false) {
      out.push(`review.require.${label}: nothing could clear such a change (audit "none" and signOff false): allow an audit or a sign-off, or write "nothing"`);
    }
  }
  return out;
}

/** Layer a validated `review` key over a policy; later layers win per label, lists add up. */
export function applyReviewLayer(base: ReviewPolicy, layer: ReviewPolicyFile | undefined, origin: string): ReviewPolicy {
  if (!layer) return base;
  const next: ReviewPolicy = {
    ...base,
    require: { ...base.require },
    requireOrigin: { ...base.requireOrigin },
    alwaysReview: [...base.alwaysReview],
    exempt: [...base.exempt],
  };
  if (layer.base !== undefined) next.base = layer.base;
  for (const label of LABELS) {
    const r = layer.require?.[label];
    if (r === undefined) continue;
    next.require[label] = r === 'nothing' ? null : {
      audit: r.audit ?? (label === 'sensitive' ? 'sensitive' : 'any'),
      failOn: r.failOn ?? 'high',
      signOff: r.signOff ?? true,
      models: r.models ?? [],
    };
    next.requireOrigin[label] = origin;
  }
  for (const glob of layer.alwaysReview ?? []) next.alwaysReview.push({ glob, origin });
  for (const e of layer.exempt ?? []) next.exempt.push({ glob: e.path, ...(e.symbol ? { symbol: e.symbol } : {}), reason: e.reason, origin });
  return next;
}
