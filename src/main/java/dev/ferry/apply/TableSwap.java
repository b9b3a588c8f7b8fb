package dev.ferry.apply;

import dev.ferry.plan.TablePlan;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.ferry.db.Sql;

/**
 * Full refresh by swapping a fresh table in: staging is created as a logged copy of the target table's
 * columns ({@code LIKE}: types, collations, defaults, generated columns, storage, NOT NULL) in the
 * target's tablespace, the batches land in it as usual, and the apply transaction drops the old table and renames staging into its place,
 * then builds the constraints and indexes once over the loaded rows (each index in the tablespace of the
 * one it replaces) and carries over what belonged to
 * the old table (owner, privileges, storage options, comments, owned sequences). The rows are written
 * once instead of twice (staging, then INSERT ... SELECT), and the swap is as atomic as the rest of the
 * apply: nothing changes for a reader until it commits, and a rollback restores the old table.
 * <p>
 * Only a table that nothing else refers to by its identity can be swapped: an ordinary, logged heap
 * table (in the database's tablespace, or in one the target login may create tables in) without triggers, rules, row security, publications, extended statistics, identity columns,
 * check constraints NOT VALID, inheritance or partitions, and with no view, function or column of another table depending on it
 * (its foreign keys are dropped and added back by the apply anyway). Any other table is loaded by
 * TRUNCATE and INSERT from staging, as before; so is a table whose staging no longer matches it.
 */
public final class TableSwap {

    private TableSwap() {
    }

