package dev.ferry.twoway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.support.Cli;
import dev.ferry.support.Served;
import dev.ferry.support.TestPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two-way {@code conflict: manual} conflicts resolved with keep A / keep B, through the API and the command line:
 * both databases hold the chosen version (a deletion included), the conflict is gone, and the next two-way run
 * writes nothing and finds no conflict. A resolution whose second half fails after the first database committed
 * converges on the next run.
 */
class TwoWayResolveIT {

    private static final String SCHEMA = """
            CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, name text);
            CREATE TABLE customers (id serial PRIMARY KEY, cloud_id uuid NOT NULL UNIQUE, name text NOT NULL,
                                    owner_id int NOT NULL REFERENCES users (id));
            """;
    /** Each table through natural keys only: equal on both sides when every row and reference arrived. */
    private static final String USERS = "SELECT string_agg(email || '|' || coalesce(name, '-'), ';' ORDER BY email) FROM users";
    private static final String CUSTOMERS = "SELECT string_agg(c.cloud_id || '|' || c.name || '|' || u.email, ';' "
            + "ORDER BY c.cloud_id) FROM customers c JOIN users u ON u.id = c.owner_id";
    private static final String PASSWORD = "Resolve-S3cret-Pw";
    private static final String AUTH = Served.basic("ops", PASSWORD);

    private final TestPostgres pg = TestPostgres.get();
    private String a;
    private String b;
    private Cli cli;
    private Path routes;

    @BeforeEach
    void databases() throws Exception {
        a = pg.createDatabase("resolve_a");
        b = pg.createDatabase("resolve_b");
        cli = new Cli(pg, a, b);
        pg.exec(a, SCHEMA + """
                SELECT setval('users_id_seq', 500); SELECT setval('customers_id_seq', 900);
                INSERT INTO users (email, name) VALUES ('ann@x', 'Ann'), ('bob@x', 'Bob'), ('cy@x', 'Cy');
                INSERT INTO customers (cloud_id, name, owner_id) SELECT ('00000000-0000-0000-0000-00000000000' || n)::uuid,
                    'C' || n, (SELECT id FROM users WHERE email = 'ann@x') FROM generate_series(1, 6) n;
                """);
        pg.exec(b, SCHEMA);
        routes = Files.createTempDirectory("resolve-routes");
        Files.writeString(routes.resolve("users.yaml"), route("users", "email"));
        Files.writeString(routes.resolve("customers.yaml"), route("customers", "cloud_id"));
        assertEquals(0, twoWay(), cli.output());
        assertSame();
    }

