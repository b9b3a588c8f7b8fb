package dev.ferry.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * A data source that remembers the connections it hands out, so that a stop (SIGTERM, Ctrl+C, a JMX
 * cancel) can cancel whatever they are running at once: a read waiting for a lock in production ends
 * within a second instead of whenever the lock goes.
 */
public class CancellableDataSource extends DelegatingDataSource {

    /** Connections handed out and not yet seen closed (weakly held: a forgotten one is not kept alive). */
    private final Map<Connection, Boolean> open = Collections.synchronizedMap(new WeakHashMap<>());

    /** Tracks the connections of this data source. */
    public CancellableDataSource(DataSource delegate) {
        super(delegate);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return track(super.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return track(super.getConnection(username, password));
    }

    /** Remembers a connection handed out (and forgets those closed since). */
    protected final Connection track(Connection c) {
        synchronized (open) {
            open.keySet().removeIf(CancellableDataSource::closed);
            open.put(c, Boolean.TRUE);
        }
        return c;
    }

    /**
     * The pool's own connection behind {@code c}, one this data source handed out and that is now taken out
     * of use for good ({@link Pools#discard}); {@code c} itself unless a subclass lends wrappers.
     */
    protected Connection released(Connection c) {
        return c;
    }

    /**
     * Asks the server to cancel the statement each open connection is running (PostgreSQL's cancel
     * request, from this thread); idle connections are not affected. Returns how many were asked.
     */
    public int cancelStatements() {
        List<Connection> running;
        synchronized (open) {
            running = new ArrayList<>(open.keySet());
        }
        int n = 0;
        for (Connection c : running) {
            if (closed(c)) {
                continue;
            }
            try {
                c.unwrap(PGConnection.class).cancelQuery();
                n++;
            } catch (SQLException | RuntimeException ignored) {
                // closed meanwhile, or the server is gone: nothing to cancel
            }
        }
        return n;
    }

    private static boolean closed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }
}
