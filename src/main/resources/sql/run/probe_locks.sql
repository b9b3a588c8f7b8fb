-- whether pg_locks shows the target's probe lock (database oid, key high, key low), then the source's own
SELECT coalesce(bool_or(database = ?::bigint::oid AND classid::bigint = ? AND objid::bigint = ?), false),
       coalesce(bool_or(database = ?::bigint::oid AND classid::bigint = ? AND objid::bigint = ?), false)
  FROM pg_locks
 WHERE locktype = 'advisory'
   AND objsubid = 1
