package dev.ferry.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import dev.ferry.app.FerryApp;
import dev.ferry.cli.SyncJob;
import dev.ferry.read.CopyBatch;
import dev.ferry.read.KeyRanges;
import dev.ferry.state.TableResult;
import dev.ferry.support.SyncFixture;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Test;

/**
 * Big tables read as key ranges at once (ferry.splitTablesLargerThan set to 1 byte, so that small tables split):
 * synced exactly and verified with an integer key and with a text key, and an interrupted run resumed range by
 * range, nothing lost and nothing staged twice.
 */
class SplitTablesIT {

    private static final int BOOKS = 3_000;
    private static final int BATCH = 100;

    @Test
    void a_table_with_an_integer_key_is_read_in_ranges_and_synced_exactly() throws Exception {
        try (SyncFixture f = new SyncFixture("split_int", BOOKS)) {
            AtomicInteger[] batches = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
            SyncJob.Options o = options(f);
            SyncJob.Outcome outcome;
            try (FerryApp app = FerryApp.start(o.tablesDir, o.overrides)) {
                // which range each staged batch came from
                AdviceWith.adviceWith(app.camel(), "ferry-stage-batch-tx", a -> a.weaveAddLast().process(e ->
                        batches[e.getMessage().getBody(CopyBatch.class).part()].incrementAndGet()));
                outcome = f.sync(app, o);
            }

            assertEquals(0, outcome.exitCode(), f.output());
            // ranges of equal width over 1..3000: 1,000 rows each, 10 batches each
            for (AtomicInteger part : batches) {
                assertEquals(BOOKS / 3 / BATCH, part.get(), "batches of each range");
            }
            TableResult book = outcome.run().result("book");
            assertEquals(BOOKS, book.read());
            assertEquals(BOOKS, book.written());
            assertEquals(String.valueOf(BOOKS), f.dev("SELECT count(*) FROM book"));
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
            assertEquals("SUCCESS", f.dev("SELECT status FROM ferry.run"));
            assertEquals("0", f.dev("SELECT count(*) FROM ferry.checkpoint"), "the apply removed the checkpoint");
        }
    }

    @Test
    void a_table_with_a_text_key_is_cut_at_its_quantiles_and_synced_exactly() throws Exception {
        try (SyncFixture f = new SyncFixture("split_text", 0)) {
            String table = "CREATE TABLE label (code text PRIMARY KEY, n int NOT NULL, note text)";
            f.execProd(table, "INSERT INTO label SELECT 'it''s ' || md5(i::text) || ' ü', i, "
                    + "CASE WHEN i % 5 = 0 THEN NULL ELSE repeat('x', i % 40) END FROM generate_series(1, 2500) i");
            f.execDev(table, "INSERT INTO label VALUES ('only in development', 1, NULL)");
            Path routes = Files.createTempDirectory("ferry-split");
            Files.writeString(routes.resolve("label.yaml"), "- templatedRoute:\n    routeTemplateRef: table-sync\n"
                    + "    routeId: sync-label\n    parameters:\n      - name: table\n        value: label\n"
                    + "      - name: key\n        value: code\n");
            SyncJob.Outcome outcome = f.sync(o -> {
                options(f).overrides.forEach(o.overrides::put);
                o.tablesDir = routes;
            });

            assertEquals(0, outcome.exitCode(), f.output());
            assertTrue(f.output().contains("label: ") && f.output().contains("read as 3 key ranges at once "
                    + "(cut at the key's quantiles)"), f.output());
            assertEquals(2500, outcome.run().result("label").written());
            String all = "SELECT count(*) || ':' || md5(string_agg(l::text, '|' ORDER BY code)) FROM label l";
            assertEquals(f.prod(all), f.dev(all));
        }
    }

