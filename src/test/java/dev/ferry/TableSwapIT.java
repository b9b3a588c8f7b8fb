package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
 * A full table nothing else refers to is staged in a copy of itself and swapped in: the table that results
 * must be the old one in everything but its rows (and OID): constraints, indexes, defaults and the sequence
 * it owns, privileges, storage options, comments, the foreign keys from and to it. A table a view depends on
 * is loaded by INSERT as before, and so is every table with ferry.swap-tables=false.
 */
class TableSwapIT {

    private static final String SCHEMA = SqlResource.load("table-swap/schema.sql");
    /** What a swap must carry over, in one text per table: compared before and after each run. */
    private static final String SHAPE = SqlResource.load("table-swap/shape.sql");

    private final TestPostgres pg = TestPostgres.get();
    private String source;
    private String target;
    private Cli cli;
    private Path routes;

    @BeforeEach
    void databases() throws Exception {
        source = pg.createDatabase("swap_src");
        target = pg.createDatabase("swap_dst");
        cli = new Cli(pg, source, target);
        for (String db : List.of(source, target)) {
            try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
                s.execute(SCHEMA);
            }
        }
        try (Connection c = pg.connect(source); Statement s = c.createStatement()) {
            s.execute("INSERT INTO shelf SELECT g, 'shelf ' || g FROM generate_series(1, 5) g;"
                    + "INSERT INTO item (shelf_id, code, title, price, tags) SELECT 1 + g % 5, 'c' || g, 'Item ' || g, "
                    + "g % 50, ARRAY['t' || g % 3] FROM generate_series(1, 3000) g;"
                    + "INSERT INTO viewed SELECT g, 'v' || g FROM generate_series(1, 100) g");
        }
        try (Connection c = pg.connect(target); Statement s = c.createStatement()) {
            // what development has around the table: a role with privileges, comments, a child outside the run, rows
            s.execute("DO $$ BEGIN CREATE ROLE ferry_swap_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;"
                    + "GRANT SELECT, UPDATE ON item TO ferry_swap_reader;"
                    + "COMMENT ON TABLE item IS 'items on shelves'; COMMENT ON COLUMN item.code IS 'the shop''s code';"
                    + "COMMENT ON INDEX item_title_lower IS 'for search'; COMMENT ON CONSTRAINT item_code_key ON item IS 'unique';"
                    // a second swapped table with an owner, privileges and comments of its own: the catalogue facts
                    // of every swapped table are read in one query, and must land on the right table
                    + "DO $$ BEGIN CREATE ROLE ferry_swap_owner; EXCEPTION WHEN duplicate_object THEN NULL; END $$;"
                    + "ALTER TABLE shelf OWNER TO ferry_swap_owner; GRANT SELECT ON shelf TO ferry_swap_reader;"
                    + "COMMENT ON TABLE shelf IS 'shelves; and; semicolons'; COMMENT ON COLUMN shelf.name IS 'the shelf''s name';"
                    + "INSERT INTO shelf VALUES (1, 'dev shelf'); INSERT INTO item (shelf_id, code, title) VALUES (1, 'dev', 'x');"
                    + "CREATE TABLE review (id int PRIMARY KEY, item_id int REFERENCES item (id) ON DELETE CASCADE);"
                    + "INSERT INTO review VALUES (1, 1)");
        }
        routes = Files.createTempDirectory("ferry-swap");
        assertEquals(0, cli.run("scaffold", "--out", routes.toString(), "--tables", "shelf,item,viewed"), cli.output());
    }

    @AfterEach
    void drop() throws Exception {
        pg.dropDatabase(source);
        pg.dropDatabase(target);
        try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP ROLE IF EXISTS ferry_swap_owner");
            s.execute("DROP ROLE IF EXISTS ferry_swap_reader");
        }
    }

    @Test
    void should_swap_in_a_table_with_everything_it_had_and_insert_into_one_a_view_depends_on() throws Exception {
        String itemShape = query(target, SHAPE.formatted("item"));
        String shelfShape = query(target, SHAPE.formatted("shelf"));
        for (String part : List.of("ferry_swap_owner", "ferry_swap_reader=r/ferry_swap_owner", "shelves; and; semicolons",
                "the shelf's name")) {
            assertTrue(shelfShape.contains(part), part + " in " + shelfShape);
        }
        String viewedOid = query(target, "SELECT 'viewed'::regclass::oid");
        for (String part : List.of("ferry_swap_reader=rw", "fillfactor=80", "items on shelves", "the shop's code", "for search",
                "UNIQUE (code) DEFERRABLE INITIALLY DEFERRED", "upper(title)", "review_item_id_fkey FOREIGN KEY (item_id) "
                + "REFERENCES item(id) ON DELETE CASCADE true", "public.item_id_seq", "\"C\"")) {
            assertTrue(itemShape.contains(part), part + " in " + itemShape);
        }
        for (int run = 1; run <= 2; run++) {
            String itemOid = query(target, "SELECT 'item'::regclass::oid");
            String shelfOid = query(target, "SELECT 'shelf'::regclass::oid");
            assertEquals(0, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());
            for (String table : List.of("shelf", "item", "viewed")) {
                assertEquals(Cli.digest(pg, source, table), Cli.digest(pg, target, table), table + " after run " + run);
            }
            assertNotEquals(itemOid, query(target, "SELECT 'item'::regclass::oid"), "item was swapped in");
            assertNotEquals(shelfOid, query(target, "SELECT 'shelf'::regclass::oid"), "shelf was swapped in");
            assertEquals(viewedOid, query(target, "SELECT 'viewed'::regclass::oid"), "a view depends on viewed: loaded in place");
            assertEquals(itemShape, query(target, SHAPE.formatted("item")), "item as it was, but for its rows");
            assertEquals(shelfShape, query(target, SHAPE.formatted("shelf")));
            assertEquals("100", query(target, "SELECT count(*) FROM viewed_names"));
            assertEquals("0", query(target, "SELECT count(*) FROM pg_class WHERE relnamespace = 'ferry'::regnamespace "
                    + "AND relname LIKE 'stage\\_%'"), "no staging left behind");
            // the application goes on: the owned sequence is past the copied ids, defaults and generation work
            String next = query(target, "SELECT (max(id) + 1) || ' UNTITLED' FROM item");
            assertEquals(next, query(target, "INSERT INTO item (shelf_id, code) VALUES (2, 'new') "
                    + "RETURNING id || ' ' || title_upper"));
            String rows = query(target, "SELECT count(*) - 1 FROM item");
            try (Connection c = pg.connect(target); Statement s = c.createStatement()) {
                s.execute("DELETE FROM item WHERE code = 'new'");
                s.execute("SET ROLE ferry_swap_reader");
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM item")) {
                    rs.next();
                    assertEquals(rows, rs.getString(1), "the role's privileges came along");
                }
                s.execute("RESET ROLE");
            }
            if (run == 2) {
                break;
            }
            try (Connection c = pg.connect(source); Statement s = c.createStatement()) {
                s.execute("DELETE FROM item WHERE id % 7 = 0; UPDATE item SET title = 'Renamed' WHERE id = 1");
                s.execute("INSERT INTO item (id, shelf_id, code, title) VALUES (3001, 2, 'late', 'Late')");
            }
        }
        assertTrue(cli.output().contains("(swapped in)"), cli.output());
        assertEquals("1", query(target, "SELECT count(*) FROM review JOIN item ON item.id = review.item_id"),
                "the row of a table outside the run still points at its item");
    }

    @Test
    void should_set_rows_aside_that_a_constraint_of_the_swapped_table_rejects() throws Exception {
        try (Connection c = pg.connect(target); Statement s = c.createStatement()) {
            s.execute("DELETE FROM review; ALTER TABLE item ADD CONSTRAINT item_cheap CHECK (price < 45)");
        }
        assertEquals(3, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());
        assertEquals("300", query(target, "SELECT count(*) FROM ferry.dead_letter WHERE table_name = 'item' "
                + "AND sql_state = '23514'"), cli.output());
        assertEquals("2700", query(target, "SELECT count(*) FROM item"));
        assertTrue(query(target, SHAPE.formatted("item")).contains("CHECK ((price < (45)::numeric)) item_cheap true"));
    }

    @Test
    void should_load_in_place_when_swapping_is_switched_off() throws Exception {
        String itemOid = query(target, "SELECT 'item'::regclass::oid");
        try (Connection c = pg.connect(target); Statement s = c.createStatement()) {
            s.execute("DELETE FROM review");
        }
        cli.with("ferry.swap-tables", "false");
        assertEquals(0, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());
        assertEquals(Cli.digest(pg, source, "item"), Cli.digest(pg, target, "item"));
        assertEquals(itemOid, query(target, "SELECT 'item'::regclass::oid"));
        assertTrue(!cli.output().contains("(swapped in)"), cli.output());
    }

    @Test
    void should_keep_each_table_and_index_in_its_tablespace_when_swapped_or_bulk_loaded() throws Exception {
        Path dir = Files.createTempDirectory("ferry-tablespace");
        try {
            Files.setOwner(dir, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres"));
        } catch (java.io.IOException | UnsupportedOperationException e) {
            Files.delete(dir);
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "a tablespace directory needs root and a postgres user: " + e);
        }
        String tablespace = "ferry_ts_" + target.substring(target.length() - 8);
        try {
            try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLESPACE " + tablespace + " LOCATION '" + dir + "'");
            }
            try (Connection c = pg.connect(target); Statement s = c.createStatement()) {
                // item and one of its indexes in a tablespace of their own; shelf and the other indexes in the
                // database's, while new tables and indexes go to the other one by default
                s.execute("DELETE FROM review; ALTER TABLE item SET TABLESPACE " + tablespace + "; ALTER INDEX item_title_lower "
                        + "SET TABLESPACE " + tablespace + "; ALTER DATABASE " + target + " SET default_tablespace = " + tablespace);
            }
            try (Connection c = pg.connect(source); Statement s = c.createStatement()) {
                // enough rows that viewed (a view depends on it: loaded in place) is loaded without its indexes
                s.execute("INSERT INTO viewed SELECT g, 'v' || g FROM generate_series(101, 10100) g");
            }
            String where = "SELECT string_agg(c.relname || ' ' || coalesce(t.spcname, 'database default'), ', ' ORDER BY "
                    + "c.relname) FROM pg_class c LEFT JOIN pg_tablespace t ON t.oid = c.reltablespace "
                    + "WHERE c.relname IN ('shelf', 'shelf_pkey', 'item', 'item_pkey', 'item_code_key', 'item_title_lower', "
                    + "'viewed', 'viewed_pkey') "
                    + "AND c.relnamespace = 'public'::regnamespace";
            String before = query(target, where);
            assertEquals("item " + tablespace + ", item_code_key database default, item_pkey database default, "
                    + "item_title_lower " + tablespace + ", shelf database default, shelf_pkey database default, "
                    + "viewed database default, viewed_pkey database default", before);
            String itemOid = query(target, "SELECT 'item'::regclass::oid");
            String shelfOid = query(target, "SELECT 'shelf'::regclass::oid");
            // the swapped tables' indexes built on their staging before the apply (IndexPrebuild), each where it was
            cli.with("ferry.indexesBeforeApplyLargerThan", "0");
            assertEquals(0, cli.run("sync", "--yes", "--tables-dir", routes.toString()), cli.output());
            assertTrue(cli.output().contains("index(es) of swapped-in tables built"), cli.output());
            assertEquals(Cli.digest(pg, source, "item"), Cli.digest(pg, target, "item"));
            assertEquals(Cli.digest(pg, source, "viewed"), Cli.digest(pg, target, "viewed"));
            assertEquals(before, query(target, where), "every table and index where it was");
            assertNotEquals(itemOid, query(target, "SELECT 'item'::regclass::oid"), "item was swapped in");
            assertNotEquals(shelfOid, query(target, "SELECT 'shelf'::regclass::oid"), "shelf was swapped in");
        } finally {
            pg.dropDatabase(target);
            try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("DROP TABLESPACE IF EXISTS " + tablespace);
            }
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private String query(String db, String sql) throws Exception {
        try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
