-- name, type, not null, generated, identity always; in table order
SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attgenerated <> '', a.attidentity = 'a'
  FROM pg_attribute a
 WHERE a.attrelid = ?
   AND a.attnum > 0
   AND NOT a.attisdropped
 ORDER BY a.attnum
