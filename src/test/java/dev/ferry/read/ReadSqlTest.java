package dev.ferry.read;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import dev.ferry.plan.TablePlan;
import dev.ferry.support.Plans;
import org.junit.jupiter.api.Test;

/**
 * The read's SQL pinned for the six plan shapes of {@link Plans}, no database: what the COPY and camel-sql
 * reads, the counts, the merge probe and the dry run's hash stream send to the source.
 */
class ReadSqlTest {

    @Test
    void should_pin_a_one_column_key() {
        TablePlan plan = Plans.oneColumnKey();
        String hashS = "hashtextextended(hash_record_extended(ROW(s.\"id\", s.\"title\" COLLATE \"C\", "
                + "(s.\"price\")::text COLLATE \"C\", s.\"published\"), 0)::text, 0)";
        String hashT = "hashtextextended(hash_record_extended(ROW(t.\"id\", t.\"title\" COLLATE \"C\", "
                + "(t.\"price\")::text COLLATE \"C\", t.\"published\"), 0)::text, 0)";
        assertEquals("SELECT s.\"id\"::text AS c1, s.\"title\"::text AS c2, s.\"price\"::text AS c3, "
                + "s.\"published\"::text AS c4, s.\"id\"::text AS ferry_row_key__ FROM ONLY "
                + "\"public\".\"book\" s ORDER BY s.\"id\"",
                ReadSql.select(plan, null, null));
        assertEquals("SELECT s.\"id\"::text AS c1, s.\"title\"::text AS c2, s.\"price\"::text AS c3, "
                + "s.\"published\"::text AS c4, s.\"id\"::text AS ferry_row_key__ FROM ONLY "
                + "\"public\".\"book\" s WHERE \"id\" > CAST(:?ferryAfterKey AS bigint) ORDER BY s.\"id\"",
                ReadSql.select(plan, "ferryAfterKey", null));
        assertEquals("SELECT count(*) FROM ONLY \"public\".\"book\" s WHERE \"id\" > CAST(? AS bigint)",
                ReadSql.count(plan, true, false));
        assertEquals("SELECT s.\"id\" AS \"id\", s.\"title\" AS \"title\", s.\"price\" AS \"price\", "
                + "s.\"published\" AS \"published\", s.\"id\"::text AS ferry_row_key__ FROM ONLY "
                + "\"public\".\"book\" s ORDER BY s.\"id\"",
                ReadSql.copySelect(plan, null, null, null, false));
        assertEquals("SELECT s.\"id\" AS \"id\", s.\"title\" AS \"title\", s.\"price\" AS \"price\", "
                + "s.\"published\" AS \"published\", " + hashS
                + " AS ferry_row_hash__, s.\"id\"::text AS ferry_row_key__ FROM ONLY \"public\".\"book\" s "
                + "WHERE \"id\" > CAST('41' AS bigint) ORDER BY s.\"id\"",
                ReadSql.copySelect(plan, "41", null, null, true));
        assertEquals("SELECT " + hashS
                + ", s.\"id\"::text AS ferry_row_key__ FROM ONLY \"public\".\"book\" s WHERE \"id\" > "
                + "CAST('41' AS bigint) ORDER BY s.\"id\"",
                ReadSql.probe(plan, "41", null));
        assertEquals("SELECT s.\"id\" AS \"id\", s.\"title\" AS \"title\", s.\"price\" AS \"price\", "
                + "s.\"published\" AS \"published\", s.\"id\"::text AS ferry_row_key__ FROM ONLY "
                + "\"public\".\"book\" s WHERE s.\"id\" = ANY (CAST(E'{\"41\",\"4\\\\\"x\"}' AS bigint[])) "
                + "ORDER BY s.\"id\"",
                ReadSql.copyChanged(plan, List.of("41", "4\"x"), null));
        assertEquals("SELECT t.\"id\"::text, " + hashT
                + "::text FROM ONLY \"public\".\"book\" t WHERE \"id\" > CAST(? AS bigint) ORDER BY t.\"id\"",
                ReadSql.targetHashes(plan, true));
        assertEquals("SELECT s.\"id\"::text COLLATE \"C\", " + hashS
                + "::text, true FROM ONLY \"public\".\"book\" s ORDER BY 1",
                ReadSql.hashes(plan, true, null, null));
    }

