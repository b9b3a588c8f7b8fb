-- the columns of these tables: table oid, name, type, not null, generated, identity always; in table order
-- parameter: the tables' oids (bigint[])
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attgenerated <> '',
       a.attidentity = 'a'
  FROM pg_attribute a
 WHERE a.attrelid = ANY (?::oid[])
   AND a.attnum > 0
   AND NOT a.attisdropped
 ORDER BY a.attrelid, a.attnum
