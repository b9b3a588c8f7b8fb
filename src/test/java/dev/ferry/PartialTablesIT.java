package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.support.SyncFixture;
import org.junit.jupiter.api.Test;

/** A table with dead letters ends PARTIAL, not SUCCESS, and a retry of what failed includes it. */
class PartialTablesIT {

    @Test
    void should_report_a_table_with_dead_letters_as_partial_and_retry_it() throws Exception {
        try (SyncFixture f = new SyncFixture("partial", 1_000)) {
            f.execDev("ALTER TABLE book ADD CONSTRAINT dev_only CHECK (id % 100 <> 7)");
            Path report = SyncFixture.tempFile("run.json");
            assertEquals(3, f.ferry("sync", "--yes", "--owner-email", "bob@dev.example", "--report", report.toString()),
                    f.output());
            JsonNode book = new ObjectMapper().readTree(Files.readString(report)).get("tables").get(0);
            assertEquals("PARTIAL", book.get("status").asText(), book.toString());
            assertEquals(10, book.get("deadLettered").asLong());
            assertEquals("PARTIAL", f.dev("SELECT status FROM ferry.run_table"));
            assertTrue(f.output().matches("(?s).*book\\s+PARTIAL .*"), f.output());

            f.execDev("ALTER TABLE book DROP CONSTRAINT dev_only");
            assertEquals(0, f.ferry("sync", "--yes", "--failed-only", "--owner-email", "bob@dev.example"), f.output());
            assertFalse(f.output().contains("nothing to run"), "the PARTIAL table is retried: " + f.output());
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
            assertEquals(0, f.ferry("sync", "--yes", "--failed-only", "--owner-email", "bob@dev.example"), f.output());
            assertTrue(f.output().contains("nothing to run"), f.output());
        }
    }
}
