package dev.ferry.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** SQL kept in classpath files, without a database. */
class SqlResourceTest {

    @Test
    void should_give_the_statement_without_surrounding_blank_lines_or_trailing_semicolon() {
        assertEquals("-- a statement kept in a file\nSELECT 1\n  FROM pg_class\n WHERE relname = ?",
                SqlResource.get("sql/test/one.sql"));
    }

    @Test
    void should_read_a_file_once() {
        assertSame(SqlResource.get("sql/test/one.sql"), SqlResource.get("sql/test/one.sql"));
    }

    @Test
    void should_keep_a_scripts_whole_text() {
        String text = SqlResource.text("sql/test/one.sql");
        assertTrue(text.startsWith("\n-- a statement") && text.endsWith("= ?;\n\n"), text);
    }

    @Test
    void should_find_every_statement_the_code_names() throws IOException {
        Pattern named = Pattern.compile("SqlResource\\.get\\(\"([^\"]+)\"\\)");
        List<String> paths = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = named.matcher(Files.readString(file));
                while (m.find()) {
                    paths.add(m.group(1));
                }
            }
        }
        assertTrue(paths.size() >= 10, paths.toString());
        for (String path : paths) {
            String sql = SqlResource.get(path);
            assertTrue(sql.contains("SELECT"), path);
            assertFalse(sql.replaceAll("--[^\n]*", "").contains(";"), path + " holds more than one statement");
        }
    }

    @Test
    void should_name_a_missing_file_and_what_to_do() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SqlResource.get("sql/test/none.sql"));
        assertTrue(e.getMessage().contains("sql/test/none.sql") && e.getMessage().contains("rebuild"), e.getMessage());
    }
}
