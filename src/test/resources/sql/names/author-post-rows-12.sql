INSERT INTO "Author" SELECT i, 'Author ' || i FROM generate_series(1, 4) i;
INSERT INTO "Post" SELECT i, 1 + i % 4, 'Post ' || i FROM generate_series(1, 12) i;
