-- The book catalogue of the seeds (snake_case): the schema of the demo and of the tests.
CREATE TABLE users (
    id serial PRIMARY KEY,
    clerk_id text NOT NULL UNIQUE,
    email text NOT NULL UNIQUE,
    name text
);
CREATE TABLE book (
    id serial PRIMARY KEY,
    owner_id int NOT NULL REFERENCES users (id),
    isbn10 varchar(10) NOT NULL UNIQUE,
    isbn13 varchar(13) NOT NULL UNIQUE,
    title text NOT NULL,
    title_long text,
    language text,
    synopsis text,
    image text,
    image_original text,
    publisher text,
    edition text,
    page_count int,
    date_published text,
    subjects text[],
    authors text[],
    binding text,
    visibility text NOT NULL DEFAULT 'PUBLIC',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
