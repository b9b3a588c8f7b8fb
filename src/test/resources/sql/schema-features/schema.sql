CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
CREATE SEQUENCE shared_code;
CREATE TABLE every_type (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code integer NOT NULL DEFAULT nextval('shared_code'),
    m mood, d positive, ints integer[], texts text[], j json, jb jsonb, b bytea, u uuid,
    n numeric(30, 10), cash money, iv interval, dt date, ts timestamp, tstz timestamptz(6), tsv tsvector,
    ip inet, net cidr, r int4range, tr tstzrange, f8 double precision, f4 real, bits bit varying(8),
    ch character(3), vc character varying(20), flag boolean, t time, pt point,
    twice numeric GENERATED ALWAYS AS (n * 2) STORED,
    last_update timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE team (id integer PRIMARY KEY, name text NOT NULL, captain_id integer NOT NULL);
CREATE TABLE player (id integer PRIMARY KEY, team_id integer NOT NULL REFERENCES team (id), name text);
CREATE TABLE event (id bigint NOT NULL, at date NOT NULL, payload jsonb, PRIMARY KEY (id, at))
    PARTITION BY RANGE (at);
CREATE TABLE event_2025 PARTITION OF event FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE event_2026 PARTITION OF event FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE note (body text, at timestamptz);
