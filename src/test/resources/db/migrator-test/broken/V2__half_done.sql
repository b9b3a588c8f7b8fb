CREATE TABLE mb.half (n int);
INSERT INTO mb.step VALUES (2);
SELECT no_such_function();
