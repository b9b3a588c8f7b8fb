-- Whether target tables can be swapped (?: text[] of their names) and whether each one's staging (?: text[] of
-- the staging tables, in the same order; null: none) was made for it: one row per table, in that order, with
-- why the table cannot be swapped (null: it can), whether the staging still has its very columns, and the
-- target's tablespace, quoted (named even when it is the database's default).
SELECT CASE
       WHEN t.oid IS NULL THEN 'not found'
       WHEN t.relkind <> 'r' THEN 'not an ordinary table'
       WHEN t.relpersistence <> 'p' THEN 'an unlogged table'
       WHEN t.relispartition OR EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = t.oid OR h.inhparent = t.oid)
       THEN 'inheritance or partitions'
       WHEN t.reloftype <> 0 THEN 'a typed table'
       WHEN t.reltablespace <> 0 AND NOT has_tablespace_privilege(t.reltablespace, 'CREATE')
       THEN 'a tablespace Ferry may not create tables in'
       WHEN t.relrowsecurity OR t.relforcerowsecurity OR EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = t.oid)
       THEN 'row security'
       WHEN t.relreplident <> 'd' THEN 'a replica identity'
       WHEN t.relam <> (SELECT a.oid FROM pg_am a WHERE a.amname = 'heap') THEN 'a table access method'
       WHEN EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = t.oid AND NOT g.tgisinternal) THEN 'triggers'
       WHEN EXISTS (SELECT 1 FROM pg_rewrite r WHERE r.ev_class = t.oid) THEN 'rules'
       WHEN EXISTS (SELECT 1 FROM pg_publication_rel p WHERE p.prrelid = t.oid) THEN 'a publication'
       WHEN EXISTS (SELECT 1 FROM pg_statistic_ext x WHERE x.stxrelid = t.oid) THEN 'extended statistics'
       WHEN EXISTS (SELECT 1 FROM pg_seclabel l WHERE l.classoid = 'pg_class'::regclass AND l.objoid = t.oid)
       THEN 'security labels'
       WHEN EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
                    AND (a.attidentity <> '' OR a.attacl IS NOT NULL OR a.attstattarget >= 0
                         OR EXISTS (SELECT 1 FROM unnest(a.attoptions) o WHERE o LIKE 'n\_distinct%')))
       THEN 'identity columns, column privileges or column statistics settings'
       WHEN EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = t.oid AND (i.indisclustered OR NOT i.indisvalid))
       THEN 'a clustered or invalid index'
       WHEN EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = t.oid AND k.contype = 'c' AND NOT k.convalidated)
       THEN 'a check constraint NOT VALID (it checks inserted rows, which a swap does not insert)'
       WHEN EXISTS (SELECT 1 FROM pg_class x WHERE x.oid = t.reltoastrelid AND x.reloptions IS NOT NULL)
       THEN 'TOAST storage options'
       WHEN EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = t.oid
                    AND d.deptype = 'e') THEN 'it belongs to an extension'
       WHEN EXISTS (SELECT 1 FROM pg_depend d WHERE d.deptype = 'n' AND d.classid <> 'pg_constraint'::regclass
                    -- its own generated columns' expressions
                    AND NOT (d.classid = 'pg_attrdef'::regclass AND EXISTS (SELECT 1 FROM pg_attrdef ad
                             WHERE ad.oid = d.objid AND ad.adrelid = t.oid))
                    AND ((d.refclassid = 'pg_class'::regclass AND d.refobjid = t.oid)
                         OR (d.refclassid = 'pg_type'::regclass AND d.refobjid = t.reltype)))
       THEN 'views, functions or other tables depend on it'
       END,
       coalesce(s.relpersistence = 'p' AND s.reltablespace = t.reltablespace
                AND (SELECT string_agg(format('%s %s %s %s %s %s %s', quote_ident(a.attname), a.atttypid, a.atttypmod,
                            a.attcollation, a.attnotnull, a.attgenerated, coalesce(pg_get_expr(d.adbin, d.adrelid), '')),
                            ' | ' ORDER BY a.attnum)
                       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                      WHERE a.attrelid = s.oid AND a.attnum > 0 AND NOT a.attisdropped)
                  = (SELECT string_agg(format('%s %s %s %s %s %s %s', quote_ident(a.attname), a.atttypid, a.atttypmod,
                            a.attcollation, a.attnotnull, a.attgenerated, coalesce(pg_get_expr(d.adbin, d.adrelid), '')),
                            ' | ' ORDER BY a.attnum)
                       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                      WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped), false),
       (SELECT quote_ident(sp.spcname) FROM pg_database d JOIN pg_tablespace sp
           ON sp.oid = coalesce(nullif(t.reltablespace, 0), d.dattablespace)
         WHERE d.datname = current_database())
  FROM unnest(CAST(? AS text[]), CAST(? AS text[])) WITH ORDINALITY AS r(target, staging, n)
  LEFT JOIN pg_class t ON t.oid = to_regclass(r.target)
  LEFT JOIN pg_class s ON s.oid = to_regclass(r.staging)
 ORDER BY r.n;