    @Test
    void should_pin_a_composite_key() {
        TablePlan plan = Plans.compositeKey();
        String hashS = "hashtextextended(hash_record_extended(ROW(s.\"order_id\", s.\"line_no\", s.\"sku\" COLLATE "
                + "\"C\", s.\"qty\"), 0)::text, 0)";
        String hashT = "hashtextextended(hash_record_extended(ROW(t.\"order_id\", t.\"line_no\", t.\"sku\" COLLATE "
                + "\"C\", t.\"qty\"), 0)::text, 0)";
        assertEquals("SELECT s.\"order_id\"::text AS c1, s.\"line_no\"::text AS c2, s.\"sku\"::text AS c3, "
                + "s.\"qty\"::text AS c4, jsonb_build_array(s.\"order_id\"::text, s.\"line_no\"::text)::text "
                + "AS ferry_row_key__ FROM ONLY \"public\".\"order_line\" s ORDER BY s.\"order_id\", "
                + "s.\"line_no\"",
                ReadSql.select(plan, null, null));
        assertEquals("SELECT s.\"order_id\"::text AS c1, s.\"line_no\"::text AS c2, s.\"sku\"::text AS c3, "
                + "s.\"qty\"::text AS c4, jsonb_build_array(s.\"order_id\"::text, s.\"line_no\"::text)::text "
                + "AS ferry_row_key__ FROM ONLY \"public\".\"order_line\" s WHERE (\"order_id\", \"line_no\") "
                + "> (CAST(CAST(:?ferryAfterKey AS jsonb) ->> 0 AS integer), CAST(CAST(:?ferryAfterKey AS "
                + "jsonb) ->> 1 AS smallint)) ORDER BY s.\"order_id\", s.\"line_no\"",
                ReadSql.select(plan, "ferryAfterKey", null));
        assertEquals("SELECT count(*) FROM ONLY \"public\".\"order_line\" s WHERE (\"order_id\", \"line_no\") > "
                + "(CAST(CAST(? AS jsonb) ->> 0 AS integer), CAST(CAST(? AS jsonb) ->> 1 AS smallint))",
                ReadSql.count(plan, true, false));
        assertEquals("SELECT s.\"order_id\" AS \"order_id\", s.\"line_no\" AS \"line_no\", s.\"sku\" AS \"sku\", "
                + "s.\"qty\" AS \"qty\", jsonb_build_array(s.\"order_id\"::text, s.\"line_no\"::text)::text "
                + "AS ferry_row_key__ FROM ONLY \"public\".\"order_line\" s ORDER BY s.\"order_id\", "
                + "s.\"line_no\"",
                ReadSql.copySelect(plan, null, null, null, false));
        assertEquals("SELECT s.\"order_id\" AS \"order_id\", s.\"line_no\" AS \"line_no\", s.\"sku\" AS \"sku\", "
                + "s.\"qty\" AS \"qty\", " + hashS
                + " AS ferry_row_hash__, jsonb_build_array(s.\"order_id\"::text, s.\"line_no\"::text)::text "
                + "AS ferry_row_key__ FROM ONLY \"public\".\"order_line\" s WHERE (\"order_id\", \"line_no\") "
                + "> (CAST(CAST('[\"3\", \"2\"]' AS jsonb) ->> 0 AS integer), CAST(CAST('[\"3\", \"2\"]' AS "
                + "jsonb) ->> 1 AS smallint)) ORDER BY s.\"order_id\", s.\"line_no\"",
                ReadSql.copySelect(plan, "[\"3\", \"2\"]", null, null, true));
        assertEquals("SELECT s.\"order_id\" AS \"order_id\", s.\"line_no\" AS \"line_no\", s.\"sku\" AS \"sku\", "
                + "s.\"qty\" AS \"qty\", jsonb_build_array(s.\"order_id\"::text, s.\"line_no\"::text)::text "
                + "AS ferry_row_key__ FROM ONLY \"public\".\"order_line\" s WHERE "
                + "jsonb_build_array(s.\"order_id\"::text, s.\"line_no\"::text)::text = ANY "
                + "(CAST(E'{\"[\\\\\"3\\\\\", \\\\\"2\\\\\"]\"}' AS text[])) ORDER BY s.\"order_id\", "
                + "s.\"line_no\"",
                ReadSql.copyChanged(plan, List.of("[\"3\", \"2\"]"), null));
        assertEquals("SELECT jsonb_build_array(t.\"order_id\"::text, t.\"line_no\"::text)::text, " + hashT
                + "::text FROM ONLY \"public\".\"order_line\" t WHERE (\"order_id\", \"line_no\") > "
                + "(CAST(CAST(? AS jsonb) ->> 0 AS integer), CAST(CAST(? AS jsonb) ->> 1 AS smallint)) ORDER "
                + "BY t.\"order_id\", t.\"line_no\"",
                ReadSql.targetHashes(plan, true));
        assertEquals("SELECT s.\"order_id\", s.\"line_no\" FROM ONLY \"public\".\"order_line\" s",
                ReadSql.sourceKeys(plan));
        assertEquals("CREATE UNLOGGED TABLE \"ferry\".\"keys_public_order_line_8102c5f501\" (\"order_id\" "
                + "integer, \"line_no\" smallint)",
                ReadSql.createKeySet(plan));
    }

