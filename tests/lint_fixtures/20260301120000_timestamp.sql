-- +goose Up
CREATE TABLE timestamped (id INTEGER);

-- +goose Down
DROP TABLE timestamped;
