package dev.ferry.verify;

import dev.ferry.plan.TablePlan;
import dev.ferry.plan.TableSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import dev.ferry.db.Sql;

/**
 * {@code ferry verify}: compares each table's target rows with the transformed source rows the way the sync
 * verifies that table. A full table: count and checksum over every row, leaving out the rows stored as dead
 * letters. A merge or incremental table, row by row ({@link #compareRows}): every source row must be in the
 * target with the same row hash, but for dead-lettered keys and rows the conflict strategy keeps; rows only
 * the target has are fine unless deleteMissing / propagateDeletes would delete them.
 */
public final class Verifier {

    /** Source checksums computed alongside the staging (daemon threads: never keep the JVM alive). */
    private static final java.util.concurrent.ExecutorService LATER = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ferry-checksum");
        t.setDaemon(true);
        return t;
    });

    /** {@link #source} of the whole table, computed on a thread of its own (alongside the staging). */
    public java.util.concurrent.Future<Checksum> sourceLater(TablePlan plan, Object ownerId) {
        return LATER.submit(() -> source(plan, ownerId, List.of()));
    }

    /** The comparison of one table: equal or not, and what was counted. */
    public record Result(String table, boolean equal, String detail) {
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
        List<String> setAside = deadLetterKeys(plan);
        if (plan.spec().mode().upsertsByKey()) {
            return compareRows(plan, ownerId, new java.util.HashSet<>(setAside));
        }
        Checksum actual;
        try (Connection c = target.getConnection()) {
            actual = target(c, plan);
        }
        Checksum expected = source(plan, ownerId, setAside);
        return new Result(plan.name(), expected.equals(actual), String.format(Locale.ROOT, "source %d rows, target %d rows",
                expected.rows(), actual.rows()));
    }

    /** The keys of the table's rows stored as dead letters (none when there is no ferry schema yet). */
    private List<String> deadLetterKeys(TablePlan plan) throws SQLException {
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
        return setAside;
    }

    /**
     * A merge or incremental table compared as its sync leaves it: both sides' (key, row hash) streamed in key
     * order and walked together (memory flat, as the dry run does). A source row missing from the target, or
     * there with another hash, differs unless its key is dead-lettered or the conflict strategy keeps the
     * target's row (manual: its key is in ferry.conflict; targetWins, newestWins: the target row changed since
     * Ferry wrote it, or Ferry never wrote it); a row only the target has differs only when the table's
     * deletes (deleteMissing, propagateDeletes) would remove it.
     */
    Result compareRows(TablePlan plan, Object ownerId, java.util.Set<String> deadKeys) throws SQLException {
        TableSpec spec = plan.spec();
        String owner = spec.hasOwner() ? Sql.literal(String.valueOf(ownerId)) : null;
        boolean deletes = spec.deletesRowsOnlyTargetHas();
        RowCounts n = new RowCounts(spec.conflict(), deadKeys);
        HashWalk.walk(source, RowHashSql.verifyRows(plan, true, owner, false), target,
                t -> RowHashSql.verifyRows(plan, false, null, ledger(t)), n);
        boolean equal = n.missing + n.different == 0 && (!deletes || n.targetOnly == 0);
        StringBuilder detail = new StringBuilder(String.format(Locale.ROOT, "%s: source %d rows, %d missing or different "
                + "in the target", spec.mode(), n.sourceRows, n.missing + n.different));
        if (n.kept > 0) {
            detail.append(String.format(Locale.ROOT, ", %d kept by conflict: %s", n.kept, spec.conflict()));
        }
        if (n.dead > 0) {
            detail.append(String.format(Locale.ROOT, ", %d dead-lettered (left out)", n.dead));
        }
        if (n.targetOnly > 0) {
            detail.append(String.format(Locale.ROOT, deletes ? ", %d only in the target (%s would delete them)"
                    : ", %d only in the target (kept)", n.targetOnly,
                    spec.mode().deleteOption()));
        }
        return new Result(plan.name(), equal, detail.toString());
    }

    /** The rows of a merge or incremental table as {@link #compareRows} meets them, counted. */
    private static final class RowCounts implements HashWalk.Visitor {
        private final TableSpec.Conflict conflict;
        private final java.util.Set<String> deadKeys;
        long sourceRows;
        long same;
        long missing;
        long different;
        long kept;
        long dead;
        long targetOnly;

        RowCounts(TableSpec.Conflict conflict, java.util.Set<String> deadKeys) {
            this.conflict = conflict;
            this.deadKeys = deadKeys;
        }

        @Override
        public void sourceOnly(ResultSet rs) throws SQLException {
            if (deadKeys.contains(rs.getString(3))) {
                dead++;
            } else {
                sourceRows++;
                missing++;
            }
        }

        @Override
        public void targetOnly(ResultSet rt) throws SQLException {
            if (!deadKeys.contains(rt.getString(3))) {
                targetOnly++;
            }
        }

        @Override
        public void both(ResultSet rs, ResultSet rt) throws SQLException {
            if (deadKeys.contains(rs.getString(3)) || deadKeys.contains(rt.getString(3))) {
                dead++;
            } else {
                sourceRows++;
                if (rs.getString(2).equals(rt.getString(2))) {
                    same++;
                } else if (keeps(conflict, rt.getBoolean(4), rt.getBoolean(5))) {
                    kept++;
                } else {
                    different++;
                }
            }
        }
    }

    /** Whether the strategy keeps a target row that differs from its source row (the sync leaves it as it is). */
    private static boolean keeps(TableSpec.Conflict conflict, boolean changedSinceWritten, boolean inConflict) {
        return switch (conflict) {
            case SOURCE_WINS -> false;
            case TARGET_WINS, NEWEST_WINS -> changedSinceWritten;
            case MANUAL -> inConflict;
        };
    }

    /** Whether the target has ferry.row_hash and ferry.conflict (a merge ran there). */
    private static boolean ledger(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass('ferry.row_hash') IS NOT NULL "
                + "AND to_regclass('ferry.conflict') IS NOT NULL"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /**
     * Count and checksum of the source table as the transforms would write it (owner column set to
     * {@code ownerId}), leaving out the rows whose key is in {@code setAside} (the dead letters).
     */
    public Checksum source(TablePlan plan, Object ownerId, List<String> setAside) throws SQLException {
        String owner = plan.spec().hasOwner() ? Sql.literal(String.valueOf(ownerId)) : null;
        try (Connection c = source.getConnection(); PreparedStatement ps = c.prepareStatement(RowHashSql.checksum(plan, true, owner, true))) {
            if (plan.keyed()) {
                ps.setArray(1, c.createArrayOf("text", setAside.toArray()));
            }
            return Checksum.of(ps);
        }
    }

    /** Count and checksum of the target table, on this connection (inside the apply transaction, say). */
    public static Checksum target(Connection c, TablePlan plan) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RowHashSql.checksum(plan, false, null))) {
            return Checksum.of(ps);
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
