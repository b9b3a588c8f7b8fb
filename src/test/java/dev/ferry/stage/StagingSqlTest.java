package dev.ferry.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import dev.ferry.plan.TablePlan;
import dev.ferry.support.Plans;
import org.junit.jupiter.api.Test;

/**
 * The staging table's SQL pinned for the six plan shapes of {@link Plans}, no database: staging has the
 * written columns with the target's types, whatever the key, owner, rules, cursor or filter.
 */
class StagingSqlTest {

    @Test
    void should_pin_a_one_column_key() {
        TablePlan plan = Plans.oneColumnKey();
        assertEquals("CREATE UNLOGGED TABLE \"ferry\".\"stage_public_book_77dab5b42f\" (\"id\" bigint, \"title\" "
                + "text, \"price\" numeric(10,2), \"published\" date)",
                StagingSql.create(plan));
        assertEquals("COPY \"ferry\".\"stage_public_book_77dab5b42f\" (\"id\", \"title\", \"price\", "
                + "\"published\") FROM STDIN",
                StagingSql.copy(plan));
        assertEquals("INSERT INTO \"ferry\".\"stage_public_book_77dab5b42f\" (\"id\", \"title\", \"price\", "
                + "\"published\") VALUES (CAST(:?c1 AS bigint), CAST(:?c2 AS text), CAST(:?c3 AS "
                + "numeric(10,2)), CAST(:?c4 AS date))",
                StagingSql.insert(plan));
        assertEquals("INSERT INTO \"ferry\".\"stage_public_book_77dab5b42f\" (\"id\", \"title\", \"price\", "
                + "\"published\") VALUES (CAST(? AS bigint), CAST(? AS text), CAST(? AS numeric(10,2)), "
                + "CAST(? AS date))",
                StagingSql.insertJdbc(plan));
    }

    @Test
    void should_pin_a_fresh_staging_generation_in_one_string() {
        TablePlan plan = Plans.oneColumnKey();
        assertEquals("SET LOCAL synchronous_commit = off; DROP TABLE IF EXISTS \"ferry\".\"stage_public_book_77dab5b42f\"; "
                + "CREATE UNLOGGED TABLE "
                + "\"ferry\".\"stage_public_book_77dab5b42f\" (\"id\" bigint, \"title\" text, \"price\" numeric(10,2), "
                + "\"published\" date); INSERT INTO ferry.checkpoint (table_name, run_id, fingerprint, last_key, "
                + "rows_staged, updated_at, staging_id) VALUES ('public.it''s', 'r1', E'f\\\\p', NULL, 0, now(), 's1') "
                + "ON CONFLICT (table_name) DO UPDATE SET run_id = EXCLUDED.run_id, fingerprint = EXCLUDED.fingerprint, "
                + "last_key = NULL, rows_staged = 0, updated_at = now(), staging_id = EXCLUDED.staging_id",
                StagingSql.fresh(plan, StagingSql.create(plan), Checkpoints.startSql("public.it's", "r1", "f\\p", "s1"), true));
    }

    @Test
    void should_pin_a_composite_key() {
        TablePlan plan = Plans.compositeKey();
        assertEquals("CREATE UNLOGGED TABLE \"ferry\".\"stage_public_order_line_8102c5f501\" (\"order_id\" "
                + "integer, \"line_no\" smallint, \"sku\" character varying(20), \"qty\" integer)",
                StagingSql.create(plan));
        assertEquals("COPY \"ferry\".\"stage_public_order_line_8102c5f501\" (\"order_id\", \"line_no\", \"sku\", "
                + "\"qty\") FROM STDIN",
                StagingSql.copy(plan));
        assertEquals("INSERT INTO \"ferry\".\"stage_public_order_line_8102c5f501\" (\"order_id\", \"line_no\", "
                + "\"sku\", \"qty\") VALUES (CAST(:?c1 AS integer), CAST(:?c2 AS smallint), CAST(:?c3 AS "
                + "character varying(20)), CAST(:?c4 AS integer))",
                StagingSql.insert(plan));
        assertEquals("INSERT INTO \"ferry\".\"stage_public_order_line_8102c5f501\" (\"order_id\", \"line_no\", "
                + "\"sku\", \"qty\") VALUES (CAST(? AS integer), CAST(? AS smallint), CAST(? AS character "
                + "varying(20)), CAST(? AS integer))",
                StagingSql.insertJdbc(plan));
    }

