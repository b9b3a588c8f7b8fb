-- After prebuilt.sql: what to do on the staging before the apply, one row per statement: first (kind 'drop')
-- every index of a staging that is not the ready copy of an index of its target (one left by an earlier
-- attempt whose target index has changed or gone), then (kind 'build') each copy still to build, with the
-- statement that sets default_tablespace to the tablespace of the index it copies ('' is the database's
-- default), largest staging first. Columns: n, kind, the staging's bytes, its name, the tablespace statement,
-- the statement, the index's name.
SELECT h.n, 'drop' AS kind, 0::bigint AS bytes, NULL AS sname, NULL AS tablespace,
       format('DROP INDEX %I.%I', h.nspname, h.relname) AS sql, h.relname AS name
  FROM have h
 WHERE NOT EXISTS (SELECT 1 FROM ready y WHERE y.staging_ix = h.ix)
UNION ALL
SELECT w.n, 'build', pg_relation_size(r.st), r.sname,
       format('SELECT set_config(''default_tablespace'', %L, true)',
              coalesce((SELECT s.spcname FROM pg_tablespace s WHERE s.oid = w.spc), '')),
       format('CREATE %sINDEX %I ON %I.%I %s', CASE WHEN w.uniq THEN 'UNIQUE ' ELSE '' END, w.name,
              (SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = r.st),
              r.sname, w.rest),
       w.name
  FROM want w JOIN r ON r.n = w.n
 WHERE w.early AND NOT EXISTS (SELECT 1 FROM ready y WHERE y.target_ix = w.ix)
 ORDER BY 2 DESC, 3 DESC, 1, 7;
