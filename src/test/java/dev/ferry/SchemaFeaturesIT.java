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
 * What real schemas hold: a column of every common PostgreSQL type (values compared as text, exactly),
 * a generated column, an identity column GENERATED ALWAYS, a default drawing from a sequence the column
 * does not own, a foreign-key cycle through NOT NULL, non-deferrable keys, a partitioned table with a
 * composite key, a table with no key, and a target trigger that would alter copied values.
 */
class SchemaFeaturesIT {

    private static final String SCHEMA = SqlResource.load("schema-features/schema.sql");
    private static final String CYCLE = "ALTER TABLE team ADD CONSTRAINT team_captain_fkey FOREIGN KEY (captain_id) "
            + "REFERENCES player (id)";
    private static final List<String> TABLES = List.of("every_type", "team", "player", "event", "note");

    private final TestPostgres pg = TestPostgres.get();
    private String source;
    private String target;
    private Cli cli;

    @BeforeEach
    void databases() throws Exception {
        source = pg.createDatabase("features_src");
        target = pg.createDatabase("features_dst");
        cli = new Cli(pg, source, target);
        try (Connection c = pg.connect(source); Statement s = c.createStatement()) {
            s.execute(SCHEMA);
            s.execute(SqlResource.load("schema-features/production-rows.sql"));
            s.execute(CYCLE);
        }
        try (Connection c = pg.connect(target); Statement s = c.createStatement()) {
            s.execute(SCHEMA);
            // the development database already has rows, the cycle among them
            s.execute("INSERT INTO team VALUES (9, 'old', 99) ; INSERT INTO player VALUES (99, 9, 'old')");
            s.execute(CYCLE);
            // a development trigger that stamps rows: it must not alter the values Ferry copies
            s.execute(SqlResource.load("schema-features/development-trigger.sql"));
        }
    }

    @AfterEach
    void drop() throws Exception {
        pg.dropDatabase(source);
        pg.dropDatabase(target);
    }

