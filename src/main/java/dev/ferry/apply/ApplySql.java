package dev.ferry.apply;

import java.util.ArrayList;
import java.util.List;

import dev.ferry.db.Sql;
import dev.ferry.plan.TablePlan;
import dev.ferry.schema.Column;
import dev.ferry.schema.TableInfo;

/**
 * The apply's SQL but the merge's ({@link MergeSql}): the full load from staging, sequences, the catalogue
 * queries that find what to switch off for the load (foreign keys, triggers, rules, indexes) and the
 * statements that switch it back on, and the checkpoint rows the apply reads and removes. Pure functions;
 * {@code ?} parameters are bound by the caller.
 */
final class ApplySql {

    /** How many of the tables ({@code ?}: a text array) still have their checkpoint. */
    static final String CHECKPOINTS_LEFT = "SELECT count(*) FROM ferry.checkpoint WHERE table_name = ANY (?)";

    /** Removes the checkpoints of the tables {@code ?} (a text array). */
    static final String DELETE_CHECKPOINTS = "DELETE FROM ferry.checkpoint WHERE table_name = ANY (?)";

    /** The keys of the rows of table {@code ?} and staging generation {@code ?} set aside as dead letters. */
    static final String DEAD_LETTER_KEYS =
            "SELECT row_key FROM ferry.dead_letter WHERE table_name = ? AND staging_id = ? AND row_key IS NOT NULL";

    /**
     * The indexes of the ordinary table {@code ?} (no partitions, no inheritance), those of primary key, unique
     * and exclusion constraints first: the constraint's name and definition (null for an index of no
     * constraint), the index's definition, its qualified name, and the statement that sets default_tablespace
     * to its tablespace.
     */
    static final String INDEXES = "SELECT k.conname, pg_get_constraintdef(k.oid), "
            + "pg_get_indexdef(i.indexrelid), quote_ident(n.nspname) || '.' || quote_ident(ic.relname), "
            + "format('SELECT set_config(''default_tablespace'', %L, true)', coalesce((SELECT s.spcname FROM "
            + "pg_tablespace s WHERE s.oid = ic.reltablespace), '')) "
            + "FROM pg_class t JOIN pg_index i ON i.indrelid = t.oid JOIN pg_class ic ON ic.oid = i.indexrelid "
            + "JOIN pg_namespace n ON n.oid = ic.relnamespace LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid "
            + "AND k.conrelid = t.oid AND k.contype IN ('p', 'u', 'x') WHERE t.oid = ?::regclass AND t.relkind = 'r' "
            + "AND NOT t.relispartition AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhparent = t.oid "
            + "OR h.inhrelid = t.oid) AND NOT i.indisreplident AND NOT i.indisclustered ORDER BY k.contype NULLS LAST";

    /** The statement that sets default_tablespace back to what it is now (one row). */
    static final String RESTORE_DEFAULT_TABLESPACE = "SELECT format('SELECT set_config(''default_tablespace'', %L, "
            + "true)', current_setting('default_tablespace'))";

    /**
     * Memory for the index builds (swapped-in tables, bulk loads), for the transaction. Their parallel workers
     * are the server's max_parallel_maintenance_workers (default 2), not raised: 4 on the 2-core machine made the
     * apply of 1M books about 10% slower (3.9 s against 3.5 s, medians of 3 alternated).
     */
    static final String INDEX_BUILDS = "SET LOCAL maintenance_work_mem = '256MB'";

    /**
     * No JIT for the merge: lookups and updates row by row through indexes, where compiling them (chosen from
     * estimates the stored-hash join inflates) costs more than it saves (4M books, 40,000 changed: the
     * classification 2.5 s with it, 0.6 s without).
     */
    static final String JIT_OFF = "SET LOCAL jit = off";

    /** The session's JIT setting back. */
    static final String JIT_RESET = "RESET jit";

    private ApplySql() {
    }

    /** Whether the target table holds no row of its own (one boolean row). */
    static String isEmpty(TablePlan plan) {
        return "SELECT NOT EXISTS (SELECT 1 FROM " + plan.targetRows() + ")";
    }

    /** Empties these tables at once. */
    static String truncate(List<TablePlan> plans) {
        return "TRUNCATE " + String.join(", ", plans.stream().map(TablePlan::targetRows).toList());
    }

    /** {@code INSERT INTO} the target table's written columns, overriding identity columns that are ALWAYS. */
    static String insertInto(TablePlan plan) {
        boolean identity = plan.columns().stream().anyMatch(Column::identityAlways);
        return "INSERT INTO " + plan.targetTable() + " (" + plan.columnNames() + ")"
                + (identity ? " OVERRIDING SYSTEM VALUE" : "");
    }

    /** Copies staging into the real table inside the apply transaction. */
    static String insertFromStaging(TablePlan plan) {
        return insertInto(plan) + " SELECT " + plan.columnNames() + " FROM " + plan.stagingTable();
    }

    /** Moves every sequence the target's columns draw from past the largest copied value (never back). */
    static List<String> sequences(TablePlan plan) {
        List<String> out = new ArrayList<>();
        for (TableInfo.SequenceUse use : plan.target().sequences()) {
            if (plan.columns().stream().anyMatch(c -> c.name().equals(use.column()))) {
                out.add(TablePlan.advanceSequenceSql(use, plan.targetTable()));
            }
        }
        return out;
    }

    /** Drops the constraint {@code name} of {@code table}. */
    static String dropConstraint(String table, String name) {
        return "ALTER TABLE " + table + " DROP CONSTRAINT " + Sql.ident(name);
    }

    /** Adds the constraint {@code name} to {@code table} as {@code definition} (pg_get_constraintdef's). */
    static String addConstraint(String table, String name, String definition) {
        return "ALTER TABLE " + table + " ADD CONSTRAINT " + Sql.ident(name) + " " + definition;
    }

    /** Enables or disables the table's own triggers (not those of constraints). */
    static String userTriggers(TablePlan plan, boolean enable) {
        return "ALTER TABLE " + plan.targetTable() + (enable ? " ENABLE" : " DISABLE") + " TRIGGER USER";
    }

    /** Enables or disables one rewrite rule of the table. */
    static String rule(TablePlan plan, String rule, boolean enable) {
        return "ALTER TABLE " + plan.targetTable() + (enable ? " ENABLE" : " DISABLE") + " RULE " + Sql.ident(rule);
    }

    /** Drops what the apply leaves behind of tables: staging, or the source's key sets. */
    static String dropIfExists(List<String> tables) {
        return "DROP TABLE IF EXISTS " + String.join(", ", tables);
    }
}
