/**
 * Budget caps: per run (checked against the worst-case estimate before sending) and per day (a small
 * JSON ledger of actual spend, whose path the caller chooses: globalStorage in VS Code, the user's
 * cache directory for the CLI).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { ProviderError } from '../providers/types';
import { formatUsd } from './cost';
import type { CostEstimate } from './types';

const Ledger = z.object({
  version: z.literal(1),
  days: z.record(z.string(), z.object({ spentUsd: z.number().min(0), runs: z.number().int().min(0) })),
});
type Ledger = z.infer<typeof Ledger>;

/** The local calendar day: budgets follow the user's day, not UTC's. */
export function dayKey(now: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

function readLedger(file: string): Ledger {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return { version: 1, days: {} };
  }
  try {
    const parsed = Ledger.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch { /* fall through */ }
  // A damaged ledger must not silently reset a cap: refuse with a way out.
  throw new ProviderError('budget', 'stakes',
    `The spend ledger ${file} is damaged, so the daily budget cannot be checked. Delete the file to start a new ledger.`);
}

/** Spent so far on the day of `now`. */
export function spentToday(ledgerFile: string, now: Date): number {
  return readLedger(ledgerFile).days[dayKey(now)]?.spentUsd ?? 0;
}

export interface Budget {
  perRunUsd?: number;
  perDayUsd?: number;
}

/** Throws ProviderError('budget') when this run could exceed a cap. */
export function checkBudget(budget: Budget | undefined, estimate: CostEstimate, model: string,
  ledgerFile: string | undefined, now: Date): void {
  if (!budget || (budget.perRunUsd === undefined && budget.perDayUsd === undefined)) return;
  const worst = estimate.maxCostUsd;
  if (worst === null) {
    throw new ProviderError('budget', 'stakes',
      `A budget cap is set but no price is known for model "${model}", so the cost cannot be bounded. ` +
      'Add the model to stakes.audit.pricing (USD per million tokens), pick a priced model, or remove the cap.');
  }
  if (budget.perRunUsd !== undefined && worst > budget.perRunUsd) {
    throw new ProviderError('budget', 'stakes',
      `This audit could cost up to ${formatUsd(worst)} (${estimate.inputTokens} input tokens + up to ${estimate.maxOutputTokens} output), ` +
      `over the per-run budget of ${formatUsd(budget.perRunUsd)}. Audit a smaller scope (a selection or the changes), ` +
      'pick a cheaper model, or raise stakes.audit.maxCostPerRunUsd.');
  }
  if (budget.perDayUsd !== undefined) {
    if (!ledgerFile) throw new ProviderError('config', 'stakes', 'A daily budget is set but no ledger file was given (internal configuration error).');
    const spent = spentToday(ledgerFile, now);
    if (spent + worst > budget.perDayUsd) {
      throw new ProviderError('budget', 'stakes',
        `Today's audits cost ${formatUsd(spent)} so far; this one could add up to ${formatUsd(worst)}, over the daily budget of ` +
        `${formatUsd(budget.perDayUsd)}. Wait until tomorrow, audit a smaller scope, pick a cheaper model, or raise stakes.audit.maxCostPerDayUsd.`);
    }
  }
}

/** Add an actual cost to the ledger (atomic replace; keeps the last 60 days). */
export function recordSpend(ledgerFile: string, usd: number, now: Date): void {
  let ledger: Ledger;
  try {
    ledger = readLedger(ledgerFile);
  } catch {
    ledger = { version: 1, days: {} };
  }
  const key = dayKey(now);
  const day = ledger.days[key] ?? { spentUsd: 0, runs: 0 };
  ledger.days[key] = { spentUsd: day.spentUsd + usd, runs: day.runs + 1 };
  const keep = Object.keys(ledger.days).sort().slice(-60);
  ledger.days = Object.fromEntries(keep.map((k) => [k, ledger.days[k]]));
  fs.mkdirSync(path.dirname(ledgerFile), { recursive: true });
  const tmp = `${ledgerFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(ledger, null, 2));
  fs.renameSync(tmp, ledgerFile);
}
