package dev.ferry.read;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import dev.ferry.support.TestPostgres;
import org.junit.jupiter.api.Test;

/** The read's sum of row hashes (the source side of the verification) is exactly PostgreSQL's sum(bigint). */
class CopyBatchIT {

    @Test
    void should_sum_row_hashes_exactly_as_postgresql_does_through_every_overflow() throws Exception {
        TestPostgres pg = TestPostgres.get();
        String db = pg.createDatabase("hashsum");
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            // 64-bit hashes of 20,000 values, and the extremes many times over (the sum leaves 64 bits often)
            String hashes = "SELECT hashtextextended(g::text, 0) AS h FROM generate_series(1, 20000) g UNION ALL "
                    + "SELECT 9223372036854775807 FROM generate_series(1, 50) UNION ALL "
                    + "SELECT -9223372036854775808 FROM generate_series(1, 120)";
            CopyBatch batch = new CopyBatch();
            try (ResultSet rs = s.executeQuery(hashes)) {
                while (rs.next()) {
                    batch.addHash(rs.getLong(1));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT sum(h)::text FROM (" + hashes + ") x")) {
                rs.next();
                assertEquals(new BigInteger(rs.getString(1)), batch.hashSum());
            }
        } finally {
            pg.dropDatabase(db);
        }
        assertEquals(BigInteger.ZERO, new CopyBatch().hashSum());
    }
}
