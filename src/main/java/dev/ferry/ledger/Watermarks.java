package dev.ferry.ledger;

import dev.ferry.db.Jdbc;
import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

/** ferry.watermark: per incremental table, the largest cursor value copied by its last successful run. */
public final class Watermarks {

    private Watermarks() {
    }

    /** The table's high-water mark as text, or null when no incremental run of it succeeded yet. */
    public static String get(DataSource target, String table) throws SQLException {
        return Jdbc.with(target, c -> Jdbc.one(c, "SELECT value FROM ferry.watermark WHERE table_name = ?",
                rs -> rs.getString(1), table).orElse(null));
    }

    /** Moves the mark, inside the apply transaction that wrote the rows up to it. */
    public static void set(Connection c, String table, String value, String runId) throws SQLException {
        if (value == null) {
            return;
        }
        Jdbc.update(c, "INSERT INTO ferry.watermark (table_name, value, run_id, updated_at) VALUES (?, ?, ?, now()) "
                + "ON CONFLICT (table_name) DO UPDATE SET value = EXCLUDED.value, run_id = EXCLUDED.run_id, "
                + "updated_at = now()", table, value, runId);
    }
}
