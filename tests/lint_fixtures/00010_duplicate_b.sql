-- +goose Up
CREATE TABLE duplicate_b (id INTEGER);

-- +goose Down
DROP TABLE duplicate_b;
