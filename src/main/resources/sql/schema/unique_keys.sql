-- the column lists of unique indexes on plain columns (no expression, no predicate) of these tables:
-- table oid, columns (text[]); per table, primary key first
-- parameter: the tables' oids (bigint[])
SELECT i.indrelid,
       ARRAY(SELECT a.attname::text
               FROM unnest(i.indkey[0:i.indnkeyatts - 1]) WITH ORDINALITY k(n, o)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n
              ORDER BY k.o)
  FROM pg_index i
 WHERE i.indrelid = ANY (?::oid[])
   AND i.indisunique
   AND i.indexprs IS NULL
   AND i.indpred IS NULL
   AND NOT (0 = ANY (i.indkey[0:i.indnkeyatts - 1]))
 ORDER BY i.indrelid, i.indisprimary DESC, i.indnkeyatts, i.indexrelid
