package dev.ferry.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

/** The template's parameters to a table's spec, without Camel or a database. */
class TableTemplateTest {

    private static final UnaryOperator<String> CONFIG = v -> v.replace("{{ferry.batch-size}}", "5000")
            .replace("{{ferry.batch-bytes}}", "8388608").replace("{{ferry.fetch-size}}", "1000")
            .replace("{{ferry.max-rows-per-second}}", "0");

    private static TableTemplate template() throws Exception {
        return TableTemplate.read(Path.of("routes/templates/table-sync.camel.yaml"));
    }

    @Test
    void should_build_a_spec_from_the_template_defaults_and_the_given_values() throws Exception {
        TableSpec spec = TableSpec.of(template().values(Map.of("table", "book", "ownerColumn", "owner_id"), CONFIG));
        assertEquals(new TableSpec("book", "id", "owner_id", 5000, false, TableSpec.Mode.FULL, false, "", false,
                TableSpec.Conflict.SOURCE_WINS, "", "", "target", TableSpec.Writer.COPY, 8L << 20, "", "", 0, 0, false, null), spec);

        TableSpec merge = TableSpec.of(template().values(Map.of("table", "customer", "key", " customer_id ",
                "mode", "merge", "deleteMissing", "true", "conflict", "manual", "writer", "sql", "limit", "",
                "percent", "12.5", "maxDeadLetters", "-1", "batchSize", "{{ferry.batch-size}}"), CONFIG));
        assertEquals("customer_id", merge.key());
        assertTrue(merge.mode().isMerge() && merge.deleteMissing() && merge.deletesRowsOnlyTargetHas());
        assertEquals(TableSpec.Conflict.MANUAL, merge.conflict());
        assertEquals(TableSpec.Writer.SQL, merge.writer());
        assertEquals(0, merge.limit());
        assertEquals(12.5, merge.percent());
        assertEquals(-1L, merge.maxDeadLetters());
        assertEquals(5000, merge.batchSize());
    }

    @Test
    void should_declare_every_spec_field_in_the_template_with_a_type_and_a_default_but_the_table() throws Exception {
        Map<String, TableTemplate.Parameter> declared = template().parameters();
        for (String field : Arrays.stream(TableSpec.class.getRecordComponents()).map(c -> c.getName()).toList()) {
            TableTemplate.Parameter p = declared.get(field);
            assertTrue(p != null, field + " is a spec field the template does not declare");
            assertEquals(field.equals("table"), p.required(), field);
            assertEquals(field.equals("table"), p.defaultValue() == null, field);
        }
        assertEquals(List.of("full", "merge", "incremental"), declared.get("mode").enumValues());
        assertEquals(List.of("copy", "sql"), declared.get("writer").enumValues());
        assertEquals("merge", declared.get("mode").example());
        assertEquals(100.0, declared.get("percent").maximum());
        assertEquals("rules", declared.get("rules").format());
    }

    @Test
    void should_refuse_an_unknown_or_missing_parameter_in_one_line() throws Exception {
        String unknown = assertThrows(IllegalArgumentException.class,
                () -> template().values(Map.of("table", "book", "colour", "blue"), CONFIG)).getMessage();
        assertTrue(unknown.startsWith("unknown parameter 'colour'; known: table, key, ownerColumn,"), unknown);
        assertTrue(!unknown.contains("\n"), unknown);
        assertEquals("parameter 'table' is required",
                assertThrows(IllegalArgumentException.class, () -> template().values(Map.of(), CONFIG)).getMessage());
        Map<String, String> values = new java.util.HashMap<>(template().values(Map.of("table", "t"), CONFIG));
        values.remove("writer");
        assertEquals("the table-sync template declares no parameter 'writer'",
                assertThrows(IllegalArgumentException.class, () -> TableSpec.of(values)).getMessage());
    }

    @Test
    void should_say_what_a_value_of_each_type_must_be() throws Exception {
        Map<String, TableTemplate.Parameter> p = template().parameters();
        assertNull(TableTemplate.problem(p.get("mode"), "MERGE"));
        assertEquals("must be full, merge or incremental", TableTemplate.problem(p.get("mode"), "mirror"));
        assertEquals("must be true or false", TableTemplate.problem(p.get("strict"), "yes"));
        assertNull(TableTemplate.problem(p.get("limit"), ""));
        assertNull(TableTemplate.problem(p.get("maxDeadLetters"), ""));
        assertEquals("must be a whole number of at least 0, or -1 for no limit", TableTemplate.problem(p.get("maxDeadLetters"), "-2"));
        assertEquals("must be a whole number of at least 1", TableTemplate.problem(p.get("batchSize"), ""));
        assertEquals("must be a number from 0 to 100 (0: every row)", TableTemplate.problem(p.get("percent"), "100.5"));
        assertNull(TableTemplate.problem(p.get("where"), "anything at all"));
    }

    @Test
    void should_refuse_a_template_parameter_without_a_type_line() throws Exception {
        Path file = Files.createTempFile("table-sync", ".camel.yaml");
        Files.writeString(file, """
                - routeTemplate:
                    id: table-sync
                    parameters:
                      - name: table
                        # type: string, example: book
                        required: true
                      - name: key
                        defaultValue: id
                """);
        String message = assertThrows(IllegalStateException.class, () -> TableTemplate.read(file)).getMessage();
        assertTrue(message.endsWith("parameter key has no '# type: ...' line under its name"), message);
    }
}
