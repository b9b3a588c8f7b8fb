package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.ferry.support.Cli;
import dev.ferry.support.SqlResource;
import dev.ferry.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The indexes of swapped-in tables are built on their staging before the apply transaction, and the apply
 * attaches them: the synced tables end with the very indexes and constraints they had (names, definitions,
 * tablespaces), two tables of the same name in two schemas keep theirs apart, and whatever cannot be built
 * beforehand (a deferrable constraint, a copy that breaks a unique constraint, an index the target changed
 * meanwhile) is built in the apply as before. An event trigger logs every DDL command with its transaction.
 */
class IndexPrebuildIT {

    private static final String SCHEMA = SqlResource.load("table-swap/schema.sql");
    private static final String DDL_LOG = SqlResource.load("table-swap/ddl-log.sql");
    /** Each index of a table: name, definition, tablespace, options, and its constraint's name and definition. */
    private static final String INDEXES = SqlResource.load("table-swap/indexes.sql");
    private static final List<String> TABLES = List.of("shelf", "item", "a.t", "b.t");
    /** The copies built on staging (indexes of Ferry's staging tables, in schema ferry). */
    private static final String COPIES = "FROM public.ddl_log WHERE tag = 'CREATE INDEX' AND identity LIKE 'ferry.stage\\_%'";
    /** The apply's transaction: the one that moved item's staging into place. */
    private static final String APPLY = "(SELECT max(xid::text::bigint) FROM public.ddl_log WHERE identity = 'public.item' "
            + "AND tag = 'ALTER TABLE')";

    private final TestPostgres pg = TestPostgres.get();
    private String source;
    private String target;
    private Cli cli;
    private Path routes;

    @BeforeEach
    void databases() throws Exception {
        source = pg.createDatabase("prebuild_src");
        target = pg.createDatabase("prebuild_dst");
        // the tables here are small: every staging's indexes are built before the apply
        cli = new Cli(pg, source, target).with("ferry.indexesBeforeApplyLargerThan", "0");
        // a.t and b.t: the same table and index names in two schemas
        String twins = "CREATE SCHEMA a; CREATE SCHEMA b; CREATE TABLE a.t (id int PRIMARY KEY, v text UNIQUE);"
                + "CREATE TABLE b.t (id int PRIMARY KEY, v text UNIQUE, w int); CREATE INDEX t_w ON b.t (w) WITH (fillfactor = 70)";
        for (String db : List.of(source, target)) {
            pg.exec(db, SCHEMA + ";" + twins);
        }
        pg.exec(source, "INSERT INTO shelf SELECT g, 'shelf ' || g FROM generate_series(1, 5) g;"
                + "INSERT INTO item (shelf_id, code, title, price) SELECT 1 + g % 5, 'c' || g, 'Item ' || g, g % 50 "
                + "FROM generate_series(1, 3000) g;"
                + "INSERT INTO a.t SELECT g, 'a' || g FROM generate_series(1, 200) g;"
                + "INSERT INTO b.t SELECT g, 'b' || g, g % 7 FROM generate_series(1, 300) g");
        pg.exec(target, DDL_LOG);
        routes = Files.createTempDirectory("ferry-prebuild");
        assertEquals(0, cli.run("scaffold", "--out", routes.toString(), "--tables", "shelf,item"), cli.output());
        route("a_t", "a.t");
        route("b_t", "b.t");
    }

    @AfterEach
    void drop() throws Exception {
        pg.dropDatabase(source);
        pg.dropDatabase(target);
    }

    @Test
    void should_build_indexes_on_staging_before_the_apply_and_attach_them_as_they_were() throws Exception {
        Map<String, String> before = indexes();
        assertEquals(0, sync(), cli.output());
        assertSynced(before);
        // item: its key and its index (not its deferrable unique constraint); shelf: its key; a.t, b.t: key and unique
        // constraint each, and b.t's index
        assertEquals("8 8", pg.one(target, "SELECT count(*) || ' ' || count(DISTINCT identity) " + COPIES), log());
        assertEquals("0", pg.one(target, "SELECT count(*) " + COPIES + " AND xid::text::bigint >= " + APPLY), log());
        assertEquals("ALTER INDEX public.item_title_lower", pg.one(target, "SELECT string_agg(tag || ' ' || identity, ', ') "
                + "FROM public.ddl_log WHERE tag IN ('CREATE INDEX', 'ALTER INDEX') AND identity LIKE 'public.%' "
                + "AND xid::text::bigint = " + APPLY), "the apply renamed item's index and built none: " + log());
        assertTrue(cli.output().contains("8 index(es) of swapped-in tables built"), cli.output());
    }

