package dev.ferry.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import dev.ferry.plan.TablePlan;
import dev.ferry.support.Plans;
import org.junit.jupiter.api.Test;

/**
 * The merge's SQL pinned for the six plan shapes of {@link Plans}, no database: the classification, the
 * writes joined to it, the deletes, and (for a table without a key, which only a full load takes) the
 * full load from staging.
 */
class MergeSqlTest {

    /** The head of the classification under sourceWins: a changed row Ferry wrote, or any other, is updated. */
    private static final String SOURCE_WINS = "CREATE TEMP TABLE ferry_merge ON COMMIT DROP AS SELECT k, sh, th, lh, "
            + "CASE WHEN NOT present THEN 'insert' WHEN sh = th THEN 'same' WHEN lh = lt THEN 'update' ELSE 'update' "
            + "END AS action FROM (SELECT k, sh, th, present, lh, CASE WHEN lh IS NULL OR NOT present ";

    @Test
    void should_pin_a_one_column_key() {
        TablePlan plan = Plans.oneColumnKey();
        String hashS = "hashtextextended(hash_record_extended(ROW(s.\"id\", s.\"title\" COLLATE \"C\", "
                + "(s.\"price\")::text COLLATE \"C\", s.\"published\"), 0)::text, 0)";
        String hashT = "hashtextextended(hash_record_extended(ROW(t.\"id\", t.\"title\" COLLATE \"C\", "
                + "(t.\"price\")::text COLLATE \"C\", t.\"published\"), 0)::text, 0)";
        assertEquals(SOURCE_WINS + "THEN NULL WHEN length(lh) = 32 THEN lth ELSE th END AS lt FROM "
                + "(SELECT s.\"id\"::text AS k, "
                + hashS + "::text AS sh, CASE WHEN t.\"id\" IS NULL THEN NULL ELSE " + hashT
                + "::text END AS th, t.\"id\" IS NOT NULL AS present, h.hash AS lh, CASE WHEN length(h.hash) "
                + "= 32 THEN md5(ROW(t.\"id\", t.\"title\", t.\"price\", t.\"published\")::text) END AS lth "
                + "FROM \"ferry\".\"stage_public_book_77dab5b42f\" s LEFT JOIN ONLY \"public\".\"book\" t ON "
                + "t.\"id\" = s.\"id\" LEFT JOIN ferry.row_hash h ON h.table_name = 'book' AND h.row_key = "
                + "s.\"id\"::text) y) x",
                MergeSql.classify(plan));
        assertEquals("INSERT INTO \"public\".\"book\" (\"id\", \"title\", \"price\", \"published\") SELECT "
                + "s.\"id\", s.\"title\", s.\"price\", s.\"published\" FROM "
                + "\"ferry\".\"stage_public_book_77dab5b42f\" s JOIN ferry_merge m ON m.k = s.\"id\"::text "
                + "WHERE m.action = 'insert'",
                MergeSql.insert(plan));
        assertEquals("UPDATE ONLY \"public\".\"book\" t SET (\"title\", \"price\", \"published\") = "
                + "ROW(s.\"title\", s.\"price\", s.\"published\") FROM "
                + "\"ferry\".\"stage_public_book_77dab5b42f\" s JOIN ferry_merge m ON m.k = s.\"id\"::text "
                + "WHERE t.\"id\" = s.\"id\" AND m.action = 'update'",
                MergeSql.update(plan));
        assertEquals("WITH d AS (DELETE FROM ONLY \"public\".\"book\" t WHERE NOT EXISTS (SELECT 1 FROM "
                + "\"ferry\".\"stage_public_book_77dab5b42f\" s WHERE s.\"id\" = t.\"id\") AND NOT "
                + "(t.\"id\"::text = ANY (?)) RETURNING t.\"id\"::text AS k), h AS (DELETE FROM "
                + "ferry.row_hash h USING d WHERE h.table_name = 'book' AND h.row_key = d.k) SELECT count(*) "
                + "FROM d",
                MergeSql.deleteMissing(plan, plan.stagingTable()));
        assertEquals("ANALYZE \"ferry\".\"stage_public_book_77dab5b42f\" (\"id\")",
                MergeSql.analyzeStagingKeys(plan));
        assertEquals("INSERT INTO ferry.row_hash (table_name, row_key, hash) SELECT 'book', k, CASE WHEN action "
                + "= 'same' THEN th ELSE sh END FROM ferry_merge WHERE action IN ('insert', 'update') OR "
                + "(action = 'same' AND lh IS DISTINCT FROM th) ON CONFLICT (table_name, row_key) DO UPDATE "
                + "SET hash = EXCLUDED.hash",
                MergeSql.recordHashes(plan));
        assertEquals("SELECT (SELECT count(*) || ':' || coalesce(sum(sh::bigint), 0) FROM ferry_merge WHERE "
                + "action IN ('insert', 'update')) = (SELECT count(*) || ':' || coalesce(sum(" + hashT
                + "::text::bigint), 0) FROM ONLY \"public\".\"book\" t)",
                MergeSql.writtenSumsAgree(plan));
        assertEquals("SELECT count(*) FROM ferry_merge m JOIN \"ferry\".\"stage_public_book_77dab5b42f\" x ON "
                + "m.k = x.\"id\"::text JOIN ONLY \"public\".\"book\" t ON t.\"id\" = x.\"id\" WHERE m.action "
                + "IN ('insert', 'update') AND " + hashT + "::text <> m.sh",
                MergeSql.mismatches(plan));
        assertEquals("INSERT INTO \"public\".\"book\" (\"id\", \"title\", \"price\", \"published\") SELECT "
                + "\"id\", \"title\", \"price\", \"published\" FROM \"ferry\".\"stage_public_book_77dab5b42f\"",
                ApplySql.insertFromStaging(plan));
    }