    @Test
    void an_interrupted_run_resumes_every_range_after_its_own_checkpoint() throws Exception {
        try (SyncFixture f = new SyncFixture("split_resume", BOOKS)) {
            String devBefore = f.devBookDigest();
            SyncJob.Options o = options(f);
            AtomicInteger seen = new AtomicInteger();
            SyncJob.Outcome first;
            try (FerryApp app = FerryApp.start(o.tablesDir, o.overrides)) {
                // the 13th batch fails for good before its checkpoint moves: the table fails, 12 batches stay staged
                AdviceWith.adviceWith(app.camel(), "ferry-stage-batch-tx", a -> a.weaveById("ferry-checkpoint")
                        .before().process(e -> {
                            if (seen.incrementAndGet() == 13) {
                                throw new SQLException("ERROR: injected failure", "XX000");
                            }
                        }));
                first = f.sync(app, o);
            }
            assertNotEquals(0, first.exitCode(), f.output());
            assertEquals(devBefore, f.devBookDigest(), "a failed run leaves development as it was");
            String staged = f.dev("SELECT rows_staged FROM ferry.checkpoint WHERE table_name = 'book'");
            assertEquals(String.valueOf(12 * BATCH), staged, "12 batches committed with their checkpoint");
            assertTrue(f.dev("SELECT fingerprint FROM ferry.checkpoint WHERE table_name = 'book'").endsWith("|split"));
            KeyRanges.Split split = KeyRanges.Split.decode(
                    f.dev("SELECT last_key FROM ferry.checkpoint WHERE table_name = 'book'"));
            assertEquals(3, split.parts());
            assertEquals(java.util.List.of("1000", "2000"), split.bounds());
            for (int i = 0; i < 3; i++) { // each range's checkpoint inside its range
                if (split.after().get(i) != null) {
                    int key = Integer.parseInt(split.after().get(i));
                    assertTrue(key > i * 1000 && key <= (i + 1) * 1000, "range " + i + " at " + key);
                }
            }

            // a new Ferry, as after a crash: nothing advised
            SyncJob.Outcome second = f.sync(o2 -> options(f).overrides.forEach(o2.overrides::put));

            assertEquals(0, second.exitCode(), f.output());
            TableResult book = second.run().result("book");
            assertEquals(12 * BATCH, book.resumed(), "the staged rows are kept");
            assertEquals(BOOKS - 12 * BATCH, book.read(), "only the rest is read");
            assertEquals(BOOKS, book.written());
            assertEquals(String.valueOf(BOOKS), f.dev("SELECT count(*) FROM book"));
            assertEquals(String.valueOf(BOOKS), f.dev("SELECT count(DISTINCT id) FROM book"));
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
            assertEquals("SUCCESS", f.dev("SELECT status FROM ferry.run ORDER BY started_at DESC LIMIT 1"));
        }
    }

    @Test
    void a_resumed_split_table_whose_source_changed_is_read_again_whole_and_verified() throws Exception {
        try (SyncFixture f = new SyncFixture("split_stale", BOOKS)) {
            SyncJob.Options o = options(f);
            AtomicInteger seen = new AtomicInteger();
            try (FerryApp app = FerryApp.start(o.tablesDir, o.overrides)) {
                AdviceWith.adviceWith(app.camel(), "ferry-stage-batch-tx", a -> a.weaveById("ferry-checkpoint")
                        .before().process(e -> {
                            if (seen.incrementAndGet() == 10) {
                                throw new SQLException("ERROR: injected failure", "XX000");
                            }
                        }));
                assertNotEquals(0, f.sync(app, o).exitCode(), f.output());
            }
            // production changes under the staged rows: in every range, staged or not
            f.execProd("UPDATE book SET title = 'changed ' || id WHERE id % 250 = 1",
                    "DELETE FROM book WHERE id IN (2, 1502, 2999)");

            SyncJob.Outcome second = f.sync(o2 -> options(f).overrides.forEach(o2.overrides::put));

            assertEquals(0, second.exitCode(), f.output());
            assertTrue(second.run().result("book").restaged(), f.output());
            assertEquals(String.valueOf(BOOKS - 3), f.dev("SELECT count(*) FROM book"));
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
        }
    }

    /** The fixture's options: every table split (above 1 byte) into 3 ranges, batches of {@link #BATCH} rows. */
    private static SyncJob.Options options(SyncFixture f) {
        SyncJob.Options o = f.options();
        o.overrides.put("ferry.splitTablesLargerThan", "1");
        o.overrides.put("ferry.splitParts", "3");
        o.overrides.put("ferry.batch-size", String.valueOf(BATCH));
        return o;
    }
}
