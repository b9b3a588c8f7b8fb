package dev.ferry.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.support.TestPostgres;
import org.junit.jupiter.api.Test;

/**
 * A COPY read stopped early (a merge probe that gives up, a failed table) leaves no half-read answer on a
 * pooled connection: the next borrower's statements get their own answers.
 */
class CopyReaderIT {

    @Test
    void a_copy_read_closed_early_leaves_the_pool_usable() throws Exception {
        TestPostgres pg = TestPostgres.get();
        String db = pg.createDatabase("copyclose");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(pg.url(db));
        config.setUsername(pg.user());
        config.setPassword(pg.password());
        config.setMaximumPoolSize(1); // the next borrower gets the very connection the read used, if it is kept
        config.setAutoCommit(false);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            for (int round = 0; round < 3; round++) {
                // far more than the socket buffers hold: the server is still sending when the read stops
                try (CopyReader read = CopyReader.open(pool, "SELECT g, repeat('x', 200), g::text AS k FROM "
                        + "generate_series(1, 300000) g ORDER BY 1", true, 1000, 1L << 20, "t", null, false)) {
                    assertTrue(read.hasNext());
                    assertEquals(1000, read.next().size());
                }
                try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                    s.execute("SET TRANSACTION READ ONLY");
                    try (ResultSet rs = s.executeQuery("SELECT 41 + " + round)) {
                        rs.next();
                        assertEquals(41 + round, rs.getInt(1));
                    }
                    c.rollback();
                }
            }
        } finally {
            pg.dropDatabase(db);
        }
    }
}
