CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE orders (id int PRIMARY KEY, m int, s text, user_id int REFERENCES users (id));
