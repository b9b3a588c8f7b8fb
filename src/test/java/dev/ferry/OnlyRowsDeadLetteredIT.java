package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import dev.ferry.cli.SyncJob;
import dev.ferry.support.BookRoutes;
import dev.ferry.support.SyncFixture;
import org.junit.jupiter.api.Test;

/**
 * Only errors about a row (SQLState class 22 and 23, and the apply's set-based checks) send rows to the
 * dead letters: a missing privilege or a full disk fails the table with development unchanged, and a table
 * with more dead letters than maxDeadLetters fails instead of being applied.
 */
class OnlyRowsDeadLetteredIT {

    /**
     * In development: every staging table Ferry creates gets a trigger that lets the first 100 rows in and
     * then raises {@code sqlState} for every row, as a REVOKE INSERT or a full disk in the middle of a run would.
     */
    private static void failStagingAfter100Rows(SyncFixture f, String sqlState, String message) throws Exception {
        f.execDev("CREATE SEQUENCE staged_rows",
                "CREATE FUNCTION refuse_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "IF nextval('public.staged_rows') > 100 THEN RAISE EXCEPTION '" + message + "' USING ERRCODE = '"
                        + sqlState + "'; END IF; RETURN NEW; END $$",
                "CREATE FUNCTION arm_staging() RETURNS event_trigger LANGUAGE plpgsql AS $$ DECLARE r record; BEGIN "
                        + "FOR r IN SELECT object_identity FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE TABLE' "
                        + "AND schema_name = 'ferry' AND object_identity LIKE 'ferry.stage%' LOOP "
                        + "EXECUTE format('CREATE TRIGGER refuse_row BEFORE INSERT ON %s FOR EACH ROW "
                        + "EXECUTE FUNCTION public.refuse_row()', r.object_identity); END LOOP; END $$",
                "CREATE EVENT TRIGGER arm_staging ON ddl_command_end WHEN TAG IN ('CREATE TABLE') "
                        + "EXECUTE FUNCTION arm_staging()");
    }

    private static void assertFailedUnchanged(SyncFixture f, SyncJob.Outcome outcome, String before, String reason)
            throws Exception {
        assertEquals(1, outcome.exitCode(), f.output());
        assertEquals("FAILED", outcome.run().status().name());
        assertEquals("FAILED", outcome.run().result("book").status().name());
        assertTrue(outcome.run().result("book").error().contains(reason), outcome.run().result("book").error());
        assertEquals(before, f.devBookDigest(), "development unchanged");
        assertEquals("0", f.dev("SELECT count(*) FROM ferry.dead_letter"), "no row dead-lettered");
        assertEquals("FAILED", f.dev("SELECT status FROM ferry.run"));
    }

    @Test
    void should_fail_the_table_when_insert_is_refused_mid_run() throws Exception {
        try (SyncFixture f = new SyncFixture("dlpriv", 500)) {
            failStagingAfter100Rows(f, "42501", "permission denied for the staging table");
            String before = f.devBookDigest();
            SyncJob.Outcome outcome = f.sync(o -> o.overrides.put("ferry.batch-size", "100"));
            assertFailedUnchanged(f, outcome, before, "permission denied for the staging table");
            assertEquals("100", f.dev("SELECT rows_staged FROM ferry.checkpoint"), "the first batch stays staged");
        }
    }

    @Test
    void should_fail_the_table_when_the_disk_fills_up_mid_run_with_the_sql_writer() throws Exception {
        try (SyncFixture f = new SyncFixture("dldisk", 500)) {
            failStagingAfter100Rows(f, "53100", "could not extend file: No space left on device");
            Path routes = BookRoutes.with("writer", "sql");
            String before = f.devBookDigest();
            SyncJob.Outcome outcome = f.sync(o -> {
                o.tablesDir = routes;
                o.overrides.put("ferry.batch-size", "100");
            });
            assertFailedUnchanged(f, outcome, before, "No space left on device");
        }
    }

