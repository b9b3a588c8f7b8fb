-- After prebuilt.sql: what swapping staging in for each target table (?: text[] of their names) must carry over
-- from the old table, and whether each staging (?: text[], same order) got privileges of its own when it was
-- created (default privileges): one row per table, in that order. Indexes, those of constraints too, are built
-- where the old ones were: default_tablespace is set to each one's tablespace ('' is the database's default)
-- before it is built, as pg_dump does; an index whose copy was built beforehand on the staging (ready) is
-- attached or renamed instead, and staging indexes that are no such copy are dropped.
SELECT
       -- 1: check constraints, as ALTER TABLE clauses (added in one scan)
       ARRAY(SELECT format('ADD CONSTRAINT %I %s', k.conname, pg_get_constraintdef(k.oid))
               FROM pg_constraint k WHERE k.conrelid = t.oid AND k.contype = 'c' ORDER BY k.conname),
       -- 2, 3: primary key first, then unique and exclusion constraints: their index's tablespace, their clause
       ARRAY(SELECT format('SELECT set_config(''default_tablespace'', %L, true)', coalesce((SELECT s.spcname
                      FROM pg_class x JOIN pg_tablespace s ON s.oid = x.reltablespace WHERE x.oid = k.conindid), ''))
               FROM pg_constraint k WHERE k.conrelid = t.oid AND k.contype IN ('p', 'u', 'x')
              ORDER BY k.contype = 'p' DESC, k.conname),
       ARRAY(SELECT coalesce((SELECT format('ADD CONSTRAINT %I %s USING INDEX %I', k.conname,
                      CASE k.contype WHEN 'p' THEN 'PRIMARY KEY' ELSE 'UNIQUE' END, y.name)
                      FROM ready y WHERE y.target_ix = k.conindid),
                      format('ADD CONSTRAINT %I %s', k.conname, pg_get_constraintdef(k.oid)))
               FROM pg_constraint k WHERE k.conrelid = t.oid AND k.contype IN ('p', 'u', 'x')
              ORDER BY k.contype = 'p' DESC, k.conname),
       -- 4: the indexes no constraint makes, each its tablespace's set_config and its definition (which names
       -- the table: the swapped-in one by then), or the renaming of its copy built beforehand (moved with the
       -- staging into the table's schema by then)
       ARRAY(SELECT v.sql FROM pg_index i CROSS JOIN LATERAL (VALUES
                    (1, format('SELECT set_config(''default_tablespace'', %L, true)', coalesce((SELECT s.spcname
                         FROM pg_class x JOIN pg_tablespace s ON s.oid = x.reltablespace WHERE x.oid = i.indexrelid), ''))),
                    (2, coalesce((SELECT format('ALTER INDEX %I.%I RENAME TO %I', n.nspname, y.name, x.relname)
                           FROM ready y, pg_class x, pg_namespace n WHERE y.target_ix = i.indexrelid
                            AND x.oid = i.indexrelid AND n.oid = x.relnamespace),
                         pg_get_indexdef(i.indexrelid)))) AS v(o, sql)
              WHERE i.indrelid = t.oid AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid
                    AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))
              ORDER BY i.indexrelid, v.o),
       -- 5, 6: the sequences the table's columns own, and those columns
       ARRAY(SELECT d.objid::regclass::text FROM pg_depend d JOIN pg_class q ON q.oid = d.objid AND q.relkind = 'S'
              WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = t.oid
                AND d.deptype = 'a' ORDER BY d.objid),
       ARRAY(SELECT quote_ident(a.attname) FROM pg_depend d JOIN pg_class q ON q.oid = d.objid AND q.relkind = 'S'
               JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
              WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = t.oid
                AND d.deptype = 'a' ORDER BY d.objid),
       -- 7, 8, 9: owner, whether the privileges are the default ones, storage options
       quote_ident(pg_get_userbyid(t.relowner)), t.relacl IS NULL, array_to_string(t.reloptions, ', '),
       -- 10: the privileges, as GRANT statements
       ARRAY(SELECT format('GRANT %s ON %s TO %s%s', a.privilege_type, t.oid::regclass,
                    CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
                    CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END) FROM aclexplode(t.relacl) a),
       -- 11: the comments on the table, its columns, indexes and constraints
       ARRAY(SELECT format('COMMENT ON TABLE %s IS %L', d.objoid::regclass, d.description)
               FROM pg_description d WHERE d.classoid = 'pg_class'::regclass AND d.objoid = t.oid AND d.objsubid = 0
             UNION ALL SELECT format('COMMENT ON COLUMN %s.%I IS %L', a.attrelid::regclass, a.attname, d.description)
               FROM pg_description d JOIN pg_attribute a ON a.attrelid = d.objoid AND a.attnum = d.objsubid
              WHERE d.classoid = 'pg_class'::regclass AND d.objoid = t.oid AND d.objsubid > 0
             UNION ALL SELECT format('COMMENT ON INDEX %s IS %L', i.indexrelid::regclass, d.description)
               FROM pg_index i JOIN pg_description d ON d.classoid = 'pg_class'::regclass AND d.objoid = i.indexrelid
              WHERE i.indrelid = t.oid
             UNION ALL SELECT format('COMMENT ON CONSTRAINT %I ON %s IS %L', k.conname, k.conrelid::regclass, d.description)
               FROM pg_constraint k JOIN pg_description d ON d.classoid = 'pg_constraint'::regclass AND d.objoid = k.oid
              WHERE k.conrelid = t.oid AND k.contype IN ('c', 'p', 'u', 'x')),
       -- 12: whether the staging has no privileges of its own (then the swapped-in table gets none to revoke)
       coalesce((SELECT x.relacl IS NULL FROM pg_class x WHERE x.oid = r.st), true),
       -- 13: the statement that sets default_tablespace back to what it is now
       format('SELECT set_config(''default_tablespace'', %L, true)', current_setting('default_tablespace')),
       -- 14: the staging's indexes that are no ready copy (dropped before the swap)
       ARRAY(SELECT format('DROP INDEX %I.%I', h.nspname, h.relname) FROM have h
              WHERE h.n = r.n AND NOT EXISTS (SELECT 1 FROM ready y WHERE y.staging_ix = h.ix) ORDER BY h.relname)
  FROM r JOIN pg_class t ON t.oid = r.tbl
 ORDER BY r.n;
