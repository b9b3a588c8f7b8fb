package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.ferry.support.BookRoutes;
import dev.ferry.support.SyncFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The apply under faults and signals, and secrets at the most verbose log level, through {@code ./ferry}
 * (a separate JVM configured by environment). Each test stops the run at a known point with a lock the
 * test holds in one of the databases (a lock wait is seen in pg_stat_activity), disturbs it there, then
 * lets it go.
 */
class ApplySignalsIT {

    private static final int BOOKS = 2_000;
    private static final String OWNER = "bob@dev.example";
    private static final Duration RUN_DEADLINE = Duration.ofMinutes(2);
    private static final List<Process> STARTED = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (Process p : STARTED) {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        STARTED.clear();
    }

    @Test
    void should_redeliver_the_apply_when_its_connection_is_terminated() throws Exception {
        try (SyncFixture f = new SyncFixture("apply_drop", BOOKS);
             Connection holder = f.pg.connect(f.development)) {
            // the apply needs an exclusive lock on book: it waits behind this one, where it can be seen
            holder.setAutoCommit(false);
            holder.createStatement().execute("LOCK TABLE book IN ACCESS SHARE MODE");
            Path report = SyncFixture.tempFile("apply-drop.json");
            Ferry ferry = Ferry.start(env(f), "sync", "--yes", "--owner-email", OWNER, "--report", report.toString());

            int first = awaitLockWait(f, f.development, ferry, -1);
            terminate(f, first);
            // the redelivery: a new transaction on a new connection, waiting on the same lock again
            int second = awaitLockWait(f, f.development, ferry, first);
            assertNotEquals(first, second);
            holder.commit();

            Result r = ferry.await(RUN_DEADLINE);
            assertEquals(0, r.code(), r.output());
            assertEquals("SUCCESS", latestRun(f).get("status"), r.output());
            String json = Files.readString(report);
            assertTrue(json.contains("\"status\" : \"SUCCESS\"") || json.contains("\"status\":\"SUCCESS\""), json);
            assertSynced(f);
        }
    }

