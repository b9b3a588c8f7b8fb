package dev.ferry.sync;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.ferry.db.Sql;
import dev.ferry.schema.Column;

/**
 * Set-based checks of staging against the target table's constraints, run in the apply transaction
 * before the insert: rows that a NOT NULL, CHECK, unique or foreign-key constraint of the target would
 * reject are moved from staging to the dead-letter store, so every other row lands.
 */
public final class ApplyChecks {

    private ApplyChecks() {
    }

    /** Moves the offending rows of staging to ferry.dead_letter; returns how many were moved. */
    public static long moveOffenders(Connection c, TablePlan plan, String runId, String stagingId) throws SQLException {
        String target = Sql.qualified(plan.target().schema(), plan.target().name());
        Set<String> written = plan.columns().stream().map(Column::name).collect(Collectors.toSet());
        long moved = 0;
        for (Column col : plan.columns()) {
            if (col.notNull()) {
                moved += move(c, plan, runId, stagingId, "s." + Sql.ident(col.name()) + " IS NULL", "23502",
                        "null value in column \"" + col.name() + "\" violates not-null constraint");
            }
        }
        for (String[] check : rows(c, "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                + "WHERE conrelid = ?::regclass AND contype = 'c' ORDER BY conname", target)) {
            String expr = check[1].replaceFirst("^CHECK ", "").replaceFirst(" NOT VALID$", "");
            moved += move(c, plan, runId, stagingId, "NOT " + expr, "23514",
                    "violates check constraint \"" + check[0] + "\"");
        }
        for (String[] unique : rows(c, "SELECT ic.relname, array_to_string(ARRAY(SELECT a.attname FROM unnest(i.indkey) "
                + "WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o), ',') "
                + "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = ?::regclass "
                + "AND i.indisunique AND i.indexprs IS NULL AND i.indpred IS NULL ORDER BY ic.relname", target)) {
            List<String> cols = Arrays.asList(unique[1].split(","));
            if (!written.containsAll(cols)) {
                continue;
            }
            String partition = cols.stream().map(Sql::ident).collect(Collectors.joining(", "));
            String notNull = cols.stream().map(x -> Sql.ident(x) + " IS NOT NULL").collect(Collectors.joining(" AND "));
            String key = Sql.ident(plan.spec().key());
            moved += move(c, plan, runId, stagingId, "s." + key + " IN (SELECT d.k FROM (SELECT " + key + " AS k, "
                    + "row_number() OVER (PARTITION BY " + partition + " ORDER BY " + key + ") AS rn FROM "
                    + plan.stagingTable() + " WHERE " + notNull + ") d WHERE d.rn > 1)", "23505",
                    "duplicate key value violates unique constraint \"" + unique[0] + "\"");
        }
        for (String[] fk : rows(c, "SELECT k.conname, k.confrelid::regclass::text, (k.conrelid = k.confrelid)::text, "
                + "array_to_string(ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY x(n, o) JOIN pg_attribute a "
                + "ON a.attrelid = k.conrelid AND a.attnum = x.n ORDER BY x.o), ','), "
                + "array_to_string(ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY x(n, o) JOIN pg_attribute a "
                + "ON a.attrelid = k.confrelid AND a.attnum = x.n ORDER BY x.o), ',') "
                + "FROM pg_constraint k WHERE k.contype = 'f' AND k.conrelid = ?::regclass ORDER BY k.conname", target)) {
            List<String> cols = Arrays.asList(fk[3].split(","));
            List<String> refs = Arrays.asList(fk[4].split(","));
            if (!written.containsAll(cols)) {
                continue;
            }
            boolean self = Boolean.parseBoolean(fk[2]);
            String parent = self ? plan.stagingTable() : fk[1];
            List<String> notNull = new ArrayList<>();
            List<String> match = new ArrayList<>();
            for (int i = 0; i < cols.size(); i++) {
                notNull.add("s." + Sql.ident(cols.get(i)) + " IS NOT NULL");
                match.add("p." + Sql.ident(refs.get(i)) + " = s." + Sql.ident(cols.get(i)));
            }
            String condition = String.join(" AND ", notNull) + " AND NOT EXISTS (SELECT 1 FROM " + parent + " p WHERE "
                    + String.join(" AND ", match) + ")";
            String message = "violates foreign key constraint \"" + fk[0] + "\"";
            long n;
            do { // removing a row of a self-referencing table can orphan its children
                n = move(c, plan, runId, stagingId, condition, "23503", message);
                moved += n;
            } while (self && n > 0);
        }
        return moved;
    }

    private static long move(Connection c, TablePlan plan, String runId, String stagingId, String condition,
                             String sqlState, String message) throws SQLException {
        String sql = "WITH moved AS (DELETE FROM " + plan.stagingTable() + " s WHERE " + condition + " RETURNING s.*) "
                + "INSERT INTO ferry.dead_letter (run_id, table_name, staging_id, row_key, row_data, sql_state, message) "
                + "SELECT ?, ?, ?, m." + Sql.ident(plan.spec().key()) + "::text, to_jsonb(m), ?, ? FROM moved m";
        Savepoint sp = c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, runId);
            ps.setString(2, plan.name());
            ps.setString(3, stagingId);
            ps.setString(4, sqlState);
            ps.setString(5, message);
            int n = ps.executeUpdate();
            c.releaseSavepoint(sp);
            return n;
        } catch (SQLException e) {
            // a constraint Ferry cannot evaluate on staging (e.g. a CHECK on a column only the target has):
            // the insert itself will enforce it
            c.rollback(sp);
            if (SqlErrors.isTransient(e)) {
                throw e;
            }
            return 0;
        }
    }

    private static List<String[]> rows(Connection c, String sql, String table) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    String[] row = new String[n];
                    for (int i = 0; i < n; i++) {
                        row[i] = rs.getString(i + 1);
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }

}
