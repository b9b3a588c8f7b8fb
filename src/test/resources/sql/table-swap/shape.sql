SELECT concat_ws(' | ',
  (SELECT string_agg(pg_get_constraintdef(k.oid) || ' ' || k.conname || ' ' || k.convalidated, '; '
                   ORDER BY k.conname) FROM pg_constraint k WHERE k.conrelid = t.oid),
  (SELECT string_agg(pg_get_indexdef(i.indexrelid), '; ' ORDER BY pg_get_indexdef(i.indexrelid)) FROM pg_index i
                   WHERE i.indrelid = t.oid),
  (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull || ' '
                   || a.attcollation::regcollation || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
                   || ' ' || coalesce(col_description(t.oid, a.attnum), ''), '; ' ORDER BY a.attnum)
     FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped),
  coalesce(t.relacl::text, 'default acl'), coalesce(t.reloptions::text, 'no options'),
  pg_get_userbyid(t.relowner), coalesce(obj_description(t.oid, 'pg_class'), 'no comment'),
  (SELECT string_agg(obj_description(i.indexrelid, 'pg_class'), '; ') FROM pg_index i WHERE i.indrelid = t.oid),
  (SELECT string_agg(k.conname || ' ' || pg_get_constraintdef(k.oid) || ' ' || k.convalidated, '; '
                   ORDER BY k.conname) FROM pg_constraint k WHERE k.confrelid = t.oid),
  pg_get_serial_sequence(t.oid::regclass::text, 'id'))
FROM pg_class t WHERE t.oid = '%s'::regclass
