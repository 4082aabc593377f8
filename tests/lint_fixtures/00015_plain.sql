-- Plain SQL with no goose annotation: gander runs it, goose refuses it.
CREATE TABLE plain_notes (id INTEGER PRIMARY KEY, body TEXT);
