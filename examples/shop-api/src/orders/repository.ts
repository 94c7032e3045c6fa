import { pool, queryOne, type Queryable } from '../db/pool';

export type OrderStatus = 'pending' | 'paid' | 'cancelled' | 'refunded';

export interface OrderRow {
  id: string;
  user_id: string;
  customer_email: string | null;
  status: OrderStatus;
  currency: string;
  subtotal_cents: number;
  tax_cents: number;
  total_cents: number;
  created_at: Date;
  updated_at: Date;
}

export interface OrderItemRow {
  id: string;
  order_id: string;
  product_id: string;
  sku: string;
  product_name: string;
  quantity: number;
  unit_price_cents: number;
  line_total_cents: number;
}

export type OrderWithItems = OrderRow & { items: OrderItemRow[] };

const ORDER_COLUMNS = `o.id, o.user_id, o.customer_email, o.status, o.currency,
       o.subtotal_cents, o.tax_cents, o.total_cents, o.created_at, o.updated_at`;

export function findOrderById(id: string, db: Queryable = pool): Promise<OrderRow | null> {
  return queryOne<OrderRow>(db, `SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.id = $1`, [id]);
}

export function findOrderForUser(id: string, userId: string, db: Queryable = pool): Promise<OrderRow | null> {
  return queryOne<OrderRow>(
    db,
    `SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.id = $1 AND o.user_id = $2`,
    [id, userId],
  );
}

export async function findItemsForOrder(orderId: string, db: Queryable = pool): Promise<OrderItemRow[]> {
  const { rows } = await db.query<OrderItemRow>(
    `SELECT oi.id, oi.order_id, oi.product_id, oi.sku, p.name AS product_name,
            oi.quantity, oi.unit_price_cents, oi.line_total_cents
       FROM order_items oi
       JOIN products p ON p.id = oi.product_id
      WHERE oi.order_id = $1
      ORDER BY oi.id`,
    [orderId],
  );
  return rows;
}

/** Keyset pagination over the (user_id, created_at) index. */
export async function listOrdersForUser(
  userId: string,
  opts: { limit: number; before?: Date },
  db: Queryable = pool,
): Promise<OrderRow[]> {
  const { rows } = await db.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS}
       FROM orders o
      WHERE o.user_id = $1
        AND ($2::timestamptz IS NULL OR o.created_at < $2)
      ORDER BY o.created_at DESC
      LIMIT $3`,
    [userId, opts.before ?? null, opts.limit],
  );
  return rows;
}

export async function listOrdersWithItems(userId: string, limit: number): Promise<OrderWithItems[]> {
  const orders = await listOrdersForUser(userId, { limit });
  const result: OrderWithItems[] = [];
  for (const order of orders) {
    const { rows: items } = await pool.query<OrderItemRow>(
      `SELECT oi.id, oi.order_id, oi.product_id, oi.sku, p.name AS product_name,
              oi.quantity, oi.unit_price_cents, oi.line_total_cents
         FROM order_items oi
         JOIN products p ON p.id = oi.product_id
        WHERE oi.order_id = $1`,
      [order.id],
    );
    result.push({ ...order, items });
  }
  return result;
}

/** Back-office queue: orders stuck in a status for longer than `olderThan`. */
export async function findOrdersByStatus(status: OrderStatus, olderThan: Date, limit = 200): Promise<OrderRow[]> {
  const { rows } = await pool.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS}
       FROM orders o
      WHERE o.status = $1
        AND o.updated_at < $2
      ORDER BY o.updated_at
      LIMIT $3`,
    [status, olderThan, limit],
  );
  return rows;
}

/** Support look-up by the email on the receipt (may differ from the login email). */
export async function findOrdersByCustomerEmail(email: string): Promise<OrderRow[]> {
  const { rows } = await pool.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS}
       FROM orders o
      WHERE lower(o.customer_email) = lower($1)
      ORDER BY o.created_at DESC`,
    [email],
  );
  return rows;
}

/** "Which orders contained a product called ...?" for support and recalls. */
export async function searchOrdersByProductName(term: string, limit = 100): Promise<OrderRow[]> {
  const { rows } = await pool.query<OrderRow>(
    `SELECT DISTINCT ${ORDER_COLUMNS}
       FROM orders o
       JOIN order_items oi ON oi.order_id = o.id
       JOIN products p ON p.id = oi.product_id
      WHERE p.name ILIKE '%' || $1 || '%'
      ORDER BY o.created_at DESC
      LIMIT $2`,
    [term, limit],
  );
  return rows;
}

export async function findOpenCheckoutSession(orderId: string, db: Queryable = pool): Promise<string | null> {
  const row = await queryOne<{ provider_session_id: string }>(
    db,
    `SELECT provider_session_id
       FROM payments
      WHERE order_id = $1 AND provider_session_id IS NOT NULL
      ORDER BY id DESC
      LIMIT 1`,
    [orderId],
  );
  return row?.provider_session_id ?? null;
}

/** Cancels a pending order and returns its reserved stock. Caller owns the transaction. */
export async function cancelPendingOrder(db: Queryable, orderId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE orders SET status = 'cancelled', updated_at = now() WHERE id = $1 AND status = 'pending'`,
    [orderId],
  );
  if (rowCount !== 1) return false;
  await db.query(
    `UPDATE products p
        SET stock = p.stock + oi.quantity, updated_at = now()
       FROM order_items oi
      WHERE oi.order_id = $1 AND oi.product_id = p.id`,
    [orderId],
  );
  await db.query(
    `UPDATE payments SET status = 'expired', updated_at = now() WHERE order_id = $1 AND status = 'pending'`,
    [orderId],
  );
  return true;
}
