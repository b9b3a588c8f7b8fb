package dev.ferry.apply;

import dev.ferry.stage.TableSync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import dev.ferry.support.BookRoutes;
import dev.ferry.support.SyncFixture;
import org.junit.jupiter.api.Test;

/**
 * Merge reads only the rows its probe of both sides' row hashes found changed; past the probe's limit it
 * streams every row and skips the unchanged ones as it goes. Both ways write the same rows.
 */
class MergeProbeIT {

    @Test
    void should_write_the_same_rows_whether_the_probe_or_the_streaming_comparison_finds_them() throws Exception {
        Path dir = BookRoutes.with("mode", "merge");
        int limit = TableSync.probeLimit;
        try (SyncFixture f = new SyncFixture("probe", 3000)) {
            assertEquals(0, f.sync(o -> o.tablesDir = dir).exitCode(), f.output());
            for (int probeLimit : new int[] {limit, 10}) { // 30 changed rows: within the limit, then past it
                TableSync.probeLimit = probeLimit;
                f.execProd("UPDATE book SET title = title || '+', updated_at = now() WHERE id % 100 = 0");
                assertEquals(0, f.sync(o -> o.tablesDir = dir).exitCode(), f.output());
                assertTrue(f.output().contains("book: staged 30 row(s) read in this run, 2970 unchanged (not staged)"),
                        f.output());
                assertTrue(f.output().contains("inserted 0, updated 30, deleted 0, unchanged 2970"), f.output());
                // in one attempt: the probe's connection, left mid-COPY when it gives up, goes back to the pool clean
                assertTrue(!f.output().contains("resuming from its checkpoint"), f.output());
                assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
            }
        } finally {
            TableSync.probeLimit = limit;
        }
    }
}
