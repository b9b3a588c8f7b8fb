package dev.ferry.read;

import dev.ferry.db.CancellableDataSource;
import dev.ferry.db.Sql;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * The source pool as seen by a run: while a snapshot is open, every connection handed out reads in
 * that one snapshot (REPEATABLE READ, SET TRANSACTION SNAPSHOT), so parent and child tables agree. A
 * stop cancels the statements of the connections it handed out ({@link #cancelStatements()}).
 * <p>
 * A connection given back while the snapshot is open stays in its snapshot transaction, kept for the
 * next borrower (at most {@code keep} of them, and none while a thread waits for the pool): the run's
 * staging workers read table after table without setting up a snapshot for each (7 statements a
 * checkout). Each loan runs inside the savepoint taken right after the snapshot was set, and is rolled
 * back to it when given back (one statement): the locks its reads took on production tables end with the
 * loan as they did with a transaction of their own (a run never holds them all; DDL in production is not
 * blocked for the whole run), and so do its failed statements and SET LOCAL settings. The borrower's
 * {@code rollback()} or {@code commit()} of the read-only transaction ends the loan's work, not the
 * snapshot. A connection that changed its session settings, could not be rolled back to its savepoint, or
 * was taken out ({@link dev.ferry.db.Pools#discard}) goes back to the pool as before; so do all of them
 * when the snapshot closes or is renewed.
 */
public final class SnapshotDataSource extends CancellableDataSource {

    /** The savepoint every loan of a kept connection is rolled back to. */
    static final String SAVEPOINT = "ferry_snapshot";
    /** A kept connection idle longer than this is checked (as the pool checks its own) before it is lent again. */
    private static final long CHECK_IDLE_AFTER_NANOS = 500_000_000L;
    /** Connection methods that change the session or end the transaction's settings: a kept connection is then let go. */
    private static final Set<String> SPOILING = Set.of("setAutoCommit", "setTransactionIsolation", "setReadOnly",
            "setCatalog", "setSchema", "setHoldability", "setTypeMap", "setClientInfo", "setNetworkTimeout");

    private volatile String snapshotId;
    private Connection holder;
    private final int keep;
    /** Connections in the open snapshot's transaction, not lent (guarded by this). */
    private final Deque<Kept> idle = new ArrayDeque<>();

    private record Kept(Connection connection, String snapshotId, long since) {
    }

    /** Wraps the read-only source pool (autocommit off). */
    public SnapshotDataSource(DataSource source) {
        this(source, 4);
    }

    /** As above, keeping at most {@code keep} snapshot connections between borrowers (0: none). */
    public SnapshotDataSource(DataSource source, int keep) {
        super(source);
        this.keep = Math.max(0, keep);
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

    /** Ends the snapshot and returns its connection, and those kept in it, to the pool. */
    public synchronized void close() {
        snapshotId = null;
        while (!idle.isEmpty()) {
            giveBack(idle.pop().connection());
        }
        if (holder != null) {
            giveBack(holder);
            holder = null;
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        String id = snapshotId;
        if (id == null) {
            return track(obtainTargetDataSource().getConnection());
        }
        Connection c = kept(id);
        if (c == null) {
            c = obtainTargetDataSource().getConnection();
            try {
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                try (Statement s = c.createStatement()) {
                    // read-only by the pool already; said again for the transaction itself. One round trip
                    s.execute("SET TRANSACTION SNAPSHOT " + Sql.literal(id) + "; SET TRANSACTION READ ONLY"
                            + (keep > 0 ? "; SAVEPOINT " + SAVEPOINT : ""));
                }
            } catch (SQLException e) {
                c.close();
                throw e;
            }
        }
        return track(lend(c, id));
    }

    /** The pool's connection behind one lent in the snapshot (which is closed for its borrower), else {@code c}. */
    @Override
    protected Connection released(Connection c) {
        if (c != null && Proxy.isProxyClass(c.getClass()) && Proxy.getInvocationHandler(c) instanceof Lent lent) {
            lent.closed = true;
            return lent.connection;
        }
        return c;
    }

    /** A kept connection of this snapshot that still answers, or null. */
    private Connection kept(String id) {
        while (true) {
            Kept k;
            synchronized (this) {
                k = idle.poll();
            }
            if (k == null) {
                return null;
            }
            if (!k.snapshotId().equals(id)) {
                giveBack(k.connection());
                continue;
            }
            try {
                if (System.nanoTime() - k.since() < CHECK_IDLE_AFTER_NANOS || k.connection().isValid(5)) {
                    return k.connection();
                }
            } catch (SQLException ignored) {
                // gone: the next one, or a new connection
            }
            giveBack(k.connection());
        }
    }

    /**
     * Back from a borrower: rolled back to its savepoint and kept in the snapshot when it may be (nobody
     * waits for the pool, fewer than {@code keep} kept), else to the pool.
     */
    private void returned(Connection c, String id, boolean spoiled) {
        if (!spoiled && keep > 0 && id.equals(snapshotId) && !poolWaiters() && rolledBack(c)) {
            synchronized (this) {
                if (id.equals(snapshotId) && idle.size() < keep) {
                    idle.push(new Kept(c, id, System.nanoTime()));
                    return;
                }
            }
        }
        giveBack(c);
    }

    /** Whether threads wait for a connection of the pool: then a connection given back goes to them. */
    private boolean poolWaiters() {
        try {
            DataSource pool = obtainTargetDataSource();
            if (pool.isWrapperFor(HikariDataSource.class)) {
                HikariPoolMXBean bean = pool.unwrap(HikariDataSource.class).getHikariPoolMXBean();
                return bean != null && bean.getThreadsAwaitingConnection() > 0;
            }
        } catch (SQLException | RuntimeException ignored) {
            // not a Hikari pool: nobody to tell
        }
        return false;
    }

    /** Rolls the connection back to its savepoint (the loan's locks and settings end); whether it is fit to keep. */
    private static boolean rolledBack(Connection c) {
        try {
            if (c.isClosed()) {
                return false;
            }
            try (Statement s = c.createStatement()) {
                s.execute("ROLLBACK TO SAVEPOINT " + SAVEPOINT);
            }
            return c.unwrap(BaseConnection.class).getTransactionState() == TransactionState.OPEN;
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /** Whether the connection is open and inside its snapshot transaction, no statement of it failed. */
    private static boolean healthy(Connection c) {
        try {
            return !c.isClosed() && c.unwrap(BaseConnection.class).getTransactionState() == TransactionState.OPEN;
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /** Ends the connection's transaction and returns it to the pool. */
    private static void giveBack(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection may already be gone; the pool discards it
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // already closed
        }
    }

    private Connection lend(Connection c, String id) {
        return (Connection) Proxy.newProxyInstance(SnapshotDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new Lent(c, id));
    }

    /** One loan of a snapshot connection: closing it gives the connection back to the snapshot. */
    private final class Lent implements InvocationHandler {
        private final Connection connection;
        private final String snapshot;
        private volatile boolean closed;
        private volatile boolean spoiled;

        Lent(Connection connection, String snapshot) {
            this.connection = connection;
            this.snapshot = snapshot;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            switch (name) {
                case "close" -> {
                    if (!closed) {
                        closed = true;
                        returned(connection, snapshot, spoiled);
                    }
                    return null;
                }
                case "isClosed" -> {
                    return closed || connection.isClosed();
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "toString" -> {
                    return "snapshot " + snapshot + " " + connection;
                }
                default -> {
                    // the default case below
                }
            }
            if (closed) {
                throw new SQLException("connection closed (given back to the run's snapshot)", "08003");
            }
            boolean endsTransaction = (name.equals("rollback") || name.equals("commit")) && (args == null || args.length == 0);
            if (endsTransaction && !spoiled && keep > 0) {
                // read-only: nothing to undo but the loan's own work (its locks go when it is given back); a
                // failed statement is rolled back to the savepoint, so the borrower may go on; the transaction
                // holds the snapshot for the next borrower
                if (!healthy(connection)) {
                    try (Statement s = connection.createStatement()) {
                        s.execute("ROLLBACK TO SAVEPOINT " + SAVEPOINT);
                    }
                }
                return null;
            }
            if (name.equals("setAutoCommit") && Boolean.FALSE.equals(args[0]) && !connection.getAutoCommit()) {
                return null;
            }
            if (endsTransaction || SPOILING.contains(name)) {
                spoiled = true;
            }
            try {
                return method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
