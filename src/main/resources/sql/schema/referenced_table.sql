-- the table (and its column) a single-column foreign key on this column points to
SELECT k.confrelid::regclass::text,
       (SELECT attname FROM pg_attribute WHERE attrelid = k.confrelid AND attnum = k.confkey[1])
  FROM pg_constraint k
  JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
 WHERE k.contype = 'f'
   AND k.conrelid = to_regclass(?)
   AND array_length(k.conkey, 1) = 1
   AND a.attname = ?