    @Test
    void should_pin_a_composite_key() {
        TablePlan plan = Plans.compositeKey();
        String hashS = "hashtextextended(hash_record_extended(ROW(s.\"order_id\", s.\"line_no\", s.\"sku\" COLLATE "
                + "\"C\", s.\"qty\"), 0)::text, 0)";
        String hashT = "hashtextextended(hash_record_extended(ROW(t.\"order_id\", t.\"line_no\", t.\"sku\" COLLATE "
                + "\"C\", t.\"qty\"), 0)::text, 0)";
        assertEquals(SOURCE_WINS + "THEN NULL WHEN length(lh) = 32 THEN lth ELSE th END AS lt FROM (SELECT "
                + "jsonb_build_array(s.\"order_id\"::text, s.\"line_no\"::text)::text AS k, " + hashS
                + "::text AS sh, CASE WHEN t.\"order_id\" IS NULL THEN NULL ELSE " + hashT
                + "::text END AS th, t.\"order_id\" IS NOT NULL AS present, h.hash AS lh, CASE WHEN "
                + "length(h.hash) = 32 THEN md5(ROW(t.\"order_id\", t.\"line_no\", t.\"sku\", "
                + "t.\"qty\")::text) END AS lth FROM \"ferry\".\"stage_public_order_line_8102c5f501\" s LEFT "
                + "JOIN ONLY \"public\".\"order_line\" t ON t.\"order_id\" = s.\"order_id\" AND t.\"line_no\" "
                + "= s.\"line_no\" LEFT JOIN ferry.row_hash h ON h.table_name = 'order_line' AND h.row_key = "
                + "jsonb_build_array(s.\"order_id\"::text, s.\"line_no\"::text)::text) y) x",
                MergeSql.classify(plan));
        assertEquals("INSERT INTO \"public\".\"order_line\" (\"order_id\", \"line_no\", \"sku\", \"qty\") SELECT "
                + "s.\"order_id\", s.\"line_no\", s.\"sku\", s.\"qty\" FROM "
                + "\"ferry\".\"stage_public_order_line_8102c5f501\" s JOIN ferry_merge m ON m.k = "
                + "jsonb_build_array(s.\"order_id\"::text, s.\"line_no\"::text)::text WHERE m.action = 'insert'",
                MergeSql.insert(plan));
        assertEquals("UPDATE ONLY \"public\".\"order_line\" t SET (\"sku\", \"qty\") = ROW(s.\"sku\", s.\"qty\") "
                + "FROM \"ferry\".\"stage_public_order_line_8102c5f501\" s JOIN ferry_merge m ON m.k = "
                + "jsonb_build_array(s.\"order_id\"::text, s.\"line_no\"::text)::text WHERE t.\"order_id\" = "
                + "s.\"order_id\" AND t.\"line_no\" = s.\"line_no\" AND m.action = 'update'",
                MergeSql.update(plan));
        assertEquals("WITH d AS (DELETE FROM ONLY \"public\".\"order_line\" t WHERE NOT EXISTS (SELECT 1 FROM "
                + "\"ferry\".\"stage_public_order_line_8102c5f501\" s WHERE s.\"order_id\" = t.\"order_id\" "
                + "AND s.\"line_no\" = t.\"line_no\") AND NOT (jsonb_build_array(t.\"order_id\"::text, "
                + "t.\"line_no\"::text)::text = ANY (?)) RETURNING jsonb_build_array(t.\"order_id\"::text, "
                + "t.\"line_no\"::text)::text AS k), h AS (DELETE FROM ferry.row_hash h USING d WHERE "
                + "h.table_name = 'order_line' AND h.row_key = d.k) SELECT count(*) FROM d",
                MergeSql.deleteMissing(plan, plan.stagingTable()));
        assertEquals("ANALYZE \"ferry\".\"stage_public_order_line_8102c5f501\" (\"order_id\", \"line_no\")",
                MergeSql.analyzeStagingKeys(plan));
        assertEquals("WITH d AS (DELETE FROM ONLY \"public\".\"order_line\" t WHERE NOT EXISTS (SELECT 1 FROM "
                + "\"ferry\".\"keys_public_order_line_8102c5f501\" s WHERE s.\"order_id\" = t.\"order_id\" "
                + "AND s.\"line_no\" = t.\"line_no\") AND NOT (jsonb_build_array(t.\"order_id\"::text, "
                + "t.\"line_no\"::text)::text = ANY (?)) RETURNING jsonb_build_array(t.\"order_id\"::text, "
                + "t.\"line_no\"::text)::text AS k), h AS (DELETE FROM ferry.row_hash h USING d WHERE "
                + "h.table_name = 'order_line' AND h.row_key = d.k) SELECT count(*) FROM d",
                MergeSql.deleteMissing(plan, plan.keySetTable()));
        assertEquals("SELECT count(*) FROM ferry_merge m JOIN \"ferry\".\"stage_public_order_line_8102c5f501\" x "
                + "ON m.k = jsonb_build_array(x.\"order_id\"::text, x.\"line_no\"::text)::text JOIN ONLY "
                + "\"public\".\"order_line\" t ON t.\"order_id\" = x.\"order_id\" AND t.\"line_no\" = "
                + "x.\"line_no\" WHERE m.action IN ('insert', 'update') AND " + hashT + "::text <> m.sh",
                MergeSql.mismatches(plan));
    }

