-- CREATE INDEX CONCURRENTLY does not lock writes, and PostgreSQL refuses to
-- run it inside a transaction block.
-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY orders_by_status ON orders (status, updated_at);

-- +goose Down
DROP INDEX CONCURRENTLY orders_by_status;
