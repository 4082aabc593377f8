-- Keep orders.total_cents in step with its lines. The trigger body holds
-- semicolons, so StatementBegin/StatementEnd make it one statement.
-- +goose Up
-- +goose StatementBegin
CREATE TRIGGER order_lines_total AFTER INSERT ON order_lines
BEGIN
    UPDATE orders
       SET total_cents = total_cents + NEW.quantity * NEW.price_cents,
           updated_at = CURRENT_TIMESTAMP
     WHERE id = NEW.order_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER order_lines_total;
