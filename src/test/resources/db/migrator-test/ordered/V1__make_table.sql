CREATE TABLE IF NOT EXISTS mt.step (n int PRIMARY KEY, what text NOT NULL);
INSERT INTO mt.step VALUES (1, 'one');
