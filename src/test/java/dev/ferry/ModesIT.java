package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import dev.ferry.cli.SyncJob;
import dev.ferry.support.BookRoutes;
import dev.ferry.support.SyncFixture;
import org.junit.jupiter.api.Test;

/**
 * merge and incremental modes: unchanged rows are not written, rows only in the target stay (or go with
 * deleteMissing / propagateDeletes), and each conflict strategy settles a row the target changed since
 * Ferry wrote it.
 */
class ModesIT {

    /** A tables folder whose book route has these extra parameters. */
    private static Path routes(String... parameters) throws Exception {
        return BookRoutes.with(parameters);
    }

    private static SyncJob.Outcome sync(SyncFixture f, Path dir) {
        return f.sync(o -> o.tablesDir = dir);
    }

    @Test
    void merge_writes_only_what_changed_and_keeps_target_only_rows_unless_delete_missing() throws Exception {
        try (SyncFixture f = new SyncFixture("merge", 3000)) {
            Path merge = routes("mode", "merge");
            f.execDev("INSERT INTO book (id, owner_id, isbn10, isbn13, title, language, visibility, created_at, updated_at) "
                    + "SELECT 900000, id, 'DEV0000001', 'DEV0000000001', 'dev only', 'en', 'PUBLIC', now(), now() FROM users "
                    + "WHERE email = 'bob@dev.example'");
            assertEquals(0, sync(f, merge).exitCode(), f.output());
            assertTrue(f.output().contains("inserted 3000, updated 0, deleted 0, unchanged 0"), f.output());
            assertEquals("3001", f.dev("SELECT count(*) FROM book"));

            // nothing changed: nothing written
            String before = f.devBookDigest();
            assertEquals(0, sync(f, merge).exitCode(), f.output());
            assertTrue(f.output().contains("inserted 0, updated 0, deleted 0, unchanged 3000"), f.output());
            // compared with the target's row hashes while reading: nothing staged, nothing written
            assertTrue(f.output().contains("book: staged 0 row(s) read in this run, 3000 unchanged (not staged)"), f.output());
            assertEquals(before, f.devBookDigest());

            f.execProd("UPDATE book SET title = title || ' (2nd ed.)', updated_at = now() WHERE id % 100 = 0",
                    "DELETE FROM book WHERE id % 1000 = 1");
            // the dry run tells what merge does: rows only the target has are kept, not deleted
            SyncJob.Outcome dry = f.sync(o -> {
                o.tablesDir = merge;
                o.dryRun = true;
            });
            assertTrue(dry.plan().contains("book                     merge, source 2,997 rows: would insert 0, update 30, "
                    + "delete 0, keep 4 only in the target"), dry.plan());
            assertEquals(0, sync(f, merge).exitCode(), f.output());
            assertTrue(f.output().contains("inserted 0, updated 30, deleted 0, unchanged 2967"), f.output());
            assertEquals("3001", f.dev("SELECT count(*) FROM book"), "rows the source deleted stay without deleteMissing");

            assertEquals(0, sync(f, routes("mode", "merge", "deleteMissing", "true")).exitCode(), f.output());
            assertTrue(f.output().contains("deleted 4"), f.output());
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
        }
    }

    @Test
    void incremental_reads_past_the_watermark_and_propagates_deletes() throws Exception {
        try (SyncFixture f = new SyncFixture("incr", 5000)) {
            Path incremental = routes("mode", "incremental", "cursor", "updated_at", "propagateDeletes", "true");
            assertEquals(0, sync(f, incremental).exitCode(), f.output());
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
            assertTrue(f.dev("SELECT value FROM ferry.watermark WHERE table_name = 'book'") != null);

            assertEquals(0, sync(f, incremental).exitCode(), f.output());
            assertTrue(f.output().contains("book: 0 rows to read"), f.output());
            assertTrue(f.output().contains("inserted 0, updated 0, deleted 0"), f.output());

            f.execProd("UPDATE book SET title = title || ' v2', updated_at = now() + interval '1 minute' WHERE id % 100 = 0",
                    "DELETE FROM book WHERE id IN (7, 8, 9)");
            // the dry run counts only the rows past the mark, and the deletes propagateDeletes makes
            SyncJob.Outcome dry = f.sync(o -> {
                o.tablesDir = incremental;
                o.dryRun = true;
            });
            assertTrue(dry.plan().contains("book                     incremental, source 50 rows past the mark: would "
                    + "insert 0, update 50, delete 3"), dry.plan());
            assertEquals(0, sync(f, incremental).exitCode(), f.output());
            assertTrue(f.output().contains("book: 50 rows to read"), f.output());
            assertTrue(f.output().contains("inserted 0, updated 50, deleted 3, unchanged 0"), f.output());
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
            assertEquals(0, f.ferry("verify", "--tables-dir", incremental.toString(), "--owner-id",
                    f.dev("SELECT id FROM users WHERE email = 'bob@dev.example'")), f.output());
        }
    }

