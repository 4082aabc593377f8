-- +goose Up
DO $$
BEGIN
    UPDATE accounts SET status = 'active' WHERE status IS NULL;
END
$$;

-- +goose Down
SELECT 1;
