import { Pool, type PoolClient, type QueryResultRow } from 'pg';
import { config } from '../config';
import { logger } from '../logger';

export const pool = new Pool({
  connectionString: config.DATABASE_URL,
  max: config.DATABASE_POOL_MAX,
  idleTimeoutMillis: 30_000,
  connectionTimeoutMillis: 5_000,
  statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS,
  application_name: 'shop-api',
});

// An idle client can error when the server restarts; without a listener the process dies.
pool.on('error', (err) => {
  logger.error({ err }, 'idle PostgreSQL client error');
});

export type Queryable = Pick<PoolClient, 'query'>;

/**
 * Runs `fn` inside a transaction on one pooled client. Rolls back on any
 * thrown error and always returns the client to the pool.
 */
export async function withTransaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackErr) {
      logger.error({ err: rollbackErr }, 'rollback failed');
    }
    throw err;
  } finally {
    client.release();
  }
}

export async function queryOne<T extends QueryResultRow>(
  db: Queryable,
  sql: string,
  params: unknown[] = [],
): Promise<T | null> {
  const { rows } = await db.query<T>(sql, params);
  return rows[0] ?? null;
}

export async function checkDatabase(): Promise<void> {
  await pool.query('SELECT 1');
}
