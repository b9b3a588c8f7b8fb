package dev.ferry.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The lexical check of route-file SQL fragments, without a database: what may not end or escape a statement. */
class UserSqlTest {

    private static void accepted(String fragment) {
        assertNull(UserSql.problem(fragment), fragment);
    }

    private static void refused(String fragment, String reason) {
        String problem = UserSql.problem(fragment);
        assertNotNull(problem, fragment + " was accepted");
        assertTrue(problem.contains(reason), fragment + ": " + problem);
    }

    @Test
    void should_accept_expressions_with_semicolons_and_parentheses_inside_literals() {
        accepted("id < 10");
        accepted("title <> 'a;b'");
        accepted("title = 'it''s; (not'");
        accepted("title = E'it\\'s; )'");
        accepted("title = e'a\\\\'");
        accepted("title = $$a;b)$$ AND isbn10 = $tag$ $$; ) $tag$");
        accepted("\"we;ird)\" = 1 AND \"a\"\"b\" = 2");
        accepted("customer_id IN (SELECT customer_id FROM customer WHERE country = 'Brazil')");
        accepted("upper(city) || ';'");
        accepted("x = B'10' OR y = X'ff'");
        accepted("n = 1.5e3 AND m - -1 > 0 AND p / 2 * 3 > 0");
        accepted("title LIKE '50\\%%'"); // a backslash before a quote-free character reads the same both ways
        accepted("ütf = 'é'");
        accepted("'a'\n'b;' = c"); // one literal continued on the next line
        accepted("false");
    }

    @Test
    void should_refuse_what_ends_the_statement_or_the_parentheses_around_the_fragment() {
        refused("id < 10)); COMMIT; BEGIN READ WRITE; DROP TABLE victim; COMMIT; BEGIN READ ONLY; SELECT ((1",
                "')' closes a parenthesis it did not open");
        refused("title) AS text) FROM book s) TO STDOUT; COMMIT; BEGIN READ WRITE; DROP TABLE victim; COMMIT; "
                + "BEGIN READ ONLY; COPY (SELECT CAST((1", "')' closes a parenthesis it did not open");
        refused("true; DROP TABLE victim", "';' outside a string ends the statement");
        refused("(true", "'(' is never closed");
        refused("true) OR (true", "')' closes a parenthesis it did not open");
        refused("true -- and the rest", "a comment ('--')");
        refused("true /* ) */", "a comment ('/*')");
        refused("title = 'a", "a string literal ('...') is not closed");
        refused("title = E'a\\'", "a string literal (E'...') is not closed");
        refused("\"a = 1", "a quoted name");
        refused("title = $$a", "a dollar-quoted string ($$...) is not closed");
        refused("id = $1", "'$1' is a parameter");
        refused("id = $ 1", "'$' outside a string");
        refused("", "empty");
        refused("id = 1\u000b", "a control character");
        refused("id = 1\0", "NUL");
        refused("\\copy", "a backslash outside a string");
    }

    @Test
    void should_refuse_what_postgresql_reads_differently_than_it_looks() {
        // standard_conforming_strings off: '\' escapes the quote, and the ';' is outside the string
        refused("title = '\\'' ; DROP TABLE victim ; SELECT '''", "standard_conforming_strings is off");
        refused("title = 'C:\\'", "standard_conforming_strings is off");
        // a '$' continues a name in PostgreSQL: a$x$ is a name, not a dollar quote, so the ';' is outside
        refused("a$x$ ; DROP TABLE victim ; $x$ = 1", "'$' in a name");
        // PostgreSQL 15 and 16 read 0x1F$$ differently (a name, or a number and a dollar quote)
        refused("0x1F$$ ; $$ = 1", "'$' in a name");
        refused("1$$;$$ = 1", "'$' right after a number");
        // a continued E'...' literal keeps its backslash escapes
        refused("E'a'\n'\\' ' ; DROP TABLE victim ; SELECT ''", "';' outside a string ends the statement");
        // B'...' never takes backslash escapes, whatever the setting
        refused("B'\\' ; DROP TABLE victim ; SELECT '", "';' outside a string ends the statement");
    }

    @Test
    void should_quote_literals_with_a_backslash_as_escape_strings() {
        assertEquals("'it''s'", Sql.literal("it's"));
        assertEquals("E'C:\\\\'", Sql.literal("C:\\"));
        assertEquals("E'a\\\\'' ; x'", Sql.literal("a\\' ; x"));
        assertNull(UserSql.problem(Sql.literal("a\\' ; x) --")));
    }
}
