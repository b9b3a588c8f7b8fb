INSERT INTO users (id, email) VALUES (1, 'alice@example.com'), (2, 'x@blocked.example');
INSERT INTO orders VALUES (10, 7, 'kept', 1), (11, 8, 'set aside', 2);
