-- +goose Up
CREATE TABLE note_tags (note_id INTEGER NOT NULL REFERENCES notes (id), tag TEXT NOT NULL);

-- +goose Down
DROP TABLE note_tags;
