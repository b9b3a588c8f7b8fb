package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.ferry.support.BookRoutes;
import dev.ferry.support.SyncFixture;
import org.junit.jupiter.api.Test;

/** Two {@code ferry serve} instances with ferry.cluster=true: each tick runs once, and on the other instance if one dies. */
class ClusterIT {

    private static Process serve(SyncFixture f, Path log) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(new File("ferry").getAbsolutePath(), "serve", "--tables-dir",
                BookRoutes.DEMO.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(Map.of(
                "FERRY_SOURCE_URL", f.pg.url(f.production), "FERRY_SOURCE_USER", f.pg.user(),
                "FERRY_SOURCE_PASSWORD", f.pg.password(), "FERRY_TARGET_URL", f.pg.url(f.development),
                "FERRY_TARGET_USER", f.pg.user(), "FERRY_TARGET_PASSWORD", f.pg.password(),
                "FERRY_OWNER_EMAIL", "bob@dev.example", "FERRY_SCHEDULE", "*/5 * * * * ?", "FERRY_CLUSTER", "true",
                "FERRY_HTTP_PORT", String.valueOf(port)));
        return pb.start();
    }

    private static List<Instant[]> runs(SyncFixture f) throws Exception {
        List<Instant[]> out = new ArrayList<>();
        try (Connection c = f.pg.connect(f.development); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT started_at, finished_at FROM ferry.run WHERE status = 'SUCCESS' "
                     + "ORDER BY started_at")) {
            while (rs.next()) {
                out.add(new Instant[] {rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant()});
            }
        } catch (java.sql.SQLException noLedgerYet) {
            return out;
        }
        return out;
    }

    private static int successfulRuns(SyncFixture f) {
        try {
            return runs(f).size();
        } catch (Exception e) {
            return 0;
        }
    }

    private static void awaitRuns(SyncFixture f, int count, Duration limit) throws Exception {
        Instant deadline = Instant.now().plus(limit);
        while (successfulRuns(f) < count) {
            assertTrue(Instant.now().isBefore(deadline), "timed out waiting for " + count + " runs");
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    @Test
    void should_fire_each_tick_on_one_instance_and_fail_over_when_it_dies() throws Exception {
        try (SyncFixture f = new SyncFixture("cluster", 2_000)) {
            Path logA = Files.createTempFile("ferry-a", ".log");
            Path logB = Files.createTempFile("ferry-b", ".log");
            Process a = serve(f, logA);
            Process b = serve(f, logB);
            try {
                awaitRuns(f, 3, Duration.ofSeconds(90));
                // kill -9 whichever instance has been running the ticks; the other must take them over
                boolean aRan = Files.readString(logA, StandardCharsets.UTF_8).contains("Run ");
                Process victim = aRan ? a : b;
                victim.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                int before = successfulRuns(f);
                awaitRuns(f, before + 3, Duration.ofSeconds(120));
            } finally {
                a.destroy();
                b.destroy();
                a.waitFor(60, TimeUnit.SECONDS);
                b.waitFor(60, TimeUnit.SECONDS);
            }
            List<Instant[]> runs = runs(f);
            Set<Long> ticks = new HashSet<>();
            for (int i = 0; i < runs.size(); i++) {
                // every run belongs to a distinct 5-second tick, and none overlaps the next
                assertTrue(ticks.add(runs.get(i)[0].getEpochSecond() / 5), "two runs for one tick");
                if (i > 0) {
                    assertTrue(!runs.get(i)[0].isBefore(runs.get(i - 1)[1]), "runs overlap");
                }
            }
            String other = Files.readString(logA, StandardCharsets.UTF_8) + Files.readString(logB, StandardCharsets.UTF_8);
            assertTrue(Files.readString(logA, StandardCharsets.UTF_8).contains("Run ")
                    && Files.readString(logB, StandardCharsets.UTF_8).contains("Run "), "both instances ran ticks:\n" + other);
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
        }
    }
}
