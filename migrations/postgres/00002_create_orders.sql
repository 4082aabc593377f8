-- Orders and their lines. Several statements in one file: each ends at a
-- line whose last word ends in ';', and all run in one transaction.
-- +goose Up
CREATE TABLE orders (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    status      TEXT NOT NULL DEFAULT 'open', -- open | paid | shipped
    total_cents INTEGER NOT NULL DEFAULT 0,
    updated_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE order_lines (
    order_id    BIGINT NOT NULL REFERENCES orders (id),
    sku         TEXT NOT NULL,
    quantity    INTEGER NOT NULL CHECK (quantity > 0),
    price_cents INTEGER NOT NULL
);

-- +goose Down
DROP TABLE order_lines;
DROP TABLE orders;
