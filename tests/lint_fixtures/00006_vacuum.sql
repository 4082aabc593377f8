-- +goose Up
DELETE FROM events WHERE created_at < '2020-01-01';
VACUUM;

-- +goose Down
SELECT 1;
