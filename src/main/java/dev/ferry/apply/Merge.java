package dev.ferry.apply;

import dev.ferry.plan.TablePlan;
import dev.ferry.plan.TableSpec;
import dev.ferry.read.TargetHashes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;


/**
 * The merge and incremental apply of one table, inside the run's apply transaction. Each staged row is
 * classified against the target row with its key and the hash Ferry stored when it last wrote that
 * row (ferry.row_hash):
 * <ul>
 * <li>insert: the target has no such key;</li>
 * <li>same: the target row already equals it; nothing is written;</li>
 * <li>update: the target row differs and has not changed since Ferry wrote it;</li>
 * <li>a conflict otherwise (changed since, or never written by Ferry: no stored hash), settled by the table's strategy: sourceWins updates, targetWins keeps,
 *     newestWins compares the newest column, manual keeps and records it in ferry.conflict.</li>
 * </ul>
 * Then the deletes (merge with deleteMissing: keys not staged; incremental with propagateDeletes: keys
 * not in the source's key set), never of a row set aside as a dead letter.
 */
public final class Merge {

    /** What the merge did. */
    public record Effect(long inserted, long updated, long deleted, long unchanged, long kept, long conflicts) {

        /** Rows written (inserted, updated, deleted). */
        public long written() {
            return inserted + updated + deleted;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "inserted %d, updated %d, deleted %d, unchanged %d, kept %d, conflicts %d",
                    inserted, updated, deleted, unchanged, kept, conflicts);
        }
    }

    private Merge() {
    }

    /**
     * Merges staging into the target table; {@code deadKeys} are the keys set aside (never deleted);
     * {@code wasEmpty}: the target table holds no row (its first merge, or one after it was emptied).
     */
    public static Effect apply(Connection c, TablePlan plan, String runId, List<String> deadKeys, long skipped,
                               boolean wasEmpty) throws SQLException {
        TableSpec spec = plan.spec();
        try (Statement s = c.createStatement()) {
            s.execute(MergeSql.DROP_CLASSIFICATION);
            if (wasEmpty) {
                // the target holds none of the rows Ferry wrote before: their stored hashes describe nothing
                s.execute(MergeSql.forgetHashes(plan));
            }
            s.execute(MergeSql.analyzeStagingKeys(plan));
            s.execute(MergeSql.classify(plan));
            long inserts;
            long updates;
            long conflictRows;
            long unchanged;
            long kept;
            long unrecorded;
            try (ResultSet rs = s.executeQuery(MergeSql.COUNT_ACTIONS)) {
                rs.next();
                inserts = rs.getLong(1);
                updates = rs.getLong(2);
                conflictRows = rs.getLong(3);
                unchanged = rs.getLong(4);
                kept = rs.getLong(5);
                unrecorded = rs.getLong(6);
            }
            if (inserts + updates + conflictRows > 0) {
                s.execute(MergeSql.ANALYZE_CLASSIFICATION);
            }
            long inserted = inserts == 0 ? 0 : s.executeUpdate(MergeSql.insert(plan));
            String update = MergeSql.update(plan);
            long updated = updates > 0 && update != null ? s.executeUpdate(update) : updates;
            long conflicts = conflictRows == 0 ? 0 : s.executeUpdate(MergeSql.recordConflicts(plan, runId));

            String sourceKeys = null; // the table holding the source's keys, when the mode deletes what it lacks
            if (spec.mode().isMerge() && spec.deleteMissing()) {
                // staging holds only the changed rows when unchanged ones were skipped: the source's keys were
                // copied to find what it lacks
                sourceKeys = TargetHashes.applies(plan) ? plan.keySetTable() : plan.stagingTable();
            } else if (spec.mode().isIncremental() && spec.propagateDeletes()) {
                sourceKeys = plan.keySetTable();
            }
            long deleted = 0;
            if (sourceKeys != null) {
                try (PreparedStatement ps = c.prepareStatement(MergeSql.deleteMissing(plan, sourceKeys))) {
                    ps.setArray(1, c.createArrayOf("text", deadKeys.toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        deleted = rs.getLong(1);
                    }
                }
            }
            if (inserted + updated + unrecorded > 0) {
                s.executeUpdate(MergeSql.recordHashes(plan));
            }
            return new Effect(inserted, updated, deleted, unchanged + skipped, kept, conflicts);
        }
    }

    /**
     * Rows written by the merge that differ from their staged version (0 when the merge did what it
     * says); run before the transaction commits. {@code wasEmpty}: the table held no row before this merge
     * (then, when anything differs, every row written is counted).
     */
    public static long mismatches(Connection c, TablePlan plan, Effect effect, boolean wasEmpty) throws SQLException {
        if (effect.inserted() + effect.updated() == 0) {
            return 0;
        }
        try (Statement s = c.createStatement()) {
            if (wasEmpty) {
                // the table held nothing before: it is exactly the rows written
                try (ResultSet rs = s.executeQuery(MergeSql.writtenSumsAgree(plan))) {
                    rs.next();
                    return rs.getBoolean(1) ? 0 : effect.inserted() + effect.updated();
                }
            }
            return count(s, MergeSql.mismatches(plan));
        }
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
