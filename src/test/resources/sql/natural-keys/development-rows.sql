INSERT INTO roles (name, description) VALUES ('viewer', 'dev reads'), ('qa', 'dev only');
INSERT INTO users (email, name, role_id) VALUES ('dev@dev.example', 'Developer', 2),
    ('shared@both.example', 'In both (dev)', 1);
INSERT INTO products (sku, name, price) VALUES ('DEV-1', 'Dev product', 1);
