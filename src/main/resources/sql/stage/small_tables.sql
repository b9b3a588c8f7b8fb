-- The row estimate (pg_class.reltuples, as ANALYZE or VACUUM last left it) of each of these tables
-- ($1: text[] of qualified names) that is an ordinary table of at most $2 bytes on disk now and has
-- been analysed: staging reads such a table whole without counting its rows first.
SELECT t.name, c.reltuples::bigint
  FROM unnest(?::text[]) AS t(name)
  JOIN pg_class c ON c.oid = to_regclass(t.name)
 WHERE c.relkind = 'r'
   AND c.reltuples >= 0
   AND pg_relation_size(c.oid) <= ?;
