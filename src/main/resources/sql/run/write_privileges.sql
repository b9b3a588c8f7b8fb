-- per table (in the order given): may the login INSERT, UPDATE, DELETE, TRUNCATE; is it the owner
SELECT quote_ident(ns.nspname) || '.' || quote_ident(c.relname),
       has_table_privilege(c.oid, 'INSERT'),
       has_table_privilege(c.oid, 'UPDATE'),
       has_table_privilege(c.oid, 'DELETE'),
       has_table_privilege(c.oid, 'TRUNCATE'),
       pg_has_role(c.relowner, 'MEMBER')
  FROM unnest(?::text[]) WITH ORDINALITY AS t(n, i)
  JOIN pg_class c ON c.oid = to_regclass(n)
  JOIN pg_namespace ns ON ns.oid = c.relnamespace
 ORDER BY i
