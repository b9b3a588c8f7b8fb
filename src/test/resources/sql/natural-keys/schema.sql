CREATE TABLE roles (id serial PRIMARY KEY, name text NOT NULL UNIQUE, description text);
CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, name text,
                    role_id int REFERENCES roles (id), manager_id int REFERENCES users (id));
CREATE TABLE permissions (id serial PRIMARY KEY, resource text NOT NULL, action text NOT NULL,
                          scope text NOT NULL, role_id int NOT NULL REFERENCES roles (id),
                          UNIQUE (resource, action, scope));
CREATE TABLE products (id serial PRIMARY KEY, sku text NOT NULL UNIQUE, name text, price numeric(10, 2));
CREATE TABLE customers (id serial PRIMARY KEY, email text, name text NOT NULL,
                        owner_id int NOT NULL REFERENCES users (id));
CREATE TABLE proposals (id serial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers (id),
                        product_id int NOT NULL REFERENCES products (id), created_by int REFERENCES users (id),
                        amount numeric);
CREATE TABLE content (id serial PRIMARY KEY, proposal_id int REFERENCES proposals (id),
                      author_id int NOT NULL REFERENCES users (id), body text);
