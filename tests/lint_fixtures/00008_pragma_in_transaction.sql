-- +goose Up
PRAGMA foreign_keys = OFF;
CREATE TABLE users_new (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
INSERT INTO users_new SELECT id, email FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
PRAGMA foreign_keys = ON;

-- +goose Down
SELECT 1;
