-- +goose Up
-- November has no day 31: a timestamp by its shape only.
CREATE TABLE invalid_timestamp (id INTEGER);

-- +goose Down
DROP TABLE invalid_timestamp;
