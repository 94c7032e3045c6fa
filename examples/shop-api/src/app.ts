import express from 'express';
import { adminRouter } from './admin/routes';
import { authRouter } from './auth/routes';
import { checkDatabase } from './db/pool';
import { errorHandler, notFound } from './http/errors';
import { ordersRouter } from './orders/routes';
import { checkoutRouter } from './payments/checkout';
import { stripeWebhookRouter } from './payments/webhook';
import { productsRouter } from './products/routes';

export function createApp(): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 1);

  // Before express.json(): the webhook verifies its signature over the raw body.
  app.use('/webhooks/stripe', stripeWebhookRouter);

  app.use(express.json({ limit: '100kb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await checkDatabase();
      res.json({ ok: true });
    } catch {
      res.status(503).json({ ok: false });
    }
  });

  app.use('/auth', authRouter);
  app.use('/products', productsRouter);
  app.use('/orders', ordersRouter);
  app.use('/checkout', checkoutRouter);
  app.use('/admin', adminRouter);

  app.use((req, _res, next) => next(notFound(`Route ${req.method} ${req.path}`)));
  app.use(errorHandler);
  return app;
}
