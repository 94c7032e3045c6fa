/**
 * Prices and cost: estimate before sending, actual (with cached input) after. Prices are USD per
 * million tokens and are configurable (stakes.audit.pricing, AuditRequest.pricing) because
 * providers change them; the shipped table is a starting point, not a bill.
 */
import { LABELS, type Label } from '../labels';
import type { StakesConfig } from '../routing/config';
import type { TokenUsage } from '../providers/types';
import type { CostEstimate, ModelPrice, PricingTable } from './types';

/** Date the shipped prices were last checked. */
export const PRICING_AS_OF = '2026-11-01';

export const DEFAULT_PRICING: PricingTable = {
  'gpt-5.4': { input: 2.5, cachedInput: 0.25, output: 15 },
  'gpt-5.4-mini': { input: 0.4, cachedInput: 0.04, output: 1.6 },
  'claude-opus-4-6': { input: 5, cachedInput: 0.5, output: 25 },
  'claude-sonnet-4-6': { input: 3, cachedInput: 0.3, output: 15 },
  'claude-haiku-4-5': { input: 1, cachedInput: 0.1, output: 5 },
  'gemini-3.1-pro': { input: 2, cachedInput: 0.2, output: 12 },
  'gemini-3.1-flash': { input: 0.5, cachedInput: 0.05, output: 3 },
};

/** Providers whose calls cost nothing per token (local servers; Copilot's plan). */
const FREE_PROVIDERS = new Set(['openai-compatible', 'vscode-lm']);

/** A typical review's output, for the "expected" estimate (the cap is used for budgets). */
export const TYPICAL_OUTPUT_TOKENS = 1500;

/** Price of a model: exact id, else the longest table key it starts with (dated ids: gpt-5.4-2026-03-05). */
export function priceFor(provider: string, model: string, overrides: PricingTable = {}): ModelPrice | null {
  if (FREE_PROVIDERS.has(provider) && !overrides[model]) return { input: 0, cachedInput: 0, output: 0 };
  const table = { ...DEFAULT_PRICING, ...overrides };
  if (table[model]) return table[model];
  const key = Object.keys(table).filter((k) => model.startsWith(k)).sort((a, b) => b.length - a.length)[0];
  return key ? table[key] : null;
}

/** USD for a usage at a price. Cached input is billed at the cached rate, the rest at the input rate. */
export function costOf(usage: TokenUsage, price: ModelPrice): number {
  const uncached = Math.max(0, usage.inputTokens - usage.cachedInputTokens);
  return (uncached * price.input + usage.cachedInputTokens * price.cachedInput + usage.outputTokens * price.output) / 1e6;
}

/** Cost before sending: input at the model's price plus a typical answer (costUsd) and the full output cap (maxCostUsd). */
export function estimateCost(provider: string, model: string, inputTokens: number, maxOutputTokens: number,
  overrides: PricingTable = {}): CostEstimate {
  const price = priceFor(provider, model, overrides);
  if (!price) {
    return {
      inputTokens, maxOutputTokens, costUsd: null, maxCostUsd: null,
      note: `no price is known for model "${model}": add it to stakes.audit.pricing (USD per million tokens) to see costs and use budgets`,
    };
  }
  const typical = Math.min(TYPICAL_OUTPUT_TOKENS, maxOutputTokens);
  return {
    inputTokens, maxOutputTokens,
    costUsd: costOf({ inputTokens, outputTokens: typical, cachedInputTokens: 0 }, price),
    maxCostUsd: costOf({ inputTokens, outputTokens: maxOutputTokens, cachedInputTokens: 0 }, price),
    note: FREE_PROVIDERS.has(provider) && !overrides[model] ? (provider === 'vscode-lm' ? 'billed to your Copilot plan' : 'local server: no per-token cost') : undefined,
  };
}

/** "$0.0123", "<$0.0001", "unknown". */
export function formatUsd(usd: number | null): string {
  if (usd === null) return 'unknown';
  if (usd === 0) return '$0';
  if (usd < 0.0001) return '<$0.0001';
  return usd < 1 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

export interface ModelChoice {
  provider: string;
  model: string;
  /** Labels this model is configured for (the routing table's runnable models). */
  labels: Label[];
  estimate: CostEstimate;
}

/** Every configured provider/model pair with its estimated cost, for the per-run override quick pick. */
export function modelChoices(config: StakesConfig, inputTokens: number, maxOutputTokens: number,
  overrides: PricingTable = {}): ModelChoice[] {
  const out: ModelChoice[] = [];
  for (const [provider, byLabel] of Object.entries(config.runnable)) {
    const models = new Map<string, Label[]>();
    for (const label of LABELS) {
      const id = byLabel[label];
      if (config.excludeModels.map((m) => m.toLowerCase()).includes(id.toLowerCase())) continue;
      models.set(id, [...(models.get(id) ?? []), label]);
    }
    for (const [model, labels] of models) {
      out.push({ provider, model, labels, estimate: estimateCost(provider, model, inputTokens, maxOutputTokens, overrides) });
    }
  }
  return out;
}
