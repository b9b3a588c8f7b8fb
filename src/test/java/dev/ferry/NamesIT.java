package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import dev.ferry.support.SqlResource;
import dev.ferry.support.Cli;
import dev.ferry.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Names are names: a mixed-case table ("Author", "Orders") is itself in subsets, natural keys and foreign
 * keys; tables whose names look alike (public.a_b and public_a.b, names sharing their first 50 characters)
 * never share a staging table; columns named like the apply's aliases (m, s, t, r) never stand in for the row.
 */
class NamesIT {

    private final TestPostgres pg = TestPostgres.get();
    private String source;
    private String target;
    private Cli cli;
    private Path routes;

    @BeforeEach
    void databases() throws Exception {
        source = pg.createDatabase("names_src");
        target = pg.createDatabase("names_dst");
        cli = new Cli(pg, source, target);
        routes = Files.createTempDirectory("ferry-names");
    }

    @AfterEach
    void drop() throws Exception {
        pg.dropDatabase(source);
        pg.dropDatabase(target);
    }

    /** A route file for {@code table} (as the route names it: quoted when mixed-case) with these parameters. */
    private void route(String file, String table, String... parameters) throws Exception {
        StringBuilder y = new StringBuilder("- templatedRoute:\n    routeTemplateRef: table-sync\n    routeId: sync-" + file
                + "\n    parameters:\n      - name: table\n        value: '" + table + "'\n");
        for (int i = 0; i < parameters.length; i += 2) {
            y.append("      - name: ").append(parameters[i]).append("\n        value: \"").append(parameters[i + 1])
                    .append("\"\n");
        }
        Files.writeString(routes.resolve(file + ".yaml"), y.toString());
    }

    private void both(String sql) throws Exception {
        exec(source, sql);
        exec(target, sql);
    }

