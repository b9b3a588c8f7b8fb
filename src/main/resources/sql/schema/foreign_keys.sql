-- the foreign keys of these tables: table oid, name, referenced schema, columns, referenced columns,
-- referenced table; per table by name
-- parameter: the tables' oids (bigint[])
SELECT k.conrelid,
       k.conname,
       (SELECT n.nspname FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace WHERE r.oid = k.confrelid),
       ARRAY(SELECT a.attname::text
               FROM unnest(k.conkey) WITH ORDINALITY x(n, o)
               JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = x.n
              ORDER BY x.o),
       ARRAY(SELECT a.attname::text
               FROM unnest(k.confkey) WITH ORDINALITY x(n, o)
               JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = x.n
              ORDER BY x.o),
       (SELECT r.relname FROM pg_class r WHERE r.oid = k.confrelid)
  FROM pg_constraint k
 WHERE k.contype = 'f'
   AND k.conrelid = ANY (?::oid[])
 ORDER BY k.conrelid, k.conname
