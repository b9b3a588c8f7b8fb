package dev.ferry.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import dev.ferry.plan.TablePlan;
import dev.ferry.support.Plans;
import org.junit.jupiter.api.Test;

/**
 * The row hash and the verification's SQL pinned for the six plan shapes of {@link Plans}, no database: each
 * column hashed by its type (text under COLLATE "C", numeric and json by their text), the owner and rules
 * on the source side, the filter on the source's rows.
 */
class RowHashSqlTest {

    @Test
    void should_pin_a_one_column_key() {
        TablePlan plan = Plans.oneColumnKey();
        String hashS = "hashtextextended(hash_record_extended(ROW(s.\"id\", s.\"title\" COLLATE \"C\", "
                + "(s.\"price\")::text COLLATE \"C\", s.\"published\"), 0)::text, 0)";
        String hashT = "hashtextextended(hash_record_extended(ROW(t.\"id\", t.\"title\" COLLATE \"C\", "
                + "(t.\"price\")::text COLLATE \"C\", t.\"published\"), 0)::text, 0)";
        assertEquals(hashT + "::text",
                RowHashSql.rowHash(plan, "t"));
        assertEquals("SELECT count(*), coalesce(sum(" + hashS
                + "), 0) FROM ONLY \"public\".\"book\" s WHERE NOT (s.\"id\"::text = ANY (?))",
                RowHashSql.checksum(plan, true, null, true));
        assertEquals("SELECT count(*), coalesce(sum(" + hashS + "), 0) FROM ONLY \"public\".\"book\" s",
                RowHashSql.checksum(plan, false, null));
        assertEquals("SELECT s.\"id\"::text COLLATE \"C\", " + hashS
                + "::text, s.\"id\"::text FROM ONLY \"public\".\"book\" s ORDER BY 1",
                RowHashSql.verifyRows(plan, true, null, false));
        assertEquals("SELECT s.\"id\"::text COLLATE \"C\", " + hashS
                + "::text, s.\"id\"::text, h.hash IS NULL OR h.hash <> CASE WHEN length(h.hash) = 32 THEN "
                + "md5(ROW(s.\"id\", s.\"title\", s.\"price\", s.\"published\")::text) ELSE " + hashS
                + "::text END, EXISTS (SELECT 1 FROM ferry.conflict x WHERE x.table_name = 'book' AND "
                + "x.row_key = s.\"id\"::text) FROM ONLY \"public\".\"book\" s LEFT JOIN ferry.row_hash h ON "
                + "h.table_name = 'book' AND h.row_key = s.\"id\"::text ORDER BY 1",
                RowHashSql.verifyRows(plan, false, null, true));
        assertEquals("md5(ROW(t.\"id\", t.\"title\", t.\"price\", t.\"published\")::text)",
                RowHashSql.legacyRowHash(plan, "t"));
        assertEquals("SELECT s.\"id\"::text COLLATE \"C\", " + hashS
                + "::text, s.\"id\"::text, true, false FROM ONLY \"public\".\"book\" s ORDER BY 1",
                RowHashSql.verifyRows(plan, false, null, false));
    }

