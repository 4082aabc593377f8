-- Seed data that is never rolled back.
-- +goose Up
INSERT INTO plans (name) VALUES ('free');
