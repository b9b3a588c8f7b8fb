package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.ferry.cli.SyncJob;
import dev.ferry.log.Redactor;
import dev.ferry.support.SyncFixture;
import org.junit.jupiter.api.Test;

/** No credential reaches a log line, a message, the report or the ledger. */
class RedactionIT {

    private static final String SECRET = "Pr0d-S3cret-Pa55";

    @Test
    void should_keep_passwords_out_of_every_output_of_a_run_and_of_a_failure() throws Exception {
        try (SyncFixture f = new SyncFixture("redact", 50)) {
            Path report = SyncFixture.tempFile("report.json");
            SyncJob.Outcome ok = f.sync(o -> {
                o.overrides.put("ferry.source.url", f.pg.url(f.production) + (f.pg.url(f.production).contains("?") ? "&" : "?")
                        + "password=" + SECRET);
                o.overrides.put("ferry.target.password", SECRET);
                o.report = report;
                o.debug = true;
            });
            assertEquals(0, ok.exitCode(), f.output());
            assertFalse(f.output().contains(SECRET), f.output());
            assertFalse(Files.readString(report).contains(SECRET));

            // a failing connection with the password in the URL, with --debug stack traces
            SyncJob.Outcome failed = f.sync(o -> {
                o.overrides.put("ferry.target.url", "jdbc:postgresql://127.0.0.1:1/nowhere?password=" + SECRET);
                o.overrides.put("ferry.target.password", SECRET);
                o.debug = true;
            });
            assertEquals(1, failed.exitCode(), f.output());
            assertFalse(f.output().contains(SECRET), f.output());
            assertFalse(f.dev("SELECT string_agg(coalesce(error, ''), ' ') FROM ferry.run").contains(SECRET));
        }
    }
}
