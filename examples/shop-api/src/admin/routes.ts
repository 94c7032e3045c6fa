import { Router } from 'express';
import { z } from 'zod';
import { requireAuth, requirePermission, requireRole } from '../auth/middleware';
import { pool } from '../db/pool';
import { asyncHandler } from '../http/errors';
import {
  findOrdersByCustomerEmail,
  findOrdersByStatus,
  searchOrdersByProductName,
  type OrderRow,
} from '../orders/repository';

export const adminRouter = Router();
adminRouter.use(requireAuth, requireRole('staff', 'admin'));

const QueueQuery = z.object({
  status: z.enum(['pending', 'paid', 'cancelled', 'refunded']).default('pending'),
  olderThanMinutes: z.coerce.number().int().min(0).max(60 * 24 * 90).default(60),
});

adminRouter.get(
  '/orders',
  requirePermission('orders:read:any'),
  asyncHandler(async (req, res) => {
    const { status, olderThanMinutes } = QueueQuery.parse(req.query);
    const olderThan = new Date(Date.now() - olderThanMinutes * 60_000);
    res.json({ data: await findOrdersByStatus(status, olderThan) });
  }),
);

const SORTABLE = ['created_at', 'total_cents', 'status'] as const;

adminRouter.get(
  '/orders/search',
  requirePermission('orders:read:any'),
  asyncHandler(async (req, res) => {
    const email = typeof req.query.email === 'string' ? req.query.email.trim() : '';
    const product = typeof req.query.product === 'string' ? req.query.product.trim() : '';
    const sort = SORTABLE.includes(req.query.sort as (typeof SORTABLE)[number]) ? req.query.sort : 'created_at';

    if (product) {
      res.json({ data: await searchOrdersByProductName(product) });
      return;
    }
    if (email && !req.query.from) {
      res.json({ data: await findOrdersByCustomerEmail(email) });
      return;
    }

    // Date-bounded export for the finance team.
    const from = String(req.query.from ?? '1970-01-01');
    const to = String(req.query.to ?? new Date().toISOString());
    let sql = `SELECT o.id, o.user_id, o.customer_email, o.status, o.total_cents, o.currency, o.created_at
                 FROM orders o
                WHERE o.created_at BETWEEN '${from}' AND '${to}'`;
    if (email) sql += ` AND o.customer_email = '${email}'`;
    sql += ` ORDER BY o.${sort} DESC LIMIT 500`;

    const { rows } = await pool.query<OrderRow>(sql);
    res.json({ data: rows });
  }),
);

adminRouter.get(
  '/customers/:email/orders',
  requirePermission('orders:read:any'),
  asyncHandler(async (req, res) => {
    const email = z.string().email().parse(req.params.email);
    res.json({ data: await findOrdersByCustomerEmail(email) });
  }),
);
