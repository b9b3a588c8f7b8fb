package dev.ferry.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

/** ferry.watermark: per incremental table, the largest cursor value copied by its last successful run. */
public final class Watermarks {

    private Watermarks() {
    }

    /** The table's high-water mark as text, or null when no incremental run of it succeeded yet. */
    public static String get(DataSource target, String table) throws SQLException {
        try (Connection c = target.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT value FROM ferry.watermark WHERE table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Moves the mark, inside the apply transaction that wrote the rows up to it. */
    public static void set(Connection c, String table, String value, String runId) throws SQLException {
        if (value == null) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ferry.watermark (table_name, value, run_id, updated_at) "
                + "VALUES (?, ?, ?, now()) ON CONFLICT (table_name) DO UPDATE SET value = EXCLUDED.value, "
                + "run_id = EXCLUDED.run_id, updated_at = now()")) {
            ps.setString(1, table);
            ps.setString(2, value);
            ps.setString(3, runId);
            ps.executeUpdate();
        }
    }
}
