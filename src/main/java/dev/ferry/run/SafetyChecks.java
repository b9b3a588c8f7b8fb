package dev.ferry.run;

import dev.ferry.db.Jdbc;
import dev.ferry.db.SqlResource;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import javax.sql.DataSource;

/**
 * Refusals before anything is written: a target that is the source (however the URL is spelled, and
 * whatever the source login may read), a target marked as production, a source pool that could
 * write; and the read-only self-test of the source login's rights.
 */
public final class SafetyChecks {

    /** A check failed: nothing may be written; the message says why and what to do. */
    public static final class Refusal extends Exception {
        public Refusal(String message) {
            super(message);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PROBE_LOCKS = SqlResource.get("sql/run/probe_locks.sql");
    private static final String WRITE_PRIVILEGES = SqlResource.get("sql/run/write_privileges.sql");
    private static final String PRODUCTION_SETTINGS = SqlResource.get("sql/run/production_settings.sql");

    private static final String GRANT_HINT = "or grant both logins EXECUTE ON FUNCTION pg_control_system(); "
            + "or point FERRY_TARGET_URL at the development database";

    private SafetyChecks() {
    }

    /** What one side says about itself; the system identifier is null when its login may not read it. */
    private record Side(String database, long databaseOid, boolean inRecovery, String systemId, String systemIdError) {
    }

    /** The advisory-lock probe: whether the source sees the target's lock, or why it proves nothing. */
    private record Probe(boolean targetLockSeen, String inconclusive) {
    }

    /**
     * Refuses a target that is the source database, or that Ferry cannot prove is not. The proof
     * needs no privileged function: a transaction-level advisory lock with a random 64-bit key is
     * taken on the target, and the source looks for it in its {@code pg_locks} (which covers the
     * whole server) in its own database; the source's own lock, taken the same way, shows that its
     * {@code pg_locks} can be trusted. Different database names, or different cluster system
     * identifiers (when both logins may read them), also prove it. A standby shows none of its
     * primary's locks: with the source in recovery only the names or the system identifiers count.
     */
    public static void targetIsNotSource(DataSource source, DataSource target) throws SQLException, Refusal {
        try (Connection s = source.getConnection(); Connection t = target.getConnection()) {
            Side src = side(s);
            Side tgt = side(t);
            if (!src.database().equals(tgt.database())) {
                return; // one database has one name, wherever it is reached from
            }
            if (src.systemId() != null && tgt.systemId() != null) {
                if (src.systemId().equals(tgt.systemId())) {
                    throw sameDatabase("same cluster system identifier and database " + src.database());
                }
                return;
            }
            String unreadable = "the system identifier is unreadable ("
                    + (src.systemId() == null ? "source: " + src.systemIdError() : "target: " + tgt.systemIdError()) + ")";
            if (src.inRecovery()) {
                throw new Refusal("cannot prove the target is not the source database: the source is a standby (in "
                        + "recovery), which shows none of its primary's locks, and " + unreadable + "; grant both logins "
                        + "EXECUTE ON FUNCTION pg_control_system(), or point FERRY_TARGET_URL at the development database");
            }
            Probe probe = probe(s, t, src.databaseOid());
            if (probe.targetLockSeen()) {
                throw sameDatabase("an advisory lock taken on the target shows in the source's pg_locks, in database "
                        + src.database());
            }
            if (probe.inconclusive() != null) {
                throw new Refusal("cannot prove the target is not the source database: " + unreadable + " and "
                        + probe.inconclusive() + "; let the source login read pg_locks (EXECUTE on pg_lock_status()), "
                        + GRANT_HINT);
            }
        }
    }

    private static Refusal sameDatabase(String evidence) {
        return new Refusal("the target is the source database (" + evidence + "): refusing to write into production; "
                + "point FERRY_TARGET_URL at the development database");
    }

    private static Side side(Connection c) throws SQLException {
        String database;
        long oid;
        boolean recovery;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT d.datname, d.oid::bigint, "
                + "pg_is_in_recovery() FROM pg_database d WHERE d.datname = current_database()")) {
            rs.next();
            database = rs.getString(1);
            oid = rs.getLong(2);
            recovery = rs.getBoolean(3);
        } finally {
            endTransaction(c);
        }
        String systemId = null;
        String error = null;
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT system_identifier::text FROM pg_control_system()")) {
            rs.next();
            systemId = rs.getString(1);
        } catch (SQLException e) {
            rethrowIfUnreachable(e);
            error = firstLine(e);
        } finally {
            endTransaction(c);
        }
        return new Side(database, oid, recovery, systemId, error);
    }

    /**
     * Takes a transaction-level advisory lock with a random key on the target and another on the
     * source, then asks the source's pg_locks for both; rolling both transactions back releases them.
     */
    private static Probe probe(Connection s, Connection t, long sourceOid) throws SQLException {
        boolean targetAutoCommit = t.getAutoCommit();
        boolean sourceAutoCommit = s.getAutoCommit();
        try {
            t.setAutoCommit(false);
            s.setAutoCommit(false);
            long targetKey = lock(t);
            long sourceKey = lock(s);
            if (targetKey == 0 || sourceKey == 0) {
                return new Probe(false, "no advisory lock could be taken for the probe");
            }
            try {
                return Jdbc.one(s, PROBE_LOCKS, rs -> rs.getBoolean(1) ? new Probe(true, null) : !rs.getBoolean(2)
                        ? new Probe(false, "the source's pg_locks does not show the source's own advisory lock")
                        : new Probe(false, null), sourceOid, targetKey >>> 32, targetKey & 0xffffffffL, sourceOid,
                        sourceKey >>> 32, sourceKey & 0xffffffffL).orElseThrow();
            } catch (SQLException e) {
                rethrowIfUnreachable(e);
                return new Probe(false, "the source login may not read pg_locks (" + firstLine(e) + ")");
            }
        } finally {
            try {
                s.rollback();
            } finally {
                t.rollback();
                s.setAutoCommit(sourceAutoCommit);
                t.setAutoCommit(targetAutoCommit);
            }
        }
    }

    /** A random key this connection's transaction now holds, or 0 when none could be taken. */
    private static long lock(Connection c) throws SQLException {
        for (int attempt = 0; attempt < 3; attempt++) {
            long key = RANDOM.nextLong();
            if (key == 0) {
                continue;
            }
            try {
                if (Jdbc.one(c, "SELECT pg_try_advisory_xact_lock(?)", rs -> rs.getBoolean(1), key).orElseThrow()) {
                    return key;
                }
            } catch (SQLException e) {
                rethrowIfUnreachable(e);
                return 0;
            }
        }
        return 0;
    }

    private static void rethrowIfUnreachable(SQLException e) throws SQLException {
        String state = e.getSQLState();
        if (state == null || state.startsWith("08") || state.startsWith("57P")) {
            throw e;
        }
    }

    private static void endTransaction(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.rollback();
        }
    }

    private static String firstLine(SQLException e) {
        String m = e.getMessage() == null ? e.getSQLState() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /**
     * Refuses a target marked as production, unless {@code allowed} names its database. The marker is
     * read where it is set, not only where it ends up: {@code ALTER DATABASE x SET ferry.role} (and
     * {@code ALTER ROLE ALL SET}) from {@code pg_db_role_setting}, every role's setting in that
     * database ({@code ALTER ROLE r IN DATABASE x SET}), the connecting role's own, and the
     * connection's current value; any of them saying production refuses, so a URL's
     * {@code options=-c ferry.role=development} or a role's setting does not turn it off. A target
     * URL matching the configured production host pattern is refused as well.
     */
    public static void targetIsNotProduction(DataSource target, String targetUrl, String hostPattern, String allowed)
            throws SQLException, Refusal {
        String database;
        List<String> marks = new ArrayList<>();
        try (Connection c = target.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT current_database(), current_setting('ferry.role', true)")) {
                rs.next();
                database = rs.getString(1);
                if (isProduction(rs.getString(2))) {
                    marks.add("the connection's ferry.role");
                }
            }
            try (ResultSet rs = s.executeQuery(PRODUCTION_SETTINGS)) {
                while (rs.next()) {
                    if (isProductionSetting(rs.getString(4))) {
                        boolean inDatabase = rs.getBoolean(1);
                        boolean ofRole = rs.getBoolean(2);
                        String role = rs.getString(3);
                        marks.add(inDatabase
                                ? (ofRole ? "ALTER ROLE " + role + " IN DATABASE " + database : "ALTER DATABASE " + database)
                                : (ofRole ? "ALTER ROLE " + role : "ALTER ROLE ALL"));
                    }
                }
            } finally {
                endTransaction(c);
            }
        }
        if (allowed != null && allowed.equals(database)) {
            return;
        }
        if (!marks.isEmpty()) {
            String where = marks.stream().distinct().map(m -> m.startsWith("ALTER") ? m + " SET ferry.role = 'production'" : m)
                    .reduce((a, b) -> a + "; " + b).orElse("");
            throw new Refusal("the target database " + database + " is marked as production (" + where + "): "
                    + "refusing to write; if this really is a development copy, pass --allow-production-target " + database);
        }
        if (hostPattern != null && !hostPattern.isBlank() && Pattern.compile(hostPattern).matcher(targetUrl).find()) {
            throw new Refusal("the target URL matches the production host pattern (ferry.safety.production-hosts): "
                    + "refusing to write; if this really is a development copy, pass --allow-production-target " + database);
        }
    }

    private static boolean isProduction(String value) {
        if (value == null) {
            return false;
        }
        String v = value.trim();
        if (v.length() >= 2 && (v.charAt(0) == '\'' || v.charAt(0) == '"') && v.charAt(v.length() - 1) == v.charAt(0)) {
            v = v.substring(1, v.length() - 1).trim();
        }
        return v.equalsIgnoreCase("production");
    }

    /** One {@code setconfig} entry, {@code name=value}: whether it says {@code ferry.role} is production. */
    static boolean isProductionSetting(String entry) {
        if (entry == null) {
            return false;
        }
        int eq = entry.indexOf('=');
        return eq > 0 && entry.substring(0, eq).trim().equalsIgnoreCase("ferry.role") && isProduction(entry.substring(eq + 1));
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

    /**
     * The read-only self-test: what the source login may write among {@code tables} (schema-qualified,
     * quoted), as {@code has_table_privilege} reports (it counts superusers and pg_write_all_data),
     * plus ownership (an owner may grant itself back what it revoked), superuser and membership of
     * pg_write_all_data. Empty when the login may only read them.
     */
    public static String sourceWriteRights(DataSource source, List<String> tables) throws SQLException {
        Map<String, List<String>> byTable = new LinkedHashMap<>();
        String login;
        List<String> roles = new ArrayList<>();
        try (Connection c = source.getConnection()) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user, "
                    + "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user), "
                    + "(SELECT pg_has_role(oid, 'MEMBER') FROM pg_roles WHERE rolname = 'pg_write_all_data')")) {
                rs.next();
                login = rs.getString(1);
                if (rs.getBoolean(2)) {
                    roles.add("superuser");
                } else if (rs.getBoolean(3)) {
                    roles.add("member of pg_write_all_data");
                }
            }
            Array names = c.createArrayOf("text", tables.toArray());
            try {
                String[] rights = {"INSERT", "UPDATE", "DELETE", "TRUNCATE"};
                for (Map.Entry<String, List<String>> table : Jdbc.list(c, WRITE_PRIVILEGES, rs -> {
                    List<String> may = new ArrayList<>();
                    for (int i = 0; i < rights.length; i++) {
                        if (rs.getBoolean(i + 2)) {
                            may.add(rights[i]);
                        }
                    }
                    if (rs.getBoolean(6)) {
                        may.add("owner");
                    }
                    return Map.entry(rs.getString(1), may);
                }, names)) {
                    if (!table.getValue().isEmpty()) {
                        byTable.put(table.getKey(), table.getValue());
                    }
                }
            } finally {
                endTransaction(c);
            }
        }
        if (byTable.isEmpty() && roles.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("the source login ").append(login).append(" may write to the synced tables (");
        List<String> parts = new ArrayList<>(roles);
        int shown = 0;
        for (Map.Entry<String, List<String>> e : byTable.entrySet()) {
            if (shown++ == 5) {
                parts.add("and " + (byTable.size() - 5) + " more tables");
                break;
            }
            parts.add(e.getKey() + ": " + String.join(", ", e.getValue()));
        }
        return out.append(String.join("; ", parts)).append(")").toString();
    }
}
