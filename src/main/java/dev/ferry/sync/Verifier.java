package dev.ferry.sync;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import dev.ferry.db.Sql;

/**
 * {@code ferry verify}: compares each table's target rows with the transformed source rows (count and
 * checksum over every row), leaving out the rows stored as dead letters.
 */
public final class Verifier {

    /** The comparison of one table. */
    public record Result(String table, TableSync.Checksum source, TableSync.Checksum target) {
        public boolean equal() {
            return source.equals(target);
        }
    }

    private final DataSource source;
    private final DataSource target;

    /** Compares {@code source} (read in the run's snapshot) with {@code target}. */
    public Verifier(DataSource source, DataSource target) {
        this.source = source;
        this.target = target;
    }

    /** Compares one planned table, with the owner column taken as {@code ownerId}. */
    public Result compare(TablePlan plan, Object ownerId) throws SQLException {
        List<String> setAside = new ArrayList<>();
        try (Connection c = target.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT row_key FROM ferry.dead_letter WHERE table_name = ? AND row_key IS NOT NULL")) {
            ps.setString(1, plan.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    setAside.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            if (!"42P01".equals(e.getSQLState())) { // no ferry schema yet: nothing set aside
                throw e;
            }
        }
        TableSync.Checksum actual;
        try (Connection c = target.getConnection()) {
            actual = target(c, plan);
        }
        return new Result(plan.name(), source(plan, ownerId, setAside), actual);
    }

    /**
     * Count and checksum of the source table as the transforms would write it (owner column set to
     * {@code ownerId}), leaving out the rows whose key is in {@code setAside} (the dead letters).
     */
    public TableSync.Checksum source(TablePlan plan, Object ownerId, List<String> setAside) throws SQLException {
        String owner = plan.spec().hasOwner() ? Sql.literal(String.valueOf(ownerId)) : null;
        try (Connection c = source.getConnection(); PreparedStatement ps = c.prepareStatement(plan.checksumSql(true, owner, true))) {
            if (plan.keyed()) {
                ps.setArray(1, c.createArrayOf("text", setAside.toArray()));
            }
            return TableSync.Checksum.of(ps);
        }
    }

    /** Count and checksum of the target table, on this connection (inside the apply transaction, say). */
    public static TableSync.Checksum target(Connection c, TablePlan plan) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(plan.checksumSql(false, null))) {
            return TableSync.Checksum.of(ps);
        }
    }

    /** The owner id of the last successful run recorded in the target's ledger, or null. */
    public String lastOwner() throws SQLException {
        try (Connection c = target.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT owner_id FROM ferry.run WHERE status IN ('SUCCESS', 'PARTIAL') ORDER BY started_at DESC LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return null;
            }
            throw e;
        }
    }
}
