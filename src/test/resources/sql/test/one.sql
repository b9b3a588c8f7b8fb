
-- a statement kept in a file
SELECT 1
  FROM pg_class
 WHERE relname = ?;

