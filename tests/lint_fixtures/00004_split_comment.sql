-- +goose Up
/* Retired:
DROP TABLE legacy_orders;
*/
CREATE TABLE archive (id INTEGER PRIMARY KEY);

-- +goose Down
DROP TABLE archive;