    @Test
    void should_build_in_the_apply_as_before_when_a_copy_breaks_a_unique_constraint() throws Exception {
        pg.exec(target, "ALTER TABLE item ADD CONSTRAINT item_title_key UNIQUE (title)");
        pg.exec(source, "UPDATE item SET title = 'Item 2' WHERE id = 3");
        Map<String, String> before = indexes();
        assertEquals(3, sync(), cli.output());
        assertEquals(before, indexes());
        assertEquals("1", pg.one(target, "SELECT count(*) FROM ferry.dead_letter WHERE table_name = 'item' "
                + "AND sql_state = '23505'"), cli.output());
        assertEquals("2999", pg.one(target, "SELECT count(*) FROM item"));
        assertEquals("0", pg.one(target, "SELECT count(*) FROM pg_class WHERE relkind = 'i' AND relname LIKE 'stage\\_%'"));
        // item's copies went when one failed, and the apply built its indexes as before; the other tables' were attached
        assertEquals("CREATE INDEX public.item_title_lower", pg.one(target, "SELECT string_agg(tag || ' ' || identity, ', ') "
                + "FROM public.ddl_log WHERE tag IN ('CREATE INDEX', 'ALTER INDEX') AND identity LIKE 'public.%' "
                + "AND xid::text::bigint = " + APPLY), log());
        assertEquals(Cli.digest(pg, source, "a.t"), Cli.digest(pg, target, "a.t"));
    }

    @Test
    void should_build_an_index_the_target_changed_after_its_copy_was_built_as_the_target_has_it() throws Exception {
        // as soon as a copy is built, development changes item's index: the apply must notice, and build the new one
        pg.exec(target, """
                CREATE FUNCTION public.change_index() RETURNS event_trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands() WHERE object_identity LIKE 'ferry.stage\\_%')
                       AND NOT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'item_title_lower'
                                       AND indexdef LIKE '%lower((code)%') THEN
                        DROP INDEX public.item_title_lower;
                        CREATE INDEX item_title_lower ON public.item (lower(code));
                    END IF;
                END $$;
                CREATE EVENT TRIGGER ferry_test_change_index ON ddl_command_end WHEN TAG IN ('CREATE INDEX')
                    EXECUTE FUNCTION public.change_index()""");
        assertEquals(0, sync(), cli.output());
        assertEquals("CREATE INDEX item_title_lower ON public.item USING btree (lower((code)::text))",
                pg.one(target, "SELECT pg_get_indexdef('public.item_title_lower'::regclass)"));
        assertEquals("0", pg.one(target, "SELECT count(*) FROM pg_class WHERE relkind = 'i' AND relname LIKE 'stage\\_%'"));
        assertEquals(Cli.digest(pg, source, "item"), Cli.digest(pg, target, "item"));
        assertTrue(pg.one(target, SqlResource.load("table-swap/indexes.sql").formatted("item"))
                .contains("item_pkey CREATE UNIQUE INDEX item_pkey ON public.item USING btree (id) database default"));
    }

    @Test
    void should_apply_a_staging_left_with_copies_by_a_failed_apply_after_more_rows_are_staged() throws Exception {
        Map<String, String> before = indexes();
        // the first apply fails after the copies are built: they stay on the staging, with its checkpoint
        pg.exec(target, """
                CREATE TABLE public.fail_apply (x int); INSERT INTO public.fail_apply VALUES (1);
                CREATE FUNCTION public.fail_apply() RETURNS event_trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM public.fail_apply) AND EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands()
                                                                           WHERE object_identity = 'public.item') THEN
                        RAISE EXCEPTION 'the apply fails this time';
                    END IF;
                END $$;
                CREATE EVENT TRIGGER ferry_test_fail_apply ON ddl_command_end WHEN TAG IN ('ALTER TABLE')
                    EXECUTE FUNCTION public.fail_apply()""");
        assertNotEquals(0, sync(), cli.output());
        assertEquals("2", pg.one(target, "SELECT count(*) FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
                + "WHERE t.relnamespace = 'ferry'::regnamespace AND t.relname LIKE 'stage\\_public\\_item\\_%'"), cli.output());
        pg.exec(target, "DELETE FROM public.fail_apply");
        pg.exec(source, "INSERT INTO item (id, shelf_id, code, title) SELECT g, 1, 'late' || g, 'Late' FROM generate_series(3001, 3500) g;"
                + "SELECT setval('item_id_seq', 3500)");
        assertEquals(0, sync(), cli.output());
        assertTrue(cli.output().contains("resumed"), cli.output());
        assertSynced(before);
    }

    private int sync() {
        return cli.run("sync", "--yes", "--tables-dir", routes.toString());
    }

    private void assertSynced(Map<String, String> before) throws Exception {
        for (String table : TABLES) {
            assertEquals(Cli.digest(pg, source, table), Cli.digest(pg, target, table), table);
        }
        assertEquals(before, indexes(), "every index and constraint as it was");
        assertEquals("0", pg.one(target, "SELECT count(*) FROM pg_class WHERE relkind = 'i' AND relname LIKE 'stage\\_%'"),
                "no copy left behind");
        assertEquals(TABLES.size(), cli.output().split("\\(swapped in\\)", -1).length - 1, cli.output());
    }

    private Map<String, String> indexes() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String table : TABLES) {
            out.put(table, pg.one(target, INDEXES.formatted(table)));
        }
        return out;
    }

    private String log() throws Exception {
        return pg.one(target, "SELECT string_agg(xid || ' ' || tag || ' ' || identity, E'\\n' ORDER BY id) FROM public.ddl_log");
    }

    private void route(String file, String table) throws Exception {
        Files.writeString(routes.resolve(file + ".yaml"), "- templatedRoute:\n    routeTemplateRef: table-sync\n    routeId: sync-"
                + file + "\n    parameters:\n      - name: table\n        value: '" + table + "'\n");
    }
}
