-- the primary keys' columns of these tables: table oid, column; in key order
-- parameter: the tables' oids (bigint[])
SELECT i.indrelid, a.attname
  FROM pg_index i
  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
 WHERE i.indrelid = ANY (?::oid[])
   AND i.indisprimary
 ORDER BY i.indrelid, array_position(i.indkey::int2[], a.attnum)
