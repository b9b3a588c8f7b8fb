-- the tables names resolve to (each through the search path), ordinary or partitioned: the name as
-- given, oid, schema, name, partitioned; a name that resolves to nothing (or to no table) gives no row
-- parameter: the names (text[])
SELECT x.name, c.oid, n.nspname, c.relname, c.relkind = 'p'
  FROM unnest(?::text[]) x(name)
  JOIN pg_class c ON c.oid = to_regclass(x.name)
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p')
