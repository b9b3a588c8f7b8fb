package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import dev.ferry.support.BookRoutes;
import dev.ferry.support.SyncFixture;
import org.junit.jupiter.api.Test;

/** {@code ./ferry serve} as operators run it: JMX with credentials, /metrics and /health, the Quartz schedule. */
class ServeIT {

    private static final String JMX_PASSWORD = "Jmx-S3cret-Pw";

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Process serve(SyncFixture f, Map<String, String> extra, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new File("ferry").getAbsolutePath(), "serve", "--tables-dir",
                BookRoutes.DEMO.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("FERRY_SOURCE_URL", f.pg.url(f.production));
        env.put("FERRY_SOURCE_USER", f.pg.user());
        env.put("FERRY_SOURCE_PASSWORD", f.pg.password());
        env.put("FERRY_TARGET_URL", f.pg.url(f.development));
        env.put("FERRY_TARGET_USER", f.pg.user());
        env.put("FERRY_TARGET_PASSWORD", f.pg.password());
        env.put("FERRY_OWNER_EMAIL", "bob@dev.example");
        env.putAll(extra);
        return pb.start();
    }

    private static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private static HttpResponse<String> get(int port, String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            return null;
        }
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy(); // SIGTERM
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    @Test
    void should_run_over_authenticated_jmx_and_expose_metrics_and_health() throws Exception {
        try (SyncFixture f = new SyncFixture("servejmx", 20_000)) {
            int jmxPort = freePort();
            int httpPort = freePort();
            Path log = Files.createTempFile("ferry-serve", ".log");
            Process p = serve(f, Map.of("FERRY_JMX_PORT", String.valueOf(jmxPort), "FERRY_JMX_USER", "ops",
                    "FERRY_JMX_PASSWORD", JMX_PASSWORD, "FERRY_HTTP_PORT", String.valueOf(httpPort)), log);
            try {
                await("/health", Duration.ofSeconds(60), () -> {
                    HttpResponse<String> r = get(httpPort, "/health");
                    return r != null && r.statusCode() == 200;
                });
                assertTrue(get(httpPort, "/health").body().contains("\"status\":\"UP\""));

                JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
                assertThrows(SecurityException.class, () -> JMXConnectorFactory.connect(url, Map.of()).close(),
                        "no credentials are refused");
                assertThrows(SecurityException.class, () -> JMXConnectorFactory.connect(url,
                        Map.of(JMXConnector.CREDENTIALS, new String[] {"ops", "wrong"})).close(), "a wrong password is refused");

                Map<String, Object> env = new HashMap<>();
                env.put(JMXConnector.CREDENTIALS, new String[] {"ops", JMX_PASSWORD});
                try (JMXConnector c = JMXConnectorFactory.connect(url, env)) {
                    MBeanServerConnection m = c.getMBeanServerConnection();
                    ObjectName sync = new ObjectName("ferry:type=Sync");
                    assertTrue(m.queryNames(new ObjectName("org.apache.camel:*"), null).isEmpty(),
                            "Camel's MBeans (which can send to any endpoint) are not reachable remotely");
                    String runId = (String) m.invoke(sync, "runAll", null, null);
                    assertFalse(runId.isBlank());
                    Exception busy = assertThrows(Exception.class, () -> m.invoke(sync, "runAll", null, null),
                            "a second run while one is in progress is refused");
                    assertTrue(String.valueOf(busy.getCause() != null ? busy.getCause().getMessage() : busy.getMessage())
                            .contains("a run is in progress: " + runId) || String.valueOf(busy).contains(runId), String.valueOf(busy));
                    await("the JMX run", Duration.ofSeconds(120), () -> {
                        try {
                            return runId.equals(m.getAttribute(sync, "LastRunId"));
                        } catch (Exception e) {
                            return false;
                        }
                    });
                    assertEquals("SUCCESS", m.getAttribute(sync, "LastRunStatus"));
                    assertEquals(Boolean.FALSE, m.getAttribute(sync, "Running"));
                    assertFalse(((String) m.getAttribute(sync, "LastRunFinishedAt")).isBlank());
                    Exception unknown = assertThrows(Exception.class, () -> m.invoke(sync, "runTables",
                            new Object[] {"nosuchtable"}, new String[] {String.class.getName()}));
                    assertTrue(messages(unknown).contains("unknown table nosuchtable; tables with routes: book"), messages(unknown));
                    Exception nothing = assertThrows(Exception.class, () -> m.invoke(sync, "retryFailed", null, null));
                    assertTrue(messages(nothing).contains("nothing to retry: every table of the last run ended SUCCESS"),
                            messages(nothing));
                    assertEquals(runId, m.getAttribute(sync, "LastRunId"), "no run was started by the refused requests");
                    String plan = (String) m.invoke(sync, "dryRun", null, null);
                    assertTrue(plan.contains("would insert 0, update 0, delete 0"), plan);
                }
                assertEquals("20000", f.dev("SELECT count(*) FROM book"));
                assertEquals("jmx:ops", f.dev("SELECT who FROM ferry.run WHERE trigger = 'jmx'"));
                String metrics = get(httpPort, "/metrics").body();
                assertTrue(metrics.contains("ferry_rows_written_total{table=\"book\"} 20000.0"), metrics);
                assertTrue(metrics.contains("ferry_run_seconds_count{status=\"SUCCESS\"} 1"), metrics);
                assertTrue(metrics.matches("(?s).*\nferry_last_success_timestamp_seconds\\{table=\"book\"} 1\\.[0-9]+E9\n.*"), metrics);
                assertTrue(metrics.matches("(?s).*\ncamel_exchanges_total\\{[^}]*route_id=\"sync-book\"[^}]*} [1-9].*"), metrics);
            } finally {
                stop(p);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertFalse(output.contains(JMX_PASSWORD), output);
            assertEquals(143, p.exitValue(), output);
        }
    }

    private static String messages(Throwable t) {
        StringBuilder out = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            out.append(c.getMessage()).append(" | ");
        }
        return out.toString();
    }