    @Test
    void should_pin_a_table_without_a_key() {
        TablePlan plan = Plans.noKey();
        assertEquals("INSERT INTO \"public\".\"audit_log\" (\"at\", \"message\", \"payload\") SELECT \"at\", "
                + "\"message\", \"payload\" FROM \"ferry\".\"stage_public_audit_log_9b4d650f7d\"",
                ApplySql.insertFromStaging(plan));
        assertEquals("TRUNCATE ONLY \"public\".\"audit_log\"",
                ApplySql.truncate(List.of(plan)));
    }

    @Test
    void should_pin_an_owner_column_and_data_rules() {
        TablePlan plan = Plans.ownerAndRules();
        String hashS = "hashtextextended(hash_record_extended(ROW(s.\"id\", s.\"owner_id\", s.\"email\" COLLATE "
                + "\"C\", s.\"phone\" COLLATE \"C\", s.\"note\" COLLATE \"C\", s.\"updated_at\"), 0)::text, 0)";
        String hashT = "hashtextextended(hash_record_extended(ROW(t.\"id\", t.\"owner_id\", t.\"email\" COLLATE "
                + "\"C\", t.\"phone\" COLLATE \"C\", t.\"note\" COLLATE \"C\", t.\"updated_at\"), 0)::text, 0)";
        assertEquals("CREATE TEMP TABLE ferry_merge ON COMMIT DROP AS SELECT k, sh, th, lh, CASE WHEN NOT "
                + "present THEN 'insert' WHEN sh = th THEN 'same' WHEN lh = lt THEN 'update' ELSE CASE WHEN "
                + "tn IS NULL OR sn > tn THEN 'update' ELSE 'keep' END END AS action FROM (SELECT k, sh, th, "
                + "present, lh, CASE WHEN lh IS NULL OR NOT present THEN NULL WHEN length(lh) = 32 THEN lth "
                + "ELSE th END AS lt, sn, tn FROM (SELECT s.\"id\"::text AS k, " + hashS
                + "::text AS sh, CASE WHEN t.\"id\" IS NULL THEN NULL ELSE " + hashT
                + "::text END AS th, t.\"id\" IS NOT NULL AS present, h.hash AS lh, CASE WHEN length(h.hash) "
                + "= 32 THEN md5(ROW(t.\"id\", t.\"owner_id\", t.\"email\", t.\"phone\", t.\"note\", "
                + "t.\"updated_at\")::text) END AS lth, s.\"updated_at\" AS sn, t.\"updated_at\" AS tn FROM "
                + "\"ferry\".\"stage_public_customer_df6dafd53a\" s LEFT JOIN ONLY \"public\".\"customer\" t "
                + "ON t.\"id\" = s.\"id\" LEFT JOIN ferry.row_hash h ON h.table_name = 'customer' AND "
                + "h.row_key = s.\"id\"::text) y) x",
                MergeSql.classify(plan));
        assertEquals("INSERT INTO \"public\".\"customer\" (\"id\", \"owner_id\", \"email\", \"phone\", \"note\", "
                + "\"updated_at\") SELECT s.\"id\", s.\"owner_id\", s.\"email\", s.\"phone\", s.\"note\", "
                + "s.\"updated_at\" FROM \"ferry\".\"stage_public_customer_df6dafd53a\" s JOIN ferry_merge m "
                + "ON m.k = s.\"id\"::text WHERE m.action = 'insert'",
                MergeSql.insert(plan));
        assertEquals("UPDATE ONLY \"public\".\"customer\" t SET (\"owner_id\", \"email\", \"phone\", \"note\", "
                + "\"updated_at\") = ROW(s.\"owner_id\", s.\"email\", s.\"phone\", s.\"note\", "
                + "s.\"updated_at\") FROM \"ferry\".\"stage_public_customer_df6dafd53a\" s JOIN ferry_merge m "
                + "ON m.k = s.\"id\"::text WHERE t.\"id\" = s.\"id\" AND m.action = 'update'",
                MergeSql.update(plan));
        assertEquals("WITH d AS (DELETE FROM ONLY \"public\".\"customer\" t WHERE NOT EXISTS (SELECT 1 FROM "
                + "\"ferry\".\"stage_public_customer_df6dafd53a\" s WHERE s.\"id\" = t.\"id\") AND NOT "
                + "(t.\"id\"::text = ANY (?)) RETURNING t.\"id\"::text AS k), h AS (DELETE FROM "
                + "ferry.row_hash h USING d WHERE h.table_name = 'customer' AND h.row_key = d.k) SELECT "
                + "count(*) FROM d",
                MergeSql.deleteMissing(plan, plan.stagingTable()));
        assertEquals("INSERT INTO ferry.conflict (table_name, row_key, run_id, source_row, target_row) SELECT "
                + "'customer', m.k, 'run-1', to_jsonb(s.*), to_jsonb(t.*) FROM ferry_merge m JOIN "
                + "\"ferry\".\"stage_public_customer_df6dafd53a\" s ON m.k = s.\"id\"::text JOIN ONLY "
                + "\"public\".\"customer\" t ON t.\"id\" = s.\"id\" WHERE m.action = 'conflict' ON CONFLICT "
                + "(table_name, row_key) DO UPDATE SET run_id = EXCLUDED.run_id, source_row = "
                + "EXCLUDED.source_row, target_row = EXCLUDED.target_row, created_at = now()",
                MergeSql.recordConflicts(plan, "run-1"));
    }

