-- +goose NO TRANSACTION
-- +goose Up
PRAGMA foreign_keys = OFF;
DROP TABLE sessions;

-- +goose Down
CREATE TABLE sessions (id INTEGER PRIMARY KEY);
