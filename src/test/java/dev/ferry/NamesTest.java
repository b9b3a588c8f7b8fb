package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import dev.ferry.support.Cli;
import dev.ferry.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Staging tables are named apart for every table and the same on every run (no database). */
class NamesTest {

    @Test
    void should_name_staging_apart_for_every_table_and_the_same_on_every_run() {
        String ab = dev.ferry.plan.TablePlan.workTableName("stage_", "public", "a_b");
        assertEquals(ab, dev.ferry.plan.TablePlan.workTableName("stage_", "public", "a_b"));
        assertNotEquals(ab, dev.ferry.plan.TablePlan.workTableName("stage_", "public_a", "b"));
        assertNotEquals(dev.ferry.plan.TablePlan.workTableName("stage_", "public", "Book"),
                dev.ferry.plan.TablePlan.workTableName("stage_", "public", "book"));
        String longA = dev.ferry.plan.TablePlan.workTableName("stage_", "public", "x".repeat(50) + "_first");
        String longB = dev.ferry.plan.TablePlan.workTableName("stage_", "public", "x".repeat(50) + "_second");
        assertNotEquals(longA, longB);
        assertTrue(longA.length() <= 63 && longA.startsWith("stage_public_xxx"), longA);
        String wide = dev.ferry.plan.TablePlan.workTableName("stage_", "public", "ü".repeat(40));
        assertTrue(wide.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 63, wide);
    }
}
