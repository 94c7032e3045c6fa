-- 001_init: core schema for users, catalogue, orders and payments.
-- Money is stored as integer minor units (cents) everywhere; never numeric/float.

CREATE TABLE users (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email           text        NOT NULL,
    password_hash   text        NOT NULL,
    role            text        NOT NULL DEFAULT 'customer'
                    CHECK (role IN ('customer', 'staff', 'admin')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_login_at   timestamptz
);

-- Emails are compared case-insensitively at login.
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

CREATE TABLE products (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku             text        NOT NULL UNIQUE,
    name            text        NOT NULL,
    description     text        NOT NULL DEFAULT '',
    price_cents     integer     NOT NULL CHECK (price_cents >= 0),
    currency        char(3)     NOT NULL DEFAULT 'EUR',
    stock           integer     NOT NULL DEFAULT 0 CHECK (stock >= 0),
    active          boolean     NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         bigint      NOT NULL REFERENCES users (id),
    status          text        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'paid', 'cancelled', 'refunded')),
    currency        char(3)     NOT NULL,
    subtotal_cents  integer     NOT NULL CHECK (subtotal_cents >= 0),
    tax_cents       integer     NOT NULL CHECK (tax_cents >= 0),
    total_cents     integer     NOT NULL CHECK (total_cents >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (total_cents = subtotal_cents + tax_cents)
);

CREATE INDEX orders_user_id_created_at_idx ON orders (user_id, created_at DESC);

CREATE TABLE order_items (
    id               bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id         bigint  NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id       bigint  NOT NULL REFERENCES products (id),
    quantity         integer NOT NULL CHECK (quantity > 0),
    unit_price_cents integer NOT NULL CHECK (unit_price_cents >= 0),
    line_total_cents integer NOT NULL CHECK (line_total_cents >= 0)
);

CREATE INDEX order_items_order_id_idx ON order_items (order_id);
CREATE INDEX order_items_product_id_idx ON order_items (product_id);

CREATE TABLE payments (
    id                  bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id            bigint      NOT NULL REFERENCES orders (id),
    provider            text        NOT NULL DEFAULT 'stripe',
    provider_session_id text        UNIQUE,
    provider_payment_id text,
    status              text        NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'succeeded', 'failed', 'expired', 'refunded')),
    amount_cents        integer     NOT NULL CHECK (amount_cents >= 0),
    currency            char(3)     NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX payments_order_id_idx ON payments (order_id);
