SELECT string_agg(concat_ws(' ', c.relname, pg_get_indexdef(c.oid), coalesce(s.spcname, 'database default'),
                  c.reloptions::text, k.conname, pg_get_constraintdef(k.oid), k.condeferrable, k.convalidated),
                  '; ' ORDER BY c.relname)
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid LEFT JOIN pg_tablespace s ON s.oid = c.reltablespace
  LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid
 WHERE i.indrelid = '%s'::regclass
