package dev.ferry.ops;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

import javax.sql.DataSource;

/**
 * Refusals before anything is written: a target that is the source (however the URL is spelled), a
 * target marked as production, and a source pool that could write.
 */
public final class SafetyChecks {

    /** A check failed: nothing may be written; the message says why and what to do. */
    public static final class Refusal extends Exception {
        Refusal(String message) {
            super(message);
        }
    }

    private SafetyChecks() {
    }

    /**
     * The database's identity: the cluster's system identifier (or, without the right to read it, the
     * server's address, port and start time) and the database name. Equal identities are the same database.
     */
    public static String identity(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            try {
                try (ResultSet rs = s.executeQuery(
                        "SELECT (SELECT system_identifier::text FROM pg_control_system()) || '/' || current_database()")) {
                    rs.next();
                    return rs.getString(1);
                }
            } catch (SQLException noRight) {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
                try (ResultSet rs = s.executeQuery("SELECT coalesce(host(inet_server_addr()), 'local') || ':' "
                        + "|| coalesce(inet_server_port(), 0) || '@' || pg_postmaster_start_time() || '/' || current_database()")) {
                    rs.next();
                    return rs.getString(1);
                }
            } finally {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
            }
        }
    }

    /** Refuses a target that is the source database. */
    public static void targetIsNotSource(DataSource source, DataSource target) throws SQLException, Refusal {
        if (identity(source).equals(identity(target))) {
            throw new Refusal("the target is the source database (same server and database): refusing to write into "
                    + "production; point FERRY_TARGET_URL at the development database");
        }
    }

    /**
     * Refuses a target marked as production ({@code ALTER DATABASE x SET ferry.role = 'production'}) or
     * whose URL matches the configured production host pattern, unless {@code allowed} names its database.
     */
    public static void targetIsNotProduction(DataSource target, String targetUrl, String hostPattern, String allowed)
            throws SQLException, Refusal {
        String database;
        String role;
        try (Connection c = target.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_database(), current_setting('ferry.role', true)")) {
            rs.next();
            database = rs.getString(1);
            role = rs.getString(2);
        }
        if (allowed != null && allowed.equals(database)) {
            return;
        }
        if ("production".equalsIgnoreCase(role)) {
            throw new Refusal("the target database " + database + " is marked as production (ferry.role = 'production'): "
                    + "refusing to write; if this really is a development copy, pass --allow-production-target " + database);
        }
        if (hostPattern != null && !hostPattern.isBlank() && Pattern.compile(hostPattern).matcher(targetUrl).find()) {
            throw new Refusal("the target URL matches the production host pattern (ferry.safety.production-hosts): "
                    + "refusing to write; if this really is a development copy, pass --allow-production-target " + database);
        }
    }

    /** Proves the source pool cannot write: a write attempt in it must fail. */
    public static void sourceCannotWrite(DataSource source) throws SQLException, Refusal {
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            boolean wrote;
            try {
                s.execute("CREATE TEMPORARY TABLE ferry_write_probe (x int)");
                wrote = true;
            } catch (SQLException expected) {
                wrote = false;
            } finally {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
            }
            if (wrote) {
                throw new Refusal("the source connection can write (a write probe succeeded): Ferry reads production only "
                        + "through a read-only connection; check the source pool settings");
            }
        }
    }
}