    @Test
    void should_stop_within_5s_recording_interrupted_when_the_read_is_blocked() throws Exception {
        try (SyncFixture f = new SyncFixture("read_blocked", BOOKS);
             Connection holder = f.pg.connect(f.production)) {
            String devBefore = f.devBookDigest();
            holder.setAutoCommit(false);
            holder.createStatement().execute("LOCK TABLE book IN ACCESS EXCLUSIVE MODE");
            Ferry ferry = Ferry.start(env(f), "sync", "--yes", "--owner-email", OWNER);
            awaitLockWait(f, f.production, ferry, -1);
            // the run is recorded as RUNNING by now
            await(Duration.ofSeconds(30), ferry, () -> "RUNNING".equals(latestRunStatus(f)));

            long signalled = System.nanoTime();
            assertTrue(ferry.process.toHandle().destroy(), "SIGTERM not sent");
            Result r = ferry.await(Duration.ofSeconds(30));
            Duration took = Duration.ofNanos(System.nanoTime() - signalled);
            holder.rollback();

            assertEquals(143, r.code(), r.output());
            assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "exited " + took + " after SIGTERM\n" + r.output());
            assertEquals("INTERRUPTED", latestRun(f).get("status"), r.output());
            assertEquals(devBefore, f.devBookDigest());
        }
    }

    @Test
    void should_roll_back_and_record_interrupted_on_sigterm_before_the_apply_commits() throws Exception {
        try (SyncFixture f = new SyncFixture("apply_term", BOOKS);
             Connection holder = f.pg.connect(f.development)) {
            String devBefore = f.devBookDigest();
            holder.setAutoCommit(false);
            holder.createStatement().execute("LOCK TABLE book IN ACCESS SHARE MODE");
            Ferry ferry = Ferry.start(env(f), "sync", "--yes", "--owner-email", OWNER);
            awaitLockWait(f, f.development, ferry, -1);

            long signalled = System.nanoTime();
            assertTrue(ferry.process.toHandle().destroy(), "SIGTERM not sent");
            Result r = ferry.await(Duration.ofSeconds(30));
            Duration took = Duration.ofNanos(System.nanoTime() - signalled);
            holder.rollback();

            assertEquals(143, r.code(), r.output());
            assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "exited " + took + " after SIGTERM\n" + r.output());
            Map<String, String> run = latestRun(f);
            assertEquals("INTERRUPTED", run.get("status"), run + "\n" + r.output());
            assertEquals(devBefore, f.devBookDigest(), "an apply stopped before its commit changes nothing");

            // the staged table is applied by the next run
            Result next = Ferry.start(env(f), "sync", "--yes", "--owner-email", OWNER).await(RUN_DEADLINE);
            assertEquals(0, next.code(), next.output());
            assertSynced(f);
        }
    }

    @Test
    void should_exit_0_when_the_apply_committed_despite_sigterm() throws Exception {
        try (SyncFixture f = new SyncFixture("apply_done", BOOKS)) {
            // a first run creates Ferry's schema; the hook goes on it
            assertEquals(0, Ferry.start(env(f), "sync", "--yes", "--owner-email", OWNER).await(RUN_DEADLINE).code());
            f.execProd("UPDATE book SET title = title || ' (2)' WHERE id % 7 = 0");
            // the apply deletes the table's checkpoint; at its COMMIT, this deferred trigger waits for the test's lock
            f.execDev("CREATE FUNCTION public.hold_commit() RETURNS trigger LANGUAGE plpgsql AS "
                            + "$$BEGIN PERFORM pg_advisory_xact_lock(4242); RETURN NULL; END$$",
                    "CREATE CONSTRAINT TRIGGER hold_commit AFTER DELETE ON ferry.checkpoint "
                            + "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.hold_commit()");
            try (Connection holder = f.pg.connect(f.development)) {
                holder.setAutoCommit(false);
                holder.createStatement().execute("SELECT pg_advisory_xact_lock(4242)");
                Ferry ferry = Ferry.start(env(f), "sync", "--yes", "--owner-email", OWNER);
                awaitLockWait(f, f.development, ferry, -1);
                assertEquals("COMMIT", activeQuery(f, f.development).trim().toUpperCase());

                assertTrue(ferry.process.toHandle().destroy(), "SIGTERM not sent");
                await(Duration.ofSeconds(10), ferry, () -> ferry.output().contains("stopping"));
                holder.commit();
                Result r = ferry.await(Duration.ofSeconds(30));

                assertEquals(0, r.code(), r.output());
                assertEquals(1, r.output().lines().filter(l -> l.contains("despite the signal")).count(), r.output());
                assertEquals("SUCCESS", latestRun(f).get("status"), r.output());
                assertSynced(f);
            }
        }
    }

    @Test
    void should_keep_every_secret_out_of_trace_logs_reports_and_the_ledger() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String role = "ferry_secret_" + suffix;
        String password = "Pw,;&'\"x-" + suffix + "-Zq";
        String rulesSecret = "Rs,;&'\"k-" + suffix;
        String jmxPassword = "Jx,;&'\"p-" + suffix;
        try (SyncFixture f = new SyncFixture("secrets", 50)) {
            try (Connection c = f.pg.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("CREATE ROLE " + role + " LOGIN SUPERUSER PASSWORD '" + password.replace("'", "''") + "'");
            }
            try {
                Map<String, String> env = env(f);
                env.put("FERRY_LOG_LEVEL", "TRACE");
                env.put("FERRY_SOURCE_USER", role);
                env.put("FERRY_SOURCE_PASSWORD", password);
                // the target's password in its URL (pgjdbc decodes it), and as the property
                env.put("FERRY_TARGET_USER", role);
                env.put("FERRY_TARGET_URL", f.pg.url(f.development) + (f.pg.url(f.development).contains("?") ? "&" : "?")
                        + "password=" + URLEncoder.encode(password, StandardCharsets.UTF_8));
                env.put("FERRY_TARGET_PASSWORD", password);
                env.put("FERRY_RULES_SECRET", rulesSecret);
                env.put("FERRY_JMX_USER", "ops");
                env.put("FERRY_JMX_PASSWORD", jmxPassword);
                Path report = SyncFixture.tempFile("secrets.json");
                Result r = Ferry.start(env, "sync", "--yes", "--owner-email", OWNER, "--report", report.toString())
                        .await(RUN_DEADLINE, false);
                assertEquals(0, r.code(), tail(r.output()));
                assertTrue(r.output().contains("TRACE") || r.output().contains("DEBUG"), "no debug output: " + tail(r.output()));

                String ledger = f.dev("SELECT string_agg(coalesce(r.error, '') || ' ' || coalesce(r.who, '') || ' '"
                        + " || coalesce(t.error, ''), ' ') FROM ferry.run r LEFT JOIN ferry.run_table t ON t.run_id = r.id");
                for (String secret : List.of(password, rulesSecret, jmxPassword)) {
                    for (String form : forms(secret)) {
                        assertFalse(r.output().contains(form), "a secret (" + form + ") in the output:\n"
                                + around(r.output(), form));
                        assertFalse(Files.readString(report).contains(form), "a secret in the report");
                        assertFalse(String.valueOf(ledger).contains(form), "a secret in the ledger");
                    }
                }
            } finally {
                try (Connection c = f.pg.connect("postgres"); Statement s = c.createStatement()) {
                    f.close();
                    s.execute("DROP ROLE IF EXISTS " + role);
                }
            }
        }
    }

    /** A secret verbatim, URL-encoded, and its distinctive middle part (what a redactor stopping at a comma leaves). */
    private static List<String> forms(String secret) {
        return List.of(secret, URLEncoder.encode(secret, StandardCharsets.UTF_8), secret.substring(secret.indexOf('"') + 1));
    }

    private static String around(String text, String needle) {
        int at = text.indexOf(needle);
        return at < 0 ? "" : text.substring(Math.max(0, at - 300), Math.min(text.length(), at + 300));
    }

    private static String tail(String text) {
        return text.length() < 6000 ? text : "..." + text.substring(text.length() - 6000);
    }

    // ---------------------------------------------------------------------------------------------

    private record Result(int code, String output) {
    }

    /** A running {@code ./ferry}; its merged output drained as it goes. */
    private static final class Ferry {
        final Process process;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final Thread drain;

        private Ferry(Process process) {
            this.process = process;
            this.drain = new Thread(() -> {
                byte[] chunk = new byte[8192];
                try (InputStream in = process.getInputStream()) {
                    for (int n; (n = in.read(chunk)) >= 0; ) {
                        synchronized (buffer) {
                            buffer.write(chunk, 0, n);
                        }
                    }
                } catch (IOException ignored) {
                    // the process is gone
                }
            }, "ferry-output");
            drain.setDaemon(true);
            drain.start();
        }

        static Ferry start(Map<String, String> env, String... args) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(new File("ferry").getAbsolutePath());
            command.addAll(List.of(BookRoutes.demo(args))); // sync reads the demo's book route
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            STARTED.add(p);
            return new Ferry(p);
        }

        String output() {
            synchronized (buffer) {
                return buffer.toString(StandardCharsets.UTF_8);
            }
        }

        Result await(Duration deadline) throws InterruptedException {
            return await(deadline, true);
        }

        Result await(Duration deadline, boolean echo) throws InterruptedException {
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                drain.join(5_000);
                fail("ferry did not finish within " + deadline + "; it was killed. Output:\n" + tail(output()));
            }
            drain.join(10_000);
            if (echo) {
                System.err.println(output());
            }
            return new Result(process.exitValue(), output());
        }
    }

    private static Map<String, String> env(SyncFixture f) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FERRY_SOURCE_URL", f.pg.url(f.production));
        env.put("FERRY_SOURCE_USER", f.pg.user());
        env.put("FERRY_SOURCE_PASSWORD", f.pg.password());
        env.put("FERRY_TARGET_URL", f.pg.url(f.development));
        env.put("FERRY_TARGET_USER", f.pg.user());
        env.put("FERRY_TARGET_PASSWORD", f.pg.password());
        env.put("FERRY_BATCH_SIZE", "500");
        env.put("JAVA_OPTS", "-Xmx256m");
        return env;
    }

    /** Waits until a Ferry backend on this database waits for a lock (other than {@code not}); returns its pid. */
    private static int awaitLockWait(SyncFixture f, String database, Ferry ferry, int not) throws Exception {
        long deadline = System.nanoTime() + RUN_DEADLINE.toNanos();
        try (Connection c = f.pg.connect("postgres"); PreparedStatement ps = c.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE application_name = 'ferry' AND datname = ? "
                        + "AND wait_event_type = 'Lock' AND pid <> ? LIMIT 1")) {
            ps.setString(1, database);
            ps.setInt(2, not);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return rs.getInt(1);
                    }
                }
                if (!ferry.process.isAlive()) {
                    fail("ferry exited (" + ferry.process.exitValue() + ") before waiting on the test's lock:\n"
                            + tail(ferry.output()));
                }
                if (System.nanoTime() > deadline) {
                    fail("no ferry backend waited on the test's lock within " + RUN_DEADLINE + ":\n" + tail(ferry.output()));
                }
                Thread.sleep(20);
            }
        }
    }

    private static String activeQuery(SyncFixture f, String database) throws SQLException {
        try (Connection c = f.pg.connect("postgres"); PreparedStatement ps = c.prepareStatement(
                "SELECT query FROM pg_stat_activity WHERE application_name = 'ferry' AND datname = ? "
                        + "AND wait_event_type = 'Lock' LIMIT 1")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        }
    }

    private static void terminate(SyncFixture f, int pid) throws SQLException {
        try (Connection c = f.pg.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(" + pid + ")");
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Duration timeout, Ferry ferry, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout + ":\n" + tail(ferry.output()));
            }
            Thread.sleep(20);
        }
    }

    private static String latestRunStatus(SyncFixture f) {
        try {
            return f.dev("SELECT status FROM ferry.run ORDER BY started_at DESC LIMIT 1");
        } catch (SQLException e) {
            return null; // no ledger yet
        }
    }

    private static Map<String, String> latestRun(SyncFixture f) throws SQLException {
        try (Connection c = f.pg.connect(f.development); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT id, status, error FROM ferry.run ORDER BY started_at DESC LIMIT 1")) {
            assertTrue(rs.next(), "no run in the ledger");
            Map<String, String> run = new LinkedHashMap<>();
            for (String column : List.of("id", "status", "error")) {
                run.put(column, rs.getString(column));
            }
            return run;
        }
    }

    /** Development's books equal production's but for owner_id, every one bob's. */
    private static void assertSynced(SyncFixture f) throws SQLException {
        assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
        assertEquals("0", f.dev("SELECT count(*) FROM book WHERE owner_id IS DISTINCT FROM "
                + "(SELECT id FROM users WHERE email = '" + OWNER + "')"), "every book is bob's");
        assertEquals("0", f.dev("SELECT count(*) FROM ferry.checkpoint"), "staging discarded");
    }
}
