-- Keep orders.total_cents in step with its lines. The function body holds
-- semicolons, so StatementBegin/StatementEnd make it one statement.
-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION add_line_to_order_total() RETURNS trigger AS $$
BEGIN
    UPDATE orders
       SET total_cents = total_cents + NEW.quantity * NEW.price_cents,
           updated_at = now()
     WHERE id = NEW.order_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER order_lines_total AFTER INSERT ON order_lines
    FOR EACH ROW EXECUTE FUNCTION add_line_to_order_total();

-- +goose Down
DROP TRIGGER order_lines_total ON order_lines;
DROP FUNCTION add_line_to_order_total();
