import { pool, queryOne, type Queryable } from '../db/pool';
import type { CreateProductBody, ListProductsQuery, ProductRow, UpdateProductBody } from './dto';

const COLUMNS = `id, sku, name, description, price_cents, currency, stock, category, active, created_at, updated_at`;

// DTO field → column. Only these can be written by an update.
const UPDATABLE: Record<keyof UpdateProductBody, string> = {
  name: 'name',
  description: 'description',
  priceCents: 'price_cents',
  currency: 'currency',
  stock: 'stock',
  category: 'category',
  active: 'active',
};

export async function listProducts(query: ListProductsQuery, db: Queryable = pool) {
  const params = [query.category ?? null, query.limit, query.offset];
  const where = `active AND ($1::text IS NULL OR category = $1)`;
  const [{ rows }, { rows: count }] = await Promise.all([
    db.query<ProductRow>(
      `SELECT ${COLUMNS} FROM products WHERE ${where} ORDER BY name, id LIMIT $2 OFFSET $3`,
      params,
    ),
    db.query<{ total: string }>(`SELECT count(*) AS total FROM products WHERE ${where}`, params.slice(0, 1)),
  ]);
  return { rows, total: Number(count[0].total) };
}

export function getProduct(id: string, db: Queryable = pool): Promise<ProductRow | null> {
  return queryOne<ProductRow>(db, `SELECT ${COLUMNS} FROM products WHERE id = $1`, [id]);
}

export async function createProduct(body: CreateProductBody, db: Queryable = pool): Promise<ProductRow> {
  const { rows } = await db.query<ProductRow>(
    `INSERT INTO products (sku, name, description, price_cents, currency, stock, category, active)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     RETURNING ${COLUMNS}`,
    [body.sku, body.name, body.description, body.priceCents, body.currency, body.stock, body.category, body.active],
  );
  return rows[0];
}

export function updateProduct(id: string, body: UpdateProductBody, db: Queryable = pool): Promise<ProductRow | null> {
  const sets: string[] = [];
  const values: unknown[] = [id];
  for (const [field, value] of Object.entries(body) as [keyof UpdateProductBody, unknown][]) {
    if (value === undefined) continue;
    values.push(value);
    sets.push(`${UPDATABLE[field]} = $${values.length}`);
  }
  return queryOne<ProductRow>(
    db,
    `UPDATE products SET ${sets.join(', ')}, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
    values,
  );
}

/** Products referenced by orders are never deleted, only hidden from the catalogue. */
export async function deactivateProduct(id: string, db: Queryable = pool): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE products SET active = false, updated_at = now() WHERE id = $1', [id]);
  return rowCount === 1;
}
