-- Constructs that look like the rules' targets but are correct: no finding.
-- +goose NO TRANSACTION
-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION touch() RETURNS trigger AS $body$
BEGIN
    NEW.note := 'it''s done; really'; -- a ';' inside a string, inside a block
    RETURN NEW;
END;
$body$ LANGUAGE plpgsql;
-- +goose StatementEnd
BEGIN;
INSERT INTO notes (body) VALUES (E'a \' quote;'), ('-- not a comment;'), ("weird;name");
/* a comment; */ COMMIT;
CREATE INDEX CONCURRENTLY notes_by_body ON notes (body);

-- +goose Down
DROP INDEX CONCURRENTLY notes_by_body;
DROP FUNCTION touch();
