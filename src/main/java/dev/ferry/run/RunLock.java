package dev.ferry.run;

import dev.ferry.db.Jdbc;
import dev.ferry.db.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

/**
 * The run lock: a PostgreSQL session advisory lock in the target, held on a connection of its own for
 * the whole run, so two runs (two commands, two service instances) never write the same target at
 * once. If that connection is lost, the lock is taken again on a new one; if another run holds it by
 * then, this run must stop.
 */
public final class RunLock implements AutoCloseable {

    private static final long KEY = 0x46657272794c6bL; // "FerryLk"

    private final DataSource target;
    private Connection connection;

    private RunLock(DataSource target, Connection connection) {
        this.target = target;
        this.connection = connection;
    }

    /** Takes the lock, or returns null when another run holds it. */
    public static RunLock take(DataSource target) throws SQLException {
        Connection c = target.getConnection();
        try {
            if (!tryLock(c)) {
                c.close();
                return null;
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return new RunLock(target, c);
    }

    /** Whether this run still holds the lock; takes it again on a new connection if the old one died. */
    public synchronized boolean stillHeld() {
        try {
            if (connection.isValid(5)) {
                return true;
            }
        } catch (SQLException e) {
            // broken: taken again below
        }
        // the session is gone, and the lock with it: take it again. The pool may hand out another connection
        // that died with this one (terminated together, not yet validated): a transient failure is retried on
        // a fresh one; only a lock another run holds, or a failure that is not transient, means lost
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            try {
                connection = target.getConnection();
                return tryLock(connection);
            } catch (SQLException e) {
                if (!SqlErrors.isTransient(e)) {
                    return false;
                }
                try {
                    Thread.sleep(200L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    private static boolean tryLock(Connection c) throws SQLException {
        return Jdbc.one(c, "SELECT pg_try_advisory_lock(?)", rs -> rs.getBoolean(1), KEY).orElseThrow();
    }

    @Override
    public synchronized void close() {
        try {
            Jdbc.one(connection, "SELECT pg_advisory_unlock(?)", rs -> rs.getBoolean(1), KEY);
        } catch (SQLException ignored) {
            // the session is gone, and the lock with it
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // already gone
        }
    }
}
