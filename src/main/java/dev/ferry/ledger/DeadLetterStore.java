package dev.ferry.ledger;

import dev.ferry.db.Jdbc;
import dev.ferry.db.SqlErrors;
import dev.ferry.plan.TablePlan;
import dev.ferry.plan.TableSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.List;

import javax.sql.DataSource;

import dev.ferry.db.Sql;
import dev.ferry.schema.SchemaIntrospector;
import dev.ferry.schema.TableInfo;

/** ferry.dead_letter: rows the target rejected for good, as they were after the transforms; list, replay, purge. */
public final class DeadLetterStore {

    /** A row the target rejected, with the reason. */
    public record Rejected(java.util.Map<String, Object> row, SQLException error) {
    }

    /** One stored row. */
    public record Entry(long id, String runId, String table, String key, String sqlState, String message,
                        Timestamp createdAt) {
    }

    /** What a replay did. */
    public record Replay(int landed, int remaining) {
    }

    private final DataSource target;

    /** The store in this target database. */
    public DeadLetterStore(DataSource target) {
        this.target = target;
    }

    public static void add(Connection c, String runId, String table, String stagingId, List<Rejected> rows) throws SQLException {
        Jdbc.batch(c, "INSERT INTO ferry.dead_letter (run_id, table_name, staging_id, row_key, row_data, sql_state, "
                + "message) VALUES (?, ?, ?, ?, ?::jsonb, ?, ?)", rows, r -> {
                    Object key = r.row().get(TablePlan.KEY_FIELD);
                    return new Object[] {runId, table, stagingId, key == null ? null : String.valueOf(key),
                        RowJson.of(r.row()), SqlErrors.sqlState(r.error()),
                        SqlErrors.withoutValues(SqlErrors.message(r.error()))};
                });
    }

    /**
     * Which of these tables (their names in the ledger) have dead letters in the store, of any run or staging
     * generation: one query for a whole run, so that the per-table dead-letter queries run only for them (on most
     * nights, none).
     */
    public static java.util.Set<String> tablesWithDeadLetters(Connection c, java.util.Collection<String> tables)
            throws SQLException {
        if (tables.isEmpty()) {
            return java.util.Set.of();
        }
        return new java.util.HashSet<>(Jdbc.list(c, TABLES_WITH_DEAD_LETTERS, rs -> rs.getString(1),
                c.createArrayOf("text", tables.toArray())));
    }

    /** The tables of {@code ?} (a text array) that have dead letters in the store. */
    static final String TABLES_WITH_DEAD_LETTERS =
            "SELECT DISTINCT table_name FROM ferry.dead_letter WHERE table_name = ANY (?)";

    /**
     * Fails a table whose dead letters pass its maxDeadLetters ({@link TableSpec#deadLetterLimit(long)} of
     * {@code rowsRead}, the rows read for it in this run, resumed ones included): it must not be applied.
     * Counts the dead letters of the table's staging generation, in the apply ({@code inApply}) those its
     * checks set aside in {@code c}'s transaction too; the message names the most frequent reason.
     */
    public static void checkLimit(Connection c, TablePlan plan, String stagingId, long rowsRead, boolean inApply)
            throws TooManyDeadLettersException, SQLException {
        long limit = plan.spec().deadLetterLimit(rowsRead);
        if (limit < 0) {
            return;
        }
        record Most(long count, String reason) {
        }
        Most most = Jdbc.one(c, "SELECT sum(count(*)) OVER (), sql_state || ' ' || message FROM ferry.dead_letter "
                + "WHERE table_name = ? AND staging_id = ? GROUP BY sql_state, message ORDER BY count(*) DESC, 2 LIMIT 1",
                rs -> new Most(rs.getLong(1), rs.getString(2)), plan.name(), stagingId).orElse(new Most(0, null));
        long count = most.count();
        String reason = most.reason();
        if (count > limit) {
            String why = plan.spec().maxDeadLetters() != null ? String.valueOf(limit) : limit + ": the default, the lesser "
                    + "of 1,000 and 10% of the " + rowsRead + " rows read, at least 10";
            // in the apply, the message stands for the whole run: it names the table
            throw new TooManyDeadLettersException((inApply ? plan.name() + ": " : "") + count + " rows set aside as "
                    + "dead letters, more than maxDeadLetters (" + why + "), most for: " + reason + ". The table is not "
                    + "applied (development "
                    + "keeps it as it was); " + (inApply ? "the rows set aside while staging stay in the store" : "its dead "
                    + "letters stay in the store") + " (./ferry dead-letters list). Fix the cause, or raise "
                    + "maxDeadLetters in the table's route file (-1: no limit)");
        }
    }

