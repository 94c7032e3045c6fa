import type { Label } from '../labels';

/** Providers Stakes can call itself (vscode-lm exists only inside VS Code). */
export const PROVIDERS = ['openai', 'anthropic', 'google', 'openai-compatible', 'vscode-lm'] as const;
export type ProviderId = (typeof PROVIDERS)[number];

/** What the status bar recommends for a label: a model to use in the user's own tool. */
export interface Recommendation {
  /** Display name, e.g. "GPT-5.4". */
  name: string;
  /** Who serves it, e.g. "openai", or "cursor" for Composer. */
  provider: string;
  /** The model id as its provider spells it. */
  model: string;
  /** Why this model suits this kind of work: one sentence, shown in tooltip and quick pick. */
  why: string;
}

export const DEFAULT_RECOMMENDATIONS: Record<Label, Recommendation> = {
  sensitive: {
    name: 'GPT-5.4',
    provider: 'openai',
    model: 'gpt-5.4',
    why: 'Auth, money, secrets and migrations punish mistakes: use the most careful reasoning model and read its output closely.',
  },
  complex: {
    name: 'Claude Opus 4.6',
    provider: 'anthropic',
    model: 'claude-opus-4-6',
    why: 'Long multi-file changes across modules need a model that keeps a large plan consistent across many edits.',
  },
  'context-heavy': {
    name: 'Gemini 3.1 Pro',
    provider: 'google',
    model: 'gemini-3.1-pro',
    why: 'Specs, contracts and many sources at once need the longest context window to be read whole.',
  },
  boilerplate: {
    name: 'Composer 2',
    provider: 'cursor',
    model: 'composer-2',
    why: "CRUD, DTOs, routing and config forgive mistakes: a fast, cheap model is enough (Composer 2 is Cursor's own model, used inside Cursor).",
  },
};

/**
 * The model Stakes itself calls for each label, per provider: frontier where mistakes are
 * expensive, cheap where they are not. Ids are configurable; these are the shipped defaults.
 */
export const DEFAULT_RUNNABLE: Record<Exclude<ProviderId, 'vscode-lm'>, Record<Label, string>> = {
  openai: { sensitive: 'gpt-5.4', complex: 'gpt-5.4', 'context-heavy': 'gpt-5.4', boilerplate: 'gpt-5.4-mini' },
  anthropic: {
    sensitive: 'claude-opus-4-6', complex: 'claude-opus-4-6', 'context-heavy': 'claude-sonnet-4-6', boilerplate: 'claude-haiku-4-5',
  },
  google: { sensitive: 'gemini-3.1-pro', complex: 'gemini-3.1-pro', 'context-heavy': 'gemini-3.1-pro', boilerplate: 'gemini-3.1-flash' },
  'openai-compatible': { sensitive: 'qwen3-coder', complex: 'qwen3-coder', 'context-heavy': 'qwen3-coder', boilerplate: 'qwen3-coder' },
};

/** The provider an audit uses when nothing else decides: the default of stakes.audit.provider (a test checks package.json). */
export const DEFAULT_AUDIT_PROVIDER = 'openai' satisfies keyof typeof DEFAULT_RUNNABLE;
