-- 002: denormalise the customer's email onto orders (receipts and support
-- look-ups survive a user changing their login email) and record processed
-- Stripe events so webhook retries are idempotent.

ALTER TABLE orders ADD COLUMN customer_email text;

UPDATE orders o
   SET customer_email = u.email
  FROM users u
 WHERE u.id = o.user_id;

ALTER TABLE products ADD COLUMN category text;
CREATE INDEX products_category_idx ON products (category) WHERE active;

CREATE TABLE stripe_events (
    id           text        PRIMARY KEY,           -- Stripe's evt_... id
    type         text        NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);