    @Test
    void should_pin_a_table_without_a_key() {
        TablePlan plan = Plans.noKey();
        String hashS = "hashtextextended(hash_record_extended(ROW(s.\"at\", s.\"message\" COLLATE \"C\", "
                + "(s.\"payload\")::text COLLATE \"C\"), 0)::text, 0)";
        assertEquals("SELECT s.\"at\"::text AS c1, s.\"message\"::text AS c2, s.\"payload\"::text AS c3 FROM "
                + "ONLY \"public\".\"audit_log\" s",
                ReadSql.select(plan, "ferryAfterKey", null));
        assertEquals("SELECT s.\"at\" AS \"at\", s.\"message\" AS \"message\", s.\"payload\" AS \"payload\" FROM "
                + "ONLY \"public\".\"audit_log\" s",
                ReadSql.copySelect(plan, null, null, null, true));
        assertEquals("SELECT count(*) FROM ONLY \"public\".\"audit_log\" s",
                ReadSql.count(plan, false, false));
        assertEquals("SELECT " + hashS + "::text COLLATE \"C\", " + hashS
                + "::text, true FROM ONLY \"public\".\"audit_log\" s ORDER BY 1",
                ReadSql.hashes(plan, true, null, null));
    }

    @Test
    void should_pin_an_owner_column_and_data_rules() {
        TablePlan plan = Plans.ownerAndRules();
        String sourceHash = "hashtextextended(hash_record_extended(ROW(s.\"id\", CAST('7' AS integer), CAST(" + Plans.EMAIL_RULE
                + " AS text) COLLATE \"C\", CAST(" + Plans.PHONE_RULE
                + " AS character varying(30)) COLLATE \"C\", s.\"note\" COLLATE \"C\", s.\"updated_at\"), "
                + "0)::text, 0)";
        assertEquals("SELECT s.\"id\"::text AS c1, s.\"owner_id\"::text AS c2, CAST(" + Plans.EMAIL_RULE
                + " AS text)::text AS c3, CAST(" + Plans.PHONE_RULE
                + " AS character varying(30))::text AS c4, s.\"note\"::text AS c5, s.\"updated_at\"::text AS "
                + "c6, s.\"id\"::text AS ferry_row_key__ FROM ONLY \"public\".\"customer\" s WHERE \"id\" > "
                + "CAST(:?ferryAfterKey AS bigint) ORDER BY s.\"id\"",
                ReadSql.select(plan, "ferryAfterKey", null));
        assertEquals("SELECT s.\"id\" AS \"id\", CAST('7' AS integer) AS \"owner_id\", CAST(" + Plans.EMAIL_RULE
                + " AS text) AS \"email\", CAST(" + Plans.PHONE_RULE
                + " AS character varying(30)) AS \"phone\", s.\"note\" AS \"note\", s.\"updated_at\" AS "
                + "\"updated_at\", " + sourceHash
                + " AS ferry_row_hash__, s.\"id\"::text AS ferry_row_key__ FROM ONLY \"public\".\"customer\" "
                + "s WHERE \"id\" > CAST('41' AS bigint) ORDER BY s.\"id\"",
                ReadSql.copySelect(plan, "41", null, "'7'", true));
        assertEquals("SELECT " + sourceHash
                + ", s.\"id\"::text AS ferry_row_key__ FROM ONLY \"public\".\"customer\" s ORDER BY s.\"id\"",
                ReadSql.probe(plan, null, "'7'"));
        assertEquals("SELECT s.\"id\"::text COLLATE \"C\", " + sourceHash
                + "::text, true FROM ONLY \"public\".\"customer\" s ORDER BY 1",
                ReadSql.hashes(plan, true, "'7'", null));
    }

