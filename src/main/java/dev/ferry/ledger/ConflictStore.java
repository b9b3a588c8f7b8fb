package dev.ferry.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import dev.ferry.db.Sql;
import dev.ferry.schema.Column;
import dev.ferry.schema.SchemaIntrospector;
import dev.ferry.schema.TableInfo;

/**
 * ferry.conflict: rows a {@code conflict: manual} table left as development had them. Lists them with both
 * versions, and resolves one: keep development's (the record goes, the row stays) or keep production's (the
 * row takes production's values, as the run staged them: owner and rules applied).
 */
public final class ConflictStore {

    /** Which version a resolution keeps. */
    public enum Keep {
        SOURCE, TARGET;

        /** {@code source}/{@code production} or {@code target}/{@code development}, any case; null otherwise. */
        public static Keep of(String word) {
            if (word == null) {
                return null;
            }
            return switch (word.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "source", "production" -> SOURCE;
                case "target", "development" -> TARGET;
                default -> null;
            };
        }
    }

    /** One conflict: both versions as JSON text and the columns whose values differ. */
    public record Entry(long id, String table, String key, String runId, Instant createdAt, String sourceRow,
                        String targetRow, List<String> differing) {
    }

    /** A conflict that cannot be resolved as asked; the message says why and what to do. */
    public static final class CannotResolve extends Exception {
        public CannotResolve(String message) {
            super(message);
        }
    }

    private final DataSource target;

    /** The store in this target database. */
    public ConflictStore(DataSource target) {
        this.target = target;
    }

    /** The conflicts, by table and key; of one table when {@code table} is given. */
    public List<Entry> list(String table) throws SQLException {
        return query("WHERE CAST(? AS text) IS NULL OR table_name = ? ORDER BY table_name, row_key", table, table);
    }

    /** The conflict with this id, or null. */
    public Entry get(long id) throws SQLException {
        List<Entry> found = query("WHERE id = ?", id);
        return found.isEmpty() ? null : found.get(0);
    }

    private List<Entry> query(String where, Object... parameters) throws SQLException {
        if (!ready()) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        try (Connection c = target.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT id, table_name, "
                + "row_key, run_id, created_at, source_row::text, target_row::text, ARRAY(SELECT e.key FROM "
                + "jsonb_each(source_row) e WHERE target_row -> e.key IS NOT NULL AND e.value IS DISTINCT FROM target_row -> e.key "
                + "ORDER BY e.key) FROM ferry.conflict " + where)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String[] differing = (String[]) rs.getArray(8).getArray();
                    out.add(new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getTimestamp(5).toInstant(), rs.getString(6), rs.getString(7), List.of(differing)));
                }
            }
        }
        return out;
    }

    /**
     * Resolves conflict {@code id}. Keeping production's version writes its values into the development row,
     * but only while that row is still as the conflict recorded it (else CannotResolve: run the table again);
     * columns only development has, generated and identity columns keep their values. Either way the record
     * goes. Returns the resolved entry.
     */
    public Entry resolve(long id, Keep keep) throws SQLException, CannotResolve {
        Entry entry = get(id);
        if (entry == null) {
            throw new CannotResolve("no conflict " + id + " (./ferry conflicts lists them)");
        }
        try (Connection c = target.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (keep == Keep.SOURCE) {
                    writeSource(c, entry);
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM ferry.conflict WHERE id = ?")) {
                    ps.setLong(1, id);
                    if (ps.executeUpdate() != 1) {
                        throw new CannotResolve("conflict " + id + " was resolved or recorded again meanwhile");
                    }
                }
                c.commit();
            } catch (SQLException | CannotResolve | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        return entry;
    }

    private void writeSource(Connection c, Entry entry) throws SQLException, CannotResolve {
        TableInfo table = new SchemaIntrospector(target).table(entry.table()).orElseThrow(() ->
                new CannotResolve("table " + entry.table() + " does not exist in the development database"));
        String name = Sql.qualified(table.schema(), table.name());
        List<String> fields = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT jsonb_object_keys(source_row) FROM ferry.conflict "
                + "WHERE id = ?")) {
            ps.setLong(1, entry.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    fields.add(rs.getString(1));
                }
            }
        }
        List<Column> set = table.columns().stream().filter(col -> !col.generated() && !col.identityAlways()
                && fields.contains(col.name())).toList();
        if (set.isEmpty()) {
            throw new CannotResolve("production's version of " + entry.table() + " " + entry.key()
                    + " shares no column with the development table");
        }
        // the staging row as JSON (to_jsonb of the target's column types), read back as a row of the table
        String sql = "UPDATE " + name + " t SET (" + set.stream().map(col -> Sql.ident(col.name()))
                .collect(Collectors.joining(", ")) + ") = ROW(" + set.stream().map(col -> "r." + Sql.ident(col.name()))
                .collect(Collectors.joining(", ")) + ") FROM ferry.conflict x, jsonb_populate_record(NULL::" + name
                + ", x.source_row) r WHERE x.id = ? AND to_jsonb(t.*) = x.target_row";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, entry.id());
            int rows = ps.executeUpdate();
            if (rows != 1) {
                throw new CannotResolve("the development row " + entry.table() + " " + entry.key() + " changed (or went) "
                        + "since run " + entry.runId() + " recorded the conflict: nothing was written; run the table "
                        + "again to record the conflict afresh");
            }
        }
    }

    /** Whether ferry.conflict exists with its id column (a ledger of an earlier version gets it now). */
    private boolean ready() throws SQLException {
        try (Connection c = target.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT to_regclass('ferry.conflict') IS NOT NULL, EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = "
                        + "to_regclass('ferry.conflict') AND attname = 'id' AND NOT attisdropped)")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return false;
            }
            if (!rs.getBoolean(2)) {
                new RunLedger(target).ensureSchema();
            }
            return true;
        }
    }
}
