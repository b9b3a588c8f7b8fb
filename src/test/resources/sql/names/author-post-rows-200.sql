INSERT INTO "Author" SELECT i, 'Author ' || i FROM generate_series(1, 40) i;
INSERT INTO "Post" SELECT i, 1 + (i * 7) % 40, 'Post ' || i FROM generate_series(1, 200) i;
