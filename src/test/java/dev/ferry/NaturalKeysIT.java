package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import dev.ferry.support.SqlResource;
import dev.ferry.support.Cli;
import dev.ferry.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Seed 004: seven tables whose ids differ between production and development. Users match by email,
 * roles by name, permissions by (resource, action, scope), products by sku; customers, proposals and
 * content have no natural key and follow through their foreign keys, rewritten through the id maps.
 */
class NaturalKeysIT {

    private static final String SCHEMA = SqlResource.load("natural-keys/schema.sql");

    /** Each table seen through natural keys only: equal in both databases when every reference was remapped right. */
    private static final List<String> VIEWS = List.of(
            "SELECT r.name, r.description FROM roles r WHERE r.name <> 'qa'",
            "SELECT u.email, u.name, r.name AS role, m.email AS manager FROM users u LEFT JOIN roles r ON r.id = u.role_id "
                    + "LEFT JOIN users m ON m.id = u.manager_id WHERE u.email LIKE '%@prod.example'",
            "SELECT p.resource, p.action, p.scope, r.name FROM permissions p JOIN roles r ON r.id = p.role_id",
            "SELECT sku, name, price FROM products WHERE sku LIKE 'P-%'",
            "SELECT c.id, c.email, c.name, u.email AS owner FROM customers c JOIN users u ON u.id = c.owner_id",
            "SELECT p.id, c.name, pr.sku, u.email, p.amount FROM proposals p JOIN customers c ON c.id = p.customer_id "
                    + "JOIN products pr ON pr.id = p.product_id LEFT JOIN users u ON u.id = p.created_by",
            "SELECT c.id, c.proposal_id, u.email, c.body FROM content c JOIN users u ON u.id = c.author_id");

    private final TestPostgres pg = TestPostgres.get();
    private String source;
    private String target;
    private Cli cli;
    private Path routes;

    @BeforeEach
    void databases() throws Exception {
        source = pg.createDatabase("natural_src");
        target = pg.createDatabase("natural_dst");
        cli = new Cli(pg, source, target);
        try (Connection c = pg.connect(source); Statement s = c.createStatement()) {
            s.execute(SCHEMA);
            // production's ids start elsewhere, so the same role, user or product has another id than in development
            s.execute(SqlResource.load("natural-keys/production-rows.sql"));
        }
        try (Connection c = pg.connect(target); Statement s = c.createStatement()) {
            s.execute(SCHEMA);
            // development has its own roles and users (ids 1, 2, ...): one role and one user also exist in production
            s.execute(SqlResource.load("natural-keys/development-rows.sql"));
        }
        routes = Files.createTempDirectory("ferry-natural");
        route("roles", "mode", "merge", "naturalKey", "name");
        route("users", "mode", "merge", "naturalKey", "email");
        route("permissions", "mode", "merge", "naturalKey", "resource, action, scope");
        route("products", "mode", "merge", "naturalKey", "sku");
        route("customers");
        route("proposals");
        route("content");
    }

    private void route(String table, String... parameters) throws Exception {
        StringBuilder y = new StringBuilder("- templatedRoute:\n    routeTemplateRef: table-sync\n    routeId: sync-" + table
                + "\n    parameters:\n      - name: table\n        value: " + table + "\n");
        for (int i = 0; i < parameters.length; i += 2) {
            y.append("      - name: ").append(parameters[i]).append("\n        value: \"").append(parameters[i + 1])
                    .append("\"\n");
        }
        Files.writeString(routes.resolve(table + ".yaml"), y.toString());
    }

    @AfterEach
    void drop() throws Exception {
        pg.dropDatabase(source);
        pg.dropDatabase(target);
    }

    private String view(String db, String sql) throws Exception {
        try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*) || ':' || coalesce(md5(string_agg(v::text, '|' ORDER BY v::text)), '') FROM (" + sql + ") v")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private String query(String db, String sql) throws Exception {
        try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private String everything(String db) throws Exception {
        StringBuilder all = new StringBuilder();
        for (String table : List.of("roles", "users", "permissions", "products", "customers", "proposals", "content")) {
            all.append(table).append('=').append(Cli.digest(pg, db, table)).append(' ');
        }
        return all.toString();
    }

    @Test
    void should_match_by_natural_key_and_rewrite_every_reference() throws Exception {
        assertEquals(0, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());
        for (String v : VIEWS) {
            assertEquals(view(source, v), view(target, v), v);
        }
        // matched rows keep development's ids; development's own rows stay (merge)
        assertEquals("1", query(target, "SELECT id FROM roles WHERE name = 'viewer'"));
        assertEquals("2", query(target, "SELECT id FROM users WHERE email = 'shared@both.example'"));
        assertEquals("In both", query(target, "SELECT name FROM users WHERE email = 'shared@both.example'"));
        assertEquals("1", query(target, "SELECT count(*) FROM users WHERE email = 'dev@dev.example'"));
        assertEquals("qa", query(target, "SELECT name FROM roles WHERE id = 2"));
        // new rows took development's next ids, not production's
        assertEquals("0", query(target, "SELECT count(*) FROM users WHERE id > 500"));
        assertEquals("11", query(target, "SELECT count(*) FROM ferry.id_map WHERE table_name = 'users'"));

        assertEquals(0, cli.run("verify", "--tables-dir", routes.toString()), cli.output());
        // a second run with nothing changed changes nothing
        String before = everything(target);
        assertEquals(0, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());
        assertEquals(before, everything(target));
        assertTrue(cli.output().contains("inserted 0, updated 0, deleted 0, unchanged 11"), cli.output());
    }

    @Test
    void should_set_aside_a_reference_with_no_mapping_never_null_or_wrong() throws Exception {
        // development refuses one production user: it gets no row there, so what references it cannot be written
        try (Connection c = pg.connect(target); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE users ADD CONSTRAINT no_blocked CHECK (email NOT LIKE '%@blocked.example')");
        }
        try (Connection c = pg.connect(source); Statement s = c.createStatement()) {
            s.execute("INSERT INTO users (email, name) VALUES ('x@blocked.example', 'Blocked')");
            s.execute("INSERT INTO content (proposal_id, author_id, body) SELECT NULL, id, 'by the blocked user' FROM users "
                    + "WHERE email = 'x@blocked.example'");
        }
        assertEquals(3, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());
        assertEquals("0", query(target, "SELECT count(*) FROM content WHERE body = 'by the blocked user'"));
        assertEquals("23503", query(target, "SELECT sql_state FROM ferry.dead_letter WHERE table_name = 'content'"));
        assertEquals("23514", query(target, "SELECT sql_state FROM ferry.dead_letter WHERE table_name = 'users'"));
        // everything else arrived, consistent
        assertEquals(view(source, VIEWS.get(5)), view(target, VIEWS.get(5)));
    }
}
