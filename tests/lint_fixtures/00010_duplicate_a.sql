-- +goose Up
CREATE TABLE duplicate_a (id INTEGER);

-- +goose Down
DROP TABLE duplicate_a;
