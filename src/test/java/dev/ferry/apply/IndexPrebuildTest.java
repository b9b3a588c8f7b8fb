package dev.ferry.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import dev.ferry.db.SqlResource;
import org.junit.jupiter.api.Test;

/** The statements that build a swapped-in table's indexes before the apply, pinned without a database. */
class IndexPrebuildTest {

    @Test
    void should_build_one_index_with_the_applys_memory_in_its_tablespace() {
        IndexPrebuild.Step step = new IndexPrebuild.Step(1, "build", 8192, "SELECT set_config('default_tablespace', 'fast', true)",
                "CREATE UNIQUE INDEX stage_app_it_s_1_0a1b2c3d4e5f ON ferry.stage_app_it_s_1 USING btree (id)",
                "stage_app_it_s_1_0a1b2c3d4e5f");
        assertEquals("SET LOCAL maintenance_work_mem = '256MB';\n"
                + "SELECT set_config('default_tablespace', 'fast', true);\n"
                + "CREATE UNIQUE INDEX stage_app_it_s_1_0a1b2c3d4e5f ON ferry.stage_app_it_s_1 USING btree (id)",
                IndexPrebuild.script(step));
    }

    @Test
    void should_drop_a_failed_tables_copies_by_name_in_schema_ferry() {
        assertEquals("SELECT format('DROP INDEX %I.%I', n.nspname, c.relname) FROM pg_index i "
                + "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE i.indrelid = to_regclass(?)", IndexPrebuild.DROP_ALL);
        assertEquals("DROP INDEX IF EXISTS \"ferry\".\"stage_a_1\", \"ferry\".\"it's\"",
                IndexPrebuild.dropIfExists(List.of("stage_a_1", "it's")));
    }

    @Test
    void should_name_copies_after_the_staging_and_build_only_what_using_index_takes() {
        String head = SqlResource.get("sql/apply/prebuilt.sql");
        assertTrue(head.contains("left(r.sname, 40) || '_' || left(md5(r.sname || '/' || x.relname), 12) AS name"), head);
        assertTrue(head.contains("(k.contype IS NULL OR (k.contype IN ('p', 'u') AND NOT k.condeferrable)) AS early"), head);
    }
}
