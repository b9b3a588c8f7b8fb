CREATE SCHEMA a;
CREATE SCHEMA b;
CREATE TABLE "Users" (id int PRIMARY KEY, "Name" text, name text);
CREATE TABLE "my table" (id int PRIMARY KEY, "column_with_punctuation?" text, "user" int REFERENCES "Users" (id));
CREATE TABLE "a.b" (id int PRIMARY KEY, "select" text, next_id int);
CREATE TABLE "it's" (id int PRIMARY KEY, "column_with_punctuation?" int, "a.b_id" int REFERENCES "a.b" (id),
    "it's" text);
ALTER TABLE "a.b" ADD FOREIGN KEY (next_id) REFERENCES "it's" (id);
CREATE TABLE "select" ("from" int PRIMARY KEY, "Ünïcødé" text);
CREATE TABLE "Ünïcødé" ("k,ey" int PRIMARY KEY, "é" text);
CREATE TABLE "q?x#" (id int PRIMARY KEY, "c:?d" text, "#" int);
CREATE TABLE a.t (id int PRIMARY KEY, v text);
CREATE TABLE b.t (id int PRIMARY KEY, w text);
CREATE TABLE nokey (v text, n int);
CREATE TABLE events (id int, at date, note text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
