/**
 * The routing table and its overrides: defaults ← user/workspace settings ← `.stakes.json`
 * committed in the repo (the team's word wins over one person's settings). Validated with zod;
 * every error names the file, the key and what was expected.
 */
// zod/mini: this module is in the activation bundle, and full zod would add ~450 KB to it.
import * as z from 'zod/mini';
import { LABELS, type Label } from '../labels';
import { DEFAULT_RECOMMENDATIONS, DEFAULT_RUNNABLE, type ProviderId, type Recommendation } from './defaults';
import { applyReviewLayer, defaultReviewPolicy, reviewPolicyProblems, ReviewPolicySchema, type ReviewPolicy } from './review';

const LabelSchema = z.enum(LABELS);
const NonEmpty = z.string().check(z.minLength(1));

const RecommendationPatch = z.strictObject({
  name: z.optional(NonEmpty),
  provider: z.optional(NonEmpty),
  model: z.optional(NonEmpty),
  why: z.optional(NonEmpty),
});

const RunnablePatch = z.strictObject({
  sensitive: z.optional(NonEmpty),
  complex: z.optional(NonEmpty),
  'context-heavy': z.optional(NonEmpty),
  boilerplate: z.optional(NonEmpty),
});

/** A team-defined signal: a regular expression over lines or a glob over paths, adding weight to a label. */
export const CustomRuleSchema = z.strictObject({
  id: z.string().check(z.regex(/^[a-z0-9][a-z0-9._-]*$/, 'a lower-case id such as "team.ledger-calls"')),
  label: LabelSchema,
  weight: z.number().check(z.minimum(0), z.maximum(10)),
  pattern: z.optional(NonEmpty),
  path: z.optional(NonEmpty),
  detail: z.optional(NonEmpty),
}).check(z.refine((r) => r.pattern !== undefined || r.path !== undefined, {
  message: 'a rule needs "pattern" (a regular expression over lines) or "path" (a glob over file paths)',
}));
export type CustomRule = z.infer<typeof CustomRuleSchema>;

/** The shape of `.stakes.json` and of the `stakes.routing` setting. */
export const StakesFileSchema = z.strictObject({
  $schema: z.optional(z.string()),
  recommendations: z.optional(z.strictObject({
    sensitive: z.optional(RecommendationPatch),
    complex: z.optional(RecommendationPatch),
    'context-heavy': z.optional(RecommendationPatch),
    boilerplate: z.optional(RecommendationPatch),
  })),
  runnable: z.optional(z.strictObject({
    openai: z.optional(RunnablePatch),
    anthropic: z.optional(RunnablePatch),
    google: z.optional(RunnablePatch),
    'openai-compatible': z.optional(RunnablePatch),
  })),
  paths: z.optional(z.record(NonEmpty, LabelSchema)),
  excludeModels: z.optional(z.array(NonEmpty)),
  rules: z.optional(z.array(CustomRuleSchema)),
  contextTokenLimit: z.optional(z.int().check(z.minimum(1000))),
  activityWindowMinutes: z.optional(z.number().check(z.minimum(1), z.maximum(24 * 60))),
  sensitiveMissCost: z.optional(z.number().check(z.minimum(1), z.maximum(20))),
  review: z.optional(ReviewPolicySchema),
});
export type StakesFile = z.infer<typeof StakesFileSchema>;

/** Second-choice models per label, used when a team excludes the first choice. */
const FALLBACKS: Record<Label, Recommendation[]> = {
  sensitive: [DEFAULT_RECOMMENDATIONS.complex, DEFAULT_RECOMMENDATIONS['context-heavy']],
  complex: [DEFAULT_RECOMMENDATIONS.sensitive, DEFAULT_RECOMMENDATIONS['context-heavy']],
  'context-heavy': [DEFAULT_RECOMMENDATIONS.complex, DEFAULT_RECOMMENDATIONS.sensitive],
  boilerplate: [
    { name: 'GPT-5.4 mini', provider: 'openai', model: 'gpt-5.4-mini', why: 'Boilerplate forgives mistakes: a small, fast model is enough.' },
    { name: 'Claude Haiku 4.5', provider: 'anthropic', model: 'claude-haiku-4-5', why: 'Boilerplate forgives mistakes: a small, fast model is enough.' },
  ],
};

