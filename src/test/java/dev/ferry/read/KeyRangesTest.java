package dev.ferry.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;

import dev.ferry.plan.TablePlan;
import dev.ferry.support.Plans;
import org.junit.jupiter.api.Test;

/** How a big table is cut into key ranges, no database: the cuts, the checkpoint text, the SQL pinned. */
class KeyRangesTest {

    @Test
    void should_read_sizes_with_and_without_units() {
        assertEquals(1, KeyRanges.bytes("1"));
        assertEquals(500L << 20, KeyRanges.bytes("500MB"));
        assertEquals(50L << 20, KeyRanges.bytes(" 50 mb "));
        assertEquals(8L << 10, KeyRanges.bytes("8kB"));
        assertEquals(2L << 30, KeyRanges.bytes("2G"));
        assertEquals(1L << 40, KeyRanges.bytes("1TB"));
        assertThrows(IllegalArgumentException.class, () -> KeyRanges.bytes("lots"));
        assertThrows(IllegalArgumentException.class, () -> KeyRanges.bytes("-1MB"));
        assertThrows(IllegalArgumentException.class, () -> KeyRanges.bytes(""));
    }

    @Test
    void should_cut_integer_keys_into_ranges_of_equal_width() {
        assertEquals(List.of("500000"), KeyRanges.integerBounds(BigInteger.ONE, BigInteger.valueOf(1_000_000), 2));
        assertEquals(List.of("3", "6"), KeyRanges.integerBounds(BigInteger.ONE, BigInteger.TEN, 3));
        assertEquals(List.of("-1"), KeyRanges.integerBounds(BigInteger.valueOf(-10), BigInteger.valueOf(9), 2));
        // bigint's whole span does not overflow
        assertEquals(List.of("-1"), KeyRanges.integerBounds(BigInteger.valueOf(Long.MIN_VALUE),
                BigInteger.valueOf(Long.MAX_VALUE), 2));
        // fewer keys than parts: fewer ranges; one key: one range
        assertEquals(List.of("7"), KeyRanges.integerBounds(BigInteger.valueOf(7), BigInteger.valueOf(8), 4));
        assertEquals(List.of(), KeyRanges.integerBounds(BigInteger.valueOf(7), BigInteger.valueOf(7), 4));
    }

    @Test
    void should_keep_each_ranges_checkpoint_in_one_text() {
        KeyRanges.Split fresh = KeyRanges.Split.of(List.of("500", "it's \"1000\""));
        assertEquals(3, fresh.parts());
        assertEquals("{\"upTo\":[\"500\",\"it's \\\"1000\\\"\"],\"after\":[null,null,null]}", fresh.encode());
        assertNull(fresh.readAfter(0));
        assertEquals("500", fresh.readAfter(1));
        assertEquals("it's \"1000\"", fresh.readAfter(2));
        assertEquals("500", fresh.upTo(0));
        assertNull(fresh.upTo(2));

        KeyRanges.Split moved = fresh.advanced(1, "640").advanced(0, "12");
        assertEquals("12", moved.readAfter(0));
        assertEquals("640", moved.readAfter(1));
        assertEquals("it's \"1000\"", moved.readAfter(2));
        assertEquals(moved, KeyRanges.Split.decode(moved.encode()));
        assertEquals(Arrays.asList(null, null, null), fresh.after(), "advancing makes a new split");
        assertThrows(IllegalStateException.class, () -> KeyRanges.Split.decode("41"));
        assertThrows(IllegalArgumentException.class, () -> new KeyRanges.Split(List.of("1"), List.of("1")));
    }

    @Test
    void should_split_only_full_keyed_tables_read_by_copy() {
        assertNull(KeyRanges.unsplittable(Plans.oneColumnKey()));
        assertEquals("it has no key", KeyRanges.unsplittable(Plans.noKey()));
        assertEquals("merge mode (only full tables are split)", KeyRanges.unsplittable(Plans.compositeKey()));
        assertEquals("incremental mode (only full tables are split)", KeyRanges.unsplittable(Plans.watermark()));
        assertTrue(KeyRanges.integerKey(Plans.oneColumnKey()));
        assertFalse(KeyRanges.integerKey(Plans.compositeKey()));
    }

