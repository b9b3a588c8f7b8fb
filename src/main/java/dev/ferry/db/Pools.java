package dev.ferry.db;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

/** Connection pool housekeeping. */
public final class Pools {

    private Pools() {
    }

    /**
     * Takes a connection that must not be used again (its protocol state is unknown) out of the pool it came
     * from and closes it: evicted from a HikariCP pool (also through a wrapper such as
     * {@link SnapshotDataSource}), closed otherwise.
     */
    public static void discard(DataSource pool, Connection c) {
        if (pool instanceof CancellableDataSource lender) {
            c = lender.released(c); // a snapshot connection lent for one read: the pool's own connection behind it
        }
        try {
            if (pool != null && pool.isWrapperFor(HikariDataSource.class)) {
                pool.unwrap(HikariDataSource.class).evictConnection(c);
                return;
            }
        } catch (SQLException | RuntimeException ignored) {
            // closed below
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // already gone
        }
    }
}
