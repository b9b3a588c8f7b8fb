package dev.ferry.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void should_name_a_missing_file_and_what_to_do() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SqlResource.get("sql/test/none.sql"));
        assertTrue(e.getMessage().contains("sql/test/none.sql") && e.getMessage().contains("rebuild"), e.getMessage());
    }
}