    /** Why the target table cannot be swapped (a few words), or null when it can. */
    public static String obstacle(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT CASE "
                + "WHEN t.relkind <> 'r' THEN 'not an ordinary table' "
                + "WHEN t.relpersistence <> 'p' THEN 'an unlogged table' "
                + "WHEN t.relispartition OR EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = t.oid OR h.inhparent = t.oid) "
                + "THEN 'inheritance or partitions' "
                + "WHEN t.reloftype <> 0 THEN 'a typed table' "
                + "WHEN t.reltablespace <> 0 AND NOT has_tablespace_privilege(t.reltablespace, 'CREATE') "
                + "THEN 'a tablespace Ferry may not create tables in' "
                + "WHEN t.relrowsecurity OR t.relforcerowsecurity OR EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = t.oid) "
                + "THEN 'row security' "
                + "WHEN t.relreplident <> 'd' THEN 'a replica identity' "
                + "WHEN t.relam <> (SELECT a.oid FROM pg_am a WHERE a.amname = 'heap') THEN 'a table access method' "
                + "WHEN EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = t.oid AND NOT g.tgisinternal) THEN 'triggers' "
                + "WHEN EXISTS (SELECT 1 FROM pg_rewrite r WHERE r.ev_class = t.oid) THEN 'rules' "
                + "WHEN EXISTS (SELECT 1 FROM pg_publication_rel p WHERE p.prrelid = t.oid) THEN 'a publication' "
                + "WHEN EXISTS (SELECT 1 FROM pg_statistic_ext x WHERE x.stxrelid = t.oid) THEN 'extended statistics' "
                + "WHEN EXISTS (SELECT 1 FROM pg_seclabel l WHERE l.classoid = 'pg_class'::regclass AND l.objoid = t.oid) "
                + "THEN 'security labels' "
                + "WHEN EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped "
                + "AND (a.attidentity <> '' OR a.attacl IS NOT NULL OR a.attstattarget >= 0 "
                + "OR EXISTS (SELECT 1 FROM unnest(a.attoptions) o WHERE o LIKE 'n\\_distinct%'))) "
                + "THEN 'identity columns, column privileges or column statistics settings' "
                + "WHEN EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = t.oid AND (i.indisclustered OR NOT i.indisvalid)) "
                + "THEN 'a clustered or invalid index' "
                + "WHEN EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = t.oid AND k.contype = 'c' AND NOT k.convalidated) "
                + "THEN 'a check constraint NOT VALID (it checks inserted rows, which a swap does not insert)' "
                + "WHEN EXISTS (SELECT 1 FROM pg_class x WHERE x.oid = t.reltoastrelid AND x.reloptions IS NOT NULL) "
                + "THEN 'TOAST storage options' "
                + "WHEN EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = t.oid "
                + "AND d.deptype = 'e') THEN 'it belongs to an extension' "
                + "WHEN EXISTS (SELECT 1 FROM pg_depend d WHERE d.deptype = 'n' AND d.classid <> 'pg_constraint'::regclass "
                + "AND NOT (d.classid = 'pg_attrdef'::regclass AND EXISTS (SELECT 1 FROM pg_attrdef ad WHERE ad.oid = d.objid "
                + "AND ad.adrelid = t.oid)) " // its own generated columns' expressions
                + "AND ((d.refclassid = 'pg_class'::regclass AND d.refobjid = t.oid) "
                + "OR (d.refclassid = 'pg_type'::regclass AND d.refobjid = t.reltype))) "
                + "THEN 'views, functions or other tables depend on it' "
                + "END FROM pg_class t WHERE t.oid = ?::regclass")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "not found";
            }
        }
    }

    /**
     * Staging as a logged table with the target's very columns, in the target's tablespace (named even when
     * it is the database's default, so that no default_tablespace setting moves it), to be swapped in whole.
     */
    public static String createStagingSql(Connection c, TablePlan plan) throws SQLException {
        String tablespace = strings(c, "SELECT quote_ident(s.spcname) FROM pg_class t JOIN pg_database d "
                + "ON d.datname = current_database() JOIN pg_tablespace s ON s.oid = coalesce(nullif(t.reltablespace, 0), "
                + "d.dattablespace) WHERE t.oid = ?::regclass", plan.targetTable()).get(0);
        return "CREATE TABLE " + plan.stagingTable() + " (LIKE " + plan.targetTable()
                + " INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMPRESSION) TABLESPACE " + tablespace;
    }

    /** Whether this table's staging was made to be swapped in and still can be (same columns, no obstacle). */
    static boolean ready(Connection c, TablePlan plan) throws SQLException {
        String columns = "SELECT string_agg(format('%s %s %s %s %s %s %s', quote_ident(a.attname), a.atttypid, a.atttypmod, "
                + "a.attcollation, a.attnotnull, a.attgenerated, coalesce(pg_get_expr(d.adbin, d.adrelid), '')), '; ' "
                + "ORDER BY a.attnum) FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                + "WHERE a.attrelid = RELATION::regclass AND a.attnum > 0 AND NOT a.attisdropped";
        try (PreparedStatement ps = c.prepareStatement("SELECT s.relpersistence = 'p' AND s.reltablespace = "
                + "(SELECT t.reltablespace FROM pg_class t WHERE t.oid = ?::regclass) AND (" + columns.replace("RELATION", "s.oid")
                + ") = (" + columns.replace("RELATION", "?") + ") FROM pg_class s WHERE s.oid = to_regclass(?)")) {
            ps.setString(1, plan.targetTable());
            ps.setString(2, plan.targetTable());
            ps.setString(3, plan.stagingTable());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    return false;
                }
            }
        }
       return obstacle(c, plan.targetTable()) == null;
    }

    /**
     * Inside the apply transaction (the table's foreign keys, and those pointing at it, already dropped):
     * replaces the target table by its staging and builds what the old one had. Returns the rows it now
     * holds, or -1 when PostgreSQL refused the swap (something depends on the table after all, or a
     * privilege is missing): then nothing was changed and the caller loads the table by INSERT.
     * A constraint the rows break is thrown as it is (the apply then sets the offenders aside).
     */
    static long swapIn(Connection c, TablePlan plan) throws SQLException {
        String table = plan.targetTable();
        String schema = Sql.ident(plan.target().schema());
        String name = Sql.ident(plan.target().name());
        List<String[]> constraints = new ArrayList<>(); // the clause, and the statement that sets its index's tablespace
        List<String> checks = new ArrayList<>();
        List<String> finish = new ArrayList<>();
        List<String> unown = new ArrayList<>();
        String owner;
        boolean defaultAcl;
        // indexes, those of constraints too, are built where the old ones were: default_tablespace is set to each
        // one's tablespace ('' is the database's default) before it is built, as pg_dump does
        String tablespaceOf = "format('SELECT set_config(''default_tablespace'', %L, true)', coalesce((SELECT s.spcname "
                + "FROM pg_class x JOIN pg_tablespace s ON s.oid = x.reltablespace WHERE x.oid = INDEX), ''))";
        try (PreparedStatement ps = c.prepareStatement("SELECT k.contype, format('ADD CONSTRAINT %I %s', k.conname, "
                + "pg_get_constraintdef(k.oid)), " + tablespaceOf.replace("INDEX", "k.conindid") + " FROM pg_constraint k "
                + "WHERE k.conrelid = ?::regclass AND k.contype IN ('c', 'p', 'u', 'x') "
                + "ORDER BY k.contype = 'c' DESC, k.contype = 'p' DESC, k.conname")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(1).equals("c")) {
                        checks.add(rs.getString(2));
                    } else {
                        constraints.add(new String[] {rs.getString(2), rs.getString(3)});
                    }
                }
            }
        }
        // indexes no constraint makes: their definitions name the table, which will be the swapped-in one
        try (PreparedStatement ps = c.prepareStatement("SELECT " + tablespaceOf.replace("INDEX", "i.indexrelid") + ", "
                + "pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = ?::regclass "
                + "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid "
                + "AND k.contype IN ('p', 'u', 'x')) ORDER BY i.indexrelid")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    finish.add(rs.getString(1));
                    finish.add(rs.getString(2));
                }
            }
        }
        String defaultTablespace = strings(c, ApplySql.RESTORE_DEFAULT_TABLESPACE).get(0);
        List<String[]> owned = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT d.objid::regclass::text, quote_ident(a.attname) FROM pg_depend d "
                + "JOIN pg_class q ON q.oid = d.objid AND q.relkind = 'S' JOIN pg_attribute a ON a.attrelid = d.refobjid "
                + "AND a.attnum = d.refobjsubid WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass "
                + "AND d.refobjid = ?::regclass AND d.deptype = 'a'")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    owned.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        for (String[] seq : owned) {
            unown.add("ALTER SEQUENCE " + seq[0] + " OWNED BY NONE");
            finish.add("ALTER SEQUENCE " + seq[0] + " OWNED BY " + table + "." + seq[1]);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT quote_ident(pg_get_userbyid(t.relowner)), t.relacl IS NULL, "
                + "array_to_string(t.reloptions, ', ') FROM pg_class t WHERE t.oid = ?::regclass")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                owner = rs.getString(1);
                defaultAcl = rs.getBoolean(2);
                if (rs.getString(3) != null && !rs.getString(3).isEmpty()) {
                    finish.add(0, "ALTER TABLE " + table + " SET (" + rs.getString(3) + ")");
                }
            }
        }
        List<String> grants = strings(c, "SELECT format('GRANT %s ON %s TO %s%s', a.privilege_type, t.oid::regclass, "
                + "CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END, "
                + "CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END) FROM pg_class t, aclexplode(t.relacl) a "
                + "WHERE t.oid = ?::regclass", table);
        List<String> comments = strings(c, "SELECT format('COMMENT ON TABLE %s IS %L', d.objoid::regclass, d.description) "
                + "FROM pg_description d WHERE d.classoid = 'pg_class'::regclass AND d.objoid = ?::regclass AND d.objsubid = 0 "
                + "UNION ALL SELECT format('COMMENT ON COLUMN %s.%I IS %L', a.attrelid::regclass, a.attname, d.description) "
                + "FROM pg_description d JOIN pg_attribute a ON a.attrelid = d.objoid AND a.attnum = d.objsubid "
                + "WHERE d.classoid = 'pg_class'::regclass AND d.objoid = ?::regclass AND d.objsubid > 0 "
                + "UNION ALL SELECT format('COMMENT ON INDEX %s IS %L', i.indexrelid::regclass, d.description) "
                + "FROM pg_index i JOIN pg_description d ON d.classoid = 'pg_class'::regclass AND d.objoid = i.indexrelid "
                + "WHERE i.indrelid = ?::regclass "
                + "UNION ALL SELECT format('COMMENT ON CONSTRAINT %I ON %s IS %L', k.conname, k.conrelid::regclass, d.description) "
                + "FROM pg_constraint k JOIN pg_description d ON d.classoid = 'pg_constraint'::regclass AND d.objoid = k.oid "
                + "WHERE k.conrelid = ?::regclass AND k.contype IN ('c', 'p', 'u', 'x')", table, table, table, table);

        Savepoint sp = c.setSavepoint();
        try (Statement s = c.createStatement()) {
            for (String sql : unown) {
                s.execute(sql);
            }
            s.execute("DROP TABLE " + table); // RESTRICT: refused when anything still depends on it
            s.execute("ALTER TABLE " + plan.stagingTable() + " SET SCHEMA " + schema);
            s.execute("ALTER TABLE " + schema + "." + Sql.ident(plan.stagingName()) + " RENAME TO " + name);
            s.execute("ALTER TABLE " + table + " OWNER TO " + owner);
            if (!checks.isEmpty()) {
                s.execute("ALTER TABLE " + table + " " + String.join(", ", checks)); // one scan for every check
            }
            for (String[] constraint : constraints) {
                s.execute(constraint[1]);
                s.execute("ALTER TABLE " + table + " " + constraint[0]);
            }
            for (String sql : finish) {
                s.execute(sql);
            }
            s.execute(defaultTablespace); // as it was for the rest of the apply
            // privileges exactly as they were: none but the old table's (the ferry schema's defaults may have added some)
            List<String> added = strings(c, "SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE "
                    + "quote_ident(pg_get_userbyid(a.grantee)) END FROM pg_class t, aclexplode(t.relacl) a "
                    + "WHERE t.oid = ?::regclass", table);
            for (String grantee : added) {
                s.execute("REVOKE ALL ON " + table + " FROM " + grantee);
            }
            if (defaultAcl && !added.isEmpty()) {
                s.execute("GRANT ALL ON " + table + " TO " + owner); // the owner's implicit privileges, made explicit
            }
            for (String sql : grants) {
                s.execute(sql);
            }
            for (String sql : comments) {
                s.execute(sql);
            }
            long rows;
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + plan.targetRows())) {
                rs.next();
                rows = rs.getLong(1);
            }
            c.releaseSavepoint(sp);
            return rows;
        } catch (SQLException e) {
            c.rollback(sp);
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.equals("2BP01") || state.equals("42501") || state.equals("42P07")) {
                return -1; // dependent objects, a missing privilege, a name taken: load it by INSERT instead
            }
            throw e;
        }
    }

    private static List<String> strings(Connection c, String sql, String... parameters) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
