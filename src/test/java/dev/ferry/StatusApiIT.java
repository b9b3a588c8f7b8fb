package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.support.BookRoutes;
import dev.ferry.support.Served;
import dev.ferry.support.SyncFixture;
import org.junit.jupiter.api.Test;

/** The status page's JSON API on {@code ./ferry serve}, on real PostgreSQL: runs, security, dead letters, conflicts. */
class StatusApiIT {

    private static final String USER = "ops";
    private static final String PASSWORD = "Http-S3cret-Pw";
    private static final String AUTH = Served.basic(USER, PASSWORD);
    private static final Map<String, String> CREDENTIALS = Map.of("FERRY_HTTP_USER", USER, "FERRY_HTTP_PASSWORD", PASSWORD);

    private static Map<String, String> with(Map<String, String> a, String... more) {
        Map<String, String> all = new java.util.HashMap<>(a);
        for (int i = 0; i < more.length; i += 2) {
            all.put(more[i], more[i + 1]);
        }
        return all;
    }

    /** No answer holds the HTTP password, a database password or a connection string. */
    private static void assertNoSecrets(SyncFixture f, Served s) throws Exception {
        String answers = s.answers();
        assertFalse(answers.contains(PASSWORD), "an answer holds the HTTP password");
        assertFalse(answers.contains("jdbc:"), "an answer holds a connection string");
        if (!f.pg.password().isEmpty()) {
            assertFalse(answers.contains(f.pg.password()), "an answer holds the database password");
        }
        assertFalse(s.output().contains(PASSWORD), "serve printed the HTTP password");
    }

