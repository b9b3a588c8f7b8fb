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
        begin(who, action, detail);
    }

    /**
     * Records an action that is about to start, and returns its id: {@link #finish} says how it ended. An action
     * of several commits (a two-way conflict resolved) is so recorded with who did it before anything is written.
     */
    public long begin(String who, String action, String detail) throws SQLException {
        try (Connection c = target.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT to_regclass('ferry.action') IS NOT NULL"); java.sql.ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (!rs.getBoolean(1)) {
                new RunLedger(target).ensureSchema(); // a ledger made before actions were recorded
            }
        }
        try (Connection c = target.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO ferry.action (who, action, detail) VALUES (?, ?, ?) RETURNING id")) {
            ps.setString(1, who);
            ps.setString(2, action);
            ps.setString(3, detail == null ? null : Redactor.redact(detail));
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Says how action {@code id} ended ({@code detail} redacted), in the caller's transaction on {@code c}. */
    public static void finish(Connection c, long id, String detail) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE ferry.action SET detail = ? WHERE id = ?")) {
            ps.setString(1, detail == null ? null : Redactor.redact(detail));
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    /** Says how action {@code id} ended, on a connection of its own. */
    public void finish(long id, String detail) throws SQLException {
        try (Connection c = target.getConnection()) {
            finish(c, id, detail);
        }
    }
}
