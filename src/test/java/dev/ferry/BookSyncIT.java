package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.cli.SyncJob;
import dev.ferry.support.SyncFixture;
import dev.ferry.plan.TablePlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The first slice end to end on real PostgreSQL: owner remapping, atomic full refresh, every row, reruns. */
class BookSyncIT {

    /** The book table's staging in development (named by {@link TablePlan#workTableName}). */
    private static final String STAGING = "ferry." + TablePlan.workTableName("stage_", "public", "book");

    @Test
    void should_sync_50000_books_owned_by_bob_equal_but_for_owner_and_rerun_changes_nothing() throws Exception {
        try (SyncFixture f = new SyncFixture("accept", 50_000)) {
            Path report = SyncFixture.tempFile("report.json");
            SyncJob.Outcome first = f.sync(o -> o.report = report);
            assertEquals(0, first.exitCode(), f.output());

            assertEquals("50000", f.dev("SELECT count(*) FROM book"));
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
            String bob = f.dev("SELECT id FROM users WHERE email = 'bob@dev.example'");
            assertEquals("0", f.dev("SELECT count(*) FROM book WHERE owner_id <> " + bob));
            assertEquals("20", f.prod("SELECT count(DISTINCT owner_id) FROM book"), "production keeps its owners");
            // every book id from production, and the sequence ahead of them so development can insert
            assertEquals(f.prod("SELECT max(id) FROM book"), f.dev("SELECT last_value FROM book_id_seq"));

            JsonNode json = new ObjectMapper().readTree(Files.readString(report));
            assertEquals("SUCCESS", json.get("status").asText());
            assertEquals(first.run().id(), json.get("runId").asText());
            assertNotNull(json.get("startedAt").asText());
            assertNotNull(json.get("finishedAt").asText());
            JsonNode book = json.get("tables").get(0);
            assertEquals("book", book.get("name").asText());
            assertEquals("full", book.get("mode").asText());
            assertEquals(50_000, book.get("read").asLong());
            assertEquals(50_000, book.get("written").asLong());
            assertEquals(0, book.get("deadLettered").asLong());
            assertTrue(book.get("seconds").asDouble() > 0);

            String before = f.devBookDigest();
            SyncJob.Outcome second = f.sync(o -> { });
            assertEquals(0, second.exitCode(), f.output());
            assertEquals(before, f.devBookDigest(), "a second run of an unchanged source changes nothing");
            assertEquals("2", f.dev("SELECT count(*) FROM ferry.run WHERE status = 'SUCCESS'"));
            assertEquals("0", f.dev("SELECT count(*) FROM ferry.checkpoint"), "no staging left behind");
            assertEquals(null, f.dev("SELECT to_regclass('" + STAGING + "')"));
        }
    }

    @Test
    void should_assign_the_owner_given_by_id() throws Exception {
        try (SyncFixture f = new SyncFixture("ownerid", 300)) {
            String alice = f.dev("SELECT id FROM users WHERE email = 'alice@dev.example'");
            SyncJob.Outcome outcome = f.sync(o -> {
                o.ownerEmail = null;
                o.ownerId = alice;
            });
            assertEquals(0, outcome.exitCode(), f.output());
            assertEquals("300", f.dev("SELECT count(*) FROM book WHERE owner_id = " + alice));
        }
    }

    @Test
    void should_exit_2_and_write_nothing_for_an_unknown_owner() throws Exception {
        try (SyncFixture f = new SyncFixture("noowner", 300)) {
            SyncJob.Outcome byEmail = f.sync(o -> o.ownerEmail = "nobody@dev.example");
            assertEquals(2, byEmail.exitCode());
            assertTrue(f.output().contains("no development user with email nobody@dev.example"), f.output());
            assertTrue(f.output().contains("bob@dev.example"), "lists the target's users: " + f.output());

            SyncJob.Outcome byId = f.sync(o -> {
                o.ownerEmail = null;
                o.ownerId = "999";
            });
            assertEquals(2, byId.exitCode());
            assertEquals("0", f.dev("SELECT count(*) FROM book"));
            assertEquals(null, f.dev("SELECT to_regclass('ferry.run')"), "nothing at all was written");
        }
    }

