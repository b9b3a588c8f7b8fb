CREATE TABLE shelf (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE item (
    id serial PRIMARY KEY,
    shelf_id int NOT NULL REFERENCES shelf (id),
    code varchar(12) NOT NULL,
    title text COLLATE "C" NOT NULL DEFAULT 'untitled',
    price numeric(10, 2) CHECK (price >= 0),
    tags text[],
    title_upper text GENERATED ALWAYS AS (upper(title)) STORED,
    CONSTRAINT item_code_key UNIQUE (code) DEFERRABLE INITIALLY DEFERRED
) WITH (fillfactor = 80);
CREATE INDEX item_title_lower ON item (lower(title)) WHERE price IS NOT NULL;
CREATE TABLE viewed (id int PRIMARY KEY, v text);
CREATE VIEW viewed_names AS SELECT id, v FROM viewed;