    @Test
    void each_conflict_strategy_settles_a_row_the_target_changed() throws Exception {
        try (SyncFixture f = new SyncFixture("conflict", 200)) {
            assertEquals(0, sync(f, routes("mode", "merge")).exitCode(), f.output());
            // both sides change book 10; the target also changes book 20 (the source does not)
            f.execDev("UPDATE book SET title = 'dev title', updated_at = '2030-01-01' WHERE id = 10",
                    "UPDATE book SET title = 'dev only change' WHERE id = 20");
            f.execProd("UPDATE book SET title = 'prod title', updated_at = '2029-01-01' WHERE id = 10");

            assertEquals(0, sync(f, routes("mode", "merge", "conflict", "manual")).exitCode(), f.output());
            assertEquals("dev title", f.dev("SELECT title FROM book WHERE id = 10"));
            assertEquals("2", f.dev("SELECT count(*) FROM ferry.conflict WHERE table_name = 'book'"));
            assertEquals(0, f.ferry("conflicts"), f.output());
            assertTrue(f.output().contains("book") && f.output().contains("10"), f.output());

            assertEquals(0, sync(f, routes("mode", "merge", "conflict", "targetWins")).exitCode(), f.output());
            assertEquals("dev title", f.dev("SELECT title FROM book WHERE id = 10"));
            assertEquals("dev only change", f.dev("SELECT title FROM book WHERE id = 20"));

            assertEquals(0, sync(f, routes("mode", "merge", "conflict", "newestWins", "newestColumn", "updated_at"))
                    .exitCode(), f.output());
            assertEquals("dev title", f.dev("SELECT title FROM book WHERE id = 10"), "the target's 2030 is newer");
            f.execProd("UPDATE book SET updated_at = '2031-01-01' WHERE id = 10");
            assertEquals(0, sync(f, routes("mode", "merge", "conflict", "newestWins", "newestColumn", "updated_at"))
                    .exitCode(), f.output());
            assertEquals("prod title", f.dev("SELECT title FROM book WHERE id = 10"), "now the source's 2031 is newer");

            assertEquals(0, sync(f, routes("mode", "merge", "conflict", "sourceWins")).exitCode(), f.output());
            assertEquals(f.prod("SELECT title FROM book WHERE id = 20"), f.dev("SELECT title FROM book WHERE id = 20"));
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
        }
    }
    @Test
    void target_wins_and_manual_keep_development_rows_ferry_never_wrote() throws Exception {
        try (SyncFixture f = new SyncFixture("preserve", 200)) {
            // a full sync stores no row hash: afterwards development edits book 5, production book 6
            assertEquals(0, f.sync(o -> { }).exitCode(), f.output());
            assertEquals("0", f.dev("SELECT count(*) FROM ferry.row_hash"));
            f.execDev("UPDATE book SET title = 'dev own' WHERE id = 5");
            f.execProd("UPDATE book SET title = 'prod new' WHERE id = 6");

            assertEquals(0, sync(f, routes("mode", "merge", "conflict", "targetWins")).exitCode(), f.output());
            assertEquals("dev own", f.dev("SELECT title FROM book WHERE id = 5"), "a row Ferry never wrote is kept");
            assertTrue(f.output().contains("updated 0") && f.output().contains("kept 2"), f.output());

            assertEquals(0, sync(f, routes("mode", "merge", "conflict", "manual")).exitCode(), f.output());
            assertEquals("dev own", f.dev("SELECT title FROM book WHERE id = 5"));
            assertEquals("5,6", f.dev("SELECT string_agg(row_key, ',' ORDER BY row_key) FROM ferry.conflict"));

            assertEquals(0, sync(f, routes("mode", "merge", "conflict", "sourceWins")).exitCode(), f.output());
            assertEquals("prod new", f.dev("SELECT title FROM book WHERE id = 6"));
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development),
                    "sourceWins overwrites them");
        }
    }

    @Test
    void row_hashes_stored_by_an_earlier_version_still_tell_what_the_target_changed() throws Exception {
        try (SyncFixture f = new SyncFixture("legacyhash", 200)) {
            assertEquals(0, sync(f, routes("mode", "merge")).exitCode(), f.output());
            // the form earlier versions stored: the md5 of the row's text
            f.execDev("UPDATE ferry.row_hash h SET hash = md5(b::text) FROM book b WHERE h.table_name = 'book' "
                    + "AND h.row_key = b.id::text");
            assertEquals("200", f.dev("SELECT count(*) FROM ferry.row_hash WHERE table_name = 'book' AND length(hash) = 32"));
            // both sides change book 10; only the target book 20; only the source book 30
            f.execDev("UPDATE book SET title = 'dev title' WHERE id = 10", "UPDATE book SET title = 'dev only' WHERE id = 20");
            f.execProd("UPDATE book SET title = 'prod title' WHERE id IN (10, 30)");

            assertEquals(0, sync(f, routes("mode", "merge", "conflict", "manual")).exitCode(), f.output());
            assertTrue(f.output().contains("inserted 0, updated 1, deleted 0, unchanged 197, kept 0, conflicts 2"), f.output());
            assertEquals("dev title", f.dev("SELECT title FROM book WHERE id = 10"));
            assertEquals("dev only", f.dev("SELECT title FROM book WHERE id = 20"));
            assertEquals("prod title", f.dev("SELECT title FROM book WHERE id = 30"));
            assertEquals("10,20", f.dev("SELECT string_agg(row_key, ',' ORDER BY row_key) FROM ferry.conflict"));
            // the row written now holds the current form; the others keep what Ferry last wrote, in the old form
            assertEquals("30", f.dev("SELECT string_agg(row_key, ',') FROM ferry.row_hash WHERE table_name = 'book' "
                    + "AND length(hash) < 32"));
            assertEquals("199", f.dev("SELECT count(*) FROM ferry.row_hash WHERE table_name = 'book' AND length(hash) = 32"));
        }
    }
    @Test
    void a_first_merge_into_an_empty_table_loads_in_bulk_and_leaves_every_index_and_key_as_it_was() throws Exception {
        try (SyncFixture f = new SyncFixture("bulkmerge", 12_000)) {
            String indexes = "SELECT string_agg(indexdef, '; ' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'book'";
            String keys = "SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated, '; ' "
                    + "ORDER BY conname) FROM pg_constraint WHERE conrelid = 'book'::regclass";
            String indexesBefore = f.dev(indexes);
            String keysBefore = f.dev(keys);
            Path merge = routes("mode", "merge");
            assertEquals(0, sync(f, merge).exitCode(), f.output());
            assertTrue(f.output().contains("inserted 12000, updated 0, deleted 0, unchanged 0, kept 0, conflicts 0; "
                    + "loaded in bulk, indexes built after"), f.output());
            assertEquals(indexesBefore, f.dev(indexes));
            assertEquals(keysBefore, f.dev(keys));
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
            assertEquals("12000", f.dev("SELECT count(*) FROM ferry.row_hash WHERE table_name = 'book'"));

            // the table is no longer empty: the next merge writes the changed rows in place
            f.execProd("UPDATE book SET title = title || ' v2' WHERE id % 1000 = 0");
            assertEquals(0, sync(f, merge).exitCode(), f.output());
            assertTrue(f.output().contains("inserted 0, updated 12, deleted 0, unchanged 11988, kept 0, conflicts 0)"),
                    f.output());
            assertEquals(indexesBefore, f.dev(indexes));
            assertEquals(keysBefore, f.dev(keys));
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
        }
    }
}
