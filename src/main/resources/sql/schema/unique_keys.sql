-- the column lists of unique indexes on plain columns (no expression, no predicate), primary key first
SELECT ARRAY(SELECT a.attname::text
               FROM unnest(i.indkey[0:i.indnkeyatts - 1]) WITH ORDINALITY k(n, o)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n
              ORDER BY k.o)
  FROM pg_index i
 WHERE i.indrelid = ?
   AND i.indisunique
   AND i.indexprs IS NULL
   AND i.indpred IS NULL
   AND NOT (0 = ANY (i.indkey[0:i.indnkeyatts - 1]))
 ORDER BY i.indisprimary DESC, i.indnkeyatts, i.indexrelid
