package dev.ferry.twoway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.support.Cli;
import dev.ferry.support.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seed 004 both ways: users matched by email, customers by a cloud id, ids apart on the two sides
 * (A from 500 and 900, B from 1); customers.owner_id is a foreign key rewritten into each side's ids.
 */
class TwoWayIT {

    private static final String SCHEMA = """
            CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, name text,
                                manager_id int REFERENCES users (id),
                                updated_at timestamptz NOT NULL DEFAULT '2030-01-01');
            CREATE TABLE customers (id serial PRIMARY KEY, cloud_id uuid NOT NULL UNIQUE, name text NOT NULL,
                                    owner_id int NOT NULL REFERENCES users (id),
                                    updated_at timestamptz NOT NULL DEFAULT '2030-01-01');
            """;

    /** Each table through natural keys only: equal on both sides when every row and reference arrived. */
    private static final String USERS = "SELECT string_agg(u.email || '|' || coalesce(u.name, '-') || '|' "
            + "|| coalesce(m.email, '-'), ';' ORDER BY u.email) FROM users u LEFT JOIN users m ON m.id = u.manager_id";
    private static final String CUSTOMERS = "SELECT string_agg(c.cloud_id || '|' || c.name || '|' || u.email, ';' "
            + "ORDER BY c.cloud_id) FROM customers c JOIN users u ON u.id = c.owner_id";

    private final TestPostgres pg = TestPostgres.get();
    private String a;
    private String b;
    private Cli cli;
    private Path routes;

