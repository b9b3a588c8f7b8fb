-- a schema's ordinary and partitioned tables (not partitions), quoted where SQL needs it
SELECT quote_ident(c.relname)
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = ?
   AND c.relkind IN ('r', 'p')
   AND NOT c.relispartition
 ORDER BY c.relname
