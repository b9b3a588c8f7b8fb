package dev.ferry.apply;

import dev.ferry.plan.TablePlan;
import dev.ferry.plan.TableSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.ferry.db.Sql;
import dev.ferry.schema.Column;
import dev.ferry.schema.TableInfo;

/**
 * Natural keys (seed 004: users by email, roles by name, permissions by resource, action and scope):
 * in the apply transaction, parents first, each staged row of a naturally keyed table takes the id of
 * the target row with the same natural key, else the id ferry.id_map gave it before (the natural key
 * changed), else a new one (the target's next id, or its own); then every staged column that
 * references such a table (its own self-references included) is rewritten through the map. A
 * reference with no mapping sends its row to the dead letters: it is never written as NULL or
 * pointing at another row. The maps are kept in ferry.id_map for the next run.
 */
public final class IdRemap {

    private IdRemap() {
    }

    /** Remaps every plan's staging, parents first; returns per table the rows set aside. */
    public static Map<String, Long> apply(Connection c, String runId, List<TablePlan> plans,
                                          Map<String, String> stagingIds) throws SQLException {
        Map<String, Long> setAside = new java.util.LinkedHashMap<>();
        for (TablePlan plan : plans) {
            if (plan.remapped().isEmpty()) {
                continue;
            }
            long moved = 0;
            String own = plan.spec().naturalKeyColumns().isEmpty() ? null : plan.spec().keyColumns().get(0);
            // references to tables remapped earlier (parents first): no mapping, no row
            for (Map.Entry<String, String> column : plan.remapped().entrySet()) {
                if (column.getKey().equals(own) || column.getValue().equals(plan.name())) {
                    continue;
                }
                moved += unmapped(c, runId, plan, stagingIds.get(plan.name()), column.getKey(), column.getValue());
            }
            if (own != null) {
                buildMap(c, runId, plan);
                moved += unmapped(c, runId, plan, stagingIds.get(plan.name()), own, plan.name());
                for (Map.Entry<String, String> column : plan.remapped().entrySet()) {
                    if (column.getValue().equals(plan.name()) && !column.getKey().equals(own)) {
                        moved += unmapped(c, runId, plan, stagingIds.get(plan.name()), column.getKey(), plan.name());
                    }
                }
            }
            // each column rewritten once, from its original values (one UPDATE per column)
            try (Statement s = c.createStatement()) {
                for (Map.Entry<String, String> column : plan.remapped().entrySet()) {
                    String col = Sql.ident(column.getKey());
                    s.executeUpdate("UPDATE " + plan.stagingTable() + " x SET " + col + " = CAST(m.target_id AS "
                            + type(plan, column.getKey()) + ") FROM ferry.id_map m WHERE m.table_name = "
                            + Sql.literal(column.getValue()) + " AND m.source_id = x." + col + "::text");
                }
            }
            setAside.put(plan.name(), moved);
        }
        return setAside;
    }

    /** Rows whose {@code column} references a row of {@code parent} that has no mapping go to the dead letters. */
    private static long unmapped(Connection c, String runId, TablePlan plan, String stagingId, String column,
                                 String parent) throws SQLException {
        String col = Sql.ident(column);
        String sql = "WITH moved AS (DELETE FROM " + plan.stagingTable() + " s WHERE s." + col + " IS NOT NULL AND NOT EXISTS "
                + "(SELECT 1 FROM ferry.id_map m WHERE m.table_name = ? AND m.source_id = s." + col + "::text) RETURNING s.*) "
                + "INSERT INTO ferry.dead_letter (run_id, table_name, staging_id, row_key, row_data, sql_state, message) "
                + "SELECT ?, ?, ?, " + plan.keyText(ApplyChecks.MOVED) + ", " + ApplyChecks.rowJson(ApplyChecks.MOVED)
                + ", '23503', ? FROM moved " + ApplyChecks.MOVED;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, parent);
            ps.setString(2, runId);
            ps.setString(3, plan.name());
            ps.setString(4, stagingId);
            ps.setString(5, "column \"" + column + "\" references a row of " + parent + " that has no id mapping "
                    + "(its natural key matched nothing and it was not copied)");
            return ps.executeUpdate();
        }
    }

    /** Maps every staged id of a naturally keyed table to its target id, in ferry.id_map. */
    private static void buildMap(Connection c, String runId, TablePlan plan) throws SQLException {
        String id = Sql.ident(plan.spec().keyColumns().get(0));
        String idType = type(plan, plan.spec().keyColumns().get(0));
        String natural = plan.spec().naturalKeyColumns().stream().map(n -> "t." + Sql.ident(n) + " = s." + Sql.ident(n))
                .collect(Collectors.joining(" AND "));
        String newId;
        if (plan.spec().newIds().equals("target")) {
            TableInfo.SequenceUse seq = plan.target().sequences().stream()
                    .filter(u -> u.column().equals(plan.spec().keyColumns().get(0))).findFirst().orElseThrow();
            newId = "nextval(" + Sql.literal(seq.sequence()) + "::regclass)";
        } else if (plan.spec().mode().replacesWhole()) {
            newId = "s." + id; // the target's rows are all replaced: the id is free
        } else {
            // kept only when no other target row has it (that would be the wrong row); else no mapping: dead letter
            newId = "CASE WHEN NOT EXISTS (SELECT 1 FROM " + plan.targetTable() + " x WHERE x." + id + " = s." + id
                    + ") THEN s." + id + " END";
        }
        String table = Sql.literal(plan.name());
        try (Statement s = c.createStatement()) {
            // natural key match first, then the earlier mapping (if its target row is still there), then a new id
            s.executeUpdate("INSERT INTO ferry.id_map (table_name, source_id, target_id, run_id) SELECT " + table
                    + ", q.sid, q.tid::text, " + Sql.literal(runId) + " FROM (SELECT s." + id + "::text AS sid, coalesce(t."
                    + id + ", old." + id + ", " + newId + ") AS tid FROM " + plan.stagingTable() + " s LEFT JOIN "
                    + plan.targetRows() + " t ON " + natural + " LEFT JOIN ferry.id_map pm ON pm.table_name = " + table
                    + " AND pm.source_id = s." + id + "::text LEFT JOIN " + plan.targetTable() + " old ON old." + id
                    + " = CAST(pm.target_id AS " + idType + ") ORDER BY s." + id + ") q WHERE q.tid IS NOT NULL "
                    + "ON CONFLICT (table_name, source_id) DO UPDATE SET target_id = EXCLUDED.target_id, run_id = EXCLUDED.run_id");
        }
    }

    private static String type(TablePlan plan, String column) {
        return plan.columns().stream().filter(c -> c.name().equals(column)).map(Column::type).findFirst().orElseThrow();
    }
}
