-- +goose Up
CREATE TRIGGER orders_touch AFTER UPDATE ON orders
BEGIN
    UPDATE orders SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;

-- +goose Down
DROP TRIGGER orders_touch;