    @AfterEach
    void drop() throws Exception {
        pg.dropDatabase(a);
        pg.dropDatabase(b);
        try (var files = Files.list(routes)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(routes);
    }

    private static String route(String table, String naturalKey) {
        return """
                - templatedRoute:
                    routeTemplateRef: table-sync
                    routeId: sync-%s
                    parameters:
                      - {name: table, value: %s}
                      - {name: direction, value: both}
                      - {name: naturalKey, value: %s}
                      - {name: conflict, value: manual}
                """.formatted(table, table, naturalKey);
    }

    private int twoWay() {
        return cli.run("sync", "--tables-dir", routes.toString(), "--yes", "--two-way");
    }

    private void assertSame() throws Exception {
        assertEquals(pg.one(a, USERS), pg.one(b, USERS), "users differ between the sides");
        assertEquals(pg.one(a, CUSTOMERS), pg.one(b, CUSTOMERS), "customers differ between the sides");
    }

    private static String c(int n) {
        return "'00000000-0000-0000-0000-00000000000" + n + "'";
    }

    /** The conflict of customer {@code n}, by the cloud id in whichever version has it. */
    private String conflictOf(int n) throws Exception {
        return pg.one(b, "SELECT id FROM ferry.conflict WHERE table_name = 'customers' AND (source_row ->> 'cloud_id' = "
                + c(n) + " OR target_row ->> 'cloud_id' = " + c(n) + ")");
    }

    private String xmins(String db) throws Exception {
        return pg.one(db, "SELECT (SELECT string_agg(id || ':' || xmin::text, ',' ORDER BY id) FROM users) || ' / ' "
                + "|| (SELECT string_agg(id || ':' || xmin::text, ',' ORDER BY id) FROM customers)");
    }

    /** A two-way run after the resolutions: nothing written on either side, no conflict. */
    private void assertQuietRun() throws Exception {
        String xa = xmins(a);
        String xb = xmins(b);
        assertEquals(0, twoWay(), cli.output());
        for (String table : new String[] {"users", "customers"}) {
            assertTrue(cli.output().contains(table + ": A->B: 0 inserted, 0 updated, 0 deleted; B->A: 0 inserted, "
                    + "0 updated, 0 deleted; 0 conflict(s)"), cli.output());
        }
        assertEquals(xa, xmins(a), "the run after the resolutions wrote into A");
        assertEquals(xb, xmins(b), "the run after the resolutions wrote into B");
        assertEquals("0", pg.one(b, "SELECT count(*) FROM ferry.conflict"));
    }

    @Test
    void keep_a_and_keep_b_write_the_chosen_version_into_both_databases_deletions_too() throws Exception {
        // 1, 2: changed on both sides; 3: deleted on A, changed on B; 4: changed on A, deleted on B;
        // 5: deleted on A, changed on B; 6: changed on A, deleted on B
        pg.exec(a, "UPDATE customers SET name = 'A' || name WHERE cloud_id IN (" + c(1) + ", " + c(2) + ", " + c(4) + ", "
                + c(6) + "); DELETE FROM customers WHERE cloud_id IN (" + c(3) + ", " + c(5) + ")");
        pg.exec(b, "UPDATE customers SET name = 'B' || name, owner_id = (SELECT id FROM users WHERE email = 'cy@x') WHERE "
                + "cloud_id IN (" + c(1) + ", " + c(2) + ", " + c(3) + ", " + c(5) + "); DELETE FROM customers WHERE "
                + "cloud_id IN (" + c(4) + ", " + c(6) + ")");
        assertEquals(0, twoWay(), cli.output());
        assertTrue(cli.output().contains("6 left to a person"), cli.output());
        String aIdOf3 = "SELECT id FROM customers WHERE cloud_id = " + c(3);
        try (Served s = new Served(pg, a, b, routes, Map.of("FERRY_HTTP_USER", "ops", "FERRY_HTTP_PASSWORD", PASSWORD))) {
            JsonNode list = s.getJson("/api/conflicts", AUTH).path("conflicts");
            assertEquals(6, list.size(), list.toString());
            for (JsonNode x : list) {
                assertEquals("twoWay", x.path("kind").asText(), x.toString());
                assertEquals("[\"a\",\"b\"]", x.path("keep").toString());
            }
            String one = conflictOf(1);
            HttpResponse<String> wrong = s.postJson("/api/conflicts/" + one + "/resolve", AUTH, "{\"keep\": \"source\"}");
            assertEquals(400, wrong.statusCode(), wrong.body());
            assertTrue(wrong.body().contains("keep a (the first database's version) or b (the second's)"), wrong.body());
            assertEquals(1, wrong.body().trim().lines().count(), wrong.body());

            HttpResponse<String> r = s.postJson("/api/conflicts/" + one + "/resolve", AUTH, "{\"keep\": \"a\"}");
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("\"kept\":\"a\""), r.body());
            r = s.postJson("/api/conflicts/" + conflictOf(2) + "/resolve", AUTH, "{\"keep\": \"b\"}");
            assertEquals(200, r.statusCode(), r.body());
            // B's update against A's delete: keep B puts the row back into A, under its old id there
            String oldA3 = "9" + "03";
            r = s.postJson("/api/conflicts/" + conflictOf(3) + "/resolve", AUTH, "{\"keep\": \"B\"}");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(oldA3, pg.one(a, aIdOf3), "the row came back under its id in A");
            // A's update against B's delete: keep B deletes it from A
            r = s.postJson("/api/conflicts/" + conflictOf(4) + "/resolve", AUTH, "{\"keep\": \"b\"}");
            assertEquals(200, r.statusCode(), r.body());
            // A's delete against B's update: keep A deletes it from B
            r = s.postJson("/api/conflicts/" + conflictOf(5) + "/resolve", AUTH, "{\"keep\": \"a\"}");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(1, s.getJson("/api/conflicts", AUTH).path("conflicts").size());
            assertTrue(!s.answers().contains(PASSWORD), "an answer holds the password");
        }
        // A's update against B's delete, from the command line: keep A puts it back into B
        String six = conflictOf(6);
        assertEquals(2, cli.run("conflicts", "resolve", six, "--keep", "target", "--tables-dir", routes.toString()));
        assertTrue(cli.output().contains("keep a (the first database's version) or b (the second's), not 'target'"),
                cli.output());
        assertEquals(0, cli.run("conflicts", "resolve", six, "--keep", "a", "--tables-dir", routes.toString()), cli.output());

        assertEquals("AC1|ann@x", pg.one(b, "SELECT c.name || '|' || u.email FROM customers c JOIN users u ON u.id = c.owner_id "
                + "WHERE cloud_id = " + c(1)), "keep a: A's version, owner in B's ids");
        assertEquals("BC2|cy@x", pg.one(a, "SELECT c.name || '|' || u.email FROM customers c JOIN users u ON u.id = c.owner_id "
                + "WHERE cloud_id = " + c(2)), "keep b: B's version, owner rewritten into A's ids");
        assertEquals("BC3|cy@x", pg.one(a, "SELECT c.name || '|' || u.email FROM customers c JOIN users u ON u.id = c.owner_id "
                + "WHERE cloud_id = " + c(3)), "keep b: B's update against A's delete");
        assertEquals("0", pg.one(a, "SELECT count(*) FROM customers WHERE cloud_id = " + c(4)), "keep b: B's delete");
        assertEquals("0", pg.one(b, "SELECT count(*) FROM customers WHERE cloud_id = " + c(5)), "keep a: A's delete");
        assertEquals("AC6", pg.one(b, "SELECT name FROM customers WHERE cloud_id = " + c(6)), "keep a: A's update");
        assertSame();
        assertEquals("0", pg.one(b, "SELECT count(*) FROM ferry.conflict"));
        assertEquals("5|1", pg.one(b, "SELECT count(*) FILTER (WHERE who = 'http:ops') || '|' || count(*) FILTER (WHERE who "
                + "LIKE 'cli:%') FROM ferry.action WHERE action = 'conflict resolve' AND detail NOT LIKE '%started'"));
        assertQuietRun();
    }