    @Test
    void should_copy_every_type_cycle_partition_and_keyless_table_exactly() throws Exception {
        Path routes = Files.createTempDirectory("ferry-features");
        assertEquals(0, cli.run("scaffold", "--out", routes.toString()), cli.output());
        try (var files = Files.list(routes)) {
            assertEquals(5, files.count(), "one route per table, the partitioned one through its parent");
        }
        assertTrue(Files.readString(routes.resolve("event.yaml")).contains("value: \"id, at\""));
        assertTrue(Files.readString(routes.resolve("note.yaml")).contains("value: \"\""));

        for (int run = 1; run <= 2; run++) {
            assertEquals(0, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());
            for (String table : TABLES) {
                assertEquals(Cli.digest(pg, source, table), Cli.digest(pg, target, table), table + " after run " + run);
            }
            assertTrue(cli.output().contains("table note has no key"), cli.output());
            // the application can insert: every sequence is past the copied values
            try (Connection c = pg.connect(target); Statement s = c.createStatement()) {
                s.execute("INSERT INTO every_type DEFAULT VALUES");
                s.execute("DELETE FROM every_type WHERE id = (SELECT max(id) FROM every_type)");
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND convalidated "
                        + "AND connamespace = 'public'::regnamespace")) {
                    rs.next();
                    assertEquals(2, rs.getInt(1), "both foreign keys of the cycle are back");
                }
            }
            if (run == 2) {
                break;
            }
            // the second run: the source changed (deletes, the cycle re-pointed, new rows)
            try (Connection c = pg.connect(source); Statement s = c.createStatement()) {
                s.execute("DELETE FROM every_type WHERE id % 3 = 0");
                s.execute("UPDATE team SET captain_id = 12 WHERE id = 1");
                s.execute("INSERT INTO event VALUES (5000, '2026-12-31', NULL)");
                s.execute("INSERT INTO every_type (code, last_update) VALUES (100000, '2022-01-01 00:00+00')");
            }
        }
        try (Connection c = pg.connect(target); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT nextval('shared_code') > 100000")) {
            rs.next();
            assertTrue(rs.getBoolean(1), "a sequence a default draws from (not owned by the column) moved past the max");
        }
    }

    @Test
    void should_refuse_a_type_the_target_cannot_hold_and_a_source_only_column_when_strict() throws Exception {
        Path routes = Files.createTempDirectory("ferry-features");
        assertEquals(0, cli.run("scaffold", "--out", routes.toString(), "--tables", "note,every_type"), cli.output());
        try (Connection c = pg.connect(target); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE every_type ALTER COLUMN vc TYPE character varying(5)");
        }
        assertEquals(1, cli.run("sync", "--yes", "--tables-dir", routes.toString()));
        assertTrue(cli.output().contains("column every_type.vc is character varying(20) in the source but "
                + "character varying(5) in the target"), cli.output());
        assertEquals("0:", Cli.digest(pg, target, "note"), "nothing was written");

        // a wider type is fine; a column only the source has is skipped with a warning, or fails when strict
        try (Connection c = pg.connect(target); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE every_type ALTER COLUMN vc TYPE text");
            s.execute("ALTER TABLE note DROP COLUMN at");
        }
        assertEquals(0, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());
        assertTrue(cli.output().contains("column note.at exists only in the source: not copied"), cli.output());
        assertEquals(Cli.digest(pg, source, "every_type"), Cli.digest(pg, target, "every_type"));

        Files.writeString(routes.resolve("note.yaml"), Files.readString(routes.resolve("note.yaml"))
                + "      - name: strict\n        value: \"true\"\n");
        assertEquals(1, cli.run("sync", "--yes", "--tables-dir", routes.toString()));
        assertTrue(cli.output().contains("column note.at exists only in the source and the table is strict"), cli.output());
    }

    @Test
    void should_resume_numeric_and_composite_keys_after_a_failed_apply() throws Exception {
        try (Connection c = pg.connect(source); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 12) g;"
                    + "CREATE TABLE pair (a int, b int, PRIMARY KEY (a, b)); INSERT INTO pair SELECT g % 3, g FROM generate_series(1, 12) g");
        }
        try (Connection c = pg.connect(target); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY, v text); CREATE TABLE pair (a int, b int, PRIMARY KEY (a, b));"
                    // development's own table refers to a development-only pair by a composite foreign key, which
                    // the plan's orphan check leaves to the apply: the apply fails after both tables are staged
                    + "CREATE TABLE other (a int, b int, FOREIGN KEY (a, b) REFERENCES pair (a, b)); "
                    + "INSERT INTO pair VALUES (9, 99); INSERT INTO other VALUES (9, 99)");
        }
        Path routes = Files.createTempDirectory("ferry-resume");
        assertEquals(0, cli.run("scaffold", "--out", routes.toString(), "--tables", "t,pair"), cli.output());
        // t through camel-sql (its read orders by the key, not by the key's text), pair through COPY
        Files.writeString(routes.resolve("t.yaml"), Files.readString(routes.resolve("t.yaml"))
                + "      - name: writer\n        value: sql\n      - name: batchSize\n        value: \"5\"\n");
        Files.writeString(routes.resolve("pair.yaml"), Files.readString(routes.resolve("pair.yaml"))
                + "      - name: batchSize\n        value: \"5\"\n");
        assertEquals(1, cli.run("sync", "--yes", "--tables-dir", routes.toString()));
        assertTrue(cli.output().contains("foreign key other_a_b_fkey of other would break"), cli.output());
        try (Connection c = pg.connect(target); Statement s = c.createStatement()) {
            s.execute("DELETE FROM other");
        }
        // staging is kept: the next run resumes after the last staged key and reads nothing twice
        assertEquals(0, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());
        assertTrue(cli.output().contains("t: resuming after 12 staged rows; 0 rows to read"), cli.output());
        assertTrue(cli.output().contains("pair: resuming after 12 staged rows; 0 rows to read"), cli.output());
        assertEquals(Cli.digest(pg, source, "t"), Cli.digest(pg, target, "t"));
        assertEquals(Cli.digest(pg, source, "pair"), Cli.digest(pg, target, "pair"));
    }

    @Test
    void should_load_a_large_table_without_its_indexes_unless_something_depends_on_them() throws Exception {
        String ddl = "CREATE TABLE big (id int PRIMARY KEY, code text NOT NULL UNIQUE, v text);"
                + "CREATE INDEX big_v ON big (v);"
                + "CREATE TABLE grouped (id int PRIMARY KEY, v text);"
                + "CREATE VIEW grouped_view AS SELECT id, v, count(*) AS n FROM grouped GROUP BY id"; // needs the key
        for (String db : List.of(source, target)) {
            try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
                s.execute(ddl);
            }
        }
        try (Connection c = pg.connect(source); Statement s = c.createStatement()) {
            s.execute("INSERT INTO big SELECT g, 'c' || g, 'v' || (g % 97) FROM generate_series(1, 20000) g;"
                    + "INSERT INTO grouped SELECT g, 'v' || g FROM generate_series(1, 20000) g");
        }
        Path routes = Files.createTempDirectory("ferry-bulk");
        assertEquals(0, cli.run("scaffold", "--out", routes.toString(), "--tables", "big,grouped"), cli.output());
        for (int run = 1; run <= 2; run++) {
            // the first run swaps big in (nothing depends on it); the second loads it in place, without its indexes
            cli.with("ferry.swap-tables", run == 1 ? "true" : "false");
            assertEquals(0, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());
            assertEquals(run == 1, cli.output().contains("(swapped in)"), cli.output());
            assertEquals(Cli.digest(pg, source, "big"), Cli.digest(pg, target, "big"));
            assertEquals(Cli.digest(pg, source, "grouped"), Cli.digest(pg, target, "grouped"));
        }
        try (Connection c = pg.connect(target); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes "
                     + "WHERE tablename IN ('big', 'grouped')")) {
            rs.next();
            assertEquals("big_code_key,big_pkey,big_v,grouped_pkey", rs.getString(1), "every index is back");
        }
        try (Connection c = pg.connect(target); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM grouped_view")) {
            rs.next();
            assertEquals(20000, rs.getInt(1));
        }
    }
}
