-- the table a name resolves to (through the search path): ordinary or partitioned
SELECT c.oid, n.nspname, c.relname, c.relkind = 'p'
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.oid = to_regclass(?)
   AND c.relkind IN ('r', 'p')
