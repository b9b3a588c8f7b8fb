package dev.ferry.ledger;

import dev.ferry.state.Run;
import dev.ferry.state.TableResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;

import javax.sql.DataSource;

import dev.ferry.log.Redactor;

/** The run ledger and checkpoints in the target's {@code ferry} schema. */
public final class RunLedger {

    private static final String[] DDL = {
        "CREATE SCHEMA IF NOT EXISTS ferry",
        "CREATE TABLE IF NOT EXISTS ferry.run (id text PRIMARY KEY, trigger text NOT NULL, who text, "
                + "started_at timestamptz NOT NULL, finished_at timestamptz, status text NOT NULL, error text, "
                + "owner_id text, snapshots int NOT NULL DEFAULT 1)",
        "CREATE TABLE IF NOT EXISTS ferry.run_table (run_id text NOT NULL REFERENCES ferry.run (id) ON DELETE CASCADE, "
                + "table_name text NOT NULL, mode text NOT NULL, status text NOT NULL, rows_read bigint NOT NULL, "
                + "rows_written bigint NOT NULL, rows_dead_lettered bigint NOT NULL, seconds numeric NOT NULL, error text, "
                + "PRIMARY KEY (run_id, table_name))",
        // one row per table being staged; written in the same transaction as the batch it covers
        "CREATE TABLE IF NOT EXISTS ferry.checkpoint (table_name text PRIMARY KEY, run_id text NOT NULL, "
                + "fingerprint text NOT NULL, last_key text, rows_staged bigint NOT NULL, updated_at timestamptz NOT NULL, "
                + "staging_id text)",
        // ledgers made by earlier versions of Ferry
        "ALTER TABLE ferry.run ADD COLUMN IF NOT EXISTS owner_id text",
        "ALTER TABLE ferry.run ADD COLUMN IF NOT EXISTS snapshots int NOT NULL DEFAULT 1",
        "ALTER TABLE ferry.checkpoint ADD COLUMN IF NOT EXISTS staging_id text",
        // incremental tables: the largest cursor value copied by the last successful run
        "CREATE TABLE IF NOT EXISTS ferry.watermark (table_name text PRIMARY KEY, value text NOT NULL, run_id text, "
                + "updated_at timestamptz NOT NULL)",
        // merge and incremental: the hash of each row as Ferry last wrote it (a target change since shows as a conflict)
        "CREATE TABLE IF NOT EXISTS ferry.row_hash (table_name text NOT NULL, row_key text NOT NULL, hash text NOT NULL, "
                + "PRIMARY KEY (table_name, row_key))",
        // conflicts left to a person (conflict: manual), the latest per row
        "CREATE TABLE IF NOT EXISTS ferry.conflict (table_name text NOT NULL, row_key text NOT NULL, run_id text NOT NULL, "
                + "source_row jsonb NOT NULL, target_row jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), "
                + "PRIMARY KEY (table_name, row_key))",
        // natural keys: which target id each source id became
        "CREATE TABLE IF NOT EXISTS ferry.id_map (table_name text NOT NULL, source_id text NOT NULL, target_id text NOT NULL, "
                + "run_id text, PRIMARY KEY (table_name, source_id))",
        // rows the target rejected for good, as they were after the transforms (never the raw source row)
        "CREATE TABLE IF NOT EXISTS ferry.dead_letter (id bigserial PRIMARY KEY, run_id text NOT NULL, "
                + "table_name text NOT NULL, staging_id text, row_key text, row_data jsonb NOT NULL, sql_state text, "
                + "message text, created_at timestamptz NOT NULL DEFAULT now())",
    };

    private final DataSource target;

    /** The ledger in this target database. */
    public RunLedger(DataSource target) {
        this.target = target;
    }

    /** Creates the {@code ferry} schema and its tables when missing. */
    public void ensureSchema() throws SQLException {
        try (Connection c = target.getConnection(); Statement s = c.createStatement()) {
            // concurrent first runs may race on CREATE ... IF NOT EXISTS; an advisory lock orders them
            s.execute("SELECT pg_advisory_lock(hashtext('ferry.schema'))");
            try {
                for (String ddl : DDL) {
                    s.execute(ddl);
                }
            } finally {
                s.execute("SELECT pg_advisory_unlock(hashtext('ferry.schema'))");
            }
        }
    }

    /** Marks runs left RUNNING by a process that ended without recording them as INTERRUPTED. */
    public void interruptAbandoned() throws SQLException {
        try (Connection c = target.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE ferry.run SET status = 'INTERRUPTED', finished_at = now(), "
                    + "error = coalesce(error, 'the process ended without recording the outcome (killed?)') "
                    + "WHERE status = 'RUNNING'");
        }
    }

    /** Records the run as RUNNING. */
    public void begin(Run run) throws SQLException {
        try (Connection c = target.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO ferry.run (id, trigger, who, started_at, status, owner_id) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, run.id());
            ps.setString(2, run.trigger());
            ps.setString(3, run.who());
            ps.setTimestamp(4, Timestamp.from(run.startedAt()));
            ps.setString(5, Run.Status.RUNNING.name());
            ps.setString(6, run.ownerId() == null ? null : String.valueOf(run.ownerId()));
            ps.executeUpdate();
        }
    }

    /** Records how one table ended. */
    public void table(Run run, TableResult t) throws SQLException {
        try (Connection c = target.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO ferry.run_table (run_id, table_name, mode, status, rows_read, rows_written, "
                        + "rows_dead_lettered, seconds, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (run_id, table_name) DO UPDATE SET status = EXCLUDED.status, "
                        + "rows_read = EXCLUDED.rows_read, rows_written = EXCLUDED.rows_written, "
                        + "rows_dead_lettered = EXCLUDED.rows_dead_lettered, seconds = EXCLUDED.seconds, error = EXCLUDED.error")) {
            ps.setString(1, run.id());
            ps.setString(2, t.name());
            ps.setString(3, t.mode());
            ps.setString(4, t.status().name());
            ps.setLong(5, t.read());
            ps.setLong(6, t.written());
            ps.setLong(7, t.deadLettered());
            ps.setBigDecimal(8, java.math.BigDecimal.valueOf(t.seconds()));
            ps.setString(9, t.error() == null ? null : Redactor.redact(t.error()));
            ps.executeUpdate();
        }
    }

    /** The tables of the last finished run that did not end SUCCESS (none when there was no run). */
    public java.util.List<String> notSucceededInLastRun() throws SQLException {
        java.util.List<String> tables = new java.util.ArrayList<>();
        try (Connection c = target.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT t.table_name FROM ferry.run_table t WHERE t.run_id = (SELECT id FROM ferry.run "
                        + "WHERE finished_at IS NOT NULL ORDER BY started_at DESC LIMIT 1) AND t.status <> 'SUCCESS' "
                        + "ORDER BY t.table_name")) {
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            if (!"3F000".equals(e.getSQLState()) && !"42P01".equals(e.getSQLState())) {
                throw e;
            }
        }
        return tables;
    }

    /** Records the run's outcome. */
    public void finish(Run run) throws SQLException {
        try (Connection c = target.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE ferry.run SET finished_at = ?, status = ?, error = ?, snapshots = ? WHERE id = ?")) {
            ps.setTimestamp(1, Timestamp.from(run.finishedAt()));
            ps.setString(2, run.status().name());
            ps.setString(3, run.error() == null ? null : Redactor.redact(run.error()));
            ps.setInt(4, run.snapshots());
            ps.setString(5, run.id());
            ps.executeUpdate();
        }
    }
}
