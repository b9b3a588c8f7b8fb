package dev.ferry.read;

import dev.ferry.db.CancellableDataSource;
import dev.ferry.db.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

/**
 * The source pool as seen by a run: while a snapshot is open, every connection handed out reads in
 * that one snapshot (REPEATABLE READ, SET TRANSACTION SNAPSHOT), so parent and child tables agree. A
 * stop cancels the statements of the connections it handed out ({@link #cancelStatements()}).
 */
public final class SnapshotDataSource extends CancellableDataSource {

    private volatile String snapshotId;
    private Connection holder;

    /** Wraps the read-only source pool (autocommit off). */
    public SnapshotDataSource(DataSource source) {
        super(source);
    }

    /** Opens the run's snapshot on a connection held until {@link #close()}; returns its id. */
    public synchronized String open() throws SQLException {
        close();
        Connection c = obtainTargetDataSource().getConnection();
        try {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_export_snapshot()")) {
                rs.next();
                snapshotId = rs.getString(1);
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        holder = c;
        return snapshotId;
    }

    /** Whether the snapshot is open and its holding connection still answers. */
    public synchronized boolean isAlive() {
        try {
            return holder != null && holder.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    /** The open snapshot's id, or null. */
    public String snapshotId() {
        return snapshotId;
    }

    /** Ends the snapshot and returns its connection to the pool. */
    public synchronized void close() {
        snapshotId = null;
        if (holder != null) {
            try {
                holder.rollback();
                holder.close();
            } catch (SQLException ignored) {
                // the connection may already be gone; the pool discards it
            }
            holder = null;
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection c = track(obtainTargetDataSource().getConnection());
        String id = snapshotId;
        if (id != null) {
            try {
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                try (Statement s = c.createStatement()) {
                    s.execute("SET TRANSACTION SNAPSHOT " + Sql.literal(id));
                    // read-only by the pool already; said again for the transaction itself
                    s.execute("SET TRANSACTION READ ONLY");
                }
            } catch (SQLException e) {
                c.close();
                throw e;
            }
        }
        return c;
    }
}
