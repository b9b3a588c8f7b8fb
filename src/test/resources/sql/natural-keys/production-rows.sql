SELECT setval('roles_id_seq', 100); SELECT setval('users_id_seq', 500);
SELECT setval('permissions_id_seq', 40); SELECT setval('products_id_seq', 70);
INSERT INTO roles (name, description) VALUES ('admin', 'everything'), ('editor', 'writes'),
    ('viewer', 'reads'), ('sales', 'sells');
INSERT INTO users (email, name, role_id) SELECT 'user' || i || '@prod.example', 'User ' || i,
    (SELECT id FROM roles ORDER BY name OFFSET i % 4 LIMIT 1) FROM generate_series(1, 10) i;
INSERT INTO users (email, name, role_id) VALUES ('shared@both.example', 'In both', 101);
UPDATE users SET manager_id = (SELECT id FROM users WHERE email = 'user1@prod.example')
    WHERE email <> 'user1@prod.example';
INSERT INTO permissions (resource, action, scope, role_id) SELECT r, a, 'all', (SELECT id FROM roles
    WHERE name = CASE a WHEN 'read' THEN 'viewer' ELSE 'editor' END)
    FROM unnest(ARRAY['books', 'orders', 'users']) r, unnest(ARRAY['read', 'write']) a;
INSERT INTO products (sku, name, price) SELECT 'P-' || i, 'Product ' || i, i * 9.99
    FROM generate_series(1, 6) i;
INSERT INTO customers (email, name, owner_id) SELECT CASE WHEN i % 2 = 0 THEN 'c' || i || '@cust.example' END,
    'Customer ' || i, (SELECT id FROM users ORDER BY id OFFSET i % 11 LIMIT 1) FROM generate_series(1, 5) i;
INSERT INTO proposals (customer_id, product_id, created_by, amount) SELECT
    (SELECT id FROM customers ORDER BY id OFFSET i % 5 LIMIT 1),
    (SELECT id FROM products ORDER BY id OFFSET i % 6 LIMIT 1),
    CASE WHEN i % 4 = 0 THEN NULL ELSE (SELECT id FROM users ORDER BY id OFFSET i % 11 LIMIT 1) END, i * 100
    FROM generate_series(1, 30) i;
INSERT INTO content (proposal_id, author_id, body) SELECT
    (SELECT id FROM proposals ORDER BY id OFFSET i % 30 LIMIT 1),
    (SELECT id FROM users ORDER BY id OFFSET (i * 7) % 11 LIMIT 1), 'Body ' || i
    FROM generate_series(1, 30) i;