    @Test
    void should_expose_every_series_from_start_in_valid_prometheus_text() throws Exception {
        try (SyncFixture f = new SyncFixture("servemetrics", 0)) {
            int httpPort = freePort();
            Path log = Files.createTempFile("ferry-serve", ".log");
            Process p = serve(f, Map.of("FERRY_HTTP_PORT", String.valueOf(httpPort), "FERRY_SCHEDULE", "0 2 * * *"), log);
            String metrics;
            try {
                await("/metrics", Duration.ofSeconds(60), () -> {
                    HttpResponse<String> r = get(httpPort, "/metrics");
                    return r != null && r.statusCode() == 200;
                });
                metrics = get(httpPort, "/metrics").body();
            } finally {
                stop(p);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(output.contains("Ferry is serving: schedule '0 2 * * *' (Quartz '0 0 2 * * ?') in UTC, next run "),
                    output);
            for (String series : new String[] {"ferry_rows_read_total{table=\"book\"} 0.0",
                "ferry_rows_written_total{table=\"book\"} 0.0", "ferry_rows_dead_lettered_total{table=\"book\"} 0.0",
                "ferry_last_success_timestamp_seconds{table=\"book\"} 0.0", "ferry_running 0.0",
                "# HELP ferry_rows_read_total Rows read from the source (rows)", "ferry_build_info{version=\"",
                "jvm_memory_used_bytes{", "process_cpu_usage", "process_uptime_seconds", "jvm_threads_live_threads"}) {
                assertTrue(metrics.contains(series), series + " missing from\n" + metrics);
            }
            // the exposition as Prometheus's own linter reads it
            Path scraped = Files.createTempFile("ferry-metrics", ".txt");
            Files.writeString(scraped, metrics);
            Process promtool = new ProcessBuilder("sh", "-c", "promtool check metrics < " + scraped).redirectErrorStream(true).start();
            String lint = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(promtool.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, promtool.exitValue(), "promtool check metrics:\n" + lint);
        }
    }

    /** Runs a command as the postgres user when this is root (the server refuses root), else as this user. */
    private static void asPostgres(String command) throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        Process p = new ProcessBuilder(root ? List.of("su", "postgres", "-c", command) : List.of("sh", "-c", command))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, command + ": " + out);
    }

    @Test
    void should_say_a_database_restart_in_one_line_each_way() throws Exception {
        // a server of the test's own, to stop and start again (the shared one serves other tests)
        Path bin = Files.list(Path.of("/usr/lib/postgresql")).sorted().reduce((a, b) -> b).orElseThrow().resolve("bin");
        Path dir = Files.createTempDirectory("ferry-restart");
        dir.toFile().setWritable(true, false);
        dir.toFile().setExecutable(true, false);
        dir.toFile().setReadable(true, false);
        int port = freePort();
        String ctl = bin.resolve("pg_ctl") + " -D " + dir.resolve("data") + " -w -l " + dir.resolve("log");
        String start = ctl + " -o '-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1' start";
        asPostgres(bin.resolve("initdb") + " -D " + dir.resolve("data") + " -A trust -U postgres > /dev/null");
        asPostgres(start);
        Process p = null;
        try {
            String url = "jdbc:postgresql://127.0.0.1:" + port + "/";
            try (Connection c = java.sql.DriverManager.getConnection(url + "postgres", "postgres", "");
                 Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE prod");
                s.execute("CREATE DATABASE dev");
            }
            for (String db : List.of("prod", "dev")) {
                try (Connection c = java.sql.DriverManager.getConnection(url + db, "postgres", "")) {
                    dev.ferry.demo.DemoData.createSchema(c);
                    if (db.equals("dev")) {
                        dev.ferry.demo.DemoData.fillDevelopment(c);
                    }
                }
            }
            int httpPort = freePort();
            Path log = Files.createTempFile("ferry-serve", ".log");
            ProcessBuilder pb = new ProcessBuilder(new File("ferry").getAbsolutePath(), "serve", "--tables-dir",
                    BookRoutes.DEMO.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(Map.of("FERRY_SOURCE_URL", url + "prod", "FERRY_SOURCE_USER", "postgres",
                    "FERRY_TARGET_URL", url + "dev", "FERRY_TARGET_USER", "postgres",
                    "FERRY_HTTP_PORT", String.valueOf(httpPort), "FERRY_OWNER_EMAIL", "bob@dev.example"));
            p = pb.start();
            await("/health UP", Duration.ofSeconds(60), () -> {
                HttpResponse<String> r = get(httpPort, "/health");
                return r != null && r.statusCode() == 200;
            });
            asPostgres(ctl + " -m fast stop");
            await("/health DOWN", Duration.ofSeconds(30), () -> {
                HttpResponse<String> r = get(httpPort, "/health");
                return r != null && r.statusCode() == 503;
            });
            get(httpPort, "/health");
            asPostgres(start);
            await("/health UP again", Duration.ofSeconds(60), () -> {
                HttpResponse<String> r = get(httpPort, "/health");
                return r != null && r.statusCode() == 200;
            });
            stop(p);
            String output = Files.readString(log, StandardCharsets.UTF_8);
            String restart = output.substring(output.indexOf("Ferry is serving"));
            for (String database : List.of("source", "target")) {
                assertEquals(1, restart.split(database + " database is DOWN", -1).length - 1, restart);
                assertEquals(1, restart.split(database + " database is UP again", -1).length - 1, restart);
            }
            assertFalse(restart.contains("Failed to validate connection"), restart);
            assertFalse(restart.contains("\tat "), "no stack trace: " + restart);
        } finally {
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
            try {
                asPostgres(ctl + " -m immediate stop");
            } catch (AssertionError alreadyStopped) {
                // stopped by the test itself
            }
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void should_exit_2_in_one_line_when_the_http_port_is_taken() throws Exception {
        try (SyncFixture f = new SyncFixture("serveport", 0); ServerSocket taken = new ServerSocket(0)) {
            Path log = Files.createTempFile("ferry-serve", ".log");
            Process p = serve(f, Map.of("FERRY_HTTP_PORT", String.valueOf(taken.getLocalPort())), log);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "serve did not exit");
            String output = Files.readString(log, StandardCharsets.UTF_8).trim();
            assertEquals(2, p.exitValue(), output);
            assertTrue(output.endsWith("cannot serve on 127.0.0.1:" + taken.getLocalPort() + " (FERRY_HTTP_HOST, "
                    + "FERRY_HTTP_PORT): Address already in use; stop what holds it, or set FERRY_HTTP_PORT to a free port"),
                    output);
            assertFalse(output.contains("Ferry is serving"), output);
        }
    }

    @Test
    void should_answer_health_within_2_seconds_when_a_database_is_down() throws Exception {
        try (SyncFixture f = new SyncFixture("servedown", 0)) {
            int httpPort = freePort();
            Path log = Files.createTempFile("ferry-serve", ".log");
            Process p = serve(f, Map.of("FERRY_HTTP_PORT", String.valueOf(httpPort),
                    "FERRY_SOURCE_URL", "jdbc:postgresql://127.0.0.1:1/production"), log);
            try {
                await("/health", Duration.ofSeconds(60), () -> get(httpPort, "/health") != null);
                for (int i = 0; i < 3; i++) {
                    long started = System.nanoTime();
                    HttpResponse<String> health = get(httpPort, "/health");
                    long millis = (System.nanoTime() - started) / 1_000_000;
                    assertEquals(503, health.statusCode(), health.body());
                    assertEquals("{\"status\":\"DOWN\",\"source\":\"DOWN\",\"target\":\"UP\"}", health.body());
                    assertTrue(millis < 2_000, "/health took " + millis + " ms");
                }
            } finally {
                stop(p);
            }
        }
    }

    @Test
    void should_run_on_the_schedule_without_overlapping_runs() throws Exception {
        try (SyncFixture f = new SyncFixture("serveclock", 100_000)) {
            Path log = Files.createTempFile("ferry-serve", ".log");
            int httpPort = freePort();
            // runs paced to about 8 s (12,500 rows/s), longer than the 5 s between ticks: ticks must be skipped
            Process p = serve(f, Map.of("FERRY_SCHEDULE", "*/5 * * * * ?", "FERRY_HTTP_PORT", String.valueOf(httpPort),
                    "FERRY_MAX_ROWS_PER_SECOND", "12500"), log);
            String metrics;
            try {
                TimeUnit.SECONDS.sleep(60); // the scenario itself: a minute of service
                metrics = get(httpPort, "/metrics").body();
            } finally {
                stop(p);
            }
            int successes = 0;
            Instant previousEnd = null;
            try (Connection c = f.pg.connect(f.development); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT status, started_at, finished_at, trigger FROM ferry.run "
                         + "ORDER BY started_at")) {
                while (rs.next()) {
                    assertEquals("schedule", rs.getString(4));
                    if ("SUCCESS".equals(rs.getString(1))) {
                        successes++;
                    }
                    Instant start = rs.getTimestamp(2).toInstant();
                    if (previousEnd != null) {
                        assertFalse(start.isBefore(previousEnd), "runs overlap");
                    }
                    previousEnd = rs.getTimestamp(3) == null ? Instant.MAX : rs.getTimestamp(3).toInstant();
                }
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(successes >= 2, "successful scheduled runs: " + successes + "\n" + output);
            System.err.println("scheduled runs in 60 s: " + successes + " successful");
            // a 100,000-row run outlasts the 5-second tick: the ticks during it were skipped and counted
            assertTrue(metrics.matches("(?s).*ferry_runs_skipped_total [1-9].*"), metrics);
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
        }
    }
}
