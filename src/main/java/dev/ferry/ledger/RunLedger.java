package dev.ferry.ledger;

import dev.ferry.db.Jdbc;
import dev.ferry.db.Migrator;
import dev.ferry.state.Run;
import dev.ferry.state.TableResult;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;

import javax.sql.DataSource;

import dev.ferry.log.Redactor;

/** The run ledger and checkpoints in the target's {@code ferry} schema. */
public final class RunLedger {

    /** The {@code ferry} schema's versioned scripts (db/ferry/V*.sql); the lock is the one earlier versions took. */
    static final Migrator SCHEMA = new Migrator("db/ferry", "ferry", "ferry.schema");

    private final DataSource target;

    /** The ledger in this target database. */
    public RunLedger(DataSource target) {
        this.target = target;
    }

    /** Creates the {@code ferry} schema and its tables when missing, or brings them up to this version. */
    public void ensureSchema() throws SQLException {
        try (Connection c = target.getConnection()) {
            SCHEMA.migrate(c);
        }
    }

    /** Marks runs left RUNNING by a process that ended without recording them as INTERRUPTED. */
    public void interruptAbandoned() throws SQLException {
        Jdbc.with(target, c -> Jdbc.update(c, "UPDATE ferry.run SET status = 'INTERRUPTED', finished_at = now(), "
                + "error = coalesce(error, 'the process ended without recording the outcome (killed?)') "
                + "WHERE status = 'RUNNING'"));
    }

    /** Records the run as RUNNING. */
    public void begin(Run run) throws SQLException {
        Jdbc.with(target, c -> Jdbc.update(c,
                "INSERT INTO ferry.run (id, trigger, who, started_at, status, owner_id) VALUES (?, ?, ?, ?, ?, ?)",
                run.id(), run.trigger(), run.who(), Timestamp.from(run.startedAt()), Run.Status.RUNNING.name(),
                run.ownerId() == null ? null : String.valueOf(run.ownerId())));
    }

    /** Records how one table ended (or how it ends now, when recorded again). */
    static final String TABLE = "INSERT INTO ferry.run_table (run_id, table_name, mode, status, rows_read, rows_written, "
            + "rows_dead_lettered, seconds, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (run_id, table_name) DO UPDATE SET status = EXCLUDED.status, "
            + "rows_read = EXCLUDED.rows_read, rows_written = EXCLUDED.rows_written, "
            + "rows_dead_lettered = EXCLUDED.rows_dead_lettered, seconds = EXCLUDED.seconds, error = EXCLUDED.error";

    /** Records how one table ended. */
    public void table(Run run, TableResult t) throws SQLException {
        tables(run, List.of(t));
    }

    /** Records how these tables ended: one JDBC batch, in one transaction. */
    public void tables(Run run, java.util.Collection<TableResult> results) throws SQLException {
        if (results.isEmpty()) {
            return;
        }
        Jdbc.with(target, c -> {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                Jdbc.batch(c, TABLE, results, t -> new Object[] {run.id(), t.name(), t.mode(), t.status().name(), t.read(),
                    t.written(), t.deadLettered(), BigDecimal.valueOf(t.seconds()),
                    t.error() == null ? null : Redactor.redact(t.error())});
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
            return null;
        });
    }

    /** The tables of the last finished run that did not end SUCCESS (none when there was no run). */
    public List<String> notSucceededInLastRun() throws SQLException {
        try {
            return Jdbc.with(target, c -> Jdbc.list(c,
                    "SELECT t.table_name FROM ferry.run_table t WHERE t.run_id = (SELECT id FROM ferry.run "
                            + "WHERE finished_at IS NOT NULL ORDER BY started_at DESC LIMIT 1) AND t.status <> 'SUCCESS' "
                            + "ORDER BY t.table_name", rs -> rs.getString(1)));
        } catch (SQLException e) {
            if (!"3F000".equals(e.getSQLState()) && !"42P01".equals(e.getSQLState())) {
                throw e;
            }
            return new java.util.ArrayList<>();
        }
    }

    /** Records the run's outcome. */
    public void finish(Run run) throws SQLException {
        Jdbc.with(target, c -> Jdbc.update(c,
                "UPDATE ferry.run SET finished_at = ?, status = ?, error = ?, snapshots = ? WHERE id = ?",
                Timestamp.from(run.finishedAt()), run.status().name(),
                run.error() == null ? null : Redactor.redact(run.error()), run.snapshots(), run.id()));
    }
}
