ALTER TABLE mt.step ADD COLUMN after_two boolean NOT NULL DEFAULT true;
INSERT INTO mt.step (n, what) VALUES (2, 'two');
