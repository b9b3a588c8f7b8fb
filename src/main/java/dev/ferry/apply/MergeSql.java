package dev.ferry.apply;

import java.util.List;
import java.util.stream.Collectors;

import dev.ferry.db.Sql;
import dev.ferry.plan.TablePlan;
import dev.ferry.plan.TableSpec;
import dev.ferry.schema.Column;
import dev.ferry.verify.RowHashSql;

/**
 * The merge's SQL ({@link Merge}), as pure functions of a plan: staged rows classified once into the temporary
 * table ferry_merge (k: the key as text; sh, th, lh: the staged row's hash, the target row's, the one Ferry
 * stored; action: insert, same, update, keep or conflict), then the writes, each joined to that classification.
 */
public final class MergeSql {

    /** The classification of an earlier merge in this transaction, if any. */
    static final String DROP_CLASSIFICATION = "DROP TABLE IF EXISTS pg_temp.ferry_merge";

    /** Rows per action: insert, update, conflict, same, keep, and same rows whose stored hash is not their own. */
    static final String COUNT_ACTIONS = "SELECT count(*) FILTER (WHERE action = 'insert'), count(*) FILTER (WHERE "
            + "action = 'update'), count(*) FILTER (WHERE action = 'conflict'), count(*) FILTER (WHERE action = "
            + "'same'), count(*) FILTER (WHERE action = 'keep'), count(*) FILTER (WHERE action = 'same' AND lh IS "
            + "DISTINCT FROM th) FROM ferry_merge";

    /** Statistics of the classification, for the writes' joins. */
    static final String ANALYZE_CLASSIFICATION = "ANALYZE ferry_merge";

    private MergeSql() {
    }

    /** Forgets the hashes Ferry stored for the table's rows (the target holds none of them any more). */
    static String forgetHashes(TablePlan plan) {
        return "DELETE FROM ferry.row_hash WHERE table_name = " + Sql.literal(plan.name());
    }

    /**
     * Statistics of staging's key columns only: few changed rows are then looked up through the target's index,
     * not found by a scan of it (the planner needs the row count and the keys' statistics, not every column's).
     */
    static String analyzeStagingKeys(TablePlan plan) {
        return "ANALYZE " + plan.stagingTable() + " (" + plan.spec().keyColumns().stream().map(Sql::ident)
                .collect(Collectors.joining(", ")) + ")";
    }

    /**
     * Classifies every staged row, each row's hashes computed once: the staged row's, the target row's, and the
     * one Ferry stored (lt: the target row's hash in the stored hash's form, md5 for hashes stored by earlier
     * versions). A target row Ferry never wrote (no stored hash) is development's own: the conflict strategy
     * decides, as for a row changed since Ferry wrote it (targetWins and manual keep it, as pgsync's --preserve).
     */
    static String classify(TablePlan plan) {
        TableSpec spec = plan.spec();
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
        return "CREATE TEMP TABLE ferry_merge ON COMMIT DROP AS SELECT k, sh, th, lh, CASE WHEN NOT present "
                + "THEN 'insert' WHEN sh = th THEN 'same' WHEN lh = lt THEN 'update' ELSE "
                + conflictAction + " END AS action FROM (SELECT k, sh, th, present, lh, CASE WHEN lh IS NULL OR NOT "
                + "present THEN NULL WHEN length(lh) = 32 THEN lth ELSE th END AS lt" + (newestColumns.isEmpty() ? ""
                : ", sn, tn") + " FROM (SELECT " + plan.keyText("s") + " AS k, " + RowHashSql.rowHash(plan, "s")
                + " AS sh, CASE WHEN t." + firstKey + " IS NULL THEN NULL ELSE " + RowHashSql.rowHash(plan, "t")
                + " END AS th, t." + firstKey + " IS NOT NULL AS present, h.hash AS lh, CASE WHEN length(h.hash) = 32 THEN "
                + RowHashSql.legacyRowHash(plan, "t") + " END AS lth" + newestColumns + " FROM " + plan.stagingTable()
                + " s LEFT JOIN " + plan.targetRows() + " t ON " + plan.keyJoin("t", "s")
                + " LEFT JOIN ferry.row_hash h ON h.table_name = " + Sql.literal(plan.name())
                + " AND h.row_key = " + plan.keyText("s") + ") y) x";
    }

    /** Inserts the staged rows classified insert. */
    static String insert(TablePlan plan) {
        return ApplySql.insertInto(plan) + " SELECT " + prefixed("s", plan.columns()) + " FROM "
                + plan.stagingTable() + " s JOIN ferry_merge m ON m.k = " + plan.keyText("s") + " WHERE m.action = 'insert'";
    }

