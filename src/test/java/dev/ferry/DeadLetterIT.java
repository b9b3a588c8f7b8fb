package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.cli.SyncJob;
import dev.ferry.support.SyncFixture;
import org.junit.jupiter.api.Test;

/** Rows the development database rejects for good go to the dead-letter store; every other row lands. */
class DeadLetterIT {

    @Test
    void should_set_aside_check_rejected_rows_then_replay_them_after_the_check_is_dropped() throws Exception {
        try (SyncFixture f = new SyncFixture("dlcheck", 50_000)) {
            // development-only CHECK rejecting 55 of the 50,000 books (ids 1, 911, 1821, ...)
            f.execDev("ALTER TABLE book ADD CONSTRAINT dev_only CHECK (id % 910 <> 1)");
            SyncJob.Outcome outcome = f.sync(o -> { });
            assertEquals(3, outcome.exitCode(), f.output());
            assertEquals("PARTIAL", outcome.run().status().name());
            assertEquals(55, outcome.run().result("book").deadLettered());
            assertEquals("49945", f.dev("SELECT count(*) FROM book"));
            assertEquals("0", f.dev("SELECT count(*) FROM book WHERE id % 910 = 1"));
            assertEquals("55", f.dev("SELECT count(*) FROM ferry.dead_letter WHERE sql_state = '23514' AND table_name = 'book'"));
            String bob = f.dev("SELECT id FROM users WHERE email = 'bob@dev.example'");
            assertEquals("55", f.dev("SELECT count(*) FROM ferry.dead_letter WHERE (row_data->>'owner_id')::int = " + bob),
                    "dead letters hold the row after the transforms, never the production owner");
            assertEquals("PARTIAL", f.dev("SELECT status FROM ferry.run"));
            assertEquals("55", f.dev("SELECT rows_dead_lettered FROM ferry.run_table"));

            assertEquals(0, f.ferry("dead-letters", "list", "--run", outcome.run().id()));
            assertTrue(f.output().contains("55 dead letter(s)"), f.output());
            assertTrue(f.output().contains("23514") && f.output().contains("dev_only"), f.output());

            assertEquals(2, f.ferry("dead-letters", "replay"), "replay writes: it needs --yes without a terminal");
            f.execDev("ALTER TABLE book DROP CONSTRAINT dev_only");
            assertEquals(0, f.ferry("dead-letters", "replay", "--yes"));
            assertTrue(f.output().contains("55 landed, 0 still rejected"), f.output());
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
            assertEquals("0", f.dev("SELECT count(*) FROM ferry.dead_letter"));
            assertEquals(0, f.ferry("verify"));
            assertTrue(f.output().contains("EQUAL"), f.output());
        }
    }

    @Test
    void should_isolate_rows_rejected_while_staging_and_keep_values_out_of_the_reason() throws Exception {
        try (SyncFixture f = new SyncFixture("dlstage", 3_000)) {
            // the same enum in both databases, but development lacks one label that 6 production books use
            f.execProd("CREATE TYPE binding_kind AS ENUM ('Hardcover', 'Paperback', 'Audio')",
                    "ALTER TABLE book ALTER binding TYPE binding_kind USING binding::binding_kind",
                    "UPDATE book SET binding = 'Audio' WHERE id % 500 = 0");
            f.execDev("CREATE TYPE binding_kind AS ENUM ('Hardcover', 'Paperback')",
                    "ALTER TABLE book ALTER binding TYPE binding_kind USING binding::binding_kind");
            SyncJob.Outcome outcome = f.sync(o -> o.overrides.put("ferry.batch-size", "256"));
            assertEquals(3, outcome.exitCode(), f.output());
            assertEquals("2994", f.dev("SELECT count(*) FROM book"));
            assertEquals("6", f.dev("SELECT count(*) FROM ferry.dead_letter WHERE sql_state = '22P02'"));
            String reasons = f.dev("SELECT string_agg(DISTINCT message, ' | ') FROM ferry.dead_letter");
            assertTrue(reasons.contains("binding_kind"), reasons);
            assertFalse(reasons.contains("Audio"), "no row value in the reason: " + reasons);
            assertEquals(3000, outcome.run().result("book").read());
            assertEquals(0, f.ferry("verify"), f.output());

            f.execDev("ALTER TYPE binding_kind ADD VALUE 'Audio'");
            assertEquals(0, f.ferry("dead-letters", "replay", "--yes"));
            assertEquals("3000", f.dev("SELECT count(*) FROM book"));
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
        }
    }
}
