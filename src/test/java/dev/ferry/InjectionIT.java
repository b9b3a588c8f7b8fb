package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.ferry.cli.SyncJob;
import dev.ferry.support.BookRoutes;
import dev.ferry.support.SyncFixture;
import org.junit.jupiter.api.Test;

/**
 * SQL in a route file is one expression, never a script: a {@code where} or a {@code sql(...)} rule that
 * would end the read's statement and transaction to write production exits 2 before any row is read
 * (production keeps its table, development is unchanged), while a ';' inside a string stays harmless.
 */
class InjectionIT {

    /** The where condition that dropped a production table through the COPY's simple-query protocol. */
    private static final String WHERE = "id < 10)); COMMIT; BEGIN READ WRITE; DROP TABLE victim; COMMIT; "
            + "BEGIN READ ONLY; SELECT ((1";
    /** The data rule that did the same, staying one rule for the rules parser. */
    private static final String RULES = "title: sql(title) AS text) FROM book s) TO STDOUT; COMMIT; BEGIN READ WRITE; "
            + "DROP TABLE victim; COMMIT; BEGIN READ ONLY; COPY (SELECT CAST((1)";

    /**
     * Syncs with {@code --no-verify}: the full read is then one COPY of the rules' expressions without the
     * row hash, through the simple-query protocol, where the payloads ran whole.
     */
    private static int sync(SyncFixture f, Path routes) throws Exception {
        // the rule's payload left the run hanging: bounded (-1 when it did not end), so that the test fails instead
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> f.ferry("sync", "--yes", "--no-verify",
                "--tables-dir", routes.toString(), "--owner-email", "bob@dev.example"));
        try {
            return run.get(120, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return -1;
        }
    }

    private static void refusedBeforeAnyRow(String parameter, String value, String message) throws Exception {
        try (SyncFixture f = new SyncFixture("inject", 50)) {
            f.execProd("CREATE TABLE victim (id int)", "INSERT INTO victim VALUES (1)");
            String development = f.devBookDigest();
            Path routes = BookRoutes.with(parameter, value);

            int exit = sync(f, routes);

            assertEquals("1", f.prod("SELECT count(*) FROM victim"), "production's table is still there");
            assertEquals(2, exit, f.output());
            assertTrue(f.output().contains(message), f.output());
            assertNull(f.dev("SELECT to_regclass('ferry.run')"), "refused at plan time: no run was started");
            assertEquals(development, f.devBookDigest(), "development unchanged");
            // the verification and the leak check plan the same way
            assertEquals(2, f.ferry("verify", "--tables-dir", routes.toString()), f.output());
            assertTrue(f.output().contains(message), f.output());
            assertEquals("1", f.prod("SELECT count(*) FROM victim"), "production's table is still there");
        }
    }

    @Test
    void should_refuse_a_where_that_ends_the_statement_with_exit_2_before_any_row_is_read() throws Exception {
        refusedBeforeAnyRow("where", WHERE, "book: parameter where: ')' closes a parenthesis it did not open: "
                + "a condition must be one SQL expression");
    }

    @Test
    void should_refuse_a_sql_rule_that_ends_the_copy_with_exit_2_before_any_row_is_read() throws Exception {
        refusedBeforeAnyRow("rules", RULES, "book: parameter rules (title: sql(...)): ')' closes a parenthesis it did "
                + "not open: a rule must be one SQL expression");
    }

    @Test
    void should_refuse_a_where_that_is_not_one_expression_over_the_table() throws Exception {
        // balanced and without ';', but not an expression: PostgreSQL's parse of it refuses it at plan time
        refusedBeforeAnyRow("where", "id < 10 LIMIT 5", "book: parameter where: PostgreSQL does not take it as one "
                + "expression over book's rows: syntax error at or near \"LIMIT\"");
    }

    @Test
    void should_refuse_fragments_when_the_source_sends_every_statement_as_a_simple_query() throws Exception {
        try (SyncFixture f = new SyncFixture("inject_simple", 20)) {
            Path routes = BookRoutes.with("where", "title <> 'a;b'");
            SyncJob.Outcome outcome = f.sync(o -> {
                o.tablesDir = routes;
                o.overrides.put("ferry.source.url", f.pg.url(f.production)
                        + (f.pg.url(f.production).contains("?") ? "&" : "?") + "preferQueryMode=simple");
            });
            assertEquals(2, outcome.exitCode(), f.output());
            assertTrue(f.output().contains("book: parameter where: the source URL sets preferQueryMode=simple, with "
                    + "which PostgreSQL cannot check that it is one expression"), f.output());
        }
    }

    @Test
    void should_sync_a_where_with_a_semicolon_inside_a_string() throws Exception {
        try (SyncFixture f = new SyncFixture("inject_ok", 50)) {
            f.execProd("UPDATE book SET title = 'a;b' WHERE id <= 5");
            Path routes = BookRoutes.with("where", "title <> 'a;b' AND isbn10 <> $$x;(y$$",
                    "rules", "title_long: sql(upper(title) || ';')");

            assertEquals(0, sync(f, routes), f.output());

            assertEquals(f.prod("SELECT count(*) FROM book WHERE title <> 'a;b'"), f.dev("SELECT count(*) FROM book"));
            assertEquals("0", f.dev("SELECT count(*) FROM book WHERE title = 'a;b'"));
            assertEquals("BOOK 10;", f.dev("SELECT title_long FROM book WHERE title = 'Book 10'"));
        }
    }
}
