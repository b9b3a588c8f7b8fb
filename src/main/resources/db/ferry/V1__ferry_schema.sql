-- Ferry's own tables in the target. Every statement is idempotent: a ledger made before versions were
-- recorded (Ferry up to issue 16, which ran these statements on every run) upgrades from version 0.

CREATE SCHEMA IF NOT EXISTS ferry;

-- one row per run
CREATE TABLE IF NOT EXISTS ferry.run (
    id text PRIMARY KEY,
    trigger text NOT NULL,
    who text,
    started_at timestamptz NOT NULL,
    finished_at timestamptz,
    status text NOT NULL,
    error text,
    owner_id text,
    snapshots int NOT NULL DEFAULT 1
);

-- how each table of a run ended
CREATE TABLE IF NOT EXISTS ferry.run_table (
    run_id text NOT NULL REFERENCES ferry.run (id) ON DELETE CASCADE,
    table_name text NOT NULL,
    mode text NOT NULL,
    status text NOT NULL,
    rows_read bigint NOT NULL,
    rows_written bigint NOT NULL,
    rows_dead_lettered bigint NOT NULL,
    seconds numeric NOT NULL,
    error text,
    PRIMARY KEY (run_id, table_name)
);

-- one row per table being staged; written in the same transaction as the batch it covers
CREATE TABLE IF NOT EXISTS ferry.checkpoint (
    table_name text PRIMARY KEY,
    run_id text NOT NULL,
    fingerprint text NOT NULL,
    last_key text,
    rows_staged bigint NOT NULL,
    updated_at timestamptz NOT NULL,
    staging_id text
);

-- ledgers made by earlier versions of Ferry
ALTER TABLE ferry.run ADD COLUMN IF NOT EXISTS owner_id text;
ALTER TABLE ferry.run ADD COLUMN IF NOT EXISTS snapshots int NOT NULL DEFAULT 1;
ALTER TABLE ferry.checkpoint ADD COLUMN IF NOT EXISTS staging_id text;

-- incremental tables: the largest cursor value copied by the last successful run
CREATE TABLE IF NOT EXISTS ferry.watermark (
    table_name text PRIMARY KEY,
    value text NOT NULL,
    run_id text,
    updated_at timestamptz NOT NULL
);

-- merge and incremental: the hash of each row as Ferry last wrote it (a target change since shows as a conflict)
CREATE TABLE IF NOT EXISTS ferry.row_hash (
    table_name text NOT NULL,
    row_key text NOT NULL,
    hash text NOT NULL,
    PRIMARY KEY (table_name, row_key)
);

-- conflicts left to a person (conflict: manual), the latest per row
CREATE TABLE IF NOT EXISTS ferry.conflict (
    table_name text NOT NULL,
    row_key text NOT NULL,
    run_id text NOT NULL,
    source_row jsonb NOT NULL,
    target_row jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (table_name, row_key)
);

-- natural keys: which target id each source id became
CREATE TABLE IF NOT EXISTS ferry.id_map (
    table_name text NOT NULL,
    source_id text NOT NULL,
    target_id text NOT NULL,
    run_id text,
    PRIMARY KEY (table_name, source_id)
);

-- rows the target rejected for good, as they were after the transforms (never the raw source row)
CREATE TABLE IF NOT EXISTS ferry.dead_letter (
    id bigserial PRIMARY KEY,
    run_id text NOT NULL,
    table_name text NOT NULL,
    staging_id text,
    row_key text,
    row_data jsonb NOT NULL,
    sql_state text,
    message text,
    created_at timestamptz NOT NULL DEFAULT now()
);
