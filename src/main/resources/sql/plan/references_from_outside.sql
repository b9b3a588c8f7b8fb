-- one-column foreign keys into the tables a run deletes from (parameter 1, by position), from tables
-- not in the run (parameter 2): position, child table, constraint, child column, parent column
SELECT p.n, c.conrelid::regclass::text, c.conname, a.attname, pa.attname
  FROM unnest(?::text[]) WITH ORDINALITY p(name, n)
  JOIN pg_constraint c ON c.confrelid = p.name::regclass
  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
  JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1]
 WHERE c.contype = 'f'
   AND cardinality(c.conkey) = 1
   AND c.conparentid = 0
   AND c.conrelid <> ALL (SELECT r::regclass::oid FROM unnest(?::text[]) r)
 ORDER BY 1, 2, 3
