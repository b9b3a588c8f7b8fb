UPDATE "my table" SET "column_with_punctuation?" = 'changed?' WHERE id % 3 = 0;
DELETE FROM "q?x#" WHERE id > 20;
UPDATE "it's" SET "it's" = 'it''s changed' WHERE id % 2 = 0;
INSERT INTO b.t VALUES (8, 'b8');
INSERT INTO nokey VALUES ('new', 99);
INSERT INTO events VALUES (500, DATE '2025-03-01', 'new');