    @Test
    void should_pin_the_sql_of_an_integer_key() {
        TablePlan plan = Plans.oneColumnKey();
        assertEquals("SELECT pg_table_size(CAST('\"public\".\"book\"' AS regclass))", KeyRanges.size(plan));
        assertEquals("SELECT min(s.\"id\")::text, max(s.\"id\")::text FROM ONLY \"public\".\"book\" s",
                KeyRanges.minMax(plan));
        KeyRanges.Split split = KeyRanges.Split.of(List.of("500")).advanced(1, "640");
        String columns = "SELECT s.\"id\" AS \"id\", s.\"title\" AS \"title\", s.\"price\" AS \"price\", "
                + "s.\"published\" AS \"published\", s.\"id\"::text AS ferry_row_key__ FROM ONLY \"public\".\"book\" s";
        assertEquals(List.of(columns + " WHERE \"id\" <= CAST('500' AS bigint) ORDER BY s.\"id\"",
                        columns + " WHERE \"id\" > CAST('640' AS bigint) ORDER BY s.\"id\""),
                KeyRanges.reads(plan, split, null, false));
        assertEquals("SELECT count(*) FROM ONLY \"public\".\"book\" s WHERE ((\"id\" <= CAST('500' AS bigint)) "
                        + "OR (\"id\" > CAST('640' AS bigint)))",
                KeyRanges.count(plan, split));
        assertEquals("SELECT count(*) FROM ONLY \"public\".\"book\" s WHERE ((\"id\" > CAST('1' AS bigint) AND "
                        + "\"id\" <= CAST('500' AS bigint)) OR (\"id\" > CAST('500' AS bigint)))",
                KeyRanges.count(plan, KeyRanges.Split.of(List.of("500")).advanced(0, "1")));
    }

    @Test
    void should_pin_the_sql_of_a_composite_key_and_a_subset() {
        TablePlan plan = Plans.compositeKey();
        assertEquals("SELECT bound FROM ((SELECT 1 AS part, jsonb_build_array(s.\"order_id\"::text, "
                        + "s.\"line_no\"::text)::text AS bound FROM ONLY \"public\".\"order_line\" s ORDER BY "
                        + "s.\"order_id\", s.\"line_no\" OFFSET 332 LIMIT 1) UNION ALL (SELECT 2 AS part, "
                        + "jsonb_build_array(s.\"order_id\"::text, s.\"line_no\"::text)::text AS bound FROM ONLY "
                        + "\"public\".\"order_line\" s ORDER BY s.\"order_id\", s.\"line_no\" OFFSET 665 LIMIT 1)) "
                        + "cuts ORDER BY part",
                KeyRanges.quantiles(plan, 999, 3));
        assertEquals(List.of("SELECT s.\"order_id\" AS \"order_id\", s.\"line_no\" AS \"line_no\", s.\"sku\" AS "
                        + "\"sku\", s.\"qty\" AS \"qty\", jsonb_build_array(s.\"order_id\"::text, "
                        + "s.\"line_no\"::text)::text AS ferry_row_key__ FROM ONLY \"public\".\"order_line\" s WHERE "
                        + "(\"order_id\", \"line_no\") > (CAST(CAST('[\"3\", \"2\"]' AS jsonb) ->> 0 AS integer), "
                        + "CAST(CAST('[\"3\", \"2\"]' AS jsonb) ->> 1 AS smallint)) ORDER BY s.\"order_id\", s.\"line_no\""),
                KeyRanges.reads(plan, new KeyRanges.Split(List.of(), List.of("[\"3\", \"2\"]")), null, false)
                        .subList(0, 1));
        // a subset's filter stays on every range (the filter first)
        String read = KeyRanges.reads(Plans.subset(), KeyRanges.Split.of(List.of("50")), null, false).get(1);
        assertTrue(read.contains(" WHERE (" + Plans.subset().filter() + ") AND \"id\" > CAST('50' AS bigint) ORDER BY"),
                read);
    }
}