    @Test
    void should_exit_2_listing_users_when_no_owner_is_given_and_none_can_be_asked_for() throws Exception {
        try (SyncFixture f = new SyncFixture("ambig", 10)) {
            SyncJob.Outcome outcome = f.sync(o -> o.ownerEmail = null);
            assertEquals(2, outcome.exitCode());
            assertTrue(f.output().contains("--owner-id") && f.output().contains("alice@dev.example"), f.output());
            assertEquals("0", f.dev("SELECT count(*) FROM book"));

            f.execDev("DELETE FROM users WHERE email = 'alice@dev.example'");
            SyncJob.Outcome single = f.sync(o -> o.ownerEmail = null);
            assertEquals(0, single.exitCode(), "the only user is the owner: " + f.output());
            assertEquals("10", f.dev("SELECT count(*) FROM book b JOIN users u ON u.id = b.owner_id "
                    + "WHERE u.email = 'bob@dev.example'"));
        }
    }

    @Test
    void should_refuse_a_full_refresh_without_yes_when_there_is_no_terminal() throws Exception {
        try (SyncFixture f = new SyncFixture("noyes", 10)) {
            SyncJob.Outcome outcome = f.sync(o -> o.yes = false);
            assertEquals(2, outcome.exitCode());
            assertTrue(f.output().contains("--yes"), f.output());
            assertEquals("0", f.dev("SELECT count(*) FROM book"));
        }
    }

    @ParameterizedTest(name = "{0} rows in batches of 100")
    @ValueSource(ints = {0, 1, 99, 100, 101, 10_007})
    void should_land_every_row_at_batch_boundaries(int rows) throws Exception {
        try (SyncFixture f = new SyncFixture("rows" + rows, rows)) {
            SyncJob.Outcome outcome = f.sync(o -> o.overrides.put("ferry.batch-size", "100"));
            assertEquals(0, outcome.exitCode(), f.output());
            assertEquals(String.valueOf(rows), f.dev("SELECT count(*) FROM book"));
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
            assertEquals(rows, outcome.run().result("book").read());
            assertEquals(rows, outcome.run().result("book").written());
            assertEquals((rows + 99) / 100, outcome.run().result("book").batches());
        }
    }

    @Test
    void should_leave_the_development_table_as_it_was_when_the_apply_fails() throws Exception {
        try (SyncFixture f = new SyncFixture("applyfail", 2_000)) {
            seedDevelopmentBooks(f);
            String before = f.devBookDigest();
            // a development-only check fails the insert of one production row when staging is applied (it raises
            // instead of answering, so Ferry cannot set the row aside beforehand; user triggers would be disabled)
            f.execDev("CREATE FUNCTION no_book_1500(text) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN "
                    + "IF $1 = '0000001500' THEN RAISE EXCEPTION 'injected apply failure'; END IF; RETURN true; END $$",
                    "ALTER TABLE book ADD CONSTRAINT no_book_1500 CHECK (no_book_1500(isbn10)) NOT VALID");
            SyncJob.Outcome outcome = f.sync(o -> o.overrides.put("ferry.batch-size", "300"));
            assertEquals(1, outcome.exitCode(), f.output());
            assertTrue(f.output().contains("injected apply failure"), "says why: " + f.output());
            assertEquals(before, f.devBookDigest(), "the table holds exactly what it held before the run");
            assertEquals("FAILED", f.dev("SELECT status FROM ferry.run"));
        }
    }

    @Test
    void should_leave_the_development_table_as_it_was_when_a_write_fails_mid_table() throws Exception {
        try (SyncFixture f = new SyncFixture("midfail", 2_000)) {
            seedDevelopmentBooks(f);
            String before = f.devBookDigest();
            // the ledger tables exist before the run, with a trigger that breaks the 4th checkpoint write
            f.execDev("CREATE SCHEMA ferry",
                    "CREATE TABLE ferry.checkpoint (table_name text PRIMARY KEY, run_id text NOT NULL, "
                            + "fingerprint text NOT NULL, last_key text, rows_staged bigint NOT NULL, updated_at timestamptz NOT NULL)",
                    "CREATE FUNCTION ferry.boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                            + "IF NEW.rows_staged > 900 THEN RAISE EXCEPTION 'injected failure at % rows', NEW.rows_staged; END IF; "
                            + "RETURN NEW; END $$",
                    "CREATE TRIGGER boom BEFORE UPDATE ON ferry.checkpoint FOR EACH ROW EXECUTE FUNCTION ferry.boom()");
            SyncJob.Outcome outcome = f.sync(o -> o.overrides.put("ferry.batch-size", "300"));
            assertEquals(1, outcome.exitCode(), f.output());
            assertTrue(f.output().contains("injected failure"), f.output());
            assertEquals(before, f.devBookDigest(), "the table holds exactly what it held before the run");
            // the failing batch left neither its rows nor its checkpoint: staging and checkpoint agree at 900
            assertEquals("900", f.dev("SELECT count(*) FROM " + STAGING));
            assertEquals("900", f.dev("SELECT rows_staged FROM ferry.checkpoint WHERE table_name = 'book'"));
            assertEquals(f.prod("SELECT id FROM book ORDER BY id OFFSET 899 LIMIT 1"),
                    f.dev("SELECT last_key FROM ferry.checkpoint WHERE table_name = 'book'"));
        }
    }

