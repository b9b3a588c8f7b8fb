INSERT INTO users (id, email, name) VALUES (1, 'bob@example.com', 'Bob (dev)'),
    (2, 'alice@example.com', 'Alice (dev)');
SELECT setval('users_id_seq', 2);
