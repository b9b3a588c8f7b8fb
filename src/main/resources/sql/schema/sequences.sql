-- sequences called by column defaults (owned or not) and identity sequences: column, sequence
-- parameters: the table's oid, its qualified name, its oid
SELECT DISTINCT a.attname, d.refobjid::regclass::text
  FROM pg_attrdef ad
  JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid
                  AND d.refclassid = 'pg_class'::regclass
  JOIN pg_class s ON s.oid = d.refobjid AND s.relkind = 'S'
  JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
 WHERE ad.adrelid = ?
UNION
SELECT a.attname, pg_get_serial_sequence(?, a.attname)
  FROM pg_attribute a
 WHERE a.attrelid = ?
   AND a.attidentity <> ''
   AND a.attnum > 0
   AND NOT a.attisdropped
