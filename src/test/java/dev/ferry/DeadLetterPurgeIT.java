package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.support.SyncFixture;
import org.junit.jupiter.api.Test;

/** Purging dead letters deletes rows for good: it asks, as replay does. */
class DeadLetterPurgeIT {

    @Test
    void should_refuse_to_purge_without_yes_and_keep_the_rows() throws Exception {
        try (SyncFixture f = new SyncFixture("dlpurge", 2_000)) {
            f.execDev("ALTER TABLE book ADD CONSTRAINT dev_only CHECK (id % 100 <> 1)");
            assertEquals(3, f.sync(o -> { }).exitCode(), f.output());
            assertEquals("20", f.dev("SELECT count(*) FROM ferry.dead_letter"));

            assertEquals(2, f.ferry("dead-letters", "purge"), f.output());
            assertTrue(f.output().contains("purge deletes 20 stored row(s) for good: pass --yes to confirm"), f.output());
            assertEquals("20", f.dev("SELECT count(*) FROM ferry.dead_letter"), "nothing purged without --yes");

            assertEquals(0, f.ferry("dead-letters", "purge", "--yes"), f.output());
            assertTrue(f.output().contains("purged 20 dead letter(s)"), f.output());
            assertEquals("0", f.dev("SELECT count(*) FROM ferry.dead_letter"));
            assertEquals(0, f.ferry("dead-letters", "purge"), "nothing left: nothing to ask");
            assertTrue(f.output().contains("no dead letters: nothing to purge"), f.output());
        }
    }
}
