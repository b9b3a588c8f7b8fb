package dev.ferry.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The swap-in's script pinned without a database: what one round trip per table sends, from the catalogue facts
 * read once for all swapped tables, and the bulk statements of the apply around it.
 */
class SwapSqlTest {

    private static final SwapSql.Names NAMES = new SwapSql.Names("\"app\".\"it's\"", "\"app\"", "\"it's\"",
            "\"ferry\".\"stage_app_it_s_1\"", "\"app\".\"stage_app_it_s_1\"");

    private static final String TS = "SELECT set_config('default_tablespace', '', true)";

    /** Everything a table can carry over: a check, a key and a unique constraint, an index, a sequence, grants. */
    private static final SwapSql.Facts FULL = new SwapSql.Facts(
            List.of("ADD CONSTRAINT \"p>0\" CHECK ((price > 0))", "ADD CONSTRAINT c2 CHECK ((id > 0))"),
            List.of(TS, "SELECT set_config('default_tablespace', 'fast', true)"),
            List.of("ADD CONSTRAINT \"it's_pkey\" PRIMARY KEY (id)", "ADD CONSTRAINT code_key UNIQUE (code)"),
            List.of(TS, "CREATE INDEX lower_title ON app.\"it's\" USING btree (lower(title))"),
            List.of("app.\"it's_id_seq\""), List.of("id"), "\"Owner\"", false, "fillfactor=80",
            List.of("GRANT SELECT ON app.\"it's\" TO reader"), List.of("COMMENT ON TABLE app.\"it's\" IS 'a; b'"),
            true, "SELECT set_config('default_tablespace', 'old', true)", List.of());

    @Test
    void should_pin_a_swap_with_everything_the_old_table_had() {
        assertEquals(String.join(";\n",
                "SAVEPOINT ferry_swap",
                "ALTER SEQUENCE app.\"it's_id_seq\" OWNED BY NONE",
                "DROP TABLE \"app\".\"it's\"",
                "ALTER TABLE \"ferry\".\"stage_app_it_s_1\" SET SCHEMA \"app\"",
                "ALTER TABLE \"app\".\"stage_app_it_s_1\" RENAME TO \"it's\"",
                "ALTER TABLE \"app\".\"it's\" OWNER TO \"Owner\"",
                "ALTER TABLE \"app\".\"it's\" ADD CONSTRAINT \"p>0\" CHECK ((price > 0)), ADD CONSTRAINT c2 CHECK ((id > 0))",
                TS,
                "ALTER TABLE \"app\".\"it's\" ADD CONSTRAINT \"it's_pkey\" PRIMARY KEY (id)",
                "SELECT set_config('default_tablespace', 'fast', true)",
                "ALTER TABLE \"app\".\"it's\" ADD CONSTRAINT code_key UNIQUE (code)",
                "ALTER TABLE \"app\".\"it's\" SET (fillfactor=80)",
                TS,
                "CREATE INDEX lower_title ON app.\"it's\" USING btree (lower(title))",
                "ALTER SEQUENCE app.\"it's_id_seq\" OWNED BY \"app\".\"it's\".id",
                "SELECT set_config('default_tablespace', 'old', true)",
                "GRANT SELECT ON app.\"it's\" TO reader",
                "COMMENT ON TABLE app.\"it's\" IS 'a; b'",
                "SELECT setval('app.\"it''s_id_seq\"'::regclass, 1)",
                "SELECT count(*) FROM ONLY \"app\".\"it's\"",
                "RELEASE SAVEPOINT ferry_swap"),
                script(FULL, List.of(), List.of("SELECT setval('app.\"it''s_id_seq\"'::regclass, 1)")));
    }

    @Test
    void should_pin_a_bare_table_swap() {
        SwapSql.Facts bare = new SwapSql.Facts(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                "postgres", true, null, List.of(), List.of(), true, TS, List.of());
        assertEquals("SAVEPOINT ferry_swap;\nDROP TABLE \"app\".\"it's\";\n"
                + "ALTER TABLE \"ferry\".\"stage_app_it_s_1\" SET SCHEMA \"app\";\n"
                + "ALTER TABLE \"app\".\"stage_app_it_s_1\" RENAME TO \"it's\";\n"
                + "ALTER TABLE \"app\".\"it's\" OWNER TO postgres;\n" + TS + ";\n"
                + "SELECT count(*) FROM ONLY \"app\".\"it's\";\nRELEASE SAVEPOINT ferry_swap", script(bare, List.of(), List.of()));
    }

