package dev.ferry.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.support.TestPostgres;
import org.junit.jupiter.api.Test;

/**
 * Source connections kept in the run's snapshot between reads: the next read gets the same backend, still
 * in the same exported snapshot, without the locks or the failure of the read before; a new snapshot
 * never lends one of the old.
 */
class SnapshotDataSourceIT {

    @Test
    void a_kept_connection_reads_in_the_snapshot_and_holds_no_lock_of_earlier_reads() throws Exception {
        TestPostgres pg = TestPostgres.get();
        String db = pg.createDatabase("snapkeep");
        try (Connection admin = pg.connect(db); Statement a = admin.createStatement()) {
            a.execute("CREATE TABLE t (id int PRIMARY KEY)");
            a.execute("INSERT INTO t SELECT generate_series(1, 10)");
            try (HikariDataSource pool = pool(pg, db)) {
                SnapshotDataSource snapshot = new SnapshotDataSource(pool, 2);
                snapshot.open();
                a.execute("INSERT INTO t SELECT generate_series(11, 15)"); // after the snapshot: never seen
                int pid;
                try (Connection c = snapshot.getConnection()) {
                    assertEquals(10, count(c));
                    pid = pid(c);
                    c.rollback(); // the borrower ends its work: the snapshot stays for the next one
                }
                assertEquals(0, locksOn(admin, pid), "a read given back keeps no lock on the table");
                try (Connection c = snapshot.getConnection()) {
                    assertEquals(pid, pid(c), "the same connection, kept");
                    assertEquals(10, count(c), "still the run's snapshot");
                    try (Statement s = c.createStatement()) {
                        assertThrows(SQLException.class, () -> s.execute("SELECT 1 / 0"));
                    }
                }
                try (Connection c = snapshot.getConnection()) {
                    assertEquals(pid, pid(c), "a failed statement is rolled back to the savepoint, the connection kept");
                    assertEquals(10, count(c));
                }
                snapshot.open(); // renewed: no connection is lent in the old snapshot
                try (Connection c = snapshot.getConnection()) {
                    assertEquals(15, count(c));
                }
                snapshot.close();
                assertEquals(0, pool.getHikariPoolMXBean().getActiveConnections(), "every connection back in the pool");
            }
        } finally {
            pg.dropDatabase(db);
        }
    }

    private static HikariDataSource pool(TestPostgres pg, String db) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(pg.url(db));
        config.setUsername(pg.user());
        config.setPassword(pg.password());
        config.setMaximumPoolSize(4);
        config.setAutoCommit(false);
        config.setReadOnly(true);
        return new HikariDataSource(config);
    }

    private static int count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int locksOn(Connection admin, int pid) throws SQLException {
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*) FROM pg_locks WHERE pid = " + pid + " AND relation = 't'::regclass")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
