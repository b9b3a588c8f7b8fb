package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.cli.SyncJob;
import dev.ferry.support.SyncFixture;
import dev.ferry.plan.TablePlan;
import org.junit.jupiter.api.Test;

/**
 * A run stopped mid-table leaves staged rows and a checkpoint; when production changes under those
 * rows before the next run, that run restages the table in its own snapshot and ends SUCCESS, exact;
 * {@code sync --fresh} discards staging on purpose.
 */
class ResumeAcrossChangesIT {

    private static final String STAGING = "ferry." + TablePlan.workTableName("stage_", "public", "book");
    private static final int BOOKS = 6_000;
    private static final String OWNER = "bob@dev.example";

    @Test
    void should_restage_in_the_same_run_when_production_changed_under_the_staged_rows() throws Exception {
        try (SyncFixture f = new SyncFixture("resume_changed", BOOKS)) {
            long staged = interruptedRun(f);
            String checkpoint = f.dev("SELECT last_key FROM ferry.checkpoint WHERE table_name = 'book'");
            long below = Long.parseLong(checkpoint);
            assertTrue(below > 100, "checkpoint " + checkpoint);

            // production changes under the checkpoint: rows already staged are updated and deleted, and rows
            // are inserted (past it, as a serial key does)
            f.execProd("UPDATE book SET title = title || ' (2nd edition)', page_count = 999 WHERE id <= 50",
                    "DELETE FROM book WHERE id BETWEEN 60 AND 79",
                    "UPDATE book SET synopsis = NULL WHERE id = " + below,
                    "INSERT INTO book (owner_id, isbn10, isbn13, title) SELECT (SELECT min(id) FROM users), "
                            + "'n' || lpad(i::text, 9, '0'), 'n' || lpad(i::text, 12, '0'), 'New book ' || i "
                            + "FROM generate_series(1, 25) i");

            Path report = SyncFixture.tempFile("restage.json");
            SyncJob.Outcome second = f.sync(o -> {
                o.report = report;
                o.overrides.put("ferry.batch-size", "200");
            });
            assertEquals(0, second.exitCode(), f.output());
            assertTrue(f.output().contains(String.format(Locale.ROOT, "book: resuming after %,d staged rows", staged)),
                    "the run resumed the staged rows first: " + f.output());
            assertTrue(f.output().contains("book: the rows staged by an earlier run differ from the source"),
                    "says why it restages: " + f.output());
            assertFalse(f.output().contains("run again"), f.output());
            assertEquals("SUCCESS", second.run().status().toString(), f.output());
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development),
                    "development equals production in this one run");
            assertEquals(f.prod("SELECT count(*) FROM book"), f.dev("SELECT count(*) FROM book"));

            JsonNode book = new ObjectMapper().readTree(Files.readString(report)).get("tables").get(0);
            assertEquals("SUCCESS", book.get("status").asText(), book.toString());
            assertEquals(0, book.get("resumed").asLong(), "restaged whole: " + book);
            assertEquals(BOOKS - 20 + 25, book.get("read").asLong(), book.toString());
            assertEquals(BOOKS - 20 + 25, book.get("written").asLong(), book.toString());

