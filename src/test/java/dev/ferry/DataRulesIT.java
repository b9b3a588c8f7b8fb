package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.ferry.support.Cli;
import dev.ferry.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What leaves production, on Chinook: data rules on customer and employee (no source email or phone
 * anywhere in the target, joins intact, the same output every run, the leak check), and a subset
 * (customers in Brazil with their invoices and lines, and every row those reference).
 */
class DataRulesIT {

    private static final List<String> TABLES = List.of("album", "artist", "customer", "employee", "genre", "invoice",
            "invoice_line", "media_type", "playlist", "playlist_track", "track");
    private static final String RULES = "first_name: firstName; last_name: lastName; email: email; phone: phone; "
            + "fax: phone; address: template({%s} Example Street)";

    private final TestPostgres pg = TestPostgres.get();
    private String source;
    private String target;
    private Cli cli;
    private Path routes;

    @BeforeEach
    void chinook() throws Exception {
        String sql;
        try (var in = DataRulesIT.class.getResourceAsStream("/chinook/chinook-postgres.sql")) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String body = sql.substring(sql.indexOf("\\c chinook;") + "\\c chinook;".length());
        source = pg.createDatabase("rules_src");
        target = pg.createDatabase("rules_dst");
        try (Connection s = pg.connect(source); Statement st = s.createStatement()) {
            st.execute(body);
        }
        try (Connection t = pg.connect(target); Statement st = t.createStatement()) {
            st.execute(body.substring(0, body.indexOf("INSERT INTO")));
        }
        cli = new Cli(pg, source, target).with("ferry.rules.secret", "test-secret-not-for-production");
        routes = Files.createTempDirectory("ferry-rules");
    }

    @AfterEach
    void drop() throws Exception {
        pg.dropDatabase(source);
        pg.dropDatabase(target);
    }