    /**
     * In the apply transaction, before the table's staging is discarded: removes the dead letters of earlier
     * stagings whose rows this apply settles, so that they are no longer left out of comparisons after their
     * rows have landed. A full table is replaced from this staging: every dead letter of another staging
     * goes (this staging's own, stored with its staging id, stand for what is still rejected; a resumed run
     * keeps the staging id of the run that started it, so it is the staging id, not the run id, that tells).
     * A merge or incremental table: those of earlier stagings whose key this staging carries, or set aside
     * again. Returns how many were removed.
     */
    public static int clearSettled(Connection c, TablePlan plan, String stagingId) throws SQLException {
        if (stagingId == null) {
            return 0; // no staging generation to tell the current dead letters from the earlier ones
        }
        String others = "FROM ferry.dead_letter d WHERE d.table_name = ? AND d.staging_id IS DISTINCT FROM ?";
        if (!Jdbc.one(c, "SELECT EXISTS (SELECT 1 " + others + ")", rs -> rs.getBoolean(1), plan.name(), stagingId)
                .orElseThrow()) {
            return 0; // most nights: nothing to look for in staging
        }
        if (!plan.spec().mode().upsertsByKey()) {
            return Jdbc.update(c, "DELETE " + others, plan.name(), stagingId);
        }
        return Jdbc.update(c, "DELETE " + others + " AND d.row_key IS NOT NULL AND (EXISTS (SELECT 1 FROM "
                + plan.stagingTable() + " s WHERE " + plan.keyText("s") + " = d.row_key) OR EXISTS (SELECT 1 FROM "
                + "ferry.dead_letter n WHERE n.table_name = d.table_name AND n.staging_id = ? AND n.row_key = d.row_key))",
                plan.name(), stagingId, stagingId);
    }

    /** A table's dead letters passed its maxDeadLetters: it fails instead of being applied. */
    public static final class TooManyDeadLettersException extends Exception {
        TooManyDeadLettersException(String message) {
            super(message);
        }
    }

    /** The stored rows, oldest first; of one run when {@code runId} is given. */
    public List<Entry> list(String runId) throws SQLException {
        return list(runId, null);
    }

    /** The stored rows, oldest first; of one run and/or one table when given. */
    public List<Entry> list(String runId, String table) throws SQLException {
        if (!exists()) {
            return List.of();
        }
        String sql = ENTRIES + " WHERE (CAST(? AS text) IS NULL OR run_id = ?) AND (CAST(? AS text) IS NULL OR table_name = ?)"
                + " ORDER BY id";
        return Jdbc.with(target, c -> Jdbc.list(c, sql, ENTRY, runId, runId, table, table));
    }

    /** The stored row {@code id}, if it is still there. */
    public java.util.Optional<Entry> entry(long id) throws SQLException {
        if (!exists()) {
            return java.util.Optional.empty();
        }
        return Jdbc.with(target, c -> Jdbc.one(c, ENTRIES + " WHERE id = ?", ENTRY, id));
    }

    private static final String ENTRIES = "SELECT id, run_id, table_name, row_key, sql_state, message, created_at "
            + "FROM ferry.dead_letter";

    private static final Jdbc.Row<Entry> ENTRY = rs -> new Entry(rs.getLong(1), rs.getString(2), rs.getString(3),
            rs.getString(4), rs.getString(5), rs.getString(6), rs.getTimestamp(7));

    /**
     * Writes the stored rows again, as stored (owner and rules were applied when they were set aside),
     * each in its own savepoint: rows that land are removed from the store; the others stay with their
     * new reason. Rows whose key the table already holds are updated to the stored values.
     */
    public Replay replay(String runId) throws SQLException {
        return replay(runId, null);
    }