    @Test
    void keep_b_failing_after_the_first_database_committed_converges_on_the_next_run() throws Exception {
        pg.exec(a, "UPDATE users SET name = 'Cy A' WHERE email = 'cy@x'");
        pg.exec(b, "UPDATE users SET name = 'Cy B' WHERE email = 'cy@x'");
        assertEquals(0, twoWay(), cli.output());
        String id = pg.one(b, "SELECT id FROM ferry.conflict WHERE table_name = 'users'");
        // the second database fails the state's write: as if Ferry died between the two commits
        pg.exec(b, "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'boom'; END $$; "
                + "CREATE TRIGGER boom BEFORE INSERT ON ferry.twoway_row FOR EACH ROW EXECUTE FUNCTION boom()");
        assertEquals(1, cli.run("conflicts", "resolve", id, "--keep", "b", "--tables-dir", routes.toString()), cli.output());
        assertTrue(cli.output().contains("the next two-way run records it and removes the conflict"), cli.output());
        assertEquals("Cy B", pg.one(a, "SELECT name FROM users WHERE email = 'cy@x'"), "A committed B's version");
        assertEquals("1", pg.one(b, "SELECT count(*) FROM ferry.conflict"), "B rolled back: the conflict is still listed");
        assertTrue(pg.one(b, "SELECT detail FROM ferry.action WHERE action = 'conflict resolve'").contains("FAILED"));
        pg.exec(b, "DROP TRIGGER boom ON ferry.twoway_row");
        assertEquals(0, twoWay(), cli.output());
        // A's row is a one-sided change holding B's version: carried to B (B's unchanged row is not read, so it
        // is written again with the same values), no conflict
        assertTrue(cli.output().contains("users: A->B: 0 inserted, 1 updated, 0 deleted; B->A: 0 inserted, 0 updated, "
                + "0 deleted; 0 conflict(s)"), "A's one-sided change, no conflict: " + cli.output());
        assertEquals("Cy B", pg.one(b, "SELECT name FROM users WHERE email = 'cy@x'"), "the choice was not lost");
        assertSame();
        assertQuietRun();
    }
}
