-- settings that apply to this database and login: in this database, of a role, the role, the setting
-- (ALTER DATABASE, ALTER ROLE ... IN DATABASE, ALTER ROLE of the session user, ALTER ROLE ALL)
SELECT s.setdatabase <> 0, s.setrole <> 0, coalesce(r.rolname, s.setrole::text), u.setting
  FROM pg_db_role_setting s
 CROSS JOIN LATERAL unnest(s.setconfig) AS u(setting)
  LEFT JOIN pg_roles r ON r.oid = s.setrole
 WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
    OR (s.setdatabase = 0 AND (s.setrole = 0 OR s.setrole = (SELECT oid FROM pg_roles WHERE rolname = session_user)))