            assertEquals("INTERRUPTED,SUCCESS", f.dev("SELECT string_agg(status, ',' ORDER BY started_at) FROM ferry.run"));
            assertEquals("0", f.dev("SELECT count(*) FROM ferry.checkpoint"), "no staging left behind");
            assertEquals(null, f.dev("SELECT to_regclass('" + STAGING + "')"));
        }
    }

    @Test
    void should_restage_a_table_kept_staged_by_a_failed_apply_when_production_changed() throws Exception {
        try (SyncFixture f = new SyncFixture("resume_applyfail", 2_000)) {
            // the apply fails on one row (a development check that raises): every row stays staged
            f.execDev("CREATE FUNCTION no_book_1500(text) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN "
                    + "IF $1 = '0000001500' THEN RAISE EXCEPTION 'injected apply failure'; END IF; RETURN true; END $$",
                    "ALTER TABLE book ADD CONSTRAINT no_book_1500 CHECK (no_book_1500(isbn10)) NOT VALID");
            assertEquals(1, f.sync(o -> { }).exitCode(), f.output());
            assertEquals("2000", f.dev("SELECT count(*) FROM " + STAGING));
            f.execDev("ALTER TABLE book DROP CONSTRAINT no_book_1500");
            f.execProd("UPDATE book SET title = 'Retitled' WHERE id <= 10", "DELETE FROM book WHERE id = 20");

            SyncJob.Outcome second = f.sync(o -> { });
            assertEquals(0, second.exitCode(), f.output());
            assertTrue(f.output().contains("book: resuming after 2,000 staged rows; 0 rows to read"), f.output());
            assertTrue(f.output().contains("restaging the table from the start"), f.output());
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
            assertEquals("1999", f.dev("SELECT count(*) FROM book"));
        }
    }

    @Test
    void should_discard_staged_rows_with_fresh_and_read_every_row() throws Exception {
        try (SyncFixture f = new SyncFixture("resume_fresh", BOOKS)) {
            long staged = interruptedRun(f);
            Path report = SyncFixture.tempFile("fresh.json");
            int code = f.ferry("sync", "--fresh", "--yes", "--owner-email", OWNER, "--report", report.toString());
            assertEquals(0, code, f.output());
            assertTrue(f.output().contains(String.format(Locale.ROOT, "fresh: discarded staged rows of book (%,d rows)",
                    staged)), f.output());
            assertFalse(f.output().contains("resuming after"), f.output());
            JsonNode book = new ObjectMapper().readTree(Files.readString(report)).get("tables").get(0);
            assertEquals(0, book.get("resumed").asLong(), "0 resumed: " + book);
            assertEquals(BOOKS, book.get("read").asLong(), "every row read again: " + book);
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
            assertEquals("0", f.dev("SELECT count(*) FROM ferry.checkpoint"));

            // nothing staged: --fresh has nothing to say and runs as usual
            assertEquals(0, f.ferry("sync", "--fresh", "--yes", "--owner-email", OWNER), f.output());
            assertFalse(f.output().contains("fresh: discarded"), f.output());
        }
    }

    /**
     * A run stopped (as SIGTERM stops it) after some batches of book are staged: returns the rows staged,
     * which the checkpoint counts; development's book is untouched.
     */
    private static long interruptedRun(SyncFixture f) throws Exception {
        SyncJob.Options options = f.options();
        options.overrides.put("ferry.batch-size", "200");
        options.overrides.put("ferry.max-rows-per-second", "2000"); // 3 s for the table: time to stop it
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        SyncJob job = new SyncJob(new PrintStream(buffer, true, StandardCharsets.UTF_8),
                new BufferedReader(new StringReader("")), false);
        CompletableFuture<SyncJob.Outcome> running = CompletableFuture.supplyAsync(() -> job.run(options));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (stagedRows(f) < 1_000) {
            assertFalse(running.isDone(), "the run ended before it could be stopped: " + buffer);
            assertTrue(System.nanoTime() < deadline, "nothing staged in time: " + buffer);
            TimeUnit.MILLISECONDS.sleep(10); // polling the checkpoint, not waiting for correctness
        }
        job.stop();
        SyncJob.Outcome stopped = running.get(60, TimeUnit.SECONDS);
        System.err.print(buffer.toString(StandardCharsets.UTF_8));
        assertEquals("INTERRUPTED", stopped.run().status().toString(), buffer.toString(StandardCharsets.UTF_8));
        assertEquals("0", f.dev("SELECT count(*) FROM book"), "an interrupted run leaves development untouched");
        long staged = stagedRows(f);
        assertTrue(staged >= 1_000 && staged < BOOKS, "staged " + staged);
        assertEquals(String.valueOf(staged), f.dev("SELECT count(*) FROM " + STAGING));
        return staged;
    }

    private static long stagedRows(SyncFixture f) throws Exception {
        if (f.dev("SELECT to_regclass('ferry.checkpoint')") == null) {
            return 0; // the run has not created Ferry's schema yet
        }
        String rows = f.dev("SELECT rows_staged FROM ferry.checkpoint WHERE table_name = 'book'");
        return rows == null ? 0 : Long.parseLong(rows);
    }
}