    @Test
    void should_pin_a_composite_key() {
        TablePlan plan = Plans.compositeKey();
        String hashS = "hashtextextended(hash_record_extended(ROW(s.\"order_id\", s.\"line_no\", s.\"sku\" COLLATE "
                + "\"C\", s.\"qty\"), 0)::text, 0)";
        String hashT = "hashtextextended(hash_record_extended(ROW(t.\"order_id\", t.\"line_no\", t.\"sku\" COLLATE "
                + "\"C\", t.\"qty\"), 0)::text, 0)";
        assertEquals(hashT + "::text",
                RowHashSql.rowHash(plan, "t"));
        assertEquals("SELECT count(*), coalesce(sum(" + hashS + "), 0) FROM ONLY \"public\".\"order_line\" s WHERE NOT "
                + "(jsonb_build_array(s.\"order_id\"::text, s.\"line_no\"::text)::text = ANY (?))",
                RowHashSql.checksum(plan, true, null, true));
        assertEquals("SELECT count(*), coalesce(sum(" + hashS + "), 0) FROM ONLY \"public\".\"order_line\" s",
                RowHashSql.checksum(plan, false, null));
        assertEquals("SELECT jsonb_build_array(s.\"order_id\"::text, s.\"line_no\"::text)::text COLLATE \"C\", " + hashS
                + "::text, jsonb_build_array(s.\"order_id\"::text, s.\"line_no\"::text)::text FROM ONLY "
                + "\"public\".\"order_line\" s ORDER BY 1",
                RowHashSql.verifyRows(plan, true, null, false));
        assertEquals("SELECT jsonb_build_array(s.\"order_id\"::text, s.\"line_no\"::text)::text COLLATE \"C\", " + hashS
                + "::text, jsonb_build_array(s.\"order_id\"::text, s.\"line_no\"::text)::text, h.hash IS NULL "
                + "OR h.hash <> CASE WHEN length(h.hash) = 32 THEN md5(ROW(s.\"order_id\", s.\"line_no\", "
                + "s.\"sku\", s.\"qty\")::text) ELSE " + hashS
                + "::text END, EXISTS (SELECT 1 FROM ferry.conflict x WHERE x.table_name = 'order_line' AND "
                + "x.row_key = jsonb_build_array(s.\"order_id\"::text, s.\"line_no\"::text)::text) FROM ONLY "
                + "\"public\".\"order_line\" s LEFT JOIN ferry.row_hash h ON h.table_name = 'order_line' AND "
                + "h.row_key = jsonb_build_array(s.\"order_id\"::text, s.\"line_no\"::text)::text ORDER BY 1",
                RowHashSql.verifyRows(plan, false, null, true));
    }

    @Test
    void should_pin_a_table_without_a_key() {
        TablePlan plan = Plans.noKey();
        String hashS = "hashtextextended(hash_record_extended(ROW(s.\"at\", s.\"message\" COLLATE \"C\", "
                + "(s.\"payload\")::text COLLATE \"C\"), 0)::text, 0)";
        String hashT = "hashtextextended(hash_record_extended(ROW(t.\"at\", t.\"message\" COLLATE \"C\", "
                + "(t.\"payload\")::text COLLATE \"C\"), 0)::text, 0)";
        assertEquals(hashT + "::text",
                RowHashSql.rowHash(plan, "t"));
        assertEquals("SELECT count(*), coalesce(sum(" + hashS + "), 0) FROM ONLY \"public\".\"audit_log\" s",
                RowHashSql.checksum(plan, true, null, true));
        assertEquals("SELECT count(*), coalesce(sum(" + hashS + "), 0) FROM ONLY \"public\".\"audit_log\" s",
                RowHashSql.checksum(plan, false, null));
    }

    @Test
    void should_pin_an_owner_column_and_data_rules() {
        TablePlan plan = Plans.ownerAndRules();
        String hashT = "hashtextextended(hash_record_extended(ROW(t.\"id\", t.\"owner_id\", t.\"email\" COLLATE "
                + "\"C\", t.\"phone\" COLLATE \"C\", t.\"note\" COLLATE \"C\", t.\"updated_at\"), 0)::text, 0)";
        String sourceHash = "hashtextextended(hash_record_extended(ROW(s.\"id\", CAST('7' AS integer), CAST(" + Plans.EMAIL_RULE
                + " AS text) COLLATE \"C\", CAST(" + Plans.PHONE_RULE
                + " AS character varying(30)) COLLATE \"C\", s.\"note\" COLLATE \"C\", s.\"updated_at\"), "
                + "0)::text, 0)";
        assertEquals(sourceHash,
                RowHashSql.sourceRowHash(plan, "'7'"));
        assertEquals(hashT + "::text",
                RowHashSql.rowHash(plan, "t"));
        assertEquals("SELECT count(*), coalesce(sum(" + sourceHash
                + "), 0) FROM ONLY \"public\".\"customer\" s WHERE NOT (s.\"id\"::text = ANY (?))",
                RowHashSql.checksum(plan, true, "'7'", true));
        assertEquals("SELECT s.\"id\"::text COLLATE \"C\", " + sourceHash
                + "::text, s.\"id\"::text FROM ONLY \"public\".\"customer\" s ORDER BY 1",
                RowHashSql.verifyRows(plan, true, "'7'", false));
    }

