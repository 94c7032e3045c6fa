import express, { Router } from 'express';
import type { PoolClient } from 'pg';
import type Stripe from 'stripe';
import { config } from '../config';
import { withTransaction } from '../db/pool';
import { asyncHandler, badRequest } from '../http/errors';
import { logger } from '../logger';
import { stripe } from './stripe';

export const stripeWebhookRouter = Router();

/** Records the event id; false when Stripe is redelivering one we already applied. */
async function claimEvent(client: PoolClient, event: Stripe.Event): Promise<boolean> {
  const { rowCount } = await client.query(
    'INSERT INTO stripe_events (id, type) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING',
    [event.id, event.type],
  );
  return rowCount === 1;
}

async function markPaid(client: PoolClient, session: Stripe.Checkout.Session): Promise<void> {
  const { rows: [payment] } = await client.query<{ id: string; order_id: string; amount_cents: number; currency: string; status: string }>(
    `SELECT id, order_id, amount_cents, currency, status
       FROM payments
      WHERE provider_session_id = $1
        FOR UPDATE`,
    [session.id],
  );
  if (!payment) {
    throw new Error(`no payment for checkout session ${session.id}`);
  }
  if (payment.status === 'succeeded') return;

  // Never trust that Stripe charged what we asked for; compare in cents.
  if (session.amount_total !== payment.amount_cents || session.currency?.toUpperCase() !== payment.currency) {
    logger.error(
      { paymentId: payment.id, expected: payment.amount_cents, charged: session.amount_total },
      'charged amount does not match order total',
    );
    await client.query(`UPDATE payments SET status = 'failed', updated_at = now() WHERE id = $1`, [payment.id]);
    return;
  }

  const paymentIntentId = typeof session.payment_intent === 'string' ? session.payment_intent : session.payment_intent?.id;
  await client.query(
    `UPDATE payments
        SET status = 'succeeded', provider_payment_id = $2, updated_at = now()
      WHERE id = $1`,
    [payment.id, paymentIntentId ?? null],
  );
  await client.query(
    `UPDATE orders SET status = 'paid', updated_at = now() WHERE id = $1 AND status = 'pending'`,
    [payment.order_id],
  );
}

/** Session expired unpaid: cancel the order and put the reserved stock back. */
async function releaseExpired(client: PoolClient, session: Stripe.Checkout.Session): Promise<void> {
  const { rows: [payment] } = await client.query<{ id: string; order_id: string }>(
    `UPDATE payments SET status = 'expired', updated_at = now()
      WHERE provider_session_id = $1 AND status = 'pending'
      RETURNING id, order_id`,
    [session.id],
  );
  if (!payment) return;

  const { rowCount } = await client.query(
    `UPDATE orders SET status = 'cancelled', updated_at = now() WHERE id = $1 AND status = 'pending'`,
    [payment.order_id],
  );
  if (rowCount === 1) {
    await client.query(
      `UPDATE products p
          SET stock = p.stock + oi.quantity, updated_at = now()
         FROM order_items oi
        WHERE oi.order_id = $1 AND oi.product_id = p.id`,
      [payment.order_id],
    );
  }
}

// Signature verification needs the exact bytes Stripe sent, so this route
// takes the raw body and must be mounted before express.json().
stripeWebhookRouter.post(
  '/',
  express.raw({ type: 'application/json', limit: '1mb' }),
  asyncHandler(async (req, res) => {
    const signature = req.header('stripe-signature');
    if (!signature) throw badRequest('Missing Stripe-Signature header');

    let event: Stripe.Event;
    try {
      event = stripe.webhooks.constructEvent(req.body as Buffer, signature, config.STRIPE_WEBHOOK_SECRET);
    } catch (err) {
      logger.warn({ err }, 'stripe webhook signature verification failed');
      throw badRequest('Invalid signature');
    }

    await withTransaction(async (client) => {
      if (!(await claimEvent(client, event))) {
        logger.info({ eventId: event.id }, 'duplicate stripe event ignored');
        return;
      }
      switch (event.type) {
        case 'checkout.session.completed':
        case 'checkout.session.async_payment_succeeded': {
          const session = event.data.object;
          if (session.payment_status === 'paid') await markPaid(client, session);
          break;
        }
        case 'checkout.session.expired':
          await releaseExpired(client, event.data.object);
          break;
        default:
          logger.debug({ type: event.type }, 'stripe event not handled');
      }
    });

    res.json({ received: true });
  }),
);
