-- Settings with values from the environment at migration time:
-- SUPPORT_EMAIL=help@shop.example gander up
-- +goose Up
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose ENVSUB ON
INSERT INTO settings (key, value) VALUES ('support_email', '${SUPPORT_EMAIL:-support@example.com}');
-- +goose ENVSUB OFF

-- +goose Down
DROP TABLE settings;
