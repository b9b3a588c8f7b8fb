package dev.ferry.verify;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Row count and order-independent checksum of a table's rows. */
public record Checksum(long rows, BigDecimal sum) {

    public static Checksum of(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Checksum(rs.getLong(1), rs.getBigDecimal(2));
        }
    }
}
