package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;

import dev.ferry.support.SqlResource;
import dev.ferry.support.Cli;
import dev.ferry.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every name PostgreSQL accepts scaffolds and syncs, through the command line: tables and columns named
 * "Users", "my table", "a.b", "it's", "column_with_punctuation?", "select", "Ünïcødé" (and "q?x#" with a
 * column "c:?d"), the same table name in two schemas, a table without a key, a partitioned table and a
 * foreign-key cycle among them, by both writers.
 */
class EveryNameIT {

    private static final String SCHEMA = SqlResource.load("every-name/schema.sql");

    private static final String ROWS = SqlResource.load("every-name/rows.sql");

    /** Every table, as SQL names it. */
    private static final List<String> TABLES = List.of("\"Users\"", "\"my table\"", "public.\"a.b\"", "\"it's\"",
            "\"select\"", "\"Ünïcødé\"", "\"q?x#\"", "a.t", "b.t", "nokey", "events");

    private final TestPostgres pg = TestPostgres.get();
    private String source;
    private String target;
    private Cli cli;
    private Path routes;

    @BeforeEach
    void databases() throws Exception {
        source = pg.createDatabase("names_all_src");
        target = pg.createDatabase("names_all_dst");
        cli = new Cli(pg, source, target);
        routes = Files.createTempDirectory("ferry-every-name");
        exec(source, SCHEMA);
        exec(target, SCHEMA);
        exec(source, ROWS);
    }

    @AfterEach
    void drop() throws Exception {
        pg.dropDatabase(source);
        pg.dropDatabase(target);
    }

