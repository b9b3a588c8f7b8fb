package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.support.BookRoutes;
import dev.ferry.support.SyncFixture;
import dev.ferry.plan.TablePlan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Ferry under faults, run as a user runs it (the packaged jar through {@code ./ferry}, a separate
 * JVM, configured by environment): killed with SIGKILL, stopped with SIGTERM, its target or source
 * connections terminated by the server mid-run (once right inside a COMMIT), the target down at
 * start. Every test watches the
 * run's progress through the target's checkpoint (polling with a deadline, never sleeping for
 * correctness) and ends by comparing the development book table with production row for row.
 */
class FaultToleranceIT {

    /** The book table's staging in development (named by {@link TablePlan#workTableName}). */
    private static final String STAGING = "ferry." + TablePlan.workTableName("stage_", "public", "book");

    private static final int BOOKS = 200_000;
    private static final int BATCH = 1_000;
    /** Longest a whole sync of {@link #BOOKS} may take here, faults and retries included. */
    private static final Duration RUN_DEADLINE = Duration.ofMinutes(3);
    private static final Duration POLL = Duration.ofMillis(20);
    private static final String OWNER = "bob@dev.example";

    private static long testStarted;
    private static String testName;
    /** Every Ferry this test started: one still running when the test ends (it failed) is killed. */
    private static final List<Ferry> STARTED = new ArrayList<>();