    @Test
    void should_pin_an_incremental_cursor_and_its_watermark() {
        TablePlan plan = Plans.watermark();
        String hashS = "hashtextextended(hash_record_extended(ROW(s.\"id\", s.\"updated_at\", s.\"body\" COLLATE "
                + "\"C\"), 0)::text, 0)";
        String hashT = "hashtextextended(hash_record_extended(ROW(t.\"id\", t.\"updated_at\", t.\"body\" COLLATE "
                + "\"C\"), 0)::text, 0)";
        assertEquals(hashT + "::text",
                RowHashSql.rowHash(plan, "t"));
        assertEquals("SELECT count(*), coalesce(sum(" + hashS
                + "), 0) FROM ONLY \"public\".\"event\" s WHERE NOT (s.\"id\"::text = ANY (?))",
                RowHashSql.checksum(plan, true, null, true));
        assertEquals("SELECT count(*), coalesce(sum(" + hashS + "), 0) FROM ONLY \"public\".\"event\" s",
                RowHashSql.checksum(plan, false, null));
        assertEquals("SELECT s.\"id\"::text COLLATE \"C\", " + hashS
                + "::text, s.\"id\"::text FROM ONLY \"public\".\"event\" s ORDER BY 1",
                RowHashSql.verifyRows(plan, true, null, false));
        assertEquals("SELECT s.\"id\"::text COLLATE \"C\", " + hashS
                + "::text, s.\"id\"::text, h.hash IS NULL OR h.hash <> CASE WHEN length(h.hash) = 32 THEN "
                + "md5(ROW(s.\"id\", s.\"updated_at\", s.\"body\")::text) ELSE " + hashS
                + "::text END, EXISTS (SELECT 1 FROM ferry.conflict x WHERE x.table_name = 'event' AND "
                + "x.row_key = s.\"id\"::text) FROM ONLY \"public\".\"event\" s LEFT JOIN ferry.row_hash h ON "
                + "h.table_name = 'event' AND h.row_key = s.\"id\"::text ORDER BY 1",
                RowHashSql.verifyRows(plan, false, null, true));
    }

    @Test
    void should_pin_a_subset_filter() {
        TablePlan plan = Plans.subset();
        String hashS = "hashtextextended(hash_record_extended(ROW(s.\"id\", s.\"title\" COLLATE \"C\", "
                + "(s.\"price\")::text COLLATE \"C\", s.\"published\"), 0)::text, 0)";
        assertEquals("SELECT count(*), coalesce(sum(" + hashS
                + "), 0) FROM ONLY \"public\".\"book\" s WHERE ((price > 10) AND (s.\"id\") IN (SELECT "
                + "l.\"id\" FROM ONLY \"public\".\"book\" l ORDER BY l.\"id\" LIMIT 100)) AND NOT "
                + "(s.\"id\"::text = ANY (?))",
                RowHashSql.checksum(plan, true, null, true));
        assertEquals("SELECT count(*), coalesce(sum(" + hashS + "), 0) FROM ONLY \"public\".\"book\" s",
                RowHashSql.checksum(plan, false, null));
        assertEquals("SELECT s.\"id\"::text COLLATE \"C\", " + hashS
                + "::text, s.\"id\"::text FROM ONLY \"public\".\"book\" s WHERE ((price > 10) AND (s.\"id\") "
                + "IN (SELECT l.\"id\" FROM ONLY \"public\".\"book\" l ORDER BY l.\"id\" LIMIT 100)) ORDER BY 1",
                RowHashSql.verifyRows(plan, true, null, false));
    }
}