    private void exec(String db, String sql) throws Exception {
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private String query(String db, String sql) throws Exception {
        try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Count and md5 of the rows {@code sql} returns, in text order. */
    private String view(String db, String sql) throws Exception {
        return query(db, "SELECT count(*) || ':' || coalesce(md5(string_agg(v::text, '|' ORDER BY v::text)), '') FROM ("
                + sql + ") v");
    }

    private int sync() {
        return cli.run("sync", "--yes", "--tables-dir", routes.toString());
    }

    @Test
    void should_pull_the_parents_of_a_mixed_case_table() throws Exception {
        both(SqlResource.load("names/author-post.sql"));
        exec(source, SqlResource.load("names/author-post-rows-200.sql"));
        route("Author", "\"Author\"", "where", "false"); // only the authors the posts bring
        route("Post", "\"Post\"", "where", "id % 10 = 0", "withParents", "true");

        assertEquals(0, sync(), cli.output());
        String posts = "SELECT * FROM \"Post\" WHERE id % 10 = 0";
        assertEquals(view(source, posts), view(target, "SELECT * FROM \"Post\""));
        String referenced = "SELECT * FROM \"Author\" a WHERE EXISTS (SELECT 1 FROM \"Post\" p WHERE p.\"authorId\" = a.id "
                + "AND p.id % 10 = 0)";
        assertEquals(view(source, referenced), view(target, "SELECT * FROM \"Author\""));
        assertEquals("20", query(target, "SELECT count(*) FROM \"Post\""));
        assertEquals("0", query(target, "SELECT count(*) FROM ferry.dead_letter"));
    }

    @Test
    void should_scaffold_mixed_case_tables_as_quoted_names_that_sync() throws Exception {
        both(SqlResource.load("names/author-post.sql"));
        exec(source, SqlResource.load("names/author-post-rows-12.sql"));
        assertEquals(0, cli.run("scaffold", "--out", routes.toString()), cli.output());
        // a mixed-case name's file carries a hash: a case-insensitive disk would take Post.yaml for post.yaml
        Path file;
        try (var files = Files.list(routes)) {
            file = files.filter(f -> f.getFileName().toString().startsWith("Post--")).findFirst().orElseThrow();
        }
        String route = Files.readString(file);
        assertTrue(route.contains("value: '\"Post\"'") && route.contains("-> public.Author (id)"), route);

        assertEquals(0, sync(), cli.output());
        assertEquals(Cli.digest(pg, source, "\"Author\""), Cli.digest(pg, target, "\"Author\""));
        assertEquals(Cli.digest(pg, source, "\"Post\""), Cli.digest(pg, target, "\"Post\""));
    }

    @Test
    void should_rewrite_a_mixed_case_childs_reference_through_the_natural_key() throws Exception {
        both(SqlResource.load("names/users-orders.sql"));
        // the same people under other ids: production's alice is development's bob
        exec(source, SqlResource.load("names/users-orders-production.sql"));
        exec(target, SqlResource.load("names/users-orders-development.sql"));
        route("users", "users", "mode", "merge", "naturalKey", "email");
        route("Orders", "\"Orders\"");

        assertEquals(0, sync(), cli.output());
        String orders = "SELECT o.id, o.item, u.email FROM \"Orders\" o JOIN users u ON u.id = o.\"userId\"";
        assertEquals(view(source, orders), view(target, orders));
        assertEquals("bob@example.com", query(target,
                "SELECT u.email FROM \"Orders\" o JOIN users u ON u.id = o.\"userId\" WHERE o.id = 11"));
        assertEquals("1", query(target, "SELECT \"userId\" FROM \"Orders\" WHERE id = 11"), "development's id of bob");
    }

    @Test
    void should_stage_tables_whose_names_look_alike_apart() throws Exception {
        String longA = "l".repeat(50) + "_first";
        String longB = "l".repeat(50) + "_second";
        exec(source, "CREATE SCHEMA public_a");
        exec(target, "CREATE SCHEMA public_a");
        both("CREATE TABLE public.a_b (id int PRIMARY KEY, v text);"
                + "CREATE TABLE public_a.b (id int PRIMARY KEY, v text, w int);"
                + "CREATE TABLE " + longA + " (id int PRIMARY KEY, v text);"
                + "CREATE TABLE " + longB + " (id bigint PRIMARY KEY, x numeric);");
        exec(source, "INSERT INTO public.a_b SELECT i, 'a_b ' || i FROM generate_series(1, 30) i;"
                + "INSERT INTO public_a.b SELECT i, 'b ' || i, i * 2 FROM generate_series(1, 70) i;"
                + "INSERT INTO " + longA + " SELECT i, 'first ' || i FROM generate_series(1, 15) i;"
                + "INSERT INTO " + longB + " SELECT i, i / 7.0 FROM generate_series(100, 140) i;");
        route("t1", "public.a_b");
        route("t2", "public_a.b");
        route("t3", longA);
        route("t4", longB);

        assertEquals(0, sync(), cli.output());
        for (String table : new String[] {"public.a_b", "public_a.b", longA, longB}) {
            assertEquals(Cli.digest(pg, source, table), Cli.digest(pg, target, table), table);
        }
        // a second run, and one table alone without verification, still each table's own rows
        exec(source, "UPDATE public_a.b SET v = 'changed' WHERE id < 5");
        assertEquals(0, sync(), cli.output());
        assertEquals(0, cli.run("sync", "--yes", "--tables-dir", routes.toString(), "--tables", "public.a_b",
                "--no-verify"), cli.output());
        for (String table : new String[] {"public.a_b", "public_a.b", longA, longB}) {
            assertEquals(Cli.digest(pg, source, table), Cli.digest(pg, target, table), table);
        }
    }

    @Test
    void should_dead_letter_the_whole_row_when_columns_are_named_like_aliases() throws Exception {
        both("CREATE TABLE marks (id int PRIMARY KEY, m int, s text, t text, r int, x int)");
        exec(source, "INSERT INTO marks SELECT i, i, 's' || i, 't' || i, i * 10, i FROM generate_series(1, 50) i");
        exec(target, "ALTER TABLE marks ADD CONSTRAINT dev_only CHECK (m % 10 <> 3)");
        route("marks", "marks");

        assertEquals(3, sync(), cli.output()); // PARTIAL: 5 rows set aside
        assertEquals("45", query(target, "SELECT count(*) FROM marks"));
        assertEquals("5", query(target, "SELECT count(*) FROM ferry.dead_letter WHERE table_name = 'marks' "
                + "AND jsonb_typeof(row_data) = 'object'"), "each dead letter holds the row, not a column's value");
        assertEquals("{\"m\": 13, \"r\": 130, \"s\": \"s13\", \"t\": \"t13\", \"x\": 13, \"id\": 13}",
                query(target, "SELECT row_data::text FROM ferry.dead_letter WHERE row_key = '13'"));

        exec(target, "ALTER TABLE marks DROP CONSTRAINT dev_only");
        assertEquals(0, cli.run("dead-letters", "replay", "--yes"), cli.output());
        assertTrue(cli.output().contains("5 landed, 0 still rejected"), cli.output());
        assertEquals(Cli.digest(pg, source, "marks"), Cli.digest(pg, target, "marks"));
        assertEquals("0", query(target, "SELECT count(*) FROM ferry.dead_letter"));
    }

    @Test
    void should_record_whole_rows_in_conflicts_when_columns_are_named_like_aliases() throws Exception {
        both("CREATE TABLE notes (id int PRIMARY KEY, m int, s text, t text)");
        exec(source, "INSERT INTO notes SELECT i, i, 's' || i, 't' || i FROM generate_series(1, 5) i");
        route("notes", "notes", "mode", "merge", "conflict", "manual");
        assertEquals(0, sync(), cli.output());
        // both sides change row 2 after Ferry wrote it: a conflict, both versions recorded
        exec(target, "UPDATE notes SET t = 'changed in development' WHERE id = 2");
        exec(source, "UPDATE notes SET s = 'changed in production' WHERE id = 2");
        assertEquals(0, sync(), cli.output());
        assertEquals("{\"m\": 2, \"s\": \"changed in production\", \"t\": \"t2\", \"id\": 2} "
                        + "{\"m\": 2, \"s\": \"s2\", \"t\": \"changed in development\", \"id\": 2}",
                query(target, "SELECT source_row::text || ' ' || target_row::text FROM ferry.conflict WHERE row_key = '2'"));
    }

    @Test
    void should_dead_letter_the_whole_row_of_an_unmapped_reference_when_columns_are_named_like_aliases()
            throws Exception {
        both(SqlResource.load("names/users-orders-marks.sql"));
        exec(source, SqlResource.load("names/users-orders-marks-production.sql"));
        // development refuses the blocked user: the order referencing it has no mapping
        exec(target, "ALTER TABLE users ADD CONSTRAINT no_blocked CHECK (email NOT LIKE '%@blocked.example')");
        route("users", "users", "mode", "merge", "naturalKey", "email");
        route("orders", "orders");

        assertEquals(3, sync(), cli.output());
        assertEquals("{\"m\": 8, \"s\": \"set aside\", \"id\": 11, \"user_id\": 2}",
                query(target, "SELECT row_data::text FROM ferry.dead_letter WHERE table_name = 'orders'"));
    }
}
