-- +goose Up
INSERT INTO settings (key, value) VALUES ('motd', 'Welcome;
see the docs');

-- +goose Down
DELETE FROM settings WHERE key = 'motd';
