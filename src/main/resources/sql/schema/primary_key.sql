-- the primary key's columns, in key order
SELECT a.attname
  FROM pg_index i
  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
 WHERE i.indrelid = ?
   AND i.indisprimary
 ORDER BY array_position(i.indkey::int2[], a.attnum)
