package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** Route file names one per table, safe on disk; YAML scalars that hold a name exactly. */
class ScaffoldNamesTest {

    @Test
    void should_name_route_files_one_per_table_with_one_dot() {
        assertEquals("book.yaml", ScaffoldCommand.fileName("public", "book"));
        assertEquals("sales-book.yaml", ScaffoldCommand.fileName("sales", "book"));
        assertNotEquals(ScaffoldCommand.fileName("public", "a_b"), ScaffoldCommand.fileName("public_a", "b"));
        assertNotEquals(ScaffoldCommand.fileName("public", "Users"), ScaffoldCommand.fileName("public", "users"));
        assertNotEquals(ScaffoldCommand.fileName("a", "b.c"), ScaffoldCommand.fileName("a.b", "c"));
        for (String name : List.of("my table", "a.b", "it's", "Ünïcødé", "con", "x/../y", "a\nb", "é".repeat(63))) {
            String file = ScaffoldCommand.fileName("public", name);
            assertTrue(file.matches("[A-Za-z0-9_-]{1,120}\\.yaml"), file);
        }
    }

    @Test
    void should_write_yaml_scalars_that_read_back_as_the_name() {
        for (String name : List.of("book", "\"my table\"", "public.\"a.b\"", "\"it's\"", "\"a\nb\"", "\"x: y # z\"", "\"\\\"")) {
            Object back = new Load(LoadSettings.builder().build()).loadFromString("v: " + ScaffoldCommand.yaml(name));
            assertEquals(name, ((java.util.Map<?, ?>) back).get("v"), name);
            back = new Load(LoadSettings.builder().build()).loadFromString("v: " + ScaffoldCommand.quoted(name));
            assertEquals(name, ((java.util.Map<?, ?>) back).get("v"), name);
        }
    }
}
