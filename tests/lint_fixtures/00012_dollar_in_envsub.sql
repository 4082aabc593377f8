-- +goose Up
-- +goose ENVSUB ON
-- +goose StatementBegin
CREATE FUNCTION app_schema() RETURNS text AS $$
    SELECT '${APP_SCHEMA:-public}';
$$ LANGUAGE sql;
-- +goose StatementEnd
-- +goose ENVSUB OFF

-- +goose Down
DROP FUNCTION app_schema();
