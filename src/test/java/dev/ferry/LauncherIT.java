package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.support.BookRoutes;
import dev.ferry.support.SyncFixture;
import org.junit.jupiter.api.Test;

/** The {@code ./ferry} launcher as a user runs it (after the jar is packaged): a separate JVM, env configuration. */
class LauncherIT {

    private record Result(int code, String output) {
    }

    private static Result ferry(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(new File("ferry").getAbsolutePath());
        command.addAll(List.of(BookRoutes.demo(args))); // sync reads the demo's book route
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "ferry did not finish");
        String text = new String(out, StandardCharsets.UTF_8);
        System.err.println(text);
        return new Result(p.exitValue(), text);
    }

    @Test
    void should_print_usage_and_exit_2_for_an_unknown_command() throws Exception {
        Result r = ferry(Map.of(), "frobnicate");
        assertEquals(2, r.code());
        assertTrue(r.output().contains("Usage: ferry"), r.output());
        assertEquals(0, ferry(Map.of(), "help").code());
        Result version = ferry(Map.of(), "--version");
        assertEquals(0, version.code(), version.output());
        assertTrue(version.output().matches("(?s)ferry \\d+\\.\\d+\\.\\d+[^,\\s]*, Java \\S+\\s*"), version.output());
    }

    @Test
    void should_run_the_demo_with_100000_books_and_report_success() throws Exception {
        Path report = SyncFixture.tempFile("demo.json");
        Result r = ferry(Map.of("FERRY_SOURCE_URL", "", "FERRY_TARGET_URL", ""), "demo", "--report", report.toString());
        assertEquals(0, r.code(), r.output());
        JsonNode json = new ObjectMapper().readTree(Files.readString(report));
        assertEquals("SUCCESS", json.get("status").asText());
        assertEquals(100_000, json.get("tables").get(0).get("read").asLong());
        assertEquals(100_000, json.get("tables").get(0).get("written").asLong());
        // a second demo works too (it provisions fresh databases every time)
        assertEquals(0, ferry(Map.of("FERRY_SOURCE_URL", "", "FERRY_TARGET_URL", ""), "demo", "--rows", "1000").code());
    }

    @Test
    void should_never_touch_the_databases_the_environment_names_in_the_demo() throws Exception {
        try (SyncFixture f = new SyncFixture("demoenv", 0)) {
            f.execProd("DROP TABLE book", "DROP TABLE users");
            f.execProd("ALTER DATABASE " + f.production + " SET ferry.role = 'production'");
            Map<String, String> env = Map.of(
                    "FERRY_SOURCE_URL", f.pg.url(f.production), "FERRY_SOURCE_USER", f.pg.user(),
                    "FERRY_SOURCE_PASSWORD", f.pg.password(),
                    "FERRY_TARGET_URL", f.pg.url(f.production), "FERRY_TARGET_USER", f.pg.user(),
                    "FERRY_TARGET_PASSWORD", f.pg.password());
            Result r = ferry(env, "demo", "--rows", "500");
            assertEquals(0, r.code(), r.output());
            assertTrue(r.output().contains("Demo: ignoring FERRY_SOURCE_URL, FERRY_SOURCE_USER, ")
                    && r.output().contains("FERRY_TARGET_URL, FERRY_TARGET_USER")
                    && r.output().contains(": the demo only ever touches a throwaway server of its own"), r.output());
            assertEquals("0", f.prod("SELECT count(*) FROM pg_class WHERE relname IN ('book', 'users') "
                    + "OR relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = 'ferry')"), "production untouched");
        }
    }

    @Test
    void should_replace_the_report_with_a_failed_one_when_the_run_fails_before_it_starts() throws Exception {
        Path report = SyncFixture.tempFile("run.json");
        Files.writeString(report, "{\"runId\": \"last-night\", \"status\": \"SUCCESS\", \"tables\": []}");
        Result r = ferry(Map.of("FERRY_SOURCE_URL", "jdbc:postgresql://127.0.0.1:1/production",
                "FERRY_TARGET_URL", "jdbc:postgresql://127.0.0.1:1/development", "FERRY_TARGET_PASSWORD", "s3cret-Pw"),
                "sync", "--yes", "--report", report.toString());
        assertEquals(1, r.code(), r.output());
        JsonNode json = new ObjectMapper().readTree(Files.readString(report));
        assertEquals("FAILED", json.get("status").asText(), json.toString());
        assertTrue(json.get("runId").isNull(), json.toString());
        assertTrue(json.get("error").asText().contains("unreachable") || json.get("error").asText().contains("connect"),
                json.toString());
        assertTrue(!Files.readString(report).contains("s3cret-Pw"), "no secret in the report");
        try (var files = Files.list(report.getParent())) {
            assertEquals(1, files.count(), "no temporary file left beside the report");
        }
    }

    @Test
    void should_log_time_zone_and_run_id_in_text_or_json() throws Exception {
        try (SyncFixture f = new SyncFixture("logformat", 100)) {
            Map<String, String> env = new java.util.HashMap<>(Map.of(
                    "FERRY_SOURCE_URL", f.pg.url(f.production), "FERRY_SOURCE_USER", f.pg.user(),
                    "FERRY_SOURCE_PASSWORD", f.pg.password(),
                    "FERRY_TARGET_URL", f.pg.url(f.development), "FERRY_TARGET_USER", f.pg.user(),
                    "FERRY_TARGET_PASSWORD", f.pg.password(), "FERRY_LOG_LEVEL", "DEBUG"));
            Path report = SyncFixture.tempFile("run.json");
            env.put("FERRY_LOG_FORMAT", "json");
            Result json = ferry(env, "sync", "--yes", "--owner-email", "bob@dev.example", "--report", report.toString());
            assertEquals(0, json.code(), json.output());
            String runId = new ObjectMapper().readTree(Files.readString(report)).get("runId").asText();
            ObjectMapper mapper = new ObjectMapper();
            int logged = 0;
            int withRun = 0;
            for (String line : json.output().split("\n")) {
                if (!line.startsWith("{")) {
                    continue; // progress and the summary are plain lines
                }
                JsonNode event = mapper.readTree(line);
                assertTrue(event.get("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d)"),
                        line);
                assertTrue(event.has("level") && event.has("logger") && event.has("message"), line);
                logged++;
                if (event.has("runId")) {
                    assertEquals(runId, event.get("runId").asText(), line);
                    withRun++;
                }
            }
            assertTrue(logged > 0 && withRun > 0, "log events: " + logged + ", with the run id: " + withRun);

            env.put("FERRY_LOG_FORMAT", "text");
            Result text = ferry(env, "sync", "--yes", "--owner-email", "bob@dev.example");
            assertEquals(0, text.code(), text.output());
            assertTrue(text.output().matches("(?s).*\\n\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} (Z|[+-]\\d\\d:\\d\\d) DEBUG "
                    + "run=[0-9a-f-]{36} .*"), text.output());

            env.put("FERRY_LOG_FORMAT", "xml");
            Result bad = ferry(env, "sync", "--yes");
            assertEquals(2, bad.code(), bad.output());
            assertTrue(bad.output().contains("FERRY_LOG_FORMAT is 'xml': use text (the default) or json"), bad.output());
        }
    }

    @Test
    void should_sync_through_the_launcher_with_environment_configuration() throws Exception {
        try (SyncFixture f = new SyncFixture("launcher", 3_000)) {
            Map<String, String> env = Map.of(
                    "FERRY_SOURCE_URL", f.pg.url(f.production), "FERRY_SOURCE_USER", f.pg.user(),
                    "FERRY_SOURCE_PASSWORD", f.pg.password(),
                    "FERRY_TARGET_URL", f.pg.url(f.development), "FERRY_TARGET_USER", f.pg.user(),
                    "FERRY_TARGET_PASSWORD", f.pg.password(),
                    "JAVA_OPTS", "-Xmx256m");
            Result r = ferry(env, "sync", "--yes", "--owner-email", "bob@dev.example");
            assertEquals(0, r.code(), r.output());
            assertTrue(r.output().contains("book: batch 1/1"), r.output()); // 3,000 rows, batches of 5,000
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));

            Result noYes = ferry(env, "sync", "--owner-email", "bob@dev.example");
            assertEquals(2, noYes.code(), noYes.output());
        }
    }
}
