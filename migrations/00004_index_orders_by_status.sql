-- Index creation runs outside a transaction (on PostgreSQL this is where
-- CREATE INDEX CONCURRENTLY goes; see migrations/postgres/).
-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX orders_by_status ON orders (status, updated_at);

-- +goose Down
DROP INDEX orders_by_status;
