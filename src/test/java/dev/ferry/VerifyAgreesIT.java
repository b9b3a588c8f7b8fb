package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import dev.ferry.support.BookRoutes;
import dev.ferry.support.SyncFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ferry verify} agrees with the sync's own verification: dead letters whose rows have landed no longer
 * count, and merge tables are compared the way the sync leaves them (rows development keeps are fine).
 */
class VerifyAgreesIT {

    private static int sync(SyncFixture f, Path routes) {
        return f.ferry("sync", "--yes", "--owner-email", "bob@dev.example", "--tables-dir", routes.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"full", "merge"})
    void dead_letters_whose_rows_landed_are_cleared_and_verify_is_equal(String mode) throws Exception {
        try (SyncFixture f = new SyncFixture("verify_dl_" + mode, 2_000)) {
            Path routes = BookRoutes.with("mode", mode);
            // a development-only CHECK rejects 4 of the 2,000 books: PARTIAL
            f.execDev("ALTER TABLE book ADD CONSTRAINT dev_only CHECK (id % 500 <> 1)");
            assertEquals(3, sync(f, routes), f.output());
            assertEquals("4", f.dev("SELECT count(*) FROM ferry.dead_letter WHERE table_name = 'book'"));
            assertEquals(0, f.ferry("verify", "--tables-dir", routes.toString()), f.output());

            // the cause fixed, the next sync lands those rows: their dead letters go with the apply
            f.execDev("ALTER TABLE book DROP CONSTRAINT dev_only");
            assertEquals(0, sync(f, routes), f.output());
            assertEquals("2000", f.dev("SELECT count(*) FROM book"));
            assertEquals(0, f.ferry("verify", "--tables-dir", routes.toString()), f.output());
            assertTrue(f.output().contains("EQUAL") && !f.output().contains("DIFFERENT"), f.output());
            assertEquals("0", f.dev("SELECT count(*) FROM ferry.dead_letter WHERE table_name = 'book'"));
        }
    }

    @Test
    void rows_still_rejected_keep_their_dead_letters_and_resolved_ones_go() throws Exception {
        try (SyncFixture f = new SyncFixture("verify_dl_again", 2_000)) {
            Path routes = BookRoutes.with("mode", "merge");
            f.execDev("ALTER TABLE book ADD CONSTRAINT dev_only CHECK (id % 500 <> 1)");
            assertEquals(3, sync(f, routes), f.output());
            // a narrower check: books 1 and 1001 land now, 501 and 1501 are rejected again
            f.execDev("ALTER TABLE book DROP CONSTRAINT dev_only",
                    "ALTER TABLE book ADD CONSTRAINT dev_only CHECK (id % 1000 <> 501)");
            assertEquals(3, sync(f, routes), f.output());
            assertEquals("501,1501", f.dev("SELECT string_agg(row_key, ',' ORDER BY row_key::int) FROM ferry.dead_letter "
                    + "WHERE table_name = 'book'"), "one dead letter per row still rejected, none for the rows that landed");
            assertEquals(0, f.ferry("verify", "--tables-dir", routes.toString()), f.output());
            assertTrue(f.output().contains("2 dead-lettered (left out)"), f.output());
        }
    }

    @Test
    void merge_table_keeping_development_rows_verifies_equal_until_production_changes() throws Exception {
        try (SyncFixture f = new SyncFixture("verify_merge", 300)) {
            Path routes = BookRoutes.with("mode", "merge", "conflict", "targetWins");
            // a book of development's own, never in production
            f.execDev("INSERT INTO book (id, owner_id, isbn10, isbn13, title, language, visibility, created_at, updated_at) "
                    + "SELECT 900000, id, 'DEV0000001', 'DEV0000000001', 'dev only', 'en', 'PUBLIC', now(), now() FROM users "
                    + "WHERE email = 'bob@dev.example'");
            assertEquals(0, sync(f, routes), f.output());
            // development changes book 20, production too: targetWins keeps development's
            f.execDev("UPDATE book SET title = 'dev title' WHERE id = 20");
            f.execProd("UPDATE book SET title = 'prod title' WHERE id = 20");
            assertEquals(0, sync(f, routes), f.output());
            assertEquals("dev title", f.dev("SELECT title FROM book WHERE id = 20"));

            assertEquals(0, f.ferry("verify", "--tables-dir", routes.toString()), f.output());
            assertTrue(f.output().contains("EQUAL") && !f.output().contains("DIFFERENT"), f.output());
            assertTrue(f.output().contains("1 kept by conflict: targetWins"), f.output());
            assertTrue(f.output().contains("1 only in the target (kept)"), f.output());

            // production changes a row and no sync ran: development no longer has it
            f.execProd("UPDATE book SET title = 'changed in production' WHERE id = 30");
            assertEquals(1, f.ferry("verify", "--tables-dir", routes.toString()), f.output());
            assertTrue(f.output().contains("DIFFERENT") && f.output().contains("1 missing or different in the target"),
                    f.output());
            assertTrue(f.output().contains("tables that differ: book"), f.output());
        }
    }

    @Test
    void merge_with_manual_conflicts_keeps_the_recorded_rows() throws Exception {
        try (SyncFixture f = new SyncFixture("verify_manual", 200)) {
            Path routes = BookRoutes.with("mode", "merge", "conflict", "manual");
            assertEquals(0, sync(f, routes), f.output());
            f.execDev("UPDATE book SET title = 'dev title' WHERE id = 10");
            f.execProd("UPDATE book SET title = 'prod title' WHERE id = 10");
            assertEquals(0, sync(f, routes), f.output());
            assertEquals("1", f.dev("SELECT count(*) FROM ferry.conflict WHERE table_name = 'book'"));
            assertEquals(0, f.ferry("verify", "--tables-dir", routes.toString()), f.output());
            assertTrue(f.output().contains("1 kept by conflict: manual"), f.output());
            // a development change the sync has not seen is no recorded conflict
            f.execDev("UPDATE book SET title = 'another dev title' WHERE id = 11");
            assertEquals(1, f.ferry("verify", "--tables-dir", routes.toString()), f.output());
        }
    }

    @Test
    void merge_with_delete_missing_counts_rows_only_the_target_has() throws Exception {
        try (SyncFixture f = new SyncFixture("verify_merge_del", 300)) {
            Path routes = BookRoutes.with("mode", "merge", "deleteMissing", "true");
            assertEquals(0, sync(f, routes), f.output());
            assertEquals(0, f.ferry("verify", "--tables-dir", routes.toString()), f.output());
            f.execProd("DELETE FROM book WHERE id = 7");
            assertEquals(1, f.ferry("verify", "--tables-dir", routes.toString()), f.output());
            assertTrue(f.output().contains("1 only in the target (deleteMissing would delete them)"), f.output());
        }
    }
}