    /** Copies built beforehand: a stray one dropped first, the key attached, the index renamed after the move. */
    @Test
    void should_attach_and_rename_indexes_built_beforehand_and_drop_stray_ones_first() {
        SwapSql.Facts early = new SwapSql.Facts(List.of(), List.of(TS),
                List.of("ADD CONSTRAINT \"it's_pkey\" PRIMARY KEY USING INDEX stage_app_it_s_1_0a1b2c3d4e5f"),
                List.of(TS, "ALTER INDEX app.stage_app_it_s_1_9f8e7d6c5b4a RENAME TO lower_title"), List.of(), List.of(),
                "postgres", true, null, List.of(), List.of(), true, TS, List.of("DROP INDEX ferry.stage_app_it_s_1_000000000000"));
        assertEquals(String.join(";\n",
                "SAVEPOINT ferry_swap",
                "DROP INDEX ferry.stage_app_it_s_1_000000000000",
                "DROP TABLE \"app\".\"it's\"",
                "ALTER TABLE \"ferry\".\"stage_app_it_s_1\" SET SCHEMA \"app\"",
                "ALTER TABLE \"app\".\"stage_app_it_s_1\" RENAME TO \"it's\"",
                "ALTER TABLE \"app\".\"it's\" OWNER TO postgres",
                TS,
                "ALTER TABLE \"app\".\"it's\" ADD CONSTRAINT \"it's_pkey\" PRIMARY KEY USING INDEX stage_app_it_s_1_0a1b2c3d4e5f",
                TS,
                "ALTER INDEX app.stage_app_it_s_1_9f8e7d6c5b4a RENAME TO lower_title",
                TS,
                "SELECT count(*) FROM ONLY \"app\".\"it's\"",
                "RELEASE SAVEPOINT ferry_swap"), script(early, List.of(), List.of()));
    }

    @Test
    void should_revoke_what_default_privileges_gave_the_staging_and_keep_the_owners_implicit_ones() {
        SwapSql.Facts implicit = new SwapSql.Facts(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                "\"Owner\"", true, "", List.of(), List.of(), false, TS, List.of());
        assertEquals(List.of("REVOKE ALL ON \"app\".\"it's\" FROM PUBLIC", "REVOKE ALL ON \"app\".\"it's\" FROM \"Owner\"",
                "GRANT ALL ON \"app\".\"it's\" TO \"Owner\""),
                SwapSql.privileges(NAMES, implicit, List.of("PUBLIC", "\"Owner\"")));
        assertEquals(List.of("REVOKE ALL ON \"app\".\"it's\" FROM PUBLIC", "GRANT SELECT ON app.\"it's\" TO reader"),
                SwapSql.privileges(NAMES, FULL, List.of("PUBLIC")));
        assertEquals(List.of(), SwapSql.privileges(NAMES, implicit, List.of()));
    }

    @Test
    void should_undo_a_refused_swap_and_close_its_savepoint() {
        assertEquals("ROLLBACK TO SAVEPOINT ferry_swap;\nRELEASE SAVEPOINT ferry_swap", SwapSql.UNDO);
        assertEquals("SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) "
                + "END FROM pg_class t, aclexplode(t.relacl) a WHERE t.oid = CAST(? AS regclass)", SwapSql.GRANTEES);
    }

    @Test
    void should_pin_the_bulk_statements_around_the_swaps() {
        assertEquals("DROP TABLE IF EXISTS \"ferry\".\"stage_a\", \"ferry\".\"keys_a\"",
                ApplySql.dropIfExists(List.of("\"ferry\".\"stage_a\"", "\"ferry\".\"keys_a\"")));
        assertEquals("DELETE FROM ferry.checkpoint WHERE table_name = ANY (?)", ApplySql.DELETE_CHECKPOINTS);
        assertEquals("SET LOCAL maintenance_work_mem = '256MB'", ApplySql.INDEX_BUILDS);
        assertEquals("ALTER TABLE \"app\".\"it's\" DROP CONSTRAINT \"fk;1\"",
                SwapSql.script(List.of(ApplySql.dropConstraint("\"app\".\"it's\"", "fk;1"))));
    }

    private static String script(SwapSql.Facts facts, List<String> added, List<String> then) {
        List<String> all = new java.util.ArrayList<>(SwapSql.swap(NAMES, facts));
        all.addAll(SwapSql.privileges(NAMES, facts, added));
        all.addAll(SwapSql.finish(facts, then, "ONLY \"app\".\"it's\""));
        return SwapSql.script(all);
    }
}
