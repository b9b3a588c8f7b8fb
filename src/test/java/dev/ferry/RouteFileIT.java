package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.ferry.support.SyncFixture;
import org.junit.jupiter.api.Test;

/** A route file with a misspelt or ill-typed parameter stops the command before any connection opens. */
class RouteFileIT {

    private static Path routes(String extra) throws Exception {
        Path dir = Files.createTempDirectory("ferry-routes");
        Files.writeString(dir.resolve("users.yaml"), """
                - templatedRoute:
                    routeTemplateRef: table-sync
                    routeId: sync-users
                    parameters:
                      - name: table
                        value: users
                """ + extra);
        return dir;
    }

    @Test
    void should_exit_2_naming_the_misspelt_parameter_and_copy_nothing() throws Exception {
        try (SyncFixture f = new SyncFixture("routefile", 10)) {
            String devUsers = f.dev("SELECT string_agg(email, ',' ORDER BY id) FROM users");
            Path dir = routes("      - name: rule\n        value: \"email: email\"\n");
            assertEquals(2, f.ferry("sync", "--yes", "--tables-dir", dir.toString()), f.output());
            assertTrue(f.output().contains("users.yaml: unknown parameter 'rule': did you mean 'rules'?"), f.output());
            assertEquals(devUsers, f.dev("SELECT string_agg(email, ',' ORDER BY id) FROM users"), "development untouched");
            assertEquals(null, f.dev("SELECT to_regclass('ferry.run')"), "nothing written, not even the ledger");
            assertEquals(2, f.ferry("sync", "--dry-run", "--tables-dir", dir.toString()), f.output());
            assertEquals(2, f.ferry("verify", "--pii", "--tables-dir", dir.toString()), f.output());
            assertTrue(f.output().contains("unknown parameter 'rule'"), f.output());

            Path negative = routes("      - name: batchSize\n        value: \"-1\"\n");
            assertEquals(2, f.ferry("sync", "--yes", "--tables-dir", negative.toString()), f.output());
            assertTrue(f.output().contains("parameter 'batchSize' is '-1': must be a whole number of at least 1"), f.output());
        }
    }
}
