-- sequences called by column defaults (owned or not) and identity sequences of these tables:
-- table oid, column, sequence
-- parameters: the tables' oids (bigint[]), twice
SELECT DISTINCT ad.adrelid, a.attname, d.refobjid::regclass::text
  FROM pg_attrdef ad
  JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
                  AND d.refclassid = 'pg_class'::regclass
  JOIN pg_class s ON s.oid = d.refobjid AND s.relkind = 'S'
  JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
 WHERE ad.adrelid = ANY (?::oid[])
UNION
SELECT a.attrelid, a.attname, pg_get_serial_sequence(a.attrelid::regclass::text, a.attname)
  FROM pg_attribute a
 WHERE a.attrelid = ANY (?::oid[])
   AND a.attidentity <> ''
   AND a.attnum > 0
   AND NOT a.attisdropped
 ORDER BY 1, 2, 3