    /**
     * Updates the target rows classified update with their staged values (every column but the key and identity
     * columns); null when the table has no other column (nothing to set).
     */
    static String update(TablePlan plan) {
        List<Column> settable = plan.columns().stream()
                .filter(col -> !plan.spec().keyColumns().contains(col.name()) && !col.identityAlways()).toList();
        if (settable.isEmpty()) {
            return null;
        }
        return "UPDATE " + plan.targetRows() + " t SET (" + settable.stream().map(col -> Sql.ident(col.name()))
                .collect(Collectors.joining(", ")) + ") = ROW(" + prefixed("s", settable) + ") FROM " + plan.stagingTable()
                + " s JOIN ferry_merge m ON m.k = " + plan.keyText("s") + " WHERE " + plan.keyJoin("t", "s")
                + " AND m.action = 'update'";
    }

    /** Records the rows classified conflict (both versions, as JSON) in ferry.conflict, replacing older records. */
    static String recordConflicts(TablePlan plan, String runId) {
        return "INSERT INTO ferry.conflict (table_name, row_key, run_id, source_row, target_row) SELECT "
                + Sql.literal(plan.name()) + ", m.k, " + Sql.literal(runId) + ", " + ApplyChecks.rowJson("s") + ", "
                + ApplyChecks.rowJson("t") + " FROM ferry_merge m JOIN " + plan.stagingTable() + " s ON m.k = "
                + plan.keyText("s") + " JOIN " + plan.targetRows() + " t ON " + plan.keyJoin("t", "s")
                + " WHERE m.action = 'conflict' ON CONFLICT (table_name, row_key) DO UPDATE SET run_id = EXCLUDED.run_id, "
                + "source_row = EXCLUDED.source_row, target_row = EXCLUDED.target_row, created_at = now()";
    }

    /**
     * Deletes the target rows whose key {@code sourceKeys} (staging, or the source's key set) lacks, but those
     * whose key is in the text array {@code ?} (set aside as dead letters), with their stored hashes; one row:
     * how many were deleted.
     */
    static String deleteMissing(TablePlan plan, String sourceKeys) {
        return "WITH d AS (DELETE FROM " + plan.targetRows() + " t WHERE NOT EXISTS (SELECT 1 FROM " + sourceKeys
                + " s WHERE " + plan.keyJoin("s", "t") + ") AND NOT (" + plan.keyText("t") + " = ANY (?)) RETURNING "
                + plan.keyText("t") + " AS k), h AS (DELETE FROM ferry.row_hash h USING d WHERE h.table_name = "
                + Sql.literal(plan.name()) + " AND h.row_key = d.k) SELECT count(*) FROM d";
    }

    /** What Ferry wrote, and rows found already equal, are now "as Ferry left them": their hashes stored. */
    static String recordHashes(TablePlan plan) {
        return "INSERT INTO ferry.row_hash (table_name, row_key, hash) SELECT " + Sql.literal(plan.name()) + ", k, "
                + "CASE WHEN action = 'same' THEN th ELSE sh END FROM ferry_merge WHERE action IN ('insert', "
                + "'update') OR (action = 'same' AND lh IS DISTINCT FROM th) "
                + "ON CONFLICT (table_name, row_key) DO UPDATE SET hash = EXCLUDED.hash";
    }

    /**
     * Whether the target table, which held no row before the merge, is exactly the rows written: count and sum
     * of row hashes (as the full sync verifies) compared in two scans instead of a join per row.
     */
    static String writtenSumsAgree(TablePlan plan) {
        return "SELECT (SELECT count(*) || ':' || coalesce(sum(sh::bigint), 0) FROM ferry_merge WHERE action IN "
                + "('insert', 'update')) = (SELECT count(*) || ':' || coalesce(sum(" + RowHashSql.rowHash(plan, "t")
                + "::bigint), 0) FROM " + plan.targetRows() + " t)";
    }

    /** Rows written that differ from their staged version, joined on the key columns (the target's index). */
    static String mismatches(TablePlan plan) {
        return "SELECT count(*) FROM ferry_merge m JOIN " + plan.stagingTable() + " x ON m.k = " + plan.keyText("x")
                + " JOIN " + plan.targetRows() + " t ON " + plan.keyJoin("t", "x")
                + " WHERE m.action IN ('insert', 'update') AND " + RowHashSql.rowHash(plan, "t") + " <> m.sh";
    }

    private static String prefixed(String alias, List<Column> cols) {
        return cols.stream().map(col -> alias + "." + Sql.ident(col.name())).collect(Collectors.joining(", "));
    }
}
