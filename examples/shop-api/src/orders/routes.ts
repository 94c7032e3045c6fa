import { Router } from 'express';
import { z } from 'zod';
import { hasPermission, requireAuth, type AuthedRequest } from '../auth/middleware';
import { withTransaction } from '../db/pool';
import { asyncHandler, conflict, notFound } from '../http/errors';
import { logger } from '../logger';
import { stripe } from '../payments/stripe';
import {
  cancelPendingOrder,
  findItemsForOrder,
  findOrderById,
  findOpenCheckoutSession,
  findOrderForUser,
  listOrdersWithItems,
} from './repository';

const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

const IdParams = z.object({ id: z.string().regex(/^\d+$/, 'order id must be numeric') });

export const ordersRouter = Router();
ordersRouter.use(requireAuth);

ordersRouter.get(
  '/',
  asyncHandler<AuthedRequest>(async (req, res) => {
    const { limit } = ListQuery.parse(req.query);
    const orders = await listOrdersWithItems(req.user.id, limit);
    res.json({ data: orders });
  }),
);

ordersRouter.get(
  '/:id',
  asyncHandler<AuthedRequest>(async (req, res) => {
    const { id } = IdParams.parse(req.params);
    const order = await findOrderById(id);
    if (!order) throw notFound('Order');
    const items = await findItemsForOrder(order.id);
    res.json({ ...order, items });
  }),
);

ordersRouter.post(
  '/:id/cancel',
  asyncHandler<AuthedRequest>(async (req, res) => {
    const { id } = IdParams.parse(req.params);
    const order = hasPermission(req.user, 'orders:read:any')
      ? await findOrderById(id)
      : await findOrderForUser(id, req.user.id);
    if (!order) throw notFound('Order');
    if (order.status !== 'pending') throw conflict(`Order is ${order.status} and can no longer be cancelled`);

    const cancelled = await withTransaction((client) => cancelPendingOrder(client, order.id));
    if (!cancelled) throw conflict('Order changed while cancelling; reload and try again');

    // Expire the Stripe session too, so the customer cannot pay for a cancelled order.
    const sessionId = await findOpenCheckoutSession(order.id);
    if (sessionId) {
      await stripe.checkout.sessions.expire(sessionId).catch((err) => {
        // Already expired or completed on Stripe's side; the webhook reconciles either way.
        logger.warn({ err, orderId: order.id }, 'could not expire checkout session');
      });
    }

    res.json({ id: order.id, status: 'cancelled' });
  }),
);