    @BeforeEach
    void startClock(TestInfo info) {
        testStarted = System.nanoTime();
        testName = info.getTestMethod().map(m -> m.getName()).orElse("?");
    }

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (Ferry ferry : STARTED) {
            if (ferry.process.isAlive()) {
                ferry.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        STARTED.clear();
    }

    /** A timestamped line in the test output, to see where a test spends its time. */
    private static void log(String what) {
        System.err.printf(Locale.ROOT, "[%s +%.1fs] %s%n", testName, (System.nanoTime() - testStarted) / 1e9, what);
    }

    // ---------------------------------------------------------------------------------------------
    // the tests
    // ---------------------------------------------------------------------------------------------

    @Test
    void should_resume_from_checkpoint_after_kill_9() throws Exception {
        try (SyncFixture f = new SyncFixture("kill", BOOKS)) {
            log("fixture ready");
            String devBefore = f.devBookDigest();
            assertEquals("0:", devBefore, "development starts without books");

            Ferry first = Ferry.start(env(f), "sync", "--yes", "--owner-email", OWNER);
            long seen = awaitStaged(f, first, BOOKS * 40L / 100);
            log("SIGKILL at rows_staged " + seen);
            assertTrue(first.signal(true), "SIGKILL not sent"); // to the JVM: the launcher execs java
            Result killed = first.await(Duration.ofSeconds(30));
            assertEquals(137, killed.code(), "killed by SIGKILL (128 + 9)\n" + killed.output());
            awaitNoFerryBackends(f, f.development);

            // the development table is exactly as it was; what was staged is kept, with its checkpoint
            assertEquals(devBefore, f.devBookDigest(), "a killed run must not touch the development table");
            long staged = stagedRows(f);
            assertTrue(staged >= seen && staged < BOOKS, "rows_staged " + staged + " after seeing " + seen);
            assertEquals(String.valueOf(staged), f.dev("SELECT count(*) FROM " + STAGING),
                    "the checkpoint counts exactly the committed staged rows (same transaction)");

            log("first run killed, ledger checked; second run");
            Path report = SyncFixture.tempFile("kill.json");
            Result second = Ferry.start(env(f), "sync", "--yes", "--owner-email", OWNER, "--report", report.toString())
                    .await(RUN_DEADLINE);
            assertEquals(0, second.code(), second.output());
            assertTrue(second.output().contains(resumingLine(staged)), second.output());

            JsonNode table = table(report);
            assertEquals("SUCCESS", table.get("status").asText(), table.toString());
            long read = table.get("read").asLong();
            long resumed = table.get("resumed").asLong();
            assertTrue(read < BOOKS, "the resumed run read only the rows after the checkpoint: " + table);
            assertEquals(staged, resumed, table.toString());
            assertEquals(BOOKS, read + resumed, table.toString());
            assertEquals(BOOKS, table.get("written").asLong(), table.toString());

            assertSynced(f);
            assertStagingDiscarded(f);
        }
    }

    @Test
    void should_stop_gracefully_on_sigterm_and_resume() throws Exception {
        try (SyncFixture f = new SyncFixture("sigterm", BOOKS)) {
            log("fixture ready");
            String devBefore = f.devBookDigest();

            Ferry first = Ferry.start(env(f), "sync", "--yes", "--owner-email", OWNER);
            log("SIGTERM at rows_staged " + awaitStaged(f, first, BOOKS / 3L));
            assertTrue(first.signal(false), "SIGTERM not sent");
            Result stopped = first.await(Duration.ofSeconds(60));
            assertEquals(143, stopped.code(), "SIGTERM: stops after the batch in flight, exits 128 + 15\n"
                    + stopped.output());

            // the run is recorded as INTERRUPTED, the development table untouched, staging kept
            Map<String, String> run = latestRun(f);
            assertEquals("INTERRUPTED", run.get("status"), run.toString());
            assertNotNull(run.get("finished_at"), run.toString());
            assertEquals("FAILED", f.dev("SELECT status FROM ferry.run_table WHERE run_id = '" + run.get("id")
                    + "' AND table_name = 'book'"), "the interrupted table's ledger row");
            assertEquals(devBefore, f.devBookDigest(), "an interrupted run must not touch the development table");
            long staged = stagedRows(f);
            assertTrue(staged > 0 && staged < BOOKS, "rows_staged " + staged);
            assertEquals(String.valueOf(staged), f.dev("SELECT count(*) FROM " + STAGING));
            long rowsRead = Long.parseLong(f.dev("SELECT rows_read FROM ferry.run_table WHERE run_id = '"
                    + run.get("id") + "' AND table_name = 'book'"));
            assertTrue(rowsRead > 0 && rowsRead <= staged, "rows_read " + rowsRead + ", staged " + staged);

            log("first run stopped, ledger checked; second run");
            Path report = SyncFixture.tempFile("sigterm.json");
            Result second = Ferry.start(env(f), "sync", "--yes", "--owner-email", OWNER, "--report", report.toString())
                    .await(RUN_DEADLINE);
            assertEquals(0, second.code(), second.output());
            assertTrue(second.output().contains(resumingLine(staged)), second.output());
            JsonNode table = table(report);
            assertEquals(staged, table.get("resumed").asLong(), table.toString());
            assertEquals(BOOKS, table.get("read").asLong() + table.get("resumed").asLong(), table.toString());
            assertEquals("SUCCESS", latestRun(f).get("status"));

            assertSynced(f);
            assertStagingDiscarded(f);
        }
    }

    @Test
    void should_survive_target_connections_terminated_twice() throws Exception {
        try (SyncFixture f = new SyncFixture("target_drop", BOOKS)) {
            log("fixture ready");
            Path report = SyncFixture.tempFile("target-drop.json");
            Ferry ferry = Ferry.start(env(f), "sync", "--yes", "--owner-email", OWNER, "--report", report.toString());

            awaitStaged(f, ferry, BOOKS / 4L);
            assertTrue(terminateFerryBackends(f, f.development) > 0, "no ferry connection on the target to terminate");
            awaitStaged(f, ferry, BOOKS * 60L / 100);
            assertTrue(terminateFerryBackends(f, f.development) > 0, "no ferry connection on the target to terminate");

            Result r = ferry.await(RUN_DEADLINE);
            assertEquals(0, r.code(), r.output());
            JsonNode table = table(report);
            assertEquals("SUCCESS", table.get("status").asText(), table.toString());
            assertEquals(BOOKS, table.get("read").asLong(), "every row read and staged once: " + table);
            assertEquals(BOOKS, table.get("written").asLong(), table.toString());
            assertEquals(0, table.get("deadLettered").asLong(), table.toString());
            assertEquals("SUCCESS", latestRun(f).get("status"));

            assertSynced(f);
            assertStagingDiscarded(f);
        }
    }

    /**
     * The sharp edge of the previous test, made deterministic: a backend terminated while it commits
     * finishes the commit (interrupts are held while the commit record is written) and then answers
     * FATAL 57P01, so the client sees a failed commit of a transaction that did commit. Every commit on
     * development is made to wait 30 ms before its WAL flush (commit_delay, commit_siblings = 0), and
     * the test terminates Ferry's backend while it is in COMMIT. Retrying such a batch must not stage
     * its rows a second time.
     */
    @Test
    void should_stage_a_batch_once_when_the_reply_to_its_commit_is_lost() throws Exception {
        int books = 30_000;
        try (SyncFixture f = new SyncFixture("commit_lost", books)) {
            try (Connection c = f.pg.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("ALTER DATABASE " + f.development + " SET commit_delay = 30000");
                s.execute("ALTER DATABASE " + f.development + " SET commit_siblings = 0");
            } catch (SQLException e) {
                assumeTrue(false, "commit_delay needs a superuser on the test server: " + e.getMessage());
            }
            log("fixture ready");
            Path report = SyncFixture.tempFile("commit-lost.json");
            // commit_delay holds only a commit that waits for its WAL to be flushed: staging commits wait
            // here, so that the test finds each one in COMMIT (an asynchronous commit that loses its reply
            // takes the same path in Ferry: the connection is gone and the batch's outcome unknown)
            Map<String, String> env = env(f);
            env.put("FERRY_STAGING_ASYNCHRONOUS_COMMIT", "false");
            Ferry ferry = Ferry.start(env, "sync", "--yes", "--owner-email", OWNER, "--report", report.toString());

            awaitStaged(f, ferry, books / 5L);
            terminateFerryBackendInCommit(f, ferry);
            awaitStaged(f, ferry, books / 2L);
            terminateFerryBackendInCommit(f, ferry);

            Result r = ferry.await(RUN_DEADLINE);
            assertEquals(0, r.code(), r.output());
            JsonNode table = table(report);
            assertEquals(0, table.get("deadLettered").asLong(), "no row set aside: " + table);
            assertEquals(books, table.get("read").asLong(), table.toString());
            assertEquals(books, table.get("written").asLong(), table.toString());
            assertEquals(String.valueOf(books), f.dev("SELECT count(*) FROM book"));
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
            assertEquals("0", f.dev("SELECT count(*) FROM book WHERE owner_id IS DISTINCT FROM "
                    + "(SELECT id FROM users WHERE email = '" + OWNER + "')"), "every book is bob's");
            assertStagingDiscarded(f);
        }
    }

    @Test
    void should_recover_in_the_same_run_when_the_source_connection_drops() throws Exception {
        try (SyncFixture f = new SyncFixture("source_drop", BOOKS)) {
            log("fixture ready");
            Path report = SyncFixture.tempFile("source-drop.json");
            Ferry ferry = Ferry.start(env(f), "sync", "--yes", "--owner-email", OWNER, "--report", report.toString());

            awaitStaged(f, ferry, BOOKS * 40L / 100);
            // the reader's cursor and the snapshot holder both go
            assertTrue(terminateFerryBackends(f, f.production) > 0, "no ferry connection on the source to terminate");

            Result r = ferry.await(RUN_DEADLINE);
            assertEquals(0, r.code(), r.output());
            JsonNode table = table(report);
            assertEquals("SUCCESS", table.get("status").asText(), table.toString());
            assertEquals(BOOKS, table.get("written").asLong(), table.toString());
            assertEquals(0, table.get("deadLettered").asLong(), table.toString());
            Map<String, String> run = latestRun(f);
            assertEquals("SUCCESS", run.get("status"), run.toString());
            assertEquals("2", run.get("snapshots"), "the snapshot holder was terminated: one new snapshot\n" + r.output());

            assertSynced(f);
            assertStagingDiscarded(f);
        }
    }

    @Test
    void should_fail_in_one_line_when_the_target_is_down_at_start() throws Exception {
        try (SyncFixture f = new SyncFixture("target_down", 100)) {
            String prodBefore = f.prod("SELECT count(*) || ':' || md5(string_agg(b::text, '|' ORDER BY id)) FROM book b");
            Map<String, String> env = env(f);
            env.put("FERRY_TARGET_URL", "jdbc:postgresql://127.0.0.1:1/" + f.development);

            long started = System.nanoTime();
            Result r = Ferry.start(env, "sync", "--yes", "--owner-email", OWNER).await(Duration.ofSeconds(20));
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertEquals(1, r.code(), r.output());
            assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "took " + took);
            assertTrue(r.output().contains("cannot connect to the target database"), r.output());
            assertEquals(1, r.output().lines().filter(line -> !line.isBlank()).count(), "one line:\n" + r.output());
            assertFalse(r.output().contains("\tat "), "no stack trace without --debug:\n" + r.output());
            assertFalse(r.output().contains("Exception in thread"), r.output());

            // nothing written anywhere: no ledger in the source, its books as they were, development untouched
            assertEquals("0", f.prod("SELECT count(*) FROM pg_namespace WHERE nspname = 'ferry'"));
            assertEquals(prodBefore, f.prod("SELECT count(*) || ':' || md5(string_agg(b::text, '|' ORDER BY id)) FROM book b"));
            assertEquals("0", f.dev("SELECT count(*) FROM pg_namespace WHERE nspname = 'ferry'"));
            assertEquals("0:", f.devBookDigest());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Ferry as a subprocess
    // ---------------------------------------------------------------------------------------------

    private record Result(int code, String output) {
    }

    /** A running {@code ./ferry}; its merged stdout and stderr are drained as it goes. */
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
            Ferry ferry = new Ferry(pb.start());
            STARTED.add(ferry);
            return ferry;
        }

        /**
         * SIGKILL ({@code force}) or SIGTERM to the process, keeping its output pipe open: unlike
         * {@link Process#destroy()}, which also closes our end of the pipes at once (so whatever Ferry
         * prints while stopping would be lost), the process handle only sends the signal.
         */
        boolean signal(boolean force) {
            ProcessHandle handle = process.toHandle();
            return force ? handle.destroyForcibly() : handle.destroy();
        }

        String output() {
            synchronized (buffer) {
                return buffer.toString(StandardCharsets.UTF_8);
            }
        }

        /** Waits for the exit; a run that outlives the deadline is killed and fails the test. */
        Result await(Duration deadline) throws InterruptedException {
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                drain.join(5_000);
                System.err.println(output());
                fail("ferry did not finish within " + deadline + "; it was killed. Output:\n" + output());
            }
            drain.join(10_000);
            String text = output();
            System.err.println(text);
            log("ferry exited " + process.exitValue());
            return new Result(process.exitValue(), text);
        }
    }

    /** The fixture's databases, small batches, bounded heap. */
    private static Map<String, String> env(SyncFixture f) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FERRY_SOURCE_URL", f.pg.url(f.production));
        env.put("FERRY_SOURCE_USER", f.pg.user());
        env.put("FERRY_SOURCE_PASSWORD", f.pg.password());
        env.put("FERRY_TARGET_URL", f.pg.url(f.development));
        env.put("FERRY_TARGET_USER", f.pg.user());
        env.put("FERRY_TARGET_PASSWORD", f.pg.password());
        env.put("FERRY_BATCH_SIZE", String.valueOf(BATCH));
        env.put("JAVA_OPTS", "-Xmx256m");
        return env;
    }

    // ---------------------------------------------------------------------------------------------
    // watching and disturbing the run through the databases
    // ---------------------------------------------------------------------------------------------

    /** The book checkpoint's rows_staged, or -1 while Ferry has not created its schema or checkpoint yet. */
    private static long stagedRows(Connection dev) throws SQLException {
        try (Statement s = dev.createStatement();
             ResultSet rs = s.executeQuery("SELECT rows_staged FROM ferry.checkpoint WHERE table_name = 'book'")) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState())) {
                return -1; // undefined table / schema: the run has not started staging
            }
            throw e;
        }
    }

    private static long stagedRows(SyncFixture f) throws SQLException {
        try (Connection dev = f.pg.connect(f.development)) {
            return stagedRows(dev);
        }
    }

    /**
     * Polls the target's checkpoint until at least {@code rows} are staged; fails when Ferry exits
     * first or the deadline passes. Returns the rows_staged seen.
     */
    private static long awaitStaged(SyncFixture f, Ferry ferry, long rows) throws Exception {
        long deadline = System.nanoTime() + RUN_DEADLINE.toNanos();
        try (Connection dev = f.pg.connect(f.development)) {
            while (true) {
                long staged = stagedRows(dev);
                if (staged >= rows) {
                    return staged;
                }
                if (!ferry.process.isAlive()) {
                    fail("ferry exited (" + ferry.process.exitValue() + ") before " + rows + " rows were staged (last seen "
                            + staged + "):\n" + ferry.output());
                }
                if (System.nanoTime() > deadline) {
                    ferry.process.destroyForcibly();
                    fail("fewer than " + rows + " rows staged within " + RUN_DEADLINE + " (last seen " + staged + "):\n"
                            + ferry.output());
                }
                Thread.sleep(POLL.toMillis());
            }
        }
    }

    /** Terminates every backend of Ferry (application_name 'ferry') on one database; returns how many. */
    private static int terminateFerryBackends(SyncFixture f, String database) throws SQLException {
        log("rows_staged " + stagedRows(f) + ": terminating ferry's backends on " + database);
        try (Connection c = f.pg.connect("postgres"); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                        + "WHERE application_name = 'ferry' AND datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                int n = rs.getInt(1);
                log("terminated " + n + " ferry backend(s) on " + database);
                return n;
            }
        }
    }

    /** Waits until one of Ferry's backends on development is in COMMIT, then terminates it. */
    private static void terminateFerryBackendInCommit(SyncFixture f, Ferry ferry) throws Exception {
        long deadline = System.nanoTime() + RUN_DEADLINE.toNanos();
        try (Connection c = f.pg.connect("postgres"); PreparedStatement ps = c.prepareStatement(
                "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ferry' "
                        + "AND datname = ? AND state = 'active' AND query ILIKE 'COMMIT%' LIMIT 1")) {
            ps.setString(1, f.development);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        log("rows_staged " + stagedRows(f) + ": terminated backend " + rs.getInt(1) + " in COMMIT ("
                                + rs.getBoolean(2) + ")");
                        return;
                    }
                }
                if (!ferry.process.isAlive()) {
                    fail("ferry exited before one of its backends was seen in COMMIT:\n" + ferry.output());
                }
                if (System.nanoTime() > deadline) {
                    fail("no ferry backend seen in COMMIT within " + RUN_DEADLINE);
                }
                Thread.sleep(5);
            }
        }
    }

    /** Waits until the server has ended every backend of a killed Ferry on this database (its open transaction rolled back). */
    private static void awaitNoFerryBackends(SyncFixture f, String database) throws Exception {
        await(Duration.ofSeconds(30), "the killed ferry's backends on " + database + " to end", () -> {
            try (Connection c = f.pg.connect("postgres"); PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'ferry' AND datname = ?")) {
                ps.setString(1, database);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1) == 0;
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // what the tests check
    // ---------------------------------------------------------------------------------------------

    /** The summary line of a run resuming after {@code staged} rows. */
    private static String resumingLine(long staged) {
        return String.format(Locale.ROOT, "book: resuming after %,d staged rows; %,d rows to read", staged, BOOKS - staged);
    }

    /** The report's book entry. */
    private static JsonNode table(Path report) throws IOException {
        JsonNode json = new ObjectMapper().readTree(Files.readString(report));
        JsonNode tables = json.get("tables");
        assertEquals(1, tables.size(), json.toString());
        assertEquals("book", tables.get(0).get("name").asText(), json.toString());
        return tables.get(0);
    }

    /** The most recent ferry.run row of the target. */
    private static Map<String, String> latestRun(SyncFixture f) throws SQLException {
        try (Connection c = f.pg.connect(f.development); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT id, status, finished_at, snapshots, error FROM ferry.run ORDER BY started_at DESC LIMIT 1")) {
            assertTrue(rs.next(), "no run in the ledger");
            Map<String, String> run = new LinkedHashMap<>();
            for (String column : List.of("id", "status", "finished_at", "snapshots", "error")) {
                run.put(column, rs.getString(column));
            }
            return run;
        }
    }

    /** Development's books equal production's but for owner_id, each exactly once, every one bob's. */
    private static void assertSynced(SyncFixture f) throws SQLException {
        assertEquals(String.valueOf(BOOKS), f.prod("SELECT count(*) FROM book"));
        assertEquals(f.prod("SELECT count(*) || ':' || count(DISTINCT id) FROM book"),
                f.dev("SELECT count(*) || ':' || count(DISTINCT id) FROM book"), "every row landed exactly once");
        assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
        assertEquals("0", f.dev("SELECT count(*) FROM book WHERE owner_id IS DISTINCT FROM "
                + "(SELECT id FROM users WHERE email = '" + OWNER + "')"), "every book is bob's");
    }

    /** A successful apply removes the table's checkpoint and staging table. */
    private static void assertStagingDiscarded(SyncFixture f) throws SQLException {
        assertEquals("0", f.dev("SELECT count(*) FROM ferry.checkpoint WHERE table_name = 'book'"));
        assertNull(f.dev("SELECT to_regclass('" + STAGING + "')::text"));
    }
}
