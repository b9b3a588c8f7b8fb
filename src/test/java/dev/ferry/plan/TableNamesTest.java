package dev.ferry.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import dev.ferry.read.ReadSql;

import org.junit.jupiter.api.Test;

/** A table's name as text Camel reads: its endpoint, camel-sql statements, and --tables. */
class TableNamesTest {

    @Test
    void should_keep_a_plain_tables_endpoint_and_make_any_other_safe() {
        assertEquals("sync-book", TableEndpoint.of("book"));
        assertEquals("sync-public.book", TableEndpoint.of("public.book"));
        for (String name : List.of("\"my table\"", "public.\"a.b\"", "\"it's\"", "\"a?b=c\"", "\"Ünïcødé\"", "\"x%y#\"")) {
            assertTrue(TableEndpoint.of(name).matches("sync-[A-Za-z0-9_]+--[0-9a-f]{10}"), name);
        }
        assertNotEquals(TableEndpoint.of("\"a b\""), TableEndpoint.of("\"a_b\""));
    }

    @Test
    void should_escape_the_colon_of_an_identifier_holding_a_camel_parameter() {
        assertEquals("SELECT s.\"c\" FROM t WHERE x = :?ferryAfterKey",
                ReadSql.forCamelSql("SELECT s.\"c\" FROM t WHERE x = :?ferryAfterKey"));
        assertEquals("SELECT s.U&\"c\\003A?d\" AS c1, ':?x' FROM \"q?x#\"",
                ReadSql.forCamelSql("SELECT s.\"c:?d\" AS c1, ':?x' FROM \"q?x#\""));
        assertEquals("SELECT U&\"a\\\\b\\003A?\"\"\"", ReadSql.forCamelSql("SELECT \"a\\b:?\"\"\""));
    }

    @Test
    void should_find_a_table_by_its_label_or_unquoted_name_when_unambiguous() {
        List<String> labels = List.of("\"my table\"", "public.\"a.b\"", "a.b", "\"Users\"", "users");
        assertEquals("\"my table\"", TableSpec.find(labels, "my table"));
        assertEquals("\"my table\"", TableSpec.find(labels, "\"my table\""));
        assertEquals("public.\"a.b\"", TableSpec.find(labels, "public.a.b"));
        assertEquals("a.b", TableSpec.find(labels, "a.b"));
        assertEquals("users", TableSpec.find(labels, "users"));
        assertEquals("\"Users\"", TableSpec.find(labels, "Users"));
        assertNull(TableSpec.find(labels, "nope"));
    }
}
