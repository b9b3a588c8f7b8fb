package dev.ferry.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import javax.sql.DataSource;

import dev.ferry.log.Redactor;

/**
 * ferry.action: who replayed or purged dead letters, resolved a conflict or asked for a dry run, through the
 * status page, its API or the command line (runs themselves are in ferry.run with their trigger and who).
 */
public final class ActionLog {

    private final DataSource target;

    /** The log in this target database. */
    public ActionLog(DataSource target) {
        this.target = target;
    }

    /** Records one action ({@code detail} redacted). */
    public void record(String who, String action, String detail) throws SQLException {
        try (Connection c = target.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT to_regclass('ferry.action') IS NOT NULL"); java.sql.ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (!rs.getBoolean(1)) {
                new RunLedger(target).ensureSchema(); // a ledger made before actions were recorded
            }
        }
        try (Connection c = target.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO ferry.action (who, action, detail) VALUES (?, ?, ?)")) {
            ps.setString(1, who);
            ps.setString(2, action);
            ps.setString(3, detail == null ? null : Redactor.redact(detail));
            ps.executeUpdate();
        }
    }
}