    @Test
    void should_pin_an_incremental_cursor_and_its_watermark() {
        TablePlan plan = Plans.watermark();
        String hashS = "hashtextextended(hash_record_extended(ROW(s.\"id\", s.\"updated_at\", s.\"body\" COLLATE "
                + "\"C\"), 0)::text, 0)";
        String hashT = "hashtextextended(hash_record_extended(ROW(t.\"id\", t.\"updated_at\", t.\"body\" COLLATE "
                + "\"C\"), 0)::text, 0)";
        assertEquals(SOURCE_WINS + "THEN NULL WHEN length(lh) = 32 THEN lth ELSE th END AS lt FROM "
                + "(SELECT s.\"id\"::text AS k, "
                + hashS + "::text AS sh, CASE WHEN t.\"id\" IS NULL THEN NULL ELSE " + hashT
                + "::text END AS th, t.\"id\" IS NOT NULL AS present, h.hash AS lh, CASE WHEN length(h.hash) "
                + "= 32 THEN md5(ROW(t.\"id\", t.\"updated_at\", t.\"body\")::text) END AS lth FROM "
                + "\"ferry\".\"stage_public_event_b5dc620e4a\" s LEFT JOIN ONLY \"public\".\"event\" t ON "
                + "t.\"id\" = s.\"id\" LEFT JOIN ferry.row_hash h ON h.table_name = 'event' AND h.row_key = "
                + "s.\"id\"::text) y) x",
                MergeSql.classify(plan));
        assertEquals("INSERT INTO \"public\".\"event\" (\"id\", \"updated_at\", \"body\") SELECT s.\"id\", "
                + "s.\"updated_at\", s.\"body\" FROM \"ferry\".\"stage_public_event_b5dc620e4a\" s JOIN "
                + "ferry_merge m ON m.k = s.\"id\"::text WHERE m.action = 'insert'",
                MergeSql.insert(plan));
        assertEquals("UPDATE ONLY \"public\".\"event\" t SET (\"updated_at\", \"body\") = ROW(s.\"updated_at\", "
                + "s.\"body\") FROM \"ferry\".\"stage_public_event_b5dc620e4a\" s JOIN ferry_merge m ON m.k = "
                + "s.\"id\"::text WHERE t.\"id\" = s.\"id\" AND m.action = 'update'",
                MergeSql.update(plan));
        assertEquals("WITH d AS (DELETE FROM ONLY \"public\".\"event\" t WHERE NOT EXISTS (SELECT 1 FROM "
                + "\"ferry\".\"stage_public_event_b5dc620e4a\" s WHERE s.\"id\" = t.\"id\") AND NOT "
                + "(t.\"id\"::text = ANY (?)) RETURNING t.\"id\"::text AS k), h AS (DELETE FROM "
                + "ferry.row_hash h USING d WHERE h.table_name = 'event' AND h.row_key = d.k) SELECT count(*) "
                + "FROM d",
                MergeSql.deleteMissing(plan, plan.stagingTable()));
        assertEquals("WITH d AS (DELETE FROM ONLY \"public\".\"event\" t WHERE NOT EXISTS (SELECT 1 FROM "
                + "\"ferry\".\"keys_public_event_b5dc620e4a\" s WHERE s.\"id\" = t.\"id\") AND NOT "
                + "(t.\"id\"::text = ANY (?)) RETURNING t.\"id\"::text AS k), h AS (DELETE FROM "
                + "ferry.row_hash h USING d WHERE h.table_name = 'event' AND h.row_key = d.k) SELECT count(*) "
                + "FROM d",
                MergeSql.deleteMissing(plan, plan.keySetTable()));
    }

    @Test
    void should_pin_a_subset_filter() {
        TablePlan plan = Plans.subset();
        // the filter selects the source's rows: what is staged, and merged, is the unfiltered table's
        assertEquals(MergeSql.classify(Plans.oneColumnKey()),
                MergeSql.classify(plan));
        assertEquals(ApplySql.insertFromStaging(Plans.oneColumnKey()),
                ApplySql.insertFromStaging(plan));
    }
}