    private void exec(String db, String sql) throws Exception {
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private void assertSame() throws Exception {
        for (String table : TABLES) {
            assertEquals(Cli.digest(pg, source, table), Cli.digest(pg, target, table), table);
        }
    }

    /** The route file scaffold wrote whose 'table' is {@code label}. */
    private Path routeOf(String label) throws Exception {
        try (Stream<Path> files = Files.list(routes)) {
            List<Path> hits = files.filter(f -> {
                try {
                    return Files.readString(f).contains("value: " + label + "\n");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
            assertEquals(1, hits.size(), label + ": " + hits);
            return hits.get(0);
        }
    }

    @Test
    void should_scaffold_and_sync_every_name_exactly_twice_with_both_writers() throws Exception {
        assertEquals(0, cli.run("scaffold", "--out", routes.toString()), cli.output());
        String scaffolded = cli.output();
        assertTrue(scaffolded.contains("skipped 2 partition(s)"), scaffolded);
        List<String> names;
        try (Stream<Path> files = Files.list(routes)) {
            names = files.map(f -> f.getFileName().toString()).sorted().toList();
        }
        assertEquals(11, names.size(), names.toString());
        // one dot per file name (Camel picks its loader by what follows the first), nothing a disk refuses
        names.forEach(n -> assertTrue(n.matches("[A-Za-z0-9_-]+\\.yaml"), n));
        assertTrue(names.contains("a-t.yaml") && names.contains("b-t.yaml"), names.toString());
        // the YAML keeps SQL's quotes, in the table and in the route id
        String myTable = Files.readString(routeOf("'\"my table\"'"));
        assertTrue(myTable.contains("routeId: 'sync-\"my table\"'"), myTable);
        routeOf("'\"a.b\"'");
        routeOf("'\"it''s\"'");
        routeOf("'\"select\"'");
        // writer sql for the names that are hardest to bind
        for (String label : List.of("'\"it''s\"'", "'\"q?x#\"'", "'\"my table\"'")) {
            Path file = routeOf(label);
            Files.writeString(file, Files.readString(file) + "      - name: writer\n        value: sql\n");
        }

        assertEquals(0, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());
        assertSame();

        exec(source, SqlResource.load("every-name/changes.sql"));
        assertEquals(0, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());
        assertSame();
        assertEquals("0", query(target, "SELECT count(*) FROM ferry.dead_letter"));

        // --tables takes a table as its route names it, or without SQL's quotes when that is unambiguous
        assertEquals(0, cli.run("sync", "--yes", "--tables-dir", routes.toString(), "--tables", "my table,\"it's\""),
                cli.output());
        assertTrue(cli.output().contains("it's"), cli.output());
        assertEquals(2, cli.run("sync", "--yes", "--tables-dir", routes.toString(), "--tables", "t"), cli.output());
        assertEquals(0, cli.run("verify", "--tables-dir", routes.toString(), "--tables", "a.b,\"Ünïcødé\",events"),
                cli.output());
    }

    @Test
    void should_give_same_named_tables_of_two_schemas_their_own_files() throws Exception {
        assertEquals(0, cli.run("scaffold", "--out", routes.toString(), "--schema", "a"), cli.output());
        assertEquals(0, cli.run("scaffold", "--out", routes.toString(), "--schema", "b"), cli.output());
        assertTrue(Files.readString(routes.resolve("a-t.yaml")).contains("value: a.t\n"));
        assertTrue(Files.readString(routes.resolve("b-t.yaml")).contains("value: b.t\n"));
        assertEquals(0, cli.run("scaffold", "--out", routes.toString(), "--schema", "a,b"), cli.output());
        assertTrue(cli.output().contains("kept") && cli.output().contains("wrote 0 route file(s)"), cli.output());
        assertEquals(2, cli.run("scaffold", "--out", routes.toString(), "--schema", "nope"), cli.output());

        // a hand-named schema.table.yaml: one line saying what to rename it to, nothing run
        Files.copy(routes.resolve("a-t.yaml"), routes.resolve("a.t.yaml"));
        assertEquals(2, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());
        assertTrue(cli.output().contains("a.t.yaml: a route file's name may have no dot but the one before yaml")
                && cli.output().contains("rename it a-t.yaml"), cli.output());
        Files.delete(routes.resolve("a.t.yaml"));
        // two files for one table: refused, never one silently in place of the other
        Files.writeString(routes.resolve("again.yaml"), Files.readString(routes.resolve("a-t.yaml"))
                .replace("routeId: sync-a.t", "routeId: sync-again"));
        assertEquals(2, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());
        assertTrue(cli.output().contains("sync the same table (endpoint sync-a.t): keep one of them"), cli.output());
        Files.delete(routes.resolve("again.yaml"));

        assertEquals(0, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());
        assertEquals(Cli.digest(pg, source, "a.t"), Cli.digest(pg, target, "a.t"));
        assertEquals(Cli.digest(pg, source, "b.t"), Cli.digest(pg, target, "b.t"));
        assertNotEquals(Cli.digest(pg, target, "a.t"), Cli.digest(pg, target, "b.t"));
    }

    @Test
    void should_set_aside_and_replay_rows_of_a_punctuated_column_through_the_sql_writer() throws Exception {
        // the target's domain refuses what the source's takes: rejected while staging, row by row
        exec(source, "CREATE DOMAIN small_int AS int; CREATE TABLE \"dl?\" (id int PRIMARY KEY, "
                + "\"column_with_punctuation?\" small_int, \"Column_With_Punctuation?\" text);"
                + "INSERT INTO \"dl?\" SELECT i, i * 7, 'v' || i FROM generate_series(1, 40) i");
        exec(target, "CREATE DOMAIN small_int AS int CHECK (VALUE < 250); CREATE TABLE \"dl?\" (id int PRIMARY KEY, "
                + "\"column_with_punctuation?\" small_int, \"Column_With_Punctuation?\" text)");
        assertEquals(0, cli.run("scaffold", "--out", routes.toString(), "--tables", "\"dl?\""), cli.output());
        Path file = routeOf("'\"dl?\"'");
        Files.writeString(file, Files.readString(file) + "      - name: writer\n        value: sql\n");

        assertEquals(3, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());
        assertEquals("5", query(target, "SELECT count(*) FROM ferry.dead_letter WHERE table_name = '\"dl?\"' "
                + "AND (row_data ->> 'column_with_punctuation?')::int >= 250 AND row_data ? 'Column_With_Punctuation?'"));
        assertEquals("35", query(target, "SELECT count(*) FROM \"dl?\""));

        exec(target, "ALTER DOMAIN small_int DROP CONSTRAINT small_int_check");
        assertEquals(0, cli.run("dead-letters", "replay", "--yes"), cli.output());
        assertEquals(Cli.digest(pg, source, "\"dl?\""), Cli.digest(pg, target, "\"dl?\""));
    }

    private String query(String db, String sql) throws Exception {
        try (Connection c = pg.connect(db); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