    @Test
    void should_pin_an_incremental_cursor_and_its_watermark() {
        TablePlan plan = Plans.watermark();
        String hashS = "hashtextextended(hash_record_extended(ROW(s.\"id\", s.\"updated_at\", s.\"body\" COLLATE "
                + "\"C\"), 0)::text, 0)";
        assertEquals("SELECT s.\"id\"::text AS c1, s.\"updated_at\"::text AS c2, s.\"body\"::text AS c3, "
                + "s.\"id\"::text AS ferry_row_key__ FROM ONLY \"public\".\"event\" s WHERE \"id\" > "
                + "CAST(:?ferryAfterKey AS bigint) AND \"updated_at\" > CAST(:?ferryWatermark AS timestamp "
                + "with time zone) ORDER BY s.\"id\"",
                ReadSql.select(plan, "ferryAfterKey", "ferryWatermark"));
        assertEquals("SELECT s.\"id\"::text AS c1, s.\"updated_at\"::text AS c2, s.\"body\"::text AS c3, "
                + "s.\"id\"::text AS ferry_row_key__ FROM ONLY \"public\".\"event\" s WHERE \"updated_at\" > "
                + "CAST(:?ferryWatermark AS timestamp with time zone) ORDER BY s.\"id\"",
                ReadSql.select(plan, null, "ferryWatermark"));
        assertEquals("SELECT count(*) FILTER (WHERE \"id\" > CAST(? AS bigint)), max(s.\"updated_at\")::text "
                + "FROM ONLY \"public\".\"event\" s WHERE \"updated_at\" > CAST(? AS timestamp with time zone)",
                ReadSql.countAndWatermark(plan, true, true));
        assertEquals("SELECT count(*), max(s.\"updated_at\")::text FROM ONLY \"public\".\"event\" s",
                ReadSql.countAndWatermark(plan, false, false));
        assertEquals("SELECT s.\"id\" AS \"id\", s.\"updated_at\" AS \"updated_at\", s.\"body\" AS \"body\", " + hashS
                + " AS ferry_row_hash__, s.\"id\"::text AS ferry_row_key__ FROM ONLY \"public\".\"event\" s "
                + "WHERE \"id\" > CAST('41' AS bigint) AND \"updated_at\" > CAST('2026-12-01 00:00:00+00' AS "
                + "timestamp with time zone) ORDER BY s.\"id\"",
                ReadSql.copySelect(plan, "41", "2026-12-01 00:00:00+00", null, true));
        assertEquals("SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND "
                + "a.attnum = i.indkey[0] WHERE i.indrelid = '\"public\".\"event\"'::regclass AND a.attname = "
                + "'updated_at')",
                ReadSql.cursorIndexed(plan));
        assertEquals("SELECT s.\"id\"::text COLLATE \"C\", " + hashS
                + "::text, coalesce(s.\"updated_at\" > CAST('2026-12-01 00:00:00+00' AS timestamp with time "
                + "zone), false) FROM ONLY \"public\".\"event\" s ORDER BY 1",
                ReadSql.hashes(plan, true, null, "2026-12-01 00:00:00+00"));
    }

    @Test
    void should_pin_a_subset_filter() {
        TablePlan plan = Plans.subset();
        String hashS = "hashtextextended(hash_record_extended(ROW(s.\"id\", s.\"title\" COLLATE \"C\", "
                + "(s.\"price\")::text COLLATE \"C\", s.\"published\"), 0)::text, 0)";
        assertEquals("SELECT s.\"id\"::text AS c1, s.\"title\"::text AS c2, s.\"price\"::text AS c3, "
                + "s.\"published\"::text AS c4, s.\"id\"::text AS ferry_row_key__ FROM ONLY "
                + "\"public\".\"book\" s WHERE ((price > 10) AND (s.\"id\") IN (SELECT l.\"id\" FROM ONLY "
                + "\"public\".\"book\" l ORDER BY l.\"id\" LIMIT 100)) AND \"id\" > CAST(:?ferryAfterKey AS "
                + "bigint) ORDER BY s.\"id\"",
                ReadSql.select(plan, "ferryAfterKey", null));
        assertEquals("SELECT s.\"id\" AS \"id\", s.\"title\" AS \"title\", s.\"price\" AS \"price\", "
                + "s.\"published\" AS \"published\", " + hashS
                + " AS ferry_row_hash__, s.\"id\"::text AS ferry_row_key__ FROM ONLY \"public\".\"book\" s "
                + "WHERE ((price > 10) AND (s.\"id\") IN (SELECT l.\"id\" FROM ONLY \"public\".\"book\" l "
                + "ORDER BY l.\"id\" LIMIT 100)) AND \"id\" > CAST('41' AS bigint) ORDER BY s.\"id\"",
                ReadSql.copySelect(plan, "41", null, null, true));
        assertEquals("SELECT count(*) FROM ONLY \"public\".\"book\" s WHERE ((price > 10) AND (s.\"id\") IN "
                + "(SELECT l.\"id\" FROM ONLY \"public\".\"book\" l ORDER BY l.\"id\" LIMIT 100)) AND \"id\" "
                + "> CAST(? AS bigint)",
                ReadSql.count(plan, true, false));
        assertEquals("SELECT s.\"id\"::text COLLATE \"C\", " + hashS
                + "::text, true FROM ONLY \"public\".\"book\" s WHERE ((price > 10) AND (s.\"id\") IN (SELECT "
                + "l.\"id\" FROM ONLY \"public\".\"book\" l ORDER BY l.\"id\" LIMIT 100)) ORDER BY 1",
                ReadSql.hashes(plan, true, null, null));
    }
}