export interface StakesConfig {
  recommendations: Record<Label, Recommendation>;
  runnable: Record<Exclude<ProviderId, 'vscode-lm'>, Record<Label, string>>;
  /** Glob → label, in file order (first match wins). */
  paths: Array<{ glob: string; label: Label; origin: string }>;
  excludeModels: string[];
  rules: CustomRule[];
  contextTokenLimit: number;
  activityWindowMinutes: number;
  /**
   * What missing sensitive work costs, in false alarms: the label is chosen by expected cost
   * (classify/model.ts). Unset: the learned model's own default, chosen by cross-validation.
   */
  sensitiveMissCost?: number;
  /** What clears a changed region per label, paths that always need review, exemptions (routing/review.ts). */
  review: ReviewPolicy;
  /** Where each layer came from, for "open the routing table". */
  sources: string[];
}

export const DEFAULT_CONTEXT_TOKEN_LIMIT = 32_000;
export const DEFAULT_ACTIVITY_WINDOW_MINUTES = 20;

export function defaultConfig(): StakesConfig {
  return {
    recommendations: structuredClone(DEFAULT_RECOMMENDATIONS),
    runnable: structuredClone(DEFAULT_RUNNABLE),
    paths: [],
    excludeModels: [],
    rules: [],
    contextTokenLimit: DEFAULT_CONTEXT_TOKEN_LIMIT,
    activityWindowMinutes: DEFAULT_ACTIVITY_WINDOW_MINUTES,
    review: defaultReviewPolicy(),
    sources: ['built-in defaults'],
  };
}

