import { Router } from 'express';
import type { PoolClient } from 'pg';
import { z } from 'zod';
import { requireAuth, type AuthedRequest } from '../auth/middleware';
import { config } from '../config';
import { pool } from '../db/pool';
import { asyncHandler, badRequest, conflict } from '../http/errors';
import { logger } from '../logger';
import { lineTotal, orderTotals, type Cents } from './money';
import { stripe } from './stripe';

const CheckoutBody = z.object({
  items: z
    .array(
      z.object({
        productId: z.coerce.string().regex(/^\d+$/),
        quantity: z.number().int().min(1).max(99),
      }),
    )
    .min(1)
    .max(config.MAX_ITEMS_PER_ORDER),
});

interface PricedLine {
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  unitPriceCents: Cents;
}

interface CreatedOrder {
  orderId: string;
  paymentId: string;
  taxCents: Cents;
  totalCents: Cents;
  lines: PricedLine[];
}

/**
 * Locks the products, reserves stock and writes the order, its items and a
 * pending payment atomically. Prices always come from the database.
 */
async function createPendingOrder(
  client: PoolClient,
  user: { id: string; email: string },
  items: { productId: string; quantity: number }[],
): Promise<CreatedOrder> {
  const quantities = new Map<string, number>();
  for (const item of items) {
    quantities.set(item.productId, (quantities.get(item.productId) ?? 0) + item.quantity);
  }
  const ids = [...quantities.keys()];

  // ORDER BY id so concurrent checkouts lock rows in the same order (no deadlocks).
  const { rows: products } = await client.query<{
    id: string; sku: string; name: string; price_cents: number; currency: string; stock: number;
  }>(
    `SELECT id, sku, name, price_cents, currency, stock
       FROM products
      WHERE id = ANY($1::bigint[]) AND active
      ORDER BY id
        FOR UPDATE`,
    [ids],
  );
  if (products.length !== ids.length) {
    throw badRequest('One or more products do not exist or are no longer sold');
  }

  const lines: PricedLine[] = [];
  for (const product of products) {
    const quantity = quantities.get(product.id)!;
    if (product.currency !== config.SHOP_CURRENCY) {
      throw badRequest(`Product ${product.sku} is not sold in ${config.SHOP_CURRENCY}`);
    }
    if (product.stock < quantity) {
      throw conflict(`Only ${product.stock} of ${product.sku} left in stock`);
    }
    lines.push({ productId: product.id, sku: product.sku, name: product.name, quantity, unitPriceCents: product.price_cents });
  }

  const totals = orderTotals(lines, config.TAX_RATE_BPS);

  const { rows: [order] } = await client.query<{ id: string }>(
    `INSERT INTO orders (user_id, customer_email, status, currency, subtotal_cents, tax_cents, total_cents)
     VALUES ($1, $2, 'pending', $3, $4, $5, $6)
     RETURNING id`,
    [user.id, user.email, config.SHOP_CURRENCY, totals.subtotalCents, totals.taxCents, totals.totalCents],
  );

  for (const line of lines) {
    await client.query(
      `INSERT INTO order_items (order_id, product_id, sku, quantity, unit_price_cents, line_total_cents)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [order.id, line.productId, line.sku, line.quantity, line.unitPriceCents, lineTotal(line.unitPriceCents, line.quantity)],
    );
    await client.query('UPDATE products SET stock = stock - $2, updated_at = now() WHERE id = $1', [
      line.productId,
      line.quantity,
    ]);
  }

  const { rows: [payment] } = await client.query<{ id: string }>(
    `INSERT INTO payments (order_id, status, amount_cents, currency)
     VALUES ($1, 'pending', $2, $3)
     RETURNING id`,
    [order.id, totals.totalCents, config.SHOP_CURRENCY],
  );

  return { orderId: order.id, paymentId: payment.id, taxCents: totals.taxCents, totalCents: totals.totalCents, lines };
}

/** Tax is computed here, not by Stripe, so it goes in as its own line. */
function stripeLineItems(order: CreatedOrder) {
  const currency = config.SHOP_CURRENCY.toLowerCase();
  const items = order.lines.map((line) => ({
    quantity: line.quantity,
    price_data: {
      currency,
      unit_amount: line.unitPriceCents,
      product_data: { name: line.name, metadata: { sku: line.sku } },
    },
  }));
  if (order.taxCents > 0) {
    items.push({
      quantity: 1,
      price_data: { currency, unit_amount: order.taxCents, product_data: { name: 'VAT', metadata: { sku: 'TAX' } } },
    });
  }
  return items;
}

export const checkoutRouter = Router();

checkoutRouter.post(
  '/',
  requireAuth,
  asyncHandler<AuthedRequest>(async (req, res) => {
    const { items } = CheckoutBody.parse(req.body);

    const client = await pool.connect();
    let created: CreatedOrder;
    try {
      await client.query('BEGIN');
      created = await createPendingOrder(client, req.user, items);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }

    // Stripe is called after COMMIT: holding row locks across a network call
    // would stall every other checkout of the same products.
    const session = await stripe.checkout.sessions.create(
      {
        mode: 'payment',
        customer_email: req.user.email,
        client_reference_id: created.orderId,
        metadata: { order_id: created.orderId, payment_id: created.paymentId },
        line_items: stripeLineItems(created),
        success_url: `${config.PUBLIC_BASE_URL}${config.CHECKOUT_SUCCESS_PATH}?order=${created.orderId}`,
        cancel_url: `${config.PUBLIC_BASE_URL}${config.CHECKOUT_CANCEL_PATH}?order=${created.orderId}`,
        // Stripe rejects expiries under 30 minutes from creation; keep a margin.
        expires_at: Math.floor(Date.now() / 1000) + 60 * 60,
      },
      { idempotencyKey: `checkout-payment-${created.paymentId}` },
    );

    await pool.query('UPDATE payments SET provider_session_id = $2, updated_at = now() WHERE id = $1', [
      created.paymentId,
      session.id,
    ]);
    logger.info({ orderId: created.orderId, totalCents: created.totalCents }, 'checkout session created');

    res.status(201).json({ orderId: created.orderId, checkoutUrl: session.url });
  }),
);
