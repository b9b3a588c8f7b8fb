INSERT INTO users (id, email, name) VALUES (1, 'alice@example.com', 'Alice'), (2, 'bob@example.com', 'Bob'),
    (3, 'carol@example.com', 'Carol');
SELECT setval('users_id_seq', 3);
INSERT INTO "Orders" VALUES (10, 1, 'Alice''s order'), (11, 2, 'Bob''s order'), (12, 3, 'Carol''s order'),
    (13, 2, 'Bob''s other order');
