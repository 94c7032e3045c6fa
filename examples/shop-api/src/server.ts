import { createApp } from './app';
import { config } from './config';
import { pool } from './db/pool';
import { logger } from './logger';

const server = createApp().listen(config.PORT, () => {
  logger.info({ port: config.PORT, env: config.NODE_ENV }, 'shop-api listening');
});

// Let in-flight requests finish, then close the pool, so deploys drop nothing.
function shutdown(signal: string): void {
  logger.info({ signal }, 'shutting down');
  server.close(async (err) => {
    await pool.end().catch((poolErr) => logger.error({ err: poolErr }, 'error closing pool'));
    process.exit(err ? 1 : 0);
  });
  setTimeout(() => process.exit(1), 10_000).unref();
}

process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
