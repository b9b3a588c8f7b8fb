package dev.ferry.stage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

import javax.sql.DataSource;

import dev.ferry.db.SqlResource;
import dev.ferry.plan.TablePlan;
import dev.ferry.state.Run;

/**
 * The source tables of a run small enough to read without counting their rows first: the exact count
 * only feeds progress (lines, JMX, the status page), and on a table of a few pages its round trip costs
 * more than the read. One catalogue query per run (per snapshot) gives the estimate of every such table;
 * a larger table, a partitioned one, or one never analysed is counted as before.
 */
final class SmallTables {

    /** Tables up to this size on disk are not counted (a count of one costs a few milliseconds at most). */
    static final long MAX_BYTES = 8L << 20;

    private final PerRun<Map<String, Long>> estimates = new PerRun<>();

    /**
     * The estimated rows of the plan's source table when it is a small, analysed, ordinary table (the
     * caller reads it whole: no filter, checkpoint or watermark), else null: count it.
     */
    Long estimate(DataSource snapshot, Run run, TablePlan plan) throws SQLException {
        return estimates.get(run, () -> load(snapshot, run)).get(plan.sourceTableName());
    }

    private static Map<String, Long> load(DataSource snapshot, Run run) throws SQLException {
        Map<String, Long> rows = new HashMap<>();
        try (Connection c = snapshot.getConnection();
             PreparedStatement ps = c.prepareStatement(SqlResource.get("sql/stage/small_tables.sql"))) {
            ps.setArray(1, c.createArrayOf("text", run.plans().stream().map(TablePlan::sourceTableName).distinct().toArray()));
            ps.setLong(2, MAX_BYTES);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return Map.copyOf(rows);
    }
}
