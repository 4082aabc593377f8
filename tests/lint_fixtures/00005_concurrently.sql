-- +goose Up
CREATE INDEX CONCURRENTLY orders_by_user ON orders (user_id);

-- +goose Down
DROP INDEX CONCURRENTLY orders_by_user;