    @Test
    void should_pin_a_table_without_a_key() {
        TablePlan plan = Plans.noKey();
        assertEquals("CREATE UNLOGGED TABLE \"ferry\".\"stage_public_audit_log_9b4d650f7d\" (\"at\" timestamp "
                + "with time zone, \"message\" text, \"payload\" jsonb)",
                StagingSql.create(plan));
        assertEquals("COPY \"ferry\".\"stage_public_audit_log_9b4d650f7d\" (\"at\", \"message\", \"payload\") "
                + "FROM STDIN",
                StagingSql.copy(plan));
        assertEquals("INSERT INTO \"ferry\".\"stage_public_audit_log_9b4d650f7d\" (\"at\", \"message\", "
                + "\"payload\") VALUES (CAST(:?c1 AS timestamp with time zone), CAST(:?c2 AS text), CAST(:?c3 "
                + "AS jsonb))",
                StagingSql.insert(plan));
        assertEquals("INSERT INTO \"ferry\".\"stage_public_audit_log_9b4d650f7d\" (\"at\", \"message\", "
                + "\"payload\") VALUES (CAST(? AS timestamp with time zone), CAST(? AS text), CAST(? AS jsonb))",
                StagingSql.insertJdbc(plan));
    }

    @Test
    void should_pin_an_owner_column_and_data_rules() {
        TablePlan plan = Plans.ownerAndRules();
        assertEquals("CREATE UNLOGGED TABLE \"ferry\".\"stage_public_customer_df6dafd53a\" (\"id\" bigint, "
                + "\"owner_id\" integer, \"email\" text, \"phone\" character varying(30), \"note\" text, "
                + "\"updated_at\" timestamp without time zone)",
                StagingSql.create(plan));
        assertEquals("COPY \"ferry\".\"stage_public_customer_df6dafd53a\" (\"id\", \"owner_id\", \"email\", "
                + "\"phone\", \"note\", \"updated_at\") FROM STDIN",
                StagingSql.copy(plan));
        assertEquals("INSERT INTO \"ferry\".\"stage_public_customer_df6dafd53a\" (\"id\", \"owner_id\", "
                + "\"email\", \"phone\", \"note\", \"updated_at\") VALUES (CAST(:?c1 AS bigint), CAST(:?c2 AS "
                + "integer), CAST(:?c3 AS text), CAST(:?c4 AS character varying(30)), CAST(:?c5 AS text), "
                + "CAST(:?c6 AS timestamp without time zone))",
                StagingSql.insert(plan));
        assertEquals("INSERT INTO \"ferry\".\"stage_public_customer_df6dafd53a\" (\"id\", \"owner_id\", "
                + "\"email\", \"phone\", \"note\", \"updated_at\") VALUES (CAST(? AS bigint), CAST(? AS "
                + "integer), CAST(? AS text), CAST(? AS character varying(30)), CAST(? AS text), CAST(? AS "
                + "timestamp without time zone))",
                StagingSql.insertJdbc(plan));
    }

    @Test
    void should_pin_an_incremental_cursor_and_its_watermark() {
        TablePlan plan = Plans.watermark();
        assertEquals("CREATE UNLOGGED TABLE \"ferry\".\"stage_public_event_b5dc620e4a\" (\"id\" bigint, "
                + "\"updated_at\" timestamp with time zone, \"body\" text)",
                StagingSql.create(plan));
        assertEquals("COPY \"ferry\".\"stage_public_event_b5dc620e4a\" (\"id\", \"updated_at\", \"body\") FROM "
                + "STDIN",
                StagingSql.copy(plan));
        assertEquals("INSERT INTO \"ferry\".\"stage_public_event_b5dc620e4a\" (\"id\", \"updated_at\", \"body\") "
                + "VALUES (CAST(:?c1 AS bigint), CAST(:?c2 AS timestamp with time zone), CAST(:?c3 AS text))",
                StagingSql.insert(plan));
        assertEquals("INSERT INTO \"ferry\".\"stage_public_event_b5dc620e4a\" (\"id\", \"updated_at\", \"body\") "
                + "VALUES (CAST(? AS bigint), CAST(? AS timestamp with time zone), CAST(? AS text))",
                StagingSql.insertJdbc(plan));
    }

    @Test
    void should_pin_a_subset_filter() {
        TablePlan plan = Plans.subset();
        // the filter selects the source's rows: what is staged, and merged, is the unfiltered table's
        assertEquals(StagingSql.create(Plans.oneColumnKey()),
                StagingSql.create(plan));
        assertEquals(StagingSql.copy(Plans.oneColumnKey()),
                StagingSql.copy(plan));
        assertEquals(StagingSql.insert(Plans.oneColumnKey()),
                StagingSql.insert(plan));
        assertEquals(StagingSql.insertJdbc(Plans.oneColumnKey()),
                StagingSql.insertJdbc(plan));
    }
}
