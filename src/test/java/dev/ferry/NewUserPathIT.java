package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import dev.ferry.support.SqlResource;
import dev.ferry.support.Cli;
import dev.ferry.support.TestPostgres;
import org.junit.jupiter.api.Test;

/**
 * The README's path for a user's own database, as a new user walks it on the shipped folders: routes/tables holds
 * no route of the demo's, so scaffold, review, dry run and sync work on a database without a book table.
 */
class NewUserPathIT {

    private static final String SCHEMA = SqlResource.load("new-user-path/schema.sql");

    @Test
    void should_scaffold_dry_run_and_sync_a_database_without_the_demo_table() throws Exception {
        TestPostgres pg = TestPostgres.get();
        String source = pg.createDatabase("newuser_src");
        String target = pg.createDatabase("newuser_dst");
        try {
            try (Connection s = pg.connect(source); Statement st = s.createStatement()) {
                st.execute(SCHEMA);
                st.execute("INSERT INTO customer (email, full_name, joined) SELECT 'c' || i || '@shop.example', "
                        + "'Customer ' || i, date '2024-01-01' + i FROM generate_series(1, 200) i");
            }
            try (Connection t = pg.connect(target); Statement st = t.createStatement()) {
                st.execute(SCHEMA);
            }
            // the user's own copy of the project's routes/tables, as shipped
            Path tables = Files.createTempDirectory("ferry-newuser").resolve("tables");
            Files.createDirectories(tables);
            try (var shipped = Files.list(Path.of("routes/tables"))) {
                for (Path file : shipped.toList()) {
                    Files.copy(file, tables.resolve(file.getFileName()));
                }
            }
            Cli cli = new Cli(pg, source, target);

            assertEquals(0, cli.run("scaffold", "--out", tables.toString()), cli.output());
            assertTrue(cli.output().contains("wrote 1 route file(s) to " + tables + ": review them (key, owner column, "
                    + "data rules), then ./ferry sync --dry-run --tables-dir " + tables), cli.output());
            try (var files = Files.list(tables)) {
                assertEquals(List.of("customer.yaml"), files.map(f -> f.getFileName().toString())
                        .filter(n -> n.endsWith(".yaml")).sorted().toList());
            }
            // review: the scaffold keyed the table by its primary key
            String route = Files.readString(tables.resolve("customer.yaml"));
            assertTrue(route.contains("routeId: sync-customer") && route.contains("value: \"id\""), route);

            assertEquals(0, cli.run("sync", "--dry-run", "--tables-dir", tables.toString()), cli.output());
            assertTrue(cli.output().contains("customer"), cli.output());
            assertEquals("0:", Cli.digest(pg, target, "customer"), "the dry run wrote nothing");

            assertEquals(0, cli.run("sync", "--yes", "--tables-dir", tables.toString()), cli.output());
            assertEquals(Cli.digest(pg, source, "customer"), Cli.digest(pg, target, "customer"));
        } finally {
            pg.dropDatabase(source);
            pg.dropDatabase(target);
        }
    }

    @Test
    void should_say_in_one_line_how_to_fill_an_empty_tables_folder() throws Exception {
        TestPostgres pg = TestPostgres.get();
        String source = pg.createDatabase("newuser_empty_src");
        String target = pg.createDatabase("newuser_empty_dst");
        try {
            Cli cli = new Cli(pg, source, target);
            String line = "no table routes (*.yaml) in routes/tables: run ./ferry scaffold --out routes/tables "
                    + "(then review the files), or pass --tables-dir DIR";
            assertEquals(2, cli.run("sync", "--yes"), cli.output());
            assertEquals(line, cli.output().strip(), cli.output());
            assertEquals(2, cli.run("sync", "--dry-run"), cli.output());
            assertTrue(cli.output().contains(line), cli.output());
            assertEquals(2, cli.run("verify"), cli.output());
            assertEquals(line, cli.output().strip(), cli.output());

            try (var socket = new java.net.ServerSocket(0)) {
                cli.with("ferry.http.port", String.valueOf(socket.getLocalPort())); // free once closed
            }
            assertEquals(2, cli.run("serve"), cli.output());
            assertTrue(cli.output().contains(line), cli.output());

            Path empty = Files.createTempDirectory("ferry-empty");
            assertEquals(2, cli.run("sync", "--yes", "--tables-dir", empty.toString()), cli.output());
            assertTrue(cli.output().contains("no table routes (*.yaml) in " + empty + ": run ./ferry scaffold --out "
                    + empty + " (then review the files)"), cli.output());
            Path missing = empty.resolve("nowhere");
            assertEquals(2, cli.run("sync", "--yes", "--tables-dir", missing.toString()), cli.output());
            assertTrue(cli.output().contains("in " + missing + " (no such folder): run ./ferry scaffold --out " + missing),
                    cli.output());
            try (Connection t = pg.connect(target); Statement st = t.createStatement();
                 var rs = st.executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname = 'ferry'")) {
                rs.next();
                assertEquals(0, rs.getInt(1), "nothing written to the target");
            }
        } finally {
            pg.dropDatabase(source);
            pg.dropDatabase(target);
        }
    }
}