    @Test
    void should_start_a_run_over_the_api_poll_it_to_success_and_list_it() throws Exception {
        try (SyncFixture f = new SyncFixture("apirun", 20_000);
             // rows read at 4,000 per second: the run lasts long enough for a second request to find it running
             Served s = new Served(f, BookRoutes.DEMO, with(CREDENTIALS, "FERRY_MAX_ROWS_PER_SECOND", "4000"))) {
            // nothing without credentials but a 401 and the Basic challenge; /metrics and /health stay open
            for (String path : List.of("/", "/ferry.js", "/api/runs", "/api/progress", "/api/nothing")) {
                HttpResponse<String> r = s.send("GET", path, null, null, Map.of());
                assertEquals(401, r.statusCode(), path);
                assertEquals("Basic realm=\"ferry\", charset=\"UTF-8\"", r.headers().firstValue("WWW-Authenticate").orElse(""));
                assertEquals("authentication required\n", r.body(), path);
            }
            assertEquals(401, s.send("GET", "/", Served.basic(USER, "wrong"), null, Map.of()).statusCode());
            assertEquals(401, s.send("GET", "/", Served.basic("ops2", PASSWORD), null, Map.of()).statusCode());
            assertEquals(401, s.postJson("/api/runs", null, "{}").statusCode(), "no run without credentials");
            assertEquals(200, s.send("GET", "/metrics", null, null, Map.of()).statusCode());
            assertEquals(200, s.send("GET", "/health", null, null, Map.of()).statusCode());

            HttpResponse<String> page = s.send("GET", "/", AUTH, null, Map.of());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<title>Ferry</title>"), page.body());
            assertEquals("no-store", page.headers().firstValue("Cache-Control").orElse(""));
            assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
            assertTrue(s.getJson("/api/runs", AUTH).path("runs").isEmpty(), "no run before the first");

            HttpResponse<String> started = s.postJson("/api/runs", AUTH, "{}");
            assertEquals(202, started.statusCode(), started.body());
            String id = Served.JSON.readTree(started.body()).path("runId").asText();
            assertFalse(id.isBlank(), started.body());

            HttpResponse<String> second = s.postJson("/api/runs", AUTH, "{\"tables\": [\"book\"]}");
            assertEquals(409, second.statusCode(), second.body());
            assertEquals(id, Served.JSON.readTree(second.body()).path("runId").asText(), second.body());

            // the live progress's step per table, watched until the run ends: in the order a run takes them
            List<String> steps = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            Thread watcher = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        JsonNode p = s.getJson("/api/progress", AUTH);
                        for (JsonNode t : p.path("tables")) {
                            String step = t.path("step").asText();
                            if (steps.isEmpty() || !steps.get(steps.size() - 1).equals(step)) {
                                steps.add(step);
                            }
                        }
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        // the next poll
                    }
                }
            });
            watcher.start();
            JsonNode progress = s.getJson("/api/progress", AUTH);
            assertTrue(progress.path("running").asBoolean(), progress.toString());
            assertEquals(id, progress.path("runId").asText());
            assertFalse(progress.path("nextRunAt").isNull(), progress.toString());

            // state changes: POST only, JSON only, never from another site; a browser's POST needs the page's token
            assertEquals(405, s.send("GET", "/api/dead-letters/replay", AUTH, null, Map.of()).statusCode());
            assertEquals(405, s.send("DELETE", "/api/runs", AUTH, null, Map.of()).statusCode());
            assertEquals(415, s.send("POST", "/api/runs", AUTH, "tables=book", Map.of("Content-Type",
                    "application/x-www-form-urlencoded")).statusCode());
            assertEquals(403, s.send("POST", "/api/runs", AUTH, "{}", Map.of("Content-Type", "application/json",
                    "Origin", "https://elsewhere.example")).statusCode(), "a POST from another site");
            assertEquals(403, s.send("POST", "/api/runs", AUTH, "{}", Map.of("Content-Type", "application/json",
                    "Origin", "http://127.0.0.1:" + s.port)).statusCode(), "the page's own POST without its token");
            assertEquals(400, s.postJson("/api/runs", AUTH, "{\"table\": \"book\"}").statusCode(), "an unknown field");

            JsonNode run = s.awaitRun(id, AUTH, Duration.ofSeconds(120));
            watcher.interrupt();
            watcher.join();
            assertEquals("SUCCESS", run.path("status").asText(), run.toString());
            List<String> order = List.of("waiting", "staging", "staged", "applying", "verifying", "done");
            assertTrue(steps.contains("staging"), "the progress never said staging: " + steps);
            for (int i = 1; i < steps.size(); i++) {
                assertTrue(order.indexOf(steps.get(i - 1)) < order.indexOf(steps.get(i)), "steps out of order: " + steps);
            }
            assertEquals(id, run.path("runId").asText());
            assertFalse(run.path("startedAt").isNull());
            JsonNode book = run.path("tables").get(0);
            assertEquals("book", book.path("name").asText());
            assertEquals("full", book.path("mode").asText());
            assertEquals("SUCCESS", book.path("status").asText());
            assertEquals(20_000, book.path("read").asLong());
            assertEquals(20_000, book.path("written").asLong());
            assertEquals("20000", f.dev("SELECT count(*) FROM book"));

            JsonNode runs = s.getJson("/api/runs?limit=5", AUTH);
            assertEquals(1, runs.path("total").asInt());
            assertEquals(id, runs.path("runs").get(0).path("runId").asText());
            assertEquals("api", runs.path("runs").get(0).path("trigger").asText());
            assertEquals("http:ops", runs.path("runs").get(0).path("who").asText());
            assertEquals(400, s.send("GET", "/api/runs?limit=0", AUTH, null, Map.of()).statusCode());
            assertEquals(404, s.send("GET", "/api/runs/no-such-run", AUTH, null, Map.of()).statusCode());
            JsonNode tables = s.getJson("/api/tables", AUTH).path("tables");
            assertEquals("book", tables.get(0).path("name").asText());
            assertFalse(tables.get(0).path("lastSuccessAt").isNull(), tables.toString());

            // a dry run shows the plan and writes nothing
            HttpResponse<String> dry = s.postJson("/api/runs", AUTH, "{\"dryRun\": true}");
            assertEquals(200, dry.statusCode(), dry.body());
            assertTrue(Served.JSON.readTree(dry.body()).path("plan").asText().contains("Dry run: nothing was written"), dry.body());
            assertEquals("1", f.dev("SELECT count(*) FROM ferry.run"));

            assertEquals("api|http:ops", f.dev("SELECT trigger || '|' || who FROM ferry.run"));
            assertEquals("run,dry run", f.dev("SELECT string_agg(action, ',' ORDER BY id) FROM ferry.action WHERE who = 'http:ops'"));
            assertNoSecrets(f, s);
        }
    }

    @Test
    void should_list_a_partial_runs_dead_letters_and_replay_them_once_the_cause_is_fixed() throws Exception {
        try (SyncFixture f = new SyncFixture("apidead", 20_000);
             Served s = new Served(f, BookRoutes.DEMO, CREDENTIALS)) {
            // development-only CHECK rejecting 22 of the 20,000 books (ids 1, 911, 1821, ...)
            f.execDev("ALTER TABLE book ADD CONSTRAINT dev_only CHECK (id % 910 <> 1)");
            HttpResponse<String> started = s.postJson("/api/runs", AUTH, "{}");
            assertEquals(202, started.statusCode(), started.body());
            String id = Served.JSON.readTree(started.body()).path("runId").asText();
            JsonNode run = s.awaitRun(id, AUTH, Duration.ofSeconds(120));
            assertEquals("PARTIAL", run.path("status").asText(), run.toString());
            assertEquals(22, run.path("tables").get(0).path("deadLettered").asLong());

            JsonNode dead = s.getJson("/api/dead-letters", AUTH);
            assertEquals(22, dead.path("total").asInt(), dead.toString());
            JsonNode group = dead.path("groups").get(0);
            assertEquals(id, group.path("runId").asText());
            assertEquals("book", group.path("table").asText());
            assertEquals(22, group.path("count").asInt());
            JsonNode first = group.path("entries").get(0);
            assertEquals("23514", first.path("sqlState").asText());
            assertTrue(first.path("reason").asText().contains("dev_only"), first.toString());
            JsonNode one = s.getJson("/api/dead-letters/" + first.path("id").asLong(), AUTH);
            assertEquals(f.dev("SELECT id FROM users WHERE email = 'bob@dev.example'"), one.path("row").path("owner_id").asText(),
                    "the stored row, after the owner was applied");
            assertEquals(22, s.getJson("/api/dead-letters?table=book&run=" + id, AUTH).path("total").asInt());
            assertEquals(0, s.getJson("/api/dead-letters?table=other", AUTH).path("total").asInt());

            // still rejected while the cause is there; purge wants to be told what
            JsonNode again = Served.JSON.readTree(s.postJson("/api/dead-letters/replay", AUTH, "{\"runId\": \"" + id + "\"}").body());
            assertEquals(0, again.path("landed").asInt(), again.toString());
            assertEquals(22, again.path("remaining").asInt(), again.toString());
            assertEquals(400, s.postJson("/api/dead-letters/purge", AUTH, "{}").statusCode());

            f.execDev("ALTER TABLE book DROP CONSTRAINT dev_only");
            HttpResponse<String> replay = s.postJson("/api/dead-letters/replay", AUTH, "{\"table\": \"book\"}");
            assertEquals(200, replay.statusCode(), replay.body());
            assertEquals(22, Served.JSON.readTree(replay.body()).path("landed").asInt(), replay.body());
            assertEquals(0, s.getJson("/api/dead-letters", AUTH).path("total").asInt());
            assertEquals("20000", f.dev("SELECT count(*) FROM book"));
            assertEquals("2", f.dev("SELECT count(*) FROM ferry.action WHERE action = 'dead letters replay' AND who = 'http:ops'"));
            assertTrue(f.dev("SELECT detail FROM ferry.action WHERE action = 'dead letters replay' ORDER BY id DESC LIMIT 1")
                    .contains("table book: 22 landed, 0 still rejected"));
            assertEquals(404, s.send("GET", "/api/dead-letters/" + first.path("id").asLong(), AUTH, null, Map.of()).statusCode());
            assertNoSecrets(f, s);
        }
    }

    @Test
    void should_resolve_manual_conflicts_through_the_api_keeping_the_chosen_version() throws Exception {
        try (SyncFixture f = new SyncFixture("apiconflict", 200)) {
            Path routes = BookRoutes.with("mode", "merge", "conflict", "manual");
            assertEquals(0, f.sync(o -> o.tablesDir = routes).exitCode(), f.output());
            // both sides change books 10, 12 and 14
            f.execDev("UPDATE book SET title = 'dev title', page_count = 5 WHERE id IN (10, 12, 14)");
            f.execProd("UPDATE book SET title = 'prod title', language = 'fr' WHERE id IN (10, 12, 14)");
            assertEquals(0, f.sync(o -> o.tablesDir = routes).exitCode(), f.output());
            assertEquals("3", f.dev("SELECT count(*) FROM ferry.conflict"));
            try (Served s = new Served(f, routes, CREDENTIALS)) {
                JsonNode conflicts = s.getJson("/api/conflicts", AUTH).path("conflicts");
                assertEquals(3, conflicts.size(), conflicts.toString());
                long[] ids = new long[3];
                for (int i = 0; i < 3; i++) {
                    JsonNode c = conflicts.get(i);
                    ids[i] = c.path("id").asLong();
                    assertEquals("book", c.path("table").asText());
                    assertEquals("prod title", c.path("source").path("title").asText());
                    assertEquals("dev title", c.path("target").path("title").asText());
                    assertEquals("[\"language\",\"page_count\",\"title\"]", c.path("differing").toString());
                }
                assertEquals("10", conflicts.get(0).path("key").asText());

                assertEquals(400, s.postJson("/api/conflicts/" + ids[0] + "/resolve", AUTH, "{\"keep\": \"both\"}").statusCode());
                HttpResponse<String> source = s.postJson("/api/conflicts/" + ids[0] + "/resolve", AUTH, "{\"keep\": \"source\"}");
                assertEquals(200, source.statusCode(), source.body());
                assertEquals("prod title|fr|" + f.prod("SELECT page_count FROM book WHERE id = 10"),
                        f.dev("SELECT title || '|' || language || '|' || coalesce(page_count::text, '') FROM book WHERE id = 10"),
                        "book 10 holds production's version");
                assertEquals(f.dev("SELECT id FROM users WHERE email = 'bob@dev.example'"),
                        f.dev("SELECT owner_id FROM book WHERE id = 10"), "owned by the development owner, as the run staged it");

                HttpResponse<String> target = s.postJson("/api/conflicts/" + ids[1] + "/resolve", AUTH, "{\"keep\": \"target\"}");
                assertEquals(200, target.statusCode(), target.body());
                assertEquals("dev title|5", f.dev("SELECT title || '|' || page_count FROM book WHERE id = 12"));

                // development changed book 14 again since the conflict was recorded: nothing is written
                f.execDev("UPDATE book SET title = 'dev again' WHERE id = 14");
                HttpResponse<String> stale = s.postJson("/api/conflicts/" + ids[2] + "/resolve", AUTH, "{\"keep\": \"source\"}");
                assertEquals(409, stale.statusCode(), stale.body());
                assertTrue(stale.body().contains("changed (or went) since run"), stale.body());
                assertEquals("dev again", f.dev("SELECT title FROM book WHERE id = 14"));

                assertEquals(404, s.postJson("/api/conflicts/" + ids[0] + "/resolve", AUTH, "{\"keep\": \"source\"}").statusCode());
                assertEquals(1, s.getJson("/api/conflicts", AUTH).path("conflicts").size());
                assertEquals("2", f.dev("SELECT count(*) FROM ferry.action WHERE action = 'conflict resolve' AND who = 'http:ops'"));
                assertNoSecrets(f, s);
            }
        }
    }

    @Test
    void should_refuse_the_page_in_one_line_and_serve_no_api_without_credentials_configured() throws Exception {
        try (SyncFixture f = new SyncFixture("apioff", 0);
             Served s = new Served(f, BookRoutes.DEMO, Map.of())) {
            HttpResponse<String> page = s.send("GET", "/", null, null, Map.of());
            assertEquals(403, page.statusCode());
            assertEquals("the status page is off: set FERRY_HTTP_USER and FERRY_HTTP_PASSWORD (and restart ferry serve) "
                    + "to enable it\n", page.body());
            assertEquals(404, s.send("GET", "/api/runs", null, null, Map.of()).statusCode());
            assertEquals(404, s.send("GET", "/api/runs", Served.basic("ops", "anything"), null, Map.of()).statusCode());
            assertEquals(404, s.postJson("/api/runs", null, "{}").statusCode());
            assertEquals(200, s.send("GET", "/metrics", null, null, Map.of()).statusCode());
            assertTrue(s.output().contains("status page off (set FERRY_HTTP_USER and FERRY_HTTP_PASSWORD)"), s.output());
            assertNotNull(s.getJson("/health", null));
        }
    }
}
