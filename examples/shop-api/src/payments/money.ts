/**
 * Money is handled as integer minor units (cents) from the database to Stripe.
 * Floats never touch an amount: 0.1 + 0.2 !== 0.3, and Stripe wants integers.
 */

export type Cents = number;

export class MoneyError extends Error {}

function assertCents(value: number, what: string): void {
  if (!Number.isSafeInteger(value)) {
    throw new MoneyError(`${what} must be a safe integer number of cents, got ${value}`);
  }
}

export function lineTotal(unitPriceCents: Cents, quantity: number): Cents {
  assertCents(unitPriceCents, 'unit price');
  if (!Number.isInteger(quantity) || quantity <= 0) {
    throw new MoneyError(`quantity must be a positive integer, got ${quantity}`);
  }
  const total = unitPriceCents * quantity;
  assertCents(total, 'line total');
  return total;
}

export function sum(amounts: readonly Cents[]): Cents {
  let total = 0;
  for (const amount of amounts) {
    assertCents(amount, 'amount');
    total += amount;
  }
  assertCents(total, 'sum');
  return total;
}

/**
 * Applies a rate in basis points (2000 = 20%) with round-half-up, in integer
 * arithmetic only.
 */
export function percentOf(amountCents: Cents, rateBps: number): Cents {
  assertCents(amountCents, 'amount');
  if (!Number.isInteger(rateBps) || rateBps < 0) {
    throw new MoneyError(`rate must be a non-negative integer of basis points, got ${rateBps}`);
  }
  const scaled = amountCents * rateBps;
  assertCents(scaled, 'scaled amount');
  return Math.floor((scaled + 5_000) / 10_000);
}

export interface Totals {
  subtotalCents: Cents;
  taxCents: Cents;
  totalCents: Cents;
}

export function orderTotals(lines: readonly { unitPriceCents: Cents; quantity: number }[], taxRateBps: number): Totals {
  const subtotalCents = sum(lines.map((line) => lineTotal(line.unitPriceCents, line.quantity)));
  const taxCents = percentOf(subtotalCents, taxRateBps);
  return { subtotalCents, taxCents, totalCents: subtotalCents + taxCents };
}

export function formatCents(amountCents: Cents, currency: string, locale = 'en-IE'): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amountCents / 100);
}
