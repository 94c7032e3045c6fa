import request from 'supertest';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../src/config', () => ({
  config: {
    NODE_ENV: 'test',
    LOG_LEVEL: 'fatal',
    DATABASE_URL: 'postgres://localhost/shop_test',
    JWT_SECRET: 'test-secret-that-is-long-enough-1234567890',
    JWT_ISSUER: 'shop-api',
    JWT_AUDIENCE: 'shop-web',
    JWT_ACCESS_TTL: '15m',
    JWT_REFRESH_TTL: '30d',
    BCRYPT_ROUNDS: 10,
    STRIPE_SECRET_KEY: 'sk_test_123',
    STRIPE_WEBHOOK_SECRET: 'whsec_test_123',
    SHOP_CURRENCY: 'EUR',
    TAX_RATE_BPS: 2000,
    MAX_ITEMS_PER_ORDER: 50,
  },
}));

vi.mock('../src/products/repository', () => ({
  listProducts: vi.fn(),
  getProduct: vi.fn(),
  createProduct: vi.fn(),
  updateProduct: vi.fn(),
  deactivateProduct: vi.fn(),
}));

import { createApp } from '../src/app';
import { signAccessToken } from '../src/auth/jwt';
import * as repo from '../src/products/repository';

const now = new Date('2025-01-15T10:00:00Z');
const row = {
  id: '1',
  sku: 'MUG-001',
  name: 'Enamel mug',
  description: 'Blue, 350 ml',
  price_cents: 1450,
  currency: 'EUR',
  stock: 12,
  category: 'kitchen',
  active: true,
  created_at: now,
  updated_at: now,
};

const staffToken = signAccessToken({ id: '7', email: 'staff@example.com', role: 'staff' });
const customerToken = signAccessToken({ id: '8', email: 'jane@example.com', role: 'customer' });

describe('products', () => {
  const app = createApp();

  beforeEach(() => {
    vi.resetAllMocks();
  });

  it('lists active products with pagination', async () => {
    vi.mocked(repo.listProducts).mockResolvedValue({ rows: [row], total: 1 });
    const res = await request(app).get('/products?limit=10');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ limit: 10, offset: 0, total: 1 });
    expect(res.body.data[0]).toMatchObject({ sku: 'MUG-001', priceCents: 1450, inStock: true });
  });

  it('returns 404 for an unknown product', async () => {
    vi.mocked(repo.getProduct).mockResolvedValue(null);
    const res = await request(app).get('/products/999');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('rejects a non-numeric id', async () => {
    const res = await request(app).get('/products/abc');
    expect(res.status).toBe(400);
  });

  it('lets staff create a product', async () => {
    vi.mocked(repo.createProduct).mockResolvedValue(row);
    const res = await request(app)
      .post('/products')
      .set('Authorization', `Bearer ${staffToken}`)
      .send({ sku: 'MUG-001', name: 'Enamel mug', priceCents: 1450 });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/products/1');
  });

  it('forbids customers from creating products', async () => {
    const res = await request(app)
      .post('/products')
      .set('Authorization', `Bearer ${customerToken}`)
      .send({ sku: 'MUG-001', name: 'Enamel mug', priceCents: 1450 });
    expect(res.status).toBe(403);
    expect(repo.createProduct).not.toHaveBeenCalled();
  });

  it('rejects a fractional price', async () => {
    const res = await request(app)
      .post('/products')
      .set('Authorization', `Bearer ${staffToken}`)
      .send({ sku: 'MUG-001', name: 'Enamel mug', priceCents: 14.5 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
  });

  it('requires at least one field on update', async () => {
    const res = await request(app)
      .patch('/products/1')
      .set('Authorization', `Bearer ${staffToken}`)
      .send({});
    expect(res.status).toBe(400);
  });
});
