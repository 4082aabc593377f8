-- +goose Up
CREATE TABLE broken (id INTEGER);
-- +goose StatementEnd
