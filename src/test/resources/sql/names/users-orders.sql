CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, name text);
CREATE TABLE "Orders" (id int PRIMARY KEY, "userId" int NOT NULL REFERENCES users (id), item text);