    @Test
    void should_fail_a_table_with_more_dead_letters_than_max_dead_letters_unless_switched_off() throws Exception {
        try (SyncFixture f = new SyncFixture("dlmax", 500)) {
            // development's enum lacks a label that 62 of the 500 production books use: set aside while staging
            f.execProd("CREATE TYPE binding_kind AS ENUM ('Hardcover', 'Paperback', 'Audio')",
                    "ALTER TABLE book ALTER binding TYPE binding_kind USING binding::binding_kind",
                    "UPDATE book SET binding = 'Audio' WHERE id % 8 = 0");
            f.execDev("CREATE TYPE binding_kind AS ENUM ('Hardcover', 'Paperback')",
                    "ALTER TABLE book ALTER binding TYPE binding_kind USING binding::binding_kind");
            String before = f.devBookDigest();
            // the default: the lesser of 1,000 and 10% of the 500 rows read, so 50
            SyncJob.Outcome outcome = f.sync(o -> o.overrides.put("ferry.batch-size", "100"));
            assertEquals(1, outcome.exitCode(), f.output());
            assertEquals("FAILED", outcome.run().result("book").status().name());
            String error = outcome.run().result("book").error();
            assertTrue(error.contains("62 rows set aside as dead letters, more than maxDeadLetters (50: the default")
                    && error.contains("raise maxDeadLetters") && !error.contains("\n"), error);
            assertEquals(before, f.devBookDigest(), "development unchanged");
            assertEquals("62", f.dev("SELECT count(*) FROM ferry.dead_letter WHERE sql_state = '22P02'"),
                    "the failed table's dead letters stay in the store");

            // switched off: the same staging is applied, the run is PARTIAL
            Path off = BookRoutes.with("maxDeadLetters", "-1");
            outcome = f.sync(o -> o.tablesDir = off);
            assertEquals(3, outcome.exitCode(), f.output());
            assertEquals("PARTIAL", outcome.run().status().name());
            assertEquals("438", f.dev("SELECT count(*) FROM book"));
            assertEquals(62, outcome.run().result("book").deadLettered());
        }
    }

    @Test
    void should_fail_unapplied_when_the_apply_checks_set_aside_more_than_max_dead_letters() throws Exception {
        try (SyncFixture f = new SyncFixture("dlmaxapply", 500)) {
            // a development-only CHECK: the apply's set-based checks set 62 books aside
            f.execDev("ALTER TABLE book ADD CONSTRAINT dev_only CHECK (id % 8 <> 0)");
            String before = f.devBookDigest();
            Path twenty = BookRoutes.with("maxDeadLetters", "20");
            SyncJob.Outcome outcome = f.sync(o -> o.tablesDir = twenty);
            assertEquals(1, outcome.exitCode(), f.output());
            assertEquals("FAILED", outcome.run().status().name());
            String error = outcome.run().result("book").error();
            assertTrue(error.contains("62 rows set aside as dead letters, more than maxDeadLetters (20)")
                    && error.contains("dev_only"), error);
            assertEquals(before, f.devBookDigest(), "development unchanged");

            Path enough = BookRoutes.with("maxDeadLetters", "62");
            outcome = f.sync(o -> o.tablesDir = enough);
            assertEquals(3, outcome.exitCode(), f.output());
            assertEquals("438", f.dev("SELECT count(*) FROM book"));
            assertEquals("62", f.dev("SELECT count(*) FROM ferry.dead_letter WHERE sql_state = '23514'"));
        }
    }

    @Test
    void should_refuse_a_max_dead_letters_that_is_not_a_number_of_rows() throws Exception {
        try (SyncFixture f = new SyncFixture("dlmaxbad", 10)) {
            String before = f.devBookDigest();
            Path bad = BookRoutes.with("maxDeadLetters", "-5");
            SyncJob.Outcome outcome = f.sync(o -> o.tablesDir = bad);
            assertEquals(2, outcome.exitCode(), f.output());
            assertTrue(f.output().contains("parameter 'maxDeadLetters' is '-5': must be a whole number of at least 0, or -1 for no limit"), f.output());
            assertEquals(before, f.devBookDigest());
        }
    }
}
