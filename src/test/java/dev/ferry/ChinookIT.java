package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import dev.ferry.support.Cli;
import dev.ferry.support.TestPostgres;
import org.junit.jupiter.api.Test;

/**
 * A real third-party schema (Chinook, MIT: src/test/resources/chinook): scaffold its routes, then sync all 11 tables
 * into a schema-only copy: a composite key (playlist_track), a self-reference (employee.reports_to), and a second
 * full run after rows that the target's children still reference were deleted from the source.
 */
class ChinookIT {

    /** Chinook (MIT, licence beside it), copied from ../shared/data so that a clone tests on its own. */
    private static final String CHINOOK = "/chinook/chinook-postgres.sql";
    private static final List<String> TABLES = List.of("album", "artist", "customer", "employee", "genre",
            "invoice", "invoice_line", "media_type", "playlist", "playlist_track", "track");

    @Test
    void should_scaffold_every_table_and_sync_them_in_foreign_key_order() throws Exception {
        String sql;
        try (var in = ChinookIT.class.getResourceAsStream(CHINOOK)) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String body = sql.substring(sql.indexOf("\\c chinook;") + "\\c chinook;".length());
        String schemaOnly = body.substring(0, body.indexOf("INSERT INTO"));
        TestPostgres pg = TestPostgres.get();
        String source = pg.createDatabase("chinook_src");
        String target = pg.createDatabase("chinook_dst");
        Path routes = Files.createTempDirectory("ferry-chinook");
        Cli cli = new Cli(pg, source, target);
        try {
            try (Connection s = pg.connect(source); Statement st = s.createStatement()) {
                st.execute(body);
            }
            try (Connection t = pg.connect(target); Statement st = t.createStatement()) {
                st.execute(schemaOnly);
            }
            assertEquals(0, cli.run("scaffold", "--out", routes.toString()), cli.output());
            try (var files = Files.list(routes)) {
                assertEquals(11, files.count());
            }
            assertTrue(Files.readString(routes.resolve("employee.yaml")).contains("employee_reports_to_fkey"));
            assertTrue(Files.readString(routes.resolve("playlist_track.yaml")).contains("value: \"playlist_id, track_id\""));

            // every table, the composite key of playlist_track and the self-reference of employee included
            assertEquals(0, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());
            for (String table : TABLES) {
                assertEquals(Cli.digest(pg, source, table), Cli.digest(pg, target, table), table);
            }
            assertTrue(cli.output().contains("applying 11 table(s) in one transaction"), cli.output());

            // a second full run over a changed source: a customer and their invoices gone (the target still has
            // rows referencing them until the apply), a manager changed, a playlist entry added
            try (Connection s = pg.connect(source); Statement st = s.createStatement()) {
                st.execute("DELETE FROM invoice_line WHERE invoice_id IN (SELECT invoice_id FROM invoice WHERE customer_id = 1)");
                st.execute("DELETE FROM invoice WHERE customer_id = 1");
                st.execute("DELETE FROM customer WHERE customer_id = 1");
                st.execute("UPDATE employee SET reports_to = 2 WHERE employee_id = 8");
                st.execute("INSERT INTO playlist_track (playlist_id, track_id) SELECT 2, max(track_id) FROM track");
            }
            assertEquals(0, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());
            for (String table : TABLES) {
                assertEquals(Cli.digest(pg, source, table), Cli.digest(pg, target, table), table);
            }
            // the target's foreign keys are all back, validated
            try (Connection t = pg.connect(target); Statement st = t.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FILTER (WHERE convalidated), count(*) FROM pg_constraint "
                         + "WHERE contype = 'f' AND connamespace = 'public'::regnamespace")) {
                rs.next();
                assertEquals(11, rs.getInt(2));
                assertEquals(rs.getInt(2), rs.getInt(1));
            }
        } finally {
            pg.dropDatabase(source);
            pg.dropDatabase(target);
        }
    }
}