/** A configuration file that failed validation; the message is ready to show as is. */
export class ConfigError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function keyPath(path: PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('')
    .replace(/\.([^.[\]]*[^\w$.[\]][^.[\]]*)/g, '["$1"]');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const at = keyPath(issue.path);
  switch (issue.code) {
    case 'too_small':
      return issue.origin === 'string' ? `${at}: expected a non-empty string` :
        issue.origin === 'array' ? `${at}: expected at least ${issue.minimum} item(s)` : `${at}: expected a number ≥ ${issue.minimum}`;
    case 'too_big':
      return `${at}: expected a number ≤ ${issue.maximum}`;
    case 'invalid_format':
      return `${at}: expected ${issue.message && issue.message !== 'Invalid input' ? issue.message : `a value matching ${issue.pattern ?? issue.format}`}`;
    case 'custom':
      return `${at}: ${issue.message}`;
    case 'invalid_key':
      return `${at}: invalid key`;
    case 'unrecognized_keys':
      return `${at}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` +
        ' (allowed: see the schema in media/stakes.schema.json)';
    case 'invalid_value':
      return `${at}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union': {
      // `"nothing"` or an object (review.require): report what is wrong inside the object, not "Invalid input".
      const best = (issue.errors ?? []).find((b) => b.some((i) => i.path.length > 0 || i.code === 'unrecognized_keys' || i.code === 'custom'));
      if (best) return best.map((i) => describeIssue({ ...i, path: [...issue.path, ...i.path] } as z.core.$ZodIssue)).join('; ');
      return `${at}: expected "nothing" or an object`;
    }
    case 'invalid_type':
      return `${at}: expected ${issue.expected === 'int' ? 'a whole number' : issue.expected === 'object' ? 'an object' : issue.expected === 'array' ? 'an array' : `a ${issue.expected}`}`;
    default:
      return `${at}: ${issue.message}`;
  }
}

/** Parse and validate the text of a `.stakes.json` (or the settings object). Throws ConfigError. */
export function parseStakesFile(text: string, file: string): StakesFile {
  let raw: unknown;
  try {
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch (e) {
    throw new ConfigError(file, [`not valid JSON: ${(e as Error).message}. Fix the syntax or delete the file to use the defaults.`]);
  }
  return validateStakesFile(raw, file);
}

export function validateStakesFile(raw: unknown, file: string): StakesFile {
  const result = StakesFileSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(file, result.error.issues.map(describeIssue));
  const problems: string[] = reviewPolicyProblems(result.data.review);
  for (const [i, rule] of (result.data.rules ?? []).entries()) {
    if (rule.pattern !== undefined) {
      try {
        new RegExp(rule.pattern);
      } catch (e) {
        problems.push(`rules[${i}].pattern: not a valid regular expression (${(e as Error).message})`);
      }
    }
  }
  if (problems.length) throw new ConfigError(file, problems);
  return result.data;
}

/** Layer a validated file (or settings object) over a configuration. Later layers win. */
export function applyLayer(base: StakesConfig, layer: StakesFile, origin: string): StakesConfig {
  const next = structuredClone(base);
  for (const label of LABELS) {
    const patch = layer.recommendations?.[label];
    if (patch) next.recommendations[label] = { ...next.recommendations[label], ...stripUndefined(patch) };
  }
  for (const provider of Object.keys(next.runnable) as Array<keyof StakesConfig['runnable']>) {
    const patch = layer.runnable?.[provider];
    if (patch) next.runnable[provider] = { ...next.runnable[provider], ...stripUndefined(patch) };
  }
  if (layer.paths) {
    // A later layer's globs are tried first: the repo's file beats personal settings.
    const mine = Object.entries(layer.paths).map(([glob, label]) => ({ glob, label, origin }));
    next.paths = [...mine, ...next.paths];
  }
  if (layer.excludeModels) next.excludeModels = [...new Set([...next.excludeModels, ...layer.excludeModels])];
  if (layer.rules) next.rules = [...next.rules, ...layer.rules];
  if (layer.contextTokenLimit !== undefined) next.contextTokenLimit = layer.contextTokenLimit;
  if (layer.activityWindowMinutes !== undefined) next.activityWindowMinutes = layer.activityWindowMinutes;
  if (layer.sensitiveMissCost !== undefined) next.sensitiveMissCost = layer.sensitiveMissCost;
  next.review = applyReviewLayer(next.review, layer.review, origin);
  next.sources = [...next.sources, origin];
  return next;
}

function stripUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}

function isExcluded(config: StakesConfig, rec: { name: string; model: string }): boolean {
  const ex = config.excludeModels.map((m) => m.toLowerCase());
  return ex.includes(rec.model.toLowerCase()) || ex.includes(rec.name.toLowerCase());
}

export interface ResolvedRecommendation extends Recommendation {
  /** Set when the first choice was excluded and a fallback is shown instead. */
  replaced?: string;
}

/** The recommendation for a label after exclusions; null when every candidate is excluded. */
export function recommend(config: StakesConfig, label: Label): ResolvedRecommendation | null {
  const first = config.recommendations[label];
  if (!isExcluded(config, first)) return first;
  const alt = FALLBACKS[label].find((r) => !isExcluded(config, r));
  return alt ? { ...alt, replaced: `${first.name} is excluded by excludeModels` } : null;
}

/** The model id Stakes itself calls for this label on this provider. Throws ConfigError when excluded. */
export function runnableModel(config: StakesConfig, provider: Exclude<ProviderId, 'vscode-lm'>, label: Label): string {
  const id = config.runnable[provider][label];
  if (isExcluded(config, { name: id, model: id })) {
    throw new ConfigError('excludeModels', [
      `runnable.${provider}.${label} is "${id}", which excludeModels forbids: set another model for it or pick one per run`,
    ]);
  }
  return id;
}