    private List<String> column(String db, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private String one(String db, String sql) throws Exception {
        return column(db, sql).get(0);
    }

    private void setParameter(String table, String name, String value) throws Exception {
        Path file = routes.resolve(table + ".yaml");
        Files.writeString(file, Files.readString(file) + "      - name: " + name + "\n        value: \""
                + value.replace("\"", "\\\"") + "\"\n");
    }

    @Test
    void rules_keep_personal_data_in_production_and_joins_whole() throws Exception {
        assertEquals(0, cli.run("scaffold", "--out", routes.toString(), "--rules"), cli.output());
        String suggested = Files.readString(routes.resolve("customer.yaml"));
        assertTrue(suggested.contains("email: email") && suggested.contains("phone: phone")
                && suggested.contains("first_name: firstName"), suggested);
        // the rules under test, as a user would settle them after reviewing the suggestions
        for (String table : List.of("customer", "employee")) {
            String file = Files.readString(routes.resolve(table + ".yaml"));
            Files.writeString(routes.resolve(table + ".yaml"), file.substring(0, file.indexOf("      # data rules")));
            setParameter(table, "rules", String.format(RULES, table + "_id"));
        }
        assertEquals(0, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());

        List<String> secrets = new ArrayList<>();
        for (String table : List.of("customer", "employee")) {
            for (String col : List.of("email", "phone", "fax", "address")) {
                secrets.addAll(column(source, "SELECT DISTINCT " + col + " FROM " + table + " WHERE " + col
                        + " IS NOT NULL AND length(" + col + ") > 6"));
            }
        }
        assertTrue(secrets.size() > 100, "source emails, phones, faxes, addresses: " + secrets.size());
        StringBuilder everything = new StringBuilder();
        for (String table : TABLES) {
            everything.append(one(target, "SELECT coalesce(string_agg(t::text, '|'), '') FROM " + table + " t"));
        }
        for (String value : secrets) {
            assertFalse(everything.indexOf(value) >= 0, "a production value reached the target: " + value);
        }
        // names are common words elsewhere (Chinook's composers include a Nielsen): compared row by row
        for (String table : List.of("customer", "employee")) {
            String names = "SELECT " + table + "_id || ':' || first_name || ' ' || last_name FROM " + table;
            List<String> mine = column(target, names);
            for (String name : column(source, names)) {
                assertFalse(mine.contains(name), "a production name reached the target: " + name);
            }
        }
        String joins = "SELECT count(*) FROM customer c JOIN invoice i ON i.customer_id = c.customer_id "
                + "JOIN invoice_line l ON l.invoice_id = i.invoice_id JOIN employee e ON e.employee_id = c.support_rep_id";
        assertEquals(one(source, joins), one(target, joins));
        assertEquals("59", one(target, "SELECT count(DISTINCT email) FROM customer"), "unique emails stay unique");

        // the same output every run
        StringBuilder before = new StringBuilder();
        for (String table : TABLES) {
            before.append(Cli.digest(pg, target, table));
        }
        assertEquals(0, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());
        StringBuilder after = new StringBuilder();
        for (String table : TABLES) {
            after.append(Cli.digest(pg, target, table));
        }
        assertEquals(before.toString(), after.toString());
        assertEquals(0, cli.run("verify", "--tables-dir", routes.toString()), cli.output());

        assertEquals(0, cli.run("verify", "--pii", "--tables-dir", routes.toString()), cli.output());
        assertTrue(cli.output().contains("no source value found"), cli.output());
        // a rule removed: the leak check names the column
        String customer = Files.readString(routes.resolve("customer.yaml"));
        Files.writeString(routes.resolve("customer.yaml"), customer.replace("email: email", "email: keep"));
        assertEquals(0, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());
        Files.writeString(routes.resolve("customer.yaml"), customer);
        assertEquals(1, cli.run("verify", "--pii", "--tables-dir", routes.toString()), cli.output());
        assertTrue(cli.output().contains("customer.email"), cli.output());
        assertTrue(cli.output().contains("LEAK: 59 row(s) hold a source value (key 1, 2, 3, 4, 5, ...); "), cli.output());
    }

    @Test
    void a_subset_with_parents_satisfies_every_foreign_key() throws Exception {
        List<String> run = List.of("artist", "album", "genre", "media_type", "track", "employee", "customer", "invoice",
                "invoice_line");
        assertEquals(0, cli.run("scaffold", "--out", routes.toString(), "--tables", String.join(",", run)), cli.output());
        String brazil = "SELECT customer_id FROM customer WHERE country = 'Brazil'";
        String invoices = "SELECT invoice_id FROM invoice WHERE customer_id IN (" + brazil + ")";
        setParameter("customer", "where", "country = 'Brazil'");
        setParameter("customer", "withParents", "true");
        setParameter("invoice", "where", "customer_id IN (" + brazil + ")");
        setParameter("invoice_line", "where", "invoice_id IN (" + invoices + ")");
        setParameter("invoice_line", "withParents", "true");
        for (String parent : List.of("artist", "album", "genre", "media_type", "track", "employee")) {
            setParameter(parent, "where", "false"); // only the rows the subset references
        }
        assertEquals(0, cli.run("sync", "--dry-run", "--tables-dir", routes.toString()), cli.output());
        assertTrue(cli.output().matches("(?s).*customer\\s+source 5 rows.*"), cli.output());

        assertEquals(0, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());
        String lines = "SELECT * FROM invoice_line WHERE invoice_id IN (" + invoices + ")";
        String tracks = "SELECT * FROM track WHERE track_id IN (SELECT track_id FROM (" + lines + ") l)";
        String albums = "SELECT * FROM album WHERE album_id IN (SELECT album_id FROM (" + tracks + ") t)";
        String[][] expected = {
            {"customer", "SELECT * FROM customer WHERE country = 'Brazil'"},
            {"invoice", "SELECT * FROM invoice WHERE customer_id IN (" + brazil + ")"},
            {"invoice_line", lines},
            {"track", tracks},
            {"album", albums},
            {"artist", "SELECT * FROM artist WHERE artist_id IN (SELECT artist_id FROM (" + albums + ") a)"},
            {"genre", "SELECT * FROM genre WHERE genre_id IN (SELECT genre_id FROM (" + tracks + ") t)"},
            {"media_type", "SELECT * FROM media_type WHERE media_type_id IN (SELECT media_type_id FROM (" + tracks + ") t)"},
            {"employee", "WITH RECURSIVE e AS (SELECT * FROM employee WHERE employee_id IN (SELECT support_rep_id FROM "
                    + "customer WHERE country = 'Brazil') UNION SELECT p.* FROM employee p JOIN e ON p.employee_id = e.reports_to) "
                    + "SELECT * FROM e"},
        };
        for (String[] t : expected) {
            String want = one(source, "SELECT count(*) || ':' || md5(string_agg(x::text, '|' ORDER BY x::text)) FROM ("
                    + t[1] + ") x");
            assertEquals(want, Cli.digest(pg, target, t[0]), t[0]);
        }
        assertEquals("5", one(target, "SELECT count(*) FROM customer"));
        assertTrue(Integer.parseInt(one(target, "SELECT count(*) FROM employee")) >= 2, "support reps and their managers");
        // every foreign key of the target is back and validated over the subset
        assertEquals("0", one(target, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated"));
    }
}