    @Test
    void should_fail_before_writing_when_the_target_lacks_the_table() throws Exception {
        try (SyncFixture f = new SyncFixture("notable", 10)) {
            f.execDev("DROP TABLE book");
            SyncJob.Outcome outcome = f.sync(o -> { });
            assertEquals(1, outcome.exitCode());
            assertTrue(f.output().contains("table book does not exist in the target database"), f.output());
            assertEquals(null, f.dev("SELECT to_regclass('ferry.run')"));
        }
    }

    @Test
    void should_fail_before_writing_when_the_source_lacks_the_table_in_one_line_naming_it() throws Exception {
        try (SyncFixture f = new SyncFixture("nosrctable", 10)) {
            f.execProd("DROP TABLE book");
            String books = f.dev("SELECT count(*) FROM book");
            SyncJob.Outcome outcome = f.sync(o -> { });
            assertEquals(1, outcome.exitCode());
            // one line: what is wrong, with which table, and what to do
            assertTrue(f.output().lines().anyMatch(l -> l.endsWith("FAILED before any row was written: table book does "
                    + "not exist in the source database: fix the table name in its route file")), f.output());
            assertEquals(null, f.dev("SELECT to_regclass('ferry.run')"));
            assertEquals(books, f.dev("SELECT count(*) FROM book"), "development's books stay");
        }
    }

    @Test
    void should_fail_before_writing_when_a_column_type_differs_naming_table_and_column() throws Exception {
        try (SyncFixture f = new SyncFixture("coltype", 10)) {
            f.execDev("ALTER TABLE book ALTER page_count TYPE smallint");
            SyncJob.Outcome outcome = f.sync(o -> { });
            assertEquals(1, outcome.exitCode());
            assertTrue(f.output().contains("column book.page_count is integer in the source but smallint in the target"),
                    f.output());
            assertEquals("0", f.dev("SELECT count(*) FROM book"));
        }
    }

    @Test
    void should_verify_alone_and_list_the_tables_that_differ() throws Exception {
        try (SyncFixture f = new SyncFixture("verify", 1_000)) {
            assertEquals(0, f.sync(o -> { }).exitCode(), f.output());
            assertEquals(0, f.ferry("verify"), f.output());
            assertTrue(f.output().contains("EQUAL"), f.output());
            f.execDev("UPDATE book SET title = 'changed in development' WHERE id = 500");
            assertEquals(1, f.ferry("verify", "--tables", "book"));
            assertTrue(f.output().contains("tables that differ: book"), f.output());
        }
    }

    @Test
    void should_see_values_swapped_between_two_rows() throws Exception {
        try (SyncFixture f = new SyncFixture("verify_swap", 100)) {
            assertEquals(0, f.sync(o -> { }).exitCode(), f.output());
            assertEquals(0, f.ferry("verify"), f.output());
            // every column still holds the same values, two of them on each other's rows: a checksum linear in
            // the columns' hashes would not see it
            f.execDev("WITH e AS (SELECT min(id) AS a, max(id) AS z FROM book) UPDATE book b SET title = o.title, "
                    + "created_at = o.created_at FROM book o, e WHERE (b.id = e.a AND o.id = e.z) OR (b.id = e.z AND o.id = e.a)");
            assertEquals(1, f.ferry("verify", "--tables", "book"), f.output());
            assertTrue(f.output().contains("tables that differ: book"), f.output());
        }
    }

