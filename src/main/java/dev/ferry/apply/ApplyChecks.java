package dev.ferry.apply;

import dev.ferry.db.SqlErrors;
import dev.ferry.plan.TablePlan;
import dev.ferry.plan.TableSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.ferry.db.Sql;
import dev.ferry.schema.Column;

/**
 * Set-based checks of staging against the target table's constraints, run in the apply transaction
 * before the insert: rows that a NOT NULL, CHECK, unique or foreign-key constraint of the target would
 * reject are moved from staging to the dead-letter store, so every other row lands. Foreign keys are
 * checked against the parents' staging when the parents are applied in the same transaction.
 */
public final class ApplyChecks {

    private ApplyChecks() {
    }

    /** The alias of the rows a dead-lettering DELETE returns: no column of a user's table is likely to have it. */
    static final String MOVED = "ferry_moved__";

    /**
     * The whole row of {@code alias} as jsonb. {@code alias.*}, not the bare alias: a bare name is a column
     * first (a column named m or s would be stored instead of the row), {@code alias.*} always the row.
     */
    static String rowJson(String alias) {
        return "to_jsonb(" + alias + ".*)";
    }

    /** A foreign key of the target, read before the apply drops it. */
    public record ForeignKey(String name, long childOid, String child, long parentOid, String parent,
                             List<String> columns, List<String> referencedColumns, String definition) {
    }

    /** The target's foreign keys from or to any of these tables (partitions' inherited copies left out). */
    public static List<ForeignKey> foreignKeys(Connection c, List<Long> tableOids) throws SQLException {
        List<ForeignKey> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT k.conname, k.conrelid::bigint, k.conrelid::regclass::text, "
                + "k.confrelid::bigint, k.confrelid::regclass::text, "
                + "ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY x(n, o) JOIN pg_attribute a "
                + "ON a.attrelid = k.conrelid AND a.attnum = x.n ORDER BY x.o), "
                + "ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY x(n, o) JOIN pg_attribute a "
                + "ON a.attrelid = k.confrelid AND a.attnum = x.n ORDER BY x.o), pg_get_constraintdef(k.oid) "
                + "FROM pg_constraint k WHERE k.contype = 'f' AND k.conparentid = 0 "
                + "AND (k.conrelid::bigint = ANY (?) OR k.confrelid::bigint = ANY (?)) ORDER BY k.conrelid, k.conname")) {
            java.sql.Array oids = c.createArrayOf("bigint", tableOids.toArray());
            ps.setArray(1, oids);
            ps.setArray(2, oids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ForeignKey(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                            // arrays, never text split on commas: a column name may hold one
                            List.of((String[]) rs.getArray(6).getArray()), List.of((String[]) rs.getArray(7).getArray()),
                            rs.getString(8)));
                }
            }
        }
        return out;
    }

    /**
     * Moves the staged rows that the table's own NOT NULL, CHECK and unique constraints would reject to
     * ferry.dead_letter; returns how many were moved.
     */
    public static long moveOwnOffenders(Connection c, TablePlan plan, String runId, String stagingId) throws SQLException {
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
        for (String[] unique : rows(c, "SELECT ic.relname, to_json(ARRAY(SELECT a.attname FROM unnest(i.indkey) "
                + "WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o))::text "
                + "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = ?::regclass "
                + "AND i.indisunique AND i.indexprs IS NULL AND i.indpred IS NULL ORDER BY ic.relname", target)) {
            List<String> cols = columnNames(unique[1]);
            if (!written.containsAll(cols)) {
                continue;
            }
            String partition = cols.stream().map(Sql::ident).collect(Collectors.joining(", "));
            String notNull = cols.stream().map(x -> Sql.ident(x) + " IS NOT NULL").collect(Collectors.joining(" AND "));
            // the first row of each duplicate group stays (in staging's physical order, i.e. the read's key order)
            moved += move(c, plan, runId, stagingId, "s.ctid IN (SELECT d.id FROM (SELECT ctid AS id, "
                    + "row_number() OVER (PARTITION BY " + partition + " ORDER BY ctid) AS rn FROM "
                    + plan.stagingTable() + " WHERE " + notNull + ") d WHERE d.rn > 1)", "23505",
                    "duplicate key value violates unique constraint \"" + unique[0] + "\"");
        }
        return moved;
    }

    /** Column names from a JSON array (a name may hold a comma). */
    private static List<String> columnNames(String json) throws SQLException {
        try {
            return List.of(new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, String[].class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("unreadable column list " + json, e);
        }
    }

    /**
     * Moves the staged rows of {@code plan} whose foreign key {@code fk} finds no parent row: in the
     * parent's staging when the parent is applied in the same transaction ({@code parentPlan}), else in
     * the parent table as it is. Returns how many were moved.
     */
    public static long moveOrphans(Connection c, TablePlan plan, TablePlan parentPlan, ForeignKey fk, String runId,
                                   String stagingId) throws SQLException {
        Set<String> written = plan.columns().stream().map(Column::name).collect(Collectors.toSet());
        if (!written.containsAll(fk.columns())) {
            return 0; // the target fills those columns itself
        }
        String parent = fk.parent();
        boolean staged = parentPlan != null && parentPlan.columns().stream().map(Column::name).collect(Collectors.toSet())
                .containsAll(fk.referencedColumns());
        if (staged && parentPlan.spec().mode().replacesWhole()) {
            parent = parentPlan.stagingTable();
        } else if (staged) { // merged: the parent keeps its rows and gains the staged ones
            parent = "(SELECT " + refList(fk) + " FROM " + parentPlan.stagingTable() + " UNION ALL SELECT " + refList(fk)
                    + " FROM " + fk.parent() + ")";
        }
        List<String> notNull = new ArrayList<>();
        List<String> match = new ArrayList<>();
        for (int i = 0; i < fk.columns().size(); i++) {
            notNull.add("s." + Sql.ident(fk.columns().get(i)) + " IS NOT NULL");
            match.add("p." + Sql.ident(fk.referencedColumns().get(i)) + " = s." + Sql.ident(fk.columns().get(i)));
        }
        String condition = String.join(" AND ", notNull) + " AND NOT EXISTS (SELECT 1 FROM " + parent + " p WHERE "
                + String.join(" AND ", match) + ")";
        return move(c, plan, runId, stagingId, condition, "23503", "violates foreign key constraint \"" + fk.name() + "\"");
    }

    private static String refList(ForeignKey fk) {
        return fk.referencedColumns().stream().map(Sql::ident).collect(Collectors.joining(", "));
    }

    private static long move(Connection c, TablePlan plan, String runId, String stagingId, String condition,
                             String sqlState, String message) throws SQLException {
        String sql = "WITH moved AS (DELETE FROM " + plan.stagingTable() + " s WHERE " + condition + " RETURNING s.*) "
                + "INSERT INTO ferry.dead_letter (run_id, table_name, staging_id, row_key, row_data, sql_state, message) "
                + "SELECT ?, ?, ?, " + (plan.keyed() ? plan.keyText(MOVED) : "NULL") + ", " + rowJson(MOVED)
                + ", ?, ? FROM moved " + MOVED;
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
