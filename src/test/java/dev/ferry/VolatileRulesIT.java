package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import dev.ferry.support.BookRoutes;
import dev.ferry.support.SyncFixture;
import org.junit.jupiter.api.Test;

/** A sql(...) rule that is not deterministic (random(), now()) is computed once per row and verified as written. */
class VolatileRulesIT {

    @Test
    void should_verify_a_run_whose_rules_call_random_and_now() throws Exception {
        try (SyncFixture f = new SyncFixture("volatile", 2_000)) {
            Path routes = BookRoutes.with("rules", "title: sql(md5(random()::text)); synopsis: sql(now()::text || random()::text)");
            var outcome = f.sync(o -> o.tablesDir = routes);
            assertEquals(0, outcome.exitCode(), f.output());
            assertEquals("SUCCESS", outcome.run().status().name());
            assertEquals("2000", f.dev("SELECT count(DISTINCT title) FROM book"), "a value per row");
            assertEquals("0", f.dev("SELECT count(*) FROM book b WHERE title !~ '^[0-9a-f]{32}$'"));
            // a second run verifies too (every value drawn again, the checksum over what was written)
            assertEquals(0, f.sync(o -> o.tablesDir = routes).exitCode(), f.output());
            assertTrue(!f.output().contains("run again"), f.output());
        }
    }
}
