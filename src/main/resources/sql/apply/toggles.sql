-- What the apply switches off on its tables (?: text[] of their names): whether each one, or one of its
-- partitions, has triggers of its own (not those of constraints), and its enabled rewrite rules (views' _RETURN
-- rules are not among them); one row per table, in that order.
SELECT EXISTS (SELECT 1 FROM pg_trigger g WHERE NOT g.tgisinternal
                  AND (g.tgrelid = t.oid OR g.tgrelid IN (SELECT p.relid FROM pg_partition_tree(t.oid) p))),
       ARRAY(SELECT w.rulename::text FROM pg_rewrite w WHERE w.ev_class = t.oid AND w.rulename <> '_RETURN'
                AND w.ev_enabled <> 'D' ORDER BY w.rulename)
  FROM unnest(CAST(? AS text[])) WITH ORDINALITY AS r(target, n)
  JOIN pg_class t ON t.oid = CAST(r.target AS regclass)
 ORDER BY r.n;