    /** {@link #replay(String)} of one run and/or one table when given. */
    public Replay replay(String runId, String tableName) throws SQLException {
        int landed = 0;
        int remaining = 0;
        SchemaIntrospector catalogue = new SchemaIntrospector(target);
        for (Entry e : list(runId, tableName)) {
            TableInfo table = catalogue.table(e.table()).orElse(null);
            try (Connection c = target.getConnection()) {
                c.setAutoCommit(false);
                Savepoint sp = c.setSavepoint();
                try {
                    if (table == null) {
                        throw new SQLException("table " + e.table() + " does not exist in the target", "42P01");
                    }
                    insert(c, table, e.id());
                    Jdbc.update(c, "DELETE FROM ferry.dead_letter WHERE id = ?", e.id());
                    landed++;
                } catch (SQLException failure) {
                    c.rollback(sp);
                    if (SqlErrors.isTransient(failure)) {
                        throw failure;
                    }
                    Jdbc.update(c, "UPDATE ferry.dead_letter SET sql_state = ?, message = ? WHERE id = ?",
                            SqlErrors.sqlState(failure), SqlErrors.withoutValues(SqlErrors.message(failure)), e.id());
                    remaining++;
                }
                c.commit();
            }
        }
        return new Replay(landed, remaining);
    }

    private static void insert(Connection c, TableInfo table, long id) throws SQLException {
        List<dev.ferry.schema.Column> written = table.columns().stream().filter(col -> !col.generated()).toList();
        List<String> cols = written.stream().map(col -> Sql.ident(col.name())).toList();
        String name = Sql.qualified(table.schema(), table.name());
        String list = String.join(", ", cols);
        boolean identity = table.columns().stream().anyMatch(col -> col.identityAlways());
        String conflict = table.primaryKey().isEmpty() ? "" : " ON CONFLICT (" + String.join(", ",
                table.primaryKey().stream().map(Sql::ident).toList()) + ") DO UPDATE SET ("
                + list + ") = ROW(" + String.join(", ", cols.stream().map(col -> "EXCLUDED." + col).toList()) + ")";
        // values are stored as each type's text (read that way from the source); rows stored by earlier
        // versions hold JSON-typed values, which jsonb_populate_record reads
        String values = written.stream().map(col -> {
            String field = Sql.literal(col.name());
            return "CASE WHEN jsonb_typeof(d.row_data -> " + field + ") = 'string' THEN CAST(d.row_data ->> " + field
                    + " AS " + col.type() + ") ELSE (jsonb_populate_record(NULL::" + name + ", d.row_data))."
                    + Sql.ident(col.name()) + " END";
        }).collect(java.util.stream.Collectors.joining(", "));
        String sql = "INSERT INTO " + name + " (" + list + ")" + (identity ? " OVERRIDING SYSTEM VALUE" : "")
                + " SELECT " + values + " FROM ferry.dead_letter d WHERE d.id = ?" + conflict;
        Jdbc.update(c, sql, id);
        try (Statement s = c.createStatement()) {
            for (TableInfo.SequenceUse use : table.sequences()) {
                s.execute(TablePlan.advanceSequenceSql(use, name));
            }
        }
    }

    /** Deletes stored rows (of one run, or all); returns how many. */
    public int purge(String runId) throws SQLException {
        return purge(runId, null);
    }

    /** Deletes stored rows of one run and/or one table (all when neither is given); returns how many. */
    public int purge(String runId, String table) throws SQLException {
        if (!exists()) {
            return 0;
        }
        return Jdbc.with(target, c -> Jdbc.update(c, "DELETE FROM ferry.dead_letter WHERE (CAST(? AS text) IS NULL "
                + "OR run_id = ?) AND (CAST(? AS text) IS NULL OR table_name = ?)", runId, runId, table, table));
    }

    /** The stored row's values (after owner and rules, as set aside) as JSON text, or null when it is gone. */
    public String rowData(long id) throws SQLException {
        if (!exists()) {
            return null;
        }
        return Jdbc.with(target, c -> Jdbc.one(c, "SELECT row_data::text FROM ferry.dead_letter WHERE id = ?",
                rs -> rs.getString(1), id).orElse(null));
    }

    private boolean exists() throws SQLException {
        return Jdbc.with(target, c -> Jdbc.one(c, "SELECT to_regclass('ferry.dead_letter') IS NOT NULL",
                rs -> rs.getBoolean(1)).orElseThrow());
    }
}
