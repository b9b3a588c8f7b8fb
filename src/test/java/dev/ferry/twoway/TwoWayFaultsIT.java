package dev.ferry.twoway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ferry.support.TestPostgres;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two-way faults through {@code ./ferry}: the run is held after the first database committed (a test
 * session locks the second side's table against writes), then killed with SIGKILL, or has every one of
 * its connections on both sides terminated. The next run (kill) or the same run (terminated
 * connections) leaves both sides exact, nothing lost or doubled.
 */
class TwoWayFaultsIT {

    private static final String SCHEMA = """
            CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, name text);
            CREATE TABLE customers (id serial PRIMARY KEY, cloud_id uuid NOT NULL UNIQUE, name text NOT NULL,
                                    owner_id int NOT NULL REFERENCES users (id));
            """;
    private static final String USERS = "SELECT string_agg(email || '|' || coalesce(name, '-'), ';' ORDER BY email) FROM users";
    private static final String CUSTOMERS = "SELECT string_agg(c.cloud_id || '|' || c.name || '|' || u.email, ';' "
            + "ORDER BY c.cloud_id) FROM customers c JOIN users u ON u.id = c.owner_id";
    private static final String C1 = "'00000000-0000-0000-0000-000000000001'";
    private static final String C2 = "'00000000-0000-0000-0000-000000000002'";

    private final TestPostgres pg = TestPostgres.get();
    private String a;
    private String b;
    private Path routes;
    private Process ferry;

    @BeforeEach
    void databases() throws Exception {
        a = pg.createDatabase("twoway_fault_a");
        b = pg.createDatabase("twoway_fault_b");
        pg.exec(a, SCHEMA + """
                SELECT setval('users_id_seq', 500); SELECT setval('customers_id_seq', 900);
                INSERT INTO users (email, name) SELECT 'u' || i || '@x', 'U' || i FROM generate_series(1, 50) i;
                INSERT INTO customers (cloud_id, name, owner_id) SELECT ('00000000-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid,
                    'C' || i, (SELECT id FROM users WHERE email = 'u' || (i % 50 + 1) || '@x') FROM generate_series(1, 200) i;
                """);
        pg.exec(b, SCHEMA + "INSERT INTO users (email, name) VALUES ('u7@x', 'U7'), ('u3@x', 'U3');");
        routes = Files.createTempDirectory("twoway-faults");
        for (String[] t : List.of(new String[] {"users", "email"}, new String[] {"customers", "cloud_id"})) {
            Files.writeString(routes.resolve(t[0] + ".yaml"), """
                    - templatedRoute:
                        routeTemplateRef: table-sync
                        routeId: sync-%s
                        parameters:
                          - name: table
                            value: %s
                          - name: direction
                            value: both
                          - name: naturalKey
                            value: %s
                    """.formatted(t[0], t[0], t[1]));
        }
    }

    @AfterEach
    void drop() throws Exception {
        if (ferry != null && ferry.isAlive()) {
            ferry.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        pg.dropDatabase(a);
        pg.dropDatabase(b);
        for (String f : List.of("users.yaml", "customers.yaml")) {
            Files.deleteIfExists(routes.resolve(f));
        }
        Files.deleteIfExists(routes);
    }

    @Test
    void killed_after_the_first_side_committed_the_next_run_leaves_both_sides_exact() throws Exception {
        assertEquals(0, run(), "first run");
        change();
        try (Connection lock = pg.connect(b); Statement s = lock.createStatement()) {
            lock.setAutoCommit(false);
            s.execute("LOCK TABLE customers IN EXCLUSIVE MODE"); // reads pass, Ferry's write into B waits
            ferry = start();
            awaitFirstSideCommittedAndSecondWaiting();
            ferry.destroyForcibly(); // SIGKILL
            assertTrue(ferry.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, ferry.exitValue());
            lock.rollback();
        }
        await("the killed ferry's backends to end", () -> count("postgres",
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'ferry' AND datname IN ('" + a + "', '" + b
                        + "')") == 0);
        assertEquals("C1", pg.one(b, "SELECT name FROM customers WHERE cloud_id = " + C1), "B was not written");
        assertEquals(0, run(), "the run after the kill");
        assertExact();
    }

    @Test
    void connections_terminated_mid_run_the_same_run_recovers() throws Exception {
        assertEquals(0, run(), "first run");
        change();
        try (Connection lock = pg.connect(b); Statement s = lock.createStatement()) {
            lock.setAutoCommit(false);
            s.execute("LOCK TABLE customers IN EXCLUSIVE MODE");
            ferry = start();
            awaitFirstSideCommittedAndSecondWaiting();
            try (Connection c = pg.connect("postgres"); Statement t = c.createStatement()) {
                t.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ferry' "
                        + "AND datname IN ('" + a + "', '" + b + "')");
            }
            lock.rollback();
        }
        assertTrue(ferry.waitFor(120, TimeUnit.SECONDS), "ferry did not finish");
        String out = output(ferry);
        assertEquals(0, ferry.exitValue(), out);
        assertTrue(out.contains("reading both sides again"), out);
        assertExact();
    }

    /** A changed C1, B changed C2 and added a user with a customer. */
    private void change() throws Exception {
        pg.exec(a, "UPDATE customers SET name = 'C1 from A' WHERE cloud_id = " + C1);
        pg.exec(b, "UPDATE customers SET name = 'C2 from B' WHERE cloud_id = " + C2 + "; INSERT INTO users (email, name) "
                + "VALUES ('new@x', 'New'); INSERT INTO customers (cloud_id, name, owner_id) VALUES "
                + "('00000000-0000-0000-0000-000000009999', 'New C', currval('users_id_seq'))");
    }

    private void assertExact() throws Exception {
        assertEquals(pg.one(a, USERS), pg.one(b, USERS));
        assertEquals(pg.one(a, CUSTOMERS), pg.one(b, CUSTOMERS));
        assertEquals("C1 from A", pg.one(b, "SELECT name FROM customers WHERE cloud_id = " + C1));
        assertEquals("C2 from B", pg.one(a, "SELECT name FROM customers WHERE cloud_id = " + C2));
        assertEquals(1, count(a, "SELECT count(*) FROM users WHERE email = 'new@x'"), "nothing doubled");
        assertEquals(1, count(a, "SELECT count(*) FROM customers WHERE name = 'New C'"), "nothing doubled");
        assertEquals(201, count(b, "SELECT count(*) FROM customers"));
        String xa = pg.one(a, "SELECT string_agg(xmin::text, ',' ORDER BY id) FROM customers");
        assertEquals(0, run(), "a quiet run");
        assertEquals(xa, pg.one(a, "SELECT string_agg(xmin::text, ',' ORDER BY id) FROM customers"), "no echo");
    }

    private void awaitFirstSideCommittedAndSecondWaiting() throws Exception {
        await("A to hold B's change", () -> "C2 from B".equals(pg.one(a, "SELECT name FROM customers WHERE cloud_id = " + C2)));
        await("ferry to wait for the lock on B", () -> count("postgres", "SELECT count(*) FROM pg_stat_activity WHERE "
                + "application_name = 'ferry' AND datname = '" + b + "' AND wait_event_type = 'Lock'") == 1);
    }

    private Process start() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new File("ferry").getAbsolutePath(), "sync", "--two-way", "--yes",
                "--tables-dir", routes.toString()).redirectErrorStream(true);
        pb.redirectOutput(Files.createTempFile("twoway-ferry", ".log").toFile());
        pb.environment().putAll(java.util.Map.of("FERRY_SOURCE_URL", pg.url(a), "FERRY_SOURCE_USER", pg.user(),
                "FERRY_SOURCE_PASSWORD", pg.password(), "FERRY_TARGET_URL", pg.url(b), "FERRY_TARGET_USER", pg.user(),
                "FERRY_TARGET_PASSWORD", pg.password(), "FERRY_RETRY_DELAY_MS", "100", "FERRY_RETRY_TABLE_ATTEMPTS", "5", "JAVA_OPTS", "-Xmx256m"));
        Process p = pb.start();
        logs.put(p, pb.redirectOutput().file().toPath());
        return p;
    }

    private final java.util.Map<Process, Path> logs = new java.util.HashMap<>();

    private String output(Process p) throws Exception {
        return Files.readString(logs.get(p), StandardCharsets.UTF_8);
    }

    private int run() throws Exception {
        Process p = start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("ferry did not finish: " + output(p));
        }
        System.err.print(output(p));
        return p.exitValue();
    }

    private void await(String what, BooleanSupplierWithException condition) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < end) {
            if (condition.get()) {
                return;
            }
            Thread.sleep(100);
        }
        fail("timed out waiting for " + what + (ferry != null ? ": " + output(ferry) : ""));
    }

    @FunctionalInterface
    private interface BooleanSupplierWithException {
        boolean get() throws Exception;
    }

    private int count(String db, String sql) throws Exception {
        return Integer.parseInt(pg.one(db, sql));
    }
}
