-- The head shared by prebuild_plan.sql and swap_facts.sql (each appends its SELECT): the indexes of each target
-- table (?: text[] of their names) that are built beforehand on its swap staging (?: text[], same order), out of
-- the apply transaction, and those the staging has.
--   r      the tables: n (their order), the target, the staging (null when it is gone) and its own name
--   want   every index of a target table: the name its copy gets on the staging, made from the staging's name
--          (unique in schema ferry, where two tables a.t and b.t both have a t_pkey), its definition after
--          "ON table " (rest), and whether it is built beforehand (early): an index of a primary key or unique
--          constraint that is not deferrable (the apply attaches it by ADD CONSTRAINT ... USING INDEX, which
--          takes no other kind), or of no constraint (the apply renames it); an exclusion or deferrable
--          constraint is built in the apply as before
--   have   every index of the staging, its definition after "ON staging " too
--   ready  the copies in have of an index in want: same name, definition, uniqueness and tablespace, valid
WITH r AS (
    SELECT r.n, t.oid AS tbl, s.oid AS st, s.relname AS sname
      FROM unnest(CAST(? AS text[]), CAST(? AS text[])) WITH ORDINALITY AS r(target, staging, n)
      JOIN pg_class t ON t.oid = CAST(r.target AS regclass)
      LEFT JOIN pg_class s ON s.oid = to_regclass(r.staging)
), want AS (
    SELECT r.n, i.indexrelid AS ix, x.relname AS ixname, i.indisunique AS uniq, x.reltablespace AS spc,
           left(r.sname, 40) || '_' || left(md5(r.sname || '/' || x.relname), 12) AS name,
           CASE WHEN starts_with(h.def, h.head) THEN substr(h.def, length(h.head) + 1) END AS rest,
           r.st IS NOT NULL AND starts_with(h.def, h.head)
               AND (k.contype IS NULL OR (k.contype IN ('p', 'u') AND NOT k.condeferrable)) AS early
      FROM r JOIN pg_index i ON i.indrelid = r.tbl
      JOIN pg_class x ON x.oid = i.indexrelid
      JOIN pg_class tc ON tc.oid = r.tbl JOIN pg_namespace tn ON tn.oid = tc.relnamespace
      LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = r.tbl AND k.contype IN ('p', 'u', 'x')
     CROSS JOIN LATERAL (SELECT pg_get_indexdef(i.indexrelid) AS def, format('CREATE %sINDEX %I ON %I.%I ',
           CASE WHEN i.indisunique THEN 'UNIQUE ' ELSE '' END, x.relname, tn.nspname, tc.relname) AS head) h
), have AS (
    SELECT r.n, i.indexrelid AS ix, y.relname, yn.nspname, i.indisunique AS uniq, y.reltablespace AS spc,
           i.indisvalid AS valid,
           CASE WHEN starts_with(h.def, h.head) THEN substr(h.def, length(h.head) + 1) END AS rest
      FROM r JOIN pg_index i ON i.indrelid = r.st
      JOIN pg_class y ON y.oid = i.indexrelid JOIN pg_namespace yn ON yn.oid = y.relnamespace
      JOIN pg_class sc ON sc.oid = r.st JOIN pg_namespace sn ON sn.oid = sc.relnamespace
     CROSS JOIN LATERAL (SELECT pg_get_indexdef(i.indexrelid) AS def, format('CREATE %sINDEX %I ON %I.%I ',
           CASE WHEN i.indisunique THEN 'UNIQUE ' ELSE '' END, y.relname, sn.nspname, sc.relname) AS head) h
), ready AS (
    SELECT w.n, w.ix AS target_ix, h.ix AS staging_ix, w.name
      FROM want w JOIN have h ON h.n = w.n AND h.relname = w.name AND h.rest = w.rest AND h.uniq = w.uniq
       AND h.spc = w.spc AND h.valid AND w.early
)