    @Test
    void should_keep_the_read_under_max_rows_per_second() throws Exception {
        try (SyncFixture f = new SyncFixture("throttle", 3_000)) {
            SyncJob.Outcome outcome = f.sync(o -> {
                o.overrides.put("ferry.batch-size", "500");
                o.overrides.put("ferry.max-rows-per-second", "2000");
            });
            assertEquals(0, outcome.exitCode(), f.output());
            // 3,000 rows at 2,000 rows/s: the last batch may not start before 1.5 s into the table
            assertTrue(outcome.run().result("book").seconds() >= 1.5, "took " + outcome.run().result("book").seconds());
            assertEquals("3000", f.dev("SELECT count(*) FROM book"));
        }
    }

    @Test
    void should_refuse_to_run_while_another_run_holds_the_lock_and_close_out_abandoned_runs() throws Exception {
        try (SyncFixture f = new SyncFixture("runlock", 100)) {
            assertEquals(0, f.sync(o -> { }).exitCode(), f.output());
            // a run killed with -9 left its ledger row RUNNING
            f.execDev("INSERT INTO ferry.run (id, trigger, who, started_at, status) VALUES ('killed', 'cli', 'x', now(), 'RUNNING')");
            try (java.sql.Connection other = f.pg.connect(f.development); java.sql.Statement s = other.createStatement()) {
                s.execute("SELECT pg_advisory_lock(x'46657272794c6b'::bigint)"); // another run in progress
                SyncJob.Outcome refused = f.sync(o -> { });
                assertEquals(1, refused.exitCode());
                assertTrue(f.output().contains("another Ferry run is writing to this target"), f.output());
                assertEquals("RUNNING", f.dev("SELECT status FROM ferry.run WHERE id = 'killed'"), "untouched while locked");
            }
            assertEquals(0, f.sync(o -> { }).exitCode(), f.output());
            assertEquals("INTERRUPTED", f.dev("SELECT status FROM ferry.run WHERE id = 'killed'"));
            assertEquals("2", f.dev("SELECT count(*) FROM ferry.run WHERE status = 'SUCCESS'"));
        }
    }

    @Test
    void should_alert_on_failure_and_rerun_only_failed_tables() throws Exception {
        try (SyncFixture f = new SyncFixture("alert", 500)) {
            Path alerts = java.nio.file.Files.createTempDirectory("ferry-alerts");
            // (a check that raises: Ferry cannot set such rows aside, so the apply fails; triggers would be disabled)
            f.execDev("CREATE FUNCTION no_books(text) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN "
                    + "RAISE EXCEPTION 'development refuses books today'; END $$",
                    "ALTER TABLE book ADD CONSTRAINT no_books CHECK (no_books(title)) NOT VALID");
            SyncJob.Outcome failed = f.sync(o -> o.overrides.put("ferry.alert.uri", "file:" + alerts + "?fileName=alert.txt"));
            assertEquals(1, failed.exitCode(), f.output());
            String alert = Files.readString(alerts.resolve("alert.txt"));
            assertTrue(alert.contains(failed.run().id()) && alert.contains("FAILED") && alert.contains("development refuses books today"),
                    alert);

            f.execDev("ALTER TABLE book DROP CONSTRAINT no_books");
            SyncJob.Outcome retried = f.sync(o -> o.failedOnly = true);
            assertEquals(0, retried.exitCode(), f.output());
            assertEquals("500", f.dev("SELECT count(*) FROM book"));
            SyncJob.Outcome nothing = f.sync(o -> o.failedOnly = true);
            assertEquals(0, nothing.exitCode());
            assertTrue(f.output().contains("nothing to run"), f.output());
        }
    }

    @Test
    void should_exit_2_for_an_unknown_table() throws Exception {
        try (SyncFixture f = new SyncFixture("unknown", 10)) {
            SyncJob.Outcome outcome = f.sync(o -> o.tables = java.util.List.of("nope"));
            assertEquals(2, outcome.exitCode());
            assertTrue(f.output().contains("unknown table 'nope'; tables with routes: book"), f.output());
        }
    }

    private static void seedDevelopmentBooks(SyncFixture f) throws Exception {
        String alice = f.dev("SELECT id FROM users WHERE email = 'alice@dev.example'");
        f.execDev("INSERT INTO book (owner_id, isbn10, isbn13, title) SELECT " + alice
                + ", 'd' || lpad(i::text, 9, '0'), 'd' || lpad(i::text, 12, '0'), 'Dev book ' || i FROM generate_series(1, 50) i");
        assertEquals("50", f.dev("SELECT count(*) FROM book"));
    }
}
