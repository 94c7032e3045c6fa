-- 003: fulfilment tracking for the warehouse integration.

ALTER TABLE orders ADD COLUMN shipped_at timestamptz;
ALTER TABLE orders ADD COLUMN tracking_number text;

-- The warehouse export reads the SKU straight from the line item.
ALTER TABLE order_items ADD COLUMN sku text NOT NULL;

-- Nightly export scans recent orders by creation date.
CREATE INDEX orders_created_at_idx ON orders (created_at);

ALTER TABLE payments ADD COLUMN refunded_cents integer NOT NULL DEFAULT 0;
