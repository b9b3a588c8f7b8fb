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
import java.util.stream.Collectors;

import dev.ferry.db.Sql;
import dev.ferry.schema.Column;

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
        String target = plan.targetRows(); // ONLY for an ordinary table: an inheritance child is a table of its own
        String staging = plan.stagingTable();
        String table = Sql.literal(plan.name());
        String newest = spec.newestColumnOrCursor();
        String conflictAction = switch (spec.conflict()) {
            case SOURCE_WINS -> "'update'";
            case TARGET_WINS -> "'keep'";
            case NEWEST_WINS -> "CASE WHEN tn IS NULL OR sn > tn THEN 'update' ELSE 'keep' END";
            case MANUAL -> "'conflict'";
        };
        String newestColumns = spec.conflict() == TableSpec.Conflict.NEWEST_WINS
                ? ", s." + Sql.ident(newest) + " AS sn, t." + Sql.ident(newest) + " AS tn" : "";
        String firstKey = Sql.ident(spec.keyColumns().get(0));
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS pg_temp.ferry_merge");
            if (wasEmpty) {
                // the target holds none of the rows Ferry wrote before: their stored hashes describe nothing
                s.execute("DELETE FROM ferry.row_hash WHERE table_name = " + table);
            }
            // few changed rows: index lookups into the target, not a scan of it (the planner needs the row
            // count and the key columns' statistics only, not every column's)
            s.execute("ANALYZE " + staging + " (" + spec.keyColumns().stream().map(Sql::ident)
                    .collect(Collectors.joining(", ")) + ")");
            // each row's hashes computed once: the staged row's, the target row's, and the one Ferry stored
            // (lt: the target row's hash in the stored hash's form, md5 for hashes stored by earlier versions)
            // a target row Ferry never wrote (no stored hash) is development's own: the strategy decides, as
            // for a row changed since Ferry wrote it (targetWins and manual keep it, as pgsync's --preserve)
            s.execute("CREATE TEMP TABLE ferry_merge ON COMMIT DROP AS SELECT k, sh, th, lh, CASE WHEN NOT present "
                    + "THEN 'insert' WHEN sh = th THEN 'same' WHEN lh = lt THEN 'update' ELSE "
                    + conflictAction + " END AS action FROM (SELECT k, sh, th, present, lh, CASE WHEN lh IS NULL OR NOT "
                    + "present THEN NULL WHEN length(lh) = 32 THEN lth ELSE th END AS lt" + (newestColumns.isEmpty() ? ""
                    : ", sn, tn") + " FROM (SELECT " + plan.keyText("s") + " AS k, " + plan.rowHash("s")
                    + " AS sh, CASE WHEN t." + firstKey + " IS NULL THEN NULL ELSE " + plan.rowHash("t") + " END AS th, t."
                    + firstKey + " IS NOT NULL AS present, h.hash AS lh, CASE WHEN length(h.hash) = 32 THEN "
                    + plan.legacyRowHash("t") + " END AS lth" + newestColumns + " FROM " + staging + " s LEFT JOIN "
                    + target + " t ON " + plan.keyJoin("t", "s") + " LEFT JOIN ferry.row_hash h ON h.table_name = " + table
                    + " AND h.row_key = " + plan.keyText("s") + ") y) x");
            long inserts = 0;
            long updates = 0;
            long conflictRows = 0;
            long unchanged = 0;
            long kept = 0;
            long unrecorded = 0;
            try (ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE action = 'insert'), count(*) FILTER (WHERE "
                    + "action = 'update'), count(*) FILTER (WHERE action = 'conflict'), count(*) FILTER (WHERE action = "
                    + "'same'), count(*) FILTER (WHERE action = 'keep'), count(*) FILTER (WHERE action = 'same' AND lh IS "
                    + "DISTINCT FROM th) FROM ferry_merge")) {
                rs.next();
                inserts = rs.getLong(1);
                updates = rs.getLong(2);
                conflictRows = rs.getLong(3);
                unchanged = rs.getLong(4);
                kept = rs.getLong(5);
                unrecorded = rs.getLong(6);
            }
            if (inserts + updates + conflictRows > 0) {
                s.execute("ANALYZE ferry_merge");
            }
            boolean identity = plan.columns().stream().anyMatch(Column::identityAlways);
            long inserted = inserts == 0 ? 0 : s.executeUpdate("INSERT INTO " + plan.targetTable() + " ("
                    + plan.columnNames() + ")" + (identity ? " OVERRIDING SYSTEM VALUE" : "") + " SELECT "
                    + prefixed("s", plan.columns()) + " FROM " + staging + " s JOIN ferry_merge m ON m.k = "
                    + plan.keyText("s") + " WHERE m.action = 'insert'");
            List<Column> settable = plan.columns().stream()
                    .filter(col -> !spec.keyColumns().contains(col.name()) && !col.identityAlways()).toList();
            long updated = updates;
            if (updates > 0 && !settable.isEmpty()) {
                updated = s.executeUpdate("UPDATE " + target + " t SET (" + settable.stream().map(col -> Sql.ident(col.name()))
                        .collect(Collectors.joining(", ")) + ") = ROW(" + prefixed("s", settable) + ") FROM " + staging
                        + " s JOIN ferry_merge m ON m.k = " + plan.keyText("s") + " WHERE " + plan.keyJoin("t", "s")
                        + " AND m.action = 'update'");
            }
            long conflicts = conflictRows == 0 ? 0 : s.executeUpdate("INSERT INTO ferry.conflict (table_name, row_key, "
                    + "run_id, source_row, target_row) SELECT " + table + ", m.k, " + Sql.literal(runId) + ", "
                    + ApplyChecks.rowJson("s") + ", " + ApplyChecks.rowJson("t") + " FROM ferry_merge m JOIN " + staging
                    + " s ON m.k = " + plan.keyText("s") + " JOIN "
                    + target + " t ON " + plan.keyJoin("t", "s") + " WHERE m.action = 'conflict' ON CONFLICT (table_name, "
                    + "row_key) DO UPDATE SET run_id = EXCLUDED.run_id, source_row = EXCLUDED.source_row, target_row = "
                    + "EXCLUDED.target_row, created_at = now()");

            String missing = null;
            if (spec.mode().isMerge() && spec.deleteMissing() && !TargetHashes.applies(plan)) {
                missing = "NOT EXISTS (SELECT 1 FROM " + staging + " s WHERE " + plan.keyJoin("s", "t") + ")";
            } else if (spec.mode().isMerge() && spec.deleteMissing()) {
                // staging holds only the changed rows: the source's keys were copied to find what it lacks
                missing = "NOT EXISTS (SELECT 1 FROM " + plan.keySetTable() + " s WHERE " + plan.keyJoin("s", "t") + ")";
            } else if (spec.mode().isIncremental() && spec.propagateDeletes()) {
                missing = "NOT EXISTS (SELECT 1 FROM " + plan.keySetTable() + " s WHERE " + plan.keyJoin("s", "t") + ")";
            }
            long deleted = 0;
            if (missing != null) {
                try (PreparedStatement ps = c.prepareStatement("WITH d AS (DELETE FROM " + target + " t WHERE " + missing
                        + " AND NOT (" + plan.keyText("t") + " = ANY (?)) RETURNING " + plan.keyText("t") + " AS k), "
                        + "h AS (DELETE FROM ferry.row_hash h USING d WHERE h.table_name = " + table + " AND h.row_key = d.k) "
                        + "SELECT count(*) FROM d")) {
                    ps.setArray(1, c.createArrayOf("text", deadKeys.toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        deleted = rs.getLong(1);
                    }
                }
            }
            // what Ferry wrote, and rows found already equal, are now "as Ferry left them"
            if (inserted + updated + unrecorded > 0) {
                s.executeUpdate("INSERT INTO ferry.row_hash (table_name, row_key, hash) SELECT " + table + ", k, "
                        + "CASE WHEN action = 'same' THEN th ELSE sh END FROM ferry_merge WHERE action IN ('insert', "
                        + "'update') OR (action = 'same' AND lh IS DISTINCT FROM th) "
                        + "ON CONFLICT (table_name, row_key) DO UPDATE SET hash = EXCLUDED.hash");
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
                // the table held nothing before: it is exactly the rows written, so count and sum of row hashes
                // (as the full sync verifies) compare it in two scans instead of a join per row
                try (ResultSet rs = s.executeQuery("SELECT (SELECT count(*) || ':' || coalesce(sum(sh::bigint), 0) FROM "
                        + "ferry_merge WHERE action IN ('insert', 'update')) = (SELECT count(*) || ':' || coalesce(sum("
                        + plan.rowHash("t") + "::bigint), 0) FROM " + plan.targetRows() + " t)")) {
                    rs.next();
                    return rs.getBoolean(1) ? 0 : effect.inserted() + effect.updated();
                }
            }
            // joined on the key columns (the target's index), not on the key's text
            return count(s, "SELECT count(*) FROM ferry_merge m JOIN " + plan.stagingTable() + " x ON m.k = "
                    + plan.keyText("x") + " JOIN " + plan.targetRows() + " t ON " + plan.keyJoin("t", "x")
                    + " WHERE m.action IN ('insert', 'update') AND " + plan.rowHash("t") + " <> m.sh");
        }
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String prefixed(String alias, List<Column> cols) {
        return cols.stream().map(col -> alias + "." + Sql.ident(col.name())).collect(Collectors.joining(", "));
    }
}
