package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.ferry.support.BookRoutes;
import dev.ferry.support.Cli;
import dev.ferry.support.Served;
import dev.ferry.support.SyncFixture;
import dev.ferry.support.TestPostgres;
import org.junit.jupiter.api.Test;

/**
 * The status page in headless Chromium (Debian's {@code chromium}, driven by playwright-core from
 * src/test/browser): authenticate, see the last run, open a dead letter and replay it, resolve a conflict,
 * start a run by button and watch it reach SUCCESS. Screenshots go to target/screenshots/.
 */
class StatusPageBrowserIT {

    private static final Path BROWSER = Path.of("src/test/browser").toAbsolutePath();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String PASSWORD = "Page-S3cret-Pw";

    /** Runs a command in {@code dir}; fails with its output unless it exits 0 within the limit. */
    private static String run(Path dir, long seconds, List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + seconds + " s:\n" + out);
        }
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    /** Chromium from Debian, installed here when this runs as root and it is missing (as .ci/run does). */
    private static void ensureChromium() throws Exception {
        if (Files.isExecutable(CHROMIUM)) {
            return;
        }
        if ("root".equals(System.getProperty("user.name"))) {
            run(Path.of("."), 900, List.of("sh", "-c", "apt-get update -q && DEBIAN_FRONTEND=noninteractive "
                    + "apt-get install -y -q chromium"));
        }
        assertTrue(Files.isExecutable(CHROMIUM), "the browser tests need Debian's chromium: apt-get install -y chromium");
    }

    /** playwright-core at the version package-lock.json pins, from the npm registry, when node_modules lacks it. */
    private static void ensurePlaywright() throws Exception {
        try {
            run(BROWSER, 60, List.of("node", "--version"));
        } catch (java.io.IOException e) {
            throw new AssertionError("the browser tests need node (20 or later) and npm: " + e.getMessage(), e);
        }
        if (!Files.isDirectory(BROWSER.resolve("node_modules/playwright-core"))) {
            run(BROWSER, 600, List.of("npm", "ci", "--no-audit", "--no-fund"));
        }
    }

    @Test
    void should_show_runs_replay_a_dead_letter_resolve_a_conflict_and_run_by_button() throws Exception {
        ensureChromium();
        ensurePlaywright();
        try (SyncFixture f = new SyncFixture("browser", 20_000)) {
            Path routes = BookRoutes.with("mode", "merge", "conflict", "manual");
            // a first run, PARTIAL: a development-only CHECK rejects 22 books
            f.execDev("ALTER TABLE book ADD CONSTRAINT dev_only CHECK (id % 910 <> 1)");
            assertEquals(3, f.sync(o -> o.tablesDir = routes).exitCode(), f.output());
            // both sides change books 10 and 12: two conflicts; the second run is PARTIAL again
            f.execDev("UPDATE book SET title = 'dev title', page_count = 5 WHERE id IN (10, 12)");
            f.execProd("UPDATE book SET title = 'prod title', language = 'fr' WHERE id IN (10, 12)");
            assertEquals(3, f.sync(o -> o.tablesDir = routes).exitCode(), f.output());
            assertEquals("2", f.dev("SELECT count(*) FROM ferry.conflict"));
            // the cause of the dead letters is fixed; production changes every other row, so that the run
            // started by button stages 20,000 rows at 4,000 a second: long enough to watch its progress
            f.execDev("ALTER TABLE book DROP CONSTRAINT dev_only");
            f.execProd("UPDATE book SET updated_at = updated_at + interval '1 day' WHERE id NOT IN (10, 12)");

            Path shots = Path.of("target/screenshots").toAbsolutePath();
            Files.createDirectories(shots);
            try (Served s = new Served(f, routes, Map.of("FERRY_HTTP_USER", "ops", "FERRY_HTTP_PASSWORD", PASSWORD,
                    "FERRY_MAX_ROWS_PER_SECOND", "4000"))) {
                String out = run(BROWSER, 300, List.of("node", "status-page.mjs", s.url(), "ops", PASSWORD, shots.toString()));
                assertTrue(out.contains("reached SUCCESS"), out);
            }
            for (String page : List.of("runs", "dead-letters", "conflicts", "progress", "run")) {
                Path png = shots.resolve(page + ".png");
                assertTrue(Files.size(png) > 10_000, png + " is missing or empty");
            }
            // what the browser did is in the databases
            assertEquals("0", f.dev("SELECT count(*) FROM ferry.dead_letter"));
            assertEquals("prod title", f.dev("SELECT title FROM book WHERE id = 10"), "production's version was kept");
            assertEquals("SUCCESS", f.dev("SELECT status FROM ferry.run ORDER BY started_at DESC LIMIT 1"));
            assertEquals("api|http:ops", f.dev("SELECT trigger || '|' || who FROM ferry.run ORDER BY started_at DESC LIMIT 1"));
            assertEquals("dead letters replay,conflict resolve,run", f.dev("SELECT string_agg(action, ',' ORDER BY id) "
                    + "FROM ferry.action WHERE who = 'http:ops'"));
        }
    }

    @Test
    void should_resolve_a_two_way_conflict_by_clicking_keep_b() throws Exception {
        ensureChromium();
        ensurePlaywright();
        TestPostgres pg = TestPostgres.get();
        String a = pg.createDatabase("browser_a");
        String b = pg.createDatabase("browser_b");
        Path routes = Files.createTempDirectory("browser-two-way");
        try {
            for (String db : List.of(a, b)) {
                pg.exec(db, "CREATE TABLE customer (id int PRIMARY KEY, name text NOT NULL, city text)");
            }
            pg.exec(a, "INSERT INTO customer SELECT n, 'Customer ' || n, 'Oslo' FROM generate_series(1, 5) n");
            Files.writeString(routes.resolve("customer.yaml"), """
                    - templatedRoute:
                        routeTemplateRef: table-sync
                        routeId: sync-customer
                        parameters:
                          - {name: table, value: customer}
                          - {name: direction, value: both}
                          - {name: conflict, value: manual}
                    """);
            Cli cli = new Cli(pg, a, b);
            String[] twoWay = {"sync", "--tables-dir", routes.toString(), "--yes", "--two-way"};
            assertEquals(0, cli.run(twoWay), cli.output());
            pg.exec(a, "UPDATE customer SET name = 'Acme (A)', city = 'Bergen' WHERE id = 3");
            pg.exec(b, "UPDATE customer SET name = 'Acme (B)' WHERE id = 3");
            assertEquals(0, cli.run(twoWay), cli.output());
            assertTrue(cli.output().contains("1 left to a person"), cli.output());

            Path shots = Path.of("target/screenshots").toAbsolutePath();
            Files.createDirectories(shots);
            try (Served s = new Served(pg, a, b, routes, Map.of("FERRY_HTTP_USER", "ops", "FERRY_HTTP_PASSWORD", PASSWORD))) {
                String out = run(BROWSER, 300, List.of("node", "status-page.mjs", s.url(), "ops", PASSWORD, shots.toString(),
                        "two-way"));
                assertTrue(out.contains("kept B"), out);
            }
            assertTrue(Files.size(shots.resolve("conflicts-two-way.png")) > 10_000);
            assertEquals("Acme (B)|Oslo", pg.one(a, "SELECT name || '|' || city FROM customer WHERE id = 3"),
                    "B's version is in the first database");
            assertEquals("Acme (B)|Oslo", pg.one(b, "SELECT name || '|' || city FROM customer WHERE id = 3"));
            assertEquals("0", pg.one(b, "SELECT count(*) FROM ferry.conflict"));
            assertEquals(0, cli.run(twoWay), cli.output());
            assertTrue(cli.output().contains("customer: A->B: 0 inserted, 0 updated, 0 deleted; B->A: 0 inserted, "
                    + "0 updated, 0 deleted; 0 conflict(s)"), cli.output());
        } finally {
            pg.dropDatabase(a);
            pg.dropDatabase(b);
            Files.deleteIfExists(routes.resolve("customer.yaml"));
            Files.deleteIfExists(routes);
        }
    }
}
