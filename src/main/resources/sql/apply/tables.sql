-- The tables of an apply (?: text[] of their target names, ?: text[] of their names in ferry.checkpoint, in
-- the same order): each one's oid and staging generation (its checkpoint's; null when it has none), in that order.
SELECT CAST(CAST(r.target AS regclass) AS oid)::bigint,
       (SELECT c.staging_id FROM ferry.checkpoint c WHERE c.table_name = r.name)
  FROM unnest(CAST(? AS text[]), CAST(? AS text[])) WITH ORDINALITY AS r(target, name, n)
 ORDER BY r.n;