    @BeforeEach
    void databases() throws Exception {
        a = pg.createDatabase("twoway_a");
        b = pg.createDatabase("twoway_b");
        cli = new Cli(pg, a, b);
        pg.exec(a, SCHEMA + """
                SELECT setval('users_id_seq', 500); SELECT setval('customers_id_seq', 900);
                INSERT INTO users (email, name) VALUES ('ann@x', 'Ann'), ('bob@x', 'Bob'), ('cy@x', 'Cy'), ('dee@x', 'Dee');
                UPDATE users SET manager_id = (SELECT id FROM users WHERE email = 'bob@x') WHERE email IN ('ann@x', 'dee@x');
                INSERT INTO customers (cloud_id, name, owner_id) VALUES
                    ('00000000-0000-0000-0000-000000000001', 'Acme', (SELECT id FROM users WHERE email = 'ann@x')),
                    ('00000000-0000-0000-0000-000000000002', 'Bolt', (SELECT id FROM users WHERE email = 'bob@x')),
                    ('00000000-0000-0000-0000-000000000003', 'Cog', (SELECT id FROM users WHERE email = 'dee@x'));
                """);
        pg.exec(b, SCHEMA + """
                INSERT INTO users (email, name) VALUES ('bob@x', 'Bob'), ('ann@x', 'Ann'), ('eve@x', 'Eve');
                UPDATE users SET manager_id = (SELECT id FROM users WHERE email = 'bob@x') WHERE email IN ('ann@x', 'eve@x');
                INSERT INTO customers (cloud_id, name, owner_id) VALUES
                    ('00000000-0000-0000-0000-000000000002', 'Bolt', (SELECT id FROM users WHERE email = 'bob@x')),
                    ('00000000-0000-0000-0000-000000000009', 'Zinc', (SELECT id FROM users WHERE email = 'eve@x'));
                """);
        routes = Files.createTempDirectory("twoway-routes");
        routes("sourceWins");
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

    private void routes(String conflict) throws Exception {
        Files.writeString(routes.resolve("users.yaml"), route("users", "email", conflict, ""));
        Files.writeString(routes.resolve("customers.yaml"), route("customers", "cloud_id", conflict, ""));
    }

    private static String route(String table, String naturalKey, String conflict, String extra) {
        return """
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
                      - name: conflict
                        value: %s
                      - name: newestColumn
                        value: updated_at
                %s""".formatted(table, table, naturalKey, conflict, extra);
    }

    private int sync(String... more) {
        String[] args = new String[4 + more.length];
        args[0] = "sync";
        args[1] = "--tables-dir";
        args[2] = routes.toString();
        args[3] = "--yes";
        System.arraycopy(more, 0, args, 4, more.length);
        return cli.run(args);
    }

    private int twoWay() {
        return sync("--two-way");
    }

    private void assertSame() throws Exception {
        assertEquals(pg.one(a, USERS), pg.one(b, USERS), "users differ between the sides");
        assertEquals(pg.one(a, CUSTOMERS), pg.one(b, CUSTOMERS), "customers differ between the sides");
    }

    /** Every row's id and xmin on a side: unchanged when no row was written. */
    private String xmins(String db) throws Exception {
        return pg.one(db, "SELECT (SELECT string_agg(id || ':' || xmin::text, ',' ORDER BY id) FROM users) || ' / ' "
                + "|| (SELECT string_agg(id || ':' || xmin::text, ',' ORDER BY id) FROM customers)");
    }

    private static final String C1 = "'00000000-0000-0000-0000-000000000001'";
    private static final String C2 = "'00000000-0000-0000-0000-000000000002'";
    private static final String C3 = "'00000000-0000-0000-0000-000000000003'";

    @Test
    void first_run_matches_by_natural_keys_then_changes_flow_both_ways_and_a_quiet_run_writes_nothing() throws Exception {
        assertEquals(0, twoWay(), cli.output());
        assertSame();
        assertEquals("ann@x|Ann|bob@x;bob@x|Bob|-;cy@x|Cy|-;dee@x|Dee|bob@x;eve@x|Eve|bob@x", pg.one(b, USERS),
                "manager_id, a reference into the same table, rewritten both ways");
        assertTrue(cli.output().contains("users: A->B: 2 inserted, 0 updated, 0 deleted; B->A: 1 inserted, 0 updated, "
                + "0 deleted; 0 conflict(s)"), "ann and bob, the same on both sides, are no conflict: " + cli.output());
        assertEquals("5", pg.one(a, "SELECT count(*) FROM users"), "ann and bob matched, not duplicated");
        assertTrue(Integer.parseInt(pg.one(a, "SELECT id FROM users WHERE email = 'eve@x'")) > 500, "eve took A's own id");
        assertTrue(Integer.parseInt(pg.one(b, "SELECT id FROM users WHERE email = 'dee@x'")) < 500, "dee took B's own id");
        assertEquals(pg.one(b, "SELECT id FROM users WHERE email = 'dee@x'"),
                pg.one(b, "SELECT owner_id FROM customers WHERE cloud_id = " + C3), "owner_id rewritten into B's ids");

        // created on A (a user and a customer of theirs), changed on B, deleted on A
        pg.exec(a, "INSERT INTO users (email, name) VALUES ('fay@x', 'Fay'); INSERT INTO customers (cloud_id, name, owner_id) "
                + "VALUES ('00000000-0000-0000-0000-000000000004', 'Dyno', currval('users_id_seq'))");
        pg.exec(b, "UPDATE customers SET name = 'Acme B', owner_id = (SELECT id FROM users WHERE email = 'eve@x') "
                + "WHERE cloud_id = " + C1);
        pg.exec(a, "DELETE FROM customers WHERE cloud_id = " + C3);
        assertEquals(0, twoWay(), cli.output());
        assertSame();
        assertEquals("Acme B|eve@x", pg.one(a, "SELECT c.name || '|' || u.email FROM customers c JOIN users u ON u.id = "
                + "c.owner_id WHERE cloud_id = " + C1), "B's change reached A with owner_id in A's ids");
        assertEquals("fay@x", pg.one(b, "SELECT u.email FROM customers c JOIN users u ON u.id = c.owner_id "
                + "WHERE c.cloud_id = '00000000-0000-0000-0000-000000000004'"), "A's new customer reached B, owner rewritten");
        assertEquals("0", pg.one(b, "SELECT count(*) FROM customers WHERE cloud_id = " + C3), "A's delete reached B");

        // nothing changed: no row written on either side
        String xa = xmins(a);
        String xb = xmins(b);
        Path report = Files.createTempFile("twoway", ".json");
        assertEquals(0, sync("--two-way", "--report", report.toString()), cli.output());
        String json = Files.readString(report);
        Files.delete(report);
        assertTrue(json.replace(" ", "").contains("\"mode\":\"twoWay\"") && json.contains("A->B: 0 inserted, 0 updated, 0 deleted; "
                + "B->A: 0 inserted, 0 updated, 0 deleted"), json);
        assertEquals(xa, xmins(a), "a run with nothing changed wrote into A");
        assertEquals(xb, xmins(b), "a run with nothing changed wrote into B");
        assertTrue(cli.output().contains("customers: B->A: 0 inserted, 0 updated, 0 deleted; A->B: 0 inserted, 0 updated, "
                + "0 deleted") || cli.output().contains("A->B: 0 inserted, 0 updated, 0 deleted; B->A: 0 inserted"),
                cli.output());
    }

    @ParameterizedTest
    @ValueSource(strings = {"newestWins", "manual", "sourceWins", "targetWins"})
    void a_row_changed_on_both_sides_follows_the_strategy(String strategy) throws Exception {
        routes(strategy);
        assertEquals(0, twoWay(), cli.output());
        assertSame();
        // B's change is the newer one; A's is older
        pg.exec(a, "UPDATE customers SET name = 'Bolt A', updated_at = '2030-02-01' WHERE cloud_id = " + C2);
        pg.exec(b, "UPDATE customers SET name = 'Bolt B', updated_at = '2030-03-01' WHERE cloud_id = " + C2);
        assertEquals(0, twoWay(), cli.output());
        String onA = pg.one(a, "SELECT name FROM customers WHERE cloud_id = " + C2);
        String onB = pg.one(b, "SELECT name FROM customers WHERE cloud_id = " + C2);
        switch (strategy) {
            case "newestWins", "targetWins" -> {
                assertEquals("Bolt B", onA);
                assertEquals("Bolt B", onB);
                assertSame();
            }
            case "sourceWins" -> {
                assertEquals("Bolt A", onA);
                assertEquals("Bolt A", onB);
                assertSame();
            }
            default -> {
                assertEquals("Bolt A", onA, "manual leaves A as it is");
                assertEquals("Bolt B", onB, "manual leaves B as it is");
                assertEquals(0, cli.run("conflicts"), cli.output());
                String bId = pg.one(b, "SELECT id FROM customers WHERE cloud_id = " + C2);
                assertTrue(cli.output().lines().anyMatch(l -> l.matches("\\d+\\s+customers\\s.*") && l.contains(" " + bId + " ")
                        && l.contains("name") && l.contains("updated_at")), cli.output());
                // a later quiet run neither writes nor loses the conflict
                String xa = xmins(a);
                assertEquals(0, twoWay(), cli.output());
                assertEquals(xa, xmins(a));
                assertEquals("Bolt B", pg.one(b, "SELECT name FROM customers WHERE cloud_id = " + C2));
                assertEquals("1", pg.one(b, "SELECT count(*) FROM ferry.conflict WHERE table_name = 'customers'"));
                // resolved by a person editing one side: that side wins, and the conflict is gone
                pg.exec(b, "UPDATE customers SET name = 'Bolt A', updated_at = '2030-02-01' WHERE cloud_id = " + C2);
                assertEquals(0, twoWay(), cli.output());
                assertSame();
                assertEquals("0", pg.one(b, "SELECT count(*) FROM ferry.conflict WHERE table_name = 'customers'"));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"newestWins", "manual", "sourceWins", "targetWins"})
    void delete_against_update_is_a_conflict(String strategy) throws Exception {
        routes(strategy);
        assertEquals(0, twoWay(), cli.output());
        pg.exec(a, "DELETE FROM customers WHERE cloud_id = " + C2);
        pg.exec(b, "UPDATE customers SET name = 'Bolt B', updated_at = '2030-03-01' WHERE cloud_id = " + C2);
        assertEquals(0, twoWay(), cli.output());
        assertTrue(cli.output().contains("1 conflict(s) (" + strategy + ")"), cli.output());
        String onA = pg.one(a, "SELECT name FROM customers WHERE cloud_id = " + C2);
        String onB = pg.one(b, "SELECT name FROM customers WHERE cloud_id = " + C2);
        switch (strategy) {
            case "sourceWins" -> {
                assertEquals(null, onA);
                assertEquals(null, onB, "A's delete wins");
                assertSame();
            }
            case "targetWins", "newestWins" -> {
                assertEquals("Bolt B", onA, "B's update wins (newestWins: an update beats a delete)");
                assertEquals("Bolt B", onB);
                assertSame();
            }
            default -> {
                assertEquals(null, onA, "manual leaves both sides");
                assertEquals("Bolt B", onB);
                assertEquals("1", pg.one(b, "SELECT count(*) FROM ferry.conflict WHERE table_name = 'customers' "
                        + "AND source_row = '{}'"));
            }
        }
        String xa = xmins(a);
        String xb = xmins(b);
        assertEquals(0, twoWay(), cli.output());
        assertEquals(xa, xmins(a));
        assertEquals(xb, xmins(b));
    }

    @Test
    void the_same_natural_key_inserted_on_both_sides_is_matched_not_duplicated() throws Exception {
        assertEquals(0, twoWay(), cli.output());
        pg.exec(a, "INSERT INTO users (email, name) VALUES ('gus@x', 'Gus')");
        pg.exec(b, "INSERT INTO users (email, name) VALUES ('gus@x', 'Gus')");
        assertEquals(0, twoWay(), cli.output());
        assertEquals("1", pg.one(a, "SELECT count(*) FROM users WHERE email = 'gus@x'"));
        assertEquals("1", pg.one(b, "SELECT count(*) FROM users WHERE email = 'gus@x'"));
        assertSame();
    }

    @Test
    void without_two_way_the_run_is_refused_and_nothing_is_written() throws Exception {
        String ua = pg.one(a, USERS);
        String ub = pg.one(b, USERS);
        assertEquals(2, sync(), cli.output());
        assertTrue(cli.output().contains("--two-way"), cli.output());
        assertEquals(ua, pg.one(a, USERS));
        assertEquals(ub, pg.one(b, USERS));
        assertEquals(null, pg.one(b, "SELECT to_regclass('ferry.twoway_row')::text"));
    }

    @Test
    void a_two_way_table_with_rules_is_refused() throws Exception {
        Files.writeString(routes.resolve("users.yaml"), route("users", "email", "sourceWins",
                "      - name: rules\n        value: \"name: null\"\n"));
        String ua = pg.one(a, USERS);
        String ub = pg.one(b, USERS);
        assertEquals(2, twoWay(), cli.output());
        assertTrue(cli.output().contains("users: parameter rules is refused on a two-way table"), cli.output());
        assertEquals(ua, pg.one(a, USERS));
        assertEquals(ub, pg.one(b, USERS));
        assertEquals(null, pg.one(b, "SELECT to_regclass('ferry.twoway_row')::text"));
    }

    @Test
    void a_first_database_marked_production_is_refused() throws Exception {
        pg.exec("postgres", "ALTER DATABASE " + a + " SET ferry.role = 'production'");
        String ua = pg.one(a, USERS);
        String ub = pg.one(b, USERS);
        assertEquals(2, twoWay(), cli.output());
        assertTrue(cli.output().contains("the first database (FERRY_SOURCE_URL) " + a + " is marked as production"),
                cli.output());
        assertEquals(ua, pg.one(a, USERS));
        assertEquals(ub, pg.one(b, USERS));
        assertNotEquals(pg.one(a, USERS), pg.one(b, USERS));
        assertFalse(cli.output().contains("inserted"));
    }

    @Test
    void a_run_that_fails_after_the_first_side_committed_converges_on_the_next() throws Exception {
        assertEquals(0, twoWay(), cli.output());
        // B will reject A's change (a constraint only B has), after A has committed B's changes
        pg.exec(b, "ALTER TABLE customers ADD CONSTRAINT no_crash CHECK (name <> 'Crash')");
        pg.exec(a, "UPDATE customers SET name = 'Crash' WHERE cloud_id = " + C1);
        pg.exec(b, "UPDATE customers SET name = 'Bolt B' WHERE cloud_id = " + C2 + "; INSERT INTO users (email, name) "
                + "VALUES ('hal@x', 'Hal'); INSERT INTO customers (cloud_id, name, owner_id) VALUES "
                + "('00000000-0000-0000-0000-000000000005', 'Eon', currval('users_id_seq'))");
        assertEquals(1, twoWay(), cli.output());
        assertEquals("Bolt B", pg.one(a, "SELECT name FROM customers WHERE cloud_id = " + C2), "A committed first");
        assertEquals("1", pg.one(a, "SELECT count(*) FROM users WHERE email = 'hal@x'"));
        assertEquals("Acme", pg.one(b, "SELECT name FROM customers WHERE cloud_id = " + C1), "B rolled back whole");
        pg.exec(b, "ALTER TABLE customers DROP CONSTRAINT no_crash");
        assertEquals(0, twoWay(), cli.output());
        assertTrue(cli.output().contains("customers: A->B: 0 inserted, 1 updated, 0 deleted; B->A: 0 inserted, 0 updated, "
                + "0 deleted; 0 conflict(s)"), "only B's missing half is written: " + cli.output());
        assertSame();
        assertEquals("1", pg.one(a, "SELECT count(*) FROM users WHERE email = 'hal@x'"), "nothing doubled");
        assertEquals("1", pg.one(a, "SELECT count(*) FROM customers WHERE name = 'Eon'"), "nothing doubled");
        String xa = xmins(a);
        String xb = xmins(b);
        assertEquals(0, twoWay(), cli.output());
        assertEquals(xa, xmins(a));
        assertEquals(xb, xmins(b));
    }

    @Test
    void a_dry_run_shows_each_sides_changes_and_conflicts_and_writes_nothing() throws Exception {
        String ua = pg.one(a, USERS);
        String ub = pg.one(b, USERS);
        assertEquals(0, sync("--two-way", "--dry-run"), cli.output());
        assertTrue(cli.output().contains("users (two-way, 4 rows in A, 3 in B): A->B: 2 inserted, 0 updated, 0 deleted; "
                + "B->A: 1 inserted, 0 updated, 0 deleted; 0 conflict(s) (sourceWins)"), cli.output());
        assertEquals(ua, pg.one(a, USERS));
        assertEquals(ub, pg.one(b, USERS));
        assertEquals(null, pg.one(b, "SELECT to_regclass('ferry.twoway_row')::text"));
    }

    @Test
    void owner_column_and_subsets_on_a_two_way_table_are_refused_naming_table_and_parameter() throws Exception {
        Files.writeString(routes.resolve("customers.yaml"), route("customers", "cloud_id", "sourceWins",
                "      - name: ownerColumn\n        value: owner_id\n      - name: where\n        value: \"id > 0\"\n"));
        String ca = pg.one(a, CUSTOMERS);
        assertEquals(2, twoWay(), cli.output());
        assertTrue(cli.output().contains("customers: parameter ownerColumn is refused on a two-way table"), cli.output());
        assertTrue(cli.output().contains("customers: parameter where is refused on a two-way table"), cli.output());
        assertEquals(ca, pg.one(a, CUSTOMERS));
        assertEquals(null, pg.one(b, "SELECT to_regclass('ferry.twoway_row')::text"));
    }

    @Test
    void a_bad_direction_and_a_run_mixing_one_way_and_two_way_tables_are_refused() throws Exception {
        Files.writeString(routes.resolve("users.yaml"), route("users", "email", "sourceWins", "").replace("value: both",
                "value: sideways"));
        assertEquals(2, twoWay(), cli.output());
        assertTrue(cli.output().contains("users.yaml") && cli.output().contains("direction"), cli.output());
        Files.writeString(routes.resolve("users.yaml"), route("users", "email", "sourceWins", "").replace("value: both",
                "value: oneWay"));
        assertEquals(2, twoWay(), cli.output());
        assertTrue(cli.output().contains("not both at once"), cli.output());
        assertEquals(null, pg.one(b, "SELECT to_regclass('ferry.twoway_row')::text"));
    }
}
