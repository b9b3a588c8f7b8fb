package dev.ferry.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.ferry.plan.TablePlan;

/**
 * The tables of one apply, as found in its transaction: by oid (parents first), each one's staging generation
 * (its checkpoint's), and the target's foreign keys from and to them.
 */
record ApplyTables(List<TablePlan> plans, Map<Long, TablePlan> byOid, Map<String, String> stagingIds,
                   List<ApplyChecks.ForeignKey> fks) {

    /** Finds the oids, staging generations and foreign keys of these tables. */
    static ApplyTables find(Connection c, List<TablePlan> plans) throws SQLException {
        Map<Long, TablePlan> byOid = new LinkedHashMap<>();
        Map<String, String> stagingIds = new LinkedHashMap<>();
        for (TablePlan plan : plans) {
            byOid.put(oid(c, plan), plan);
            stagingIds.put(plan.name(), stagingId(c, plan));
        }
        return new ApplyTables(plans, byOid, stagingIds, ApplyChecks.foreignKeys(c, new ArrayList<>(byOid.keySet())));
    }

    /** The table's staging generation. */
    String stagingId(TablePlan plan) {
        return stagingIds.get(plan.name());
    }

    /**
     * Moves the staged rows that a constraint of the target would reject to the dead letters (set-based),
     * counting them in {@code setAside} per table: each table's own offenders, then, until none moves, the
     * children whose parent row was set aside.
     */
    void setAsideOffenders(Connection c, String runId, Map<String, Long> setAside) throws SQLException {
        for (TablePlan plan : plans) {
            setAside.merge(plan.name(), ApplyChecks.moveOwnOffenders(c, plan, runId, stagingId(plan)), Long::sum);
        }
        long moved;
        do { // a parent row set aside orphans its children, in any table of the run
            moved = 0;
            for (ApplyChecks.ForeignKey fk : fks) {
                TablePlan child = byOid.get(fk.childOid());
                if (child == null) {
                    continue; // a table outside the run: the re-added constraint checks it
                }
                long n = ApplyChecks.moveOrphans(c, child, byOid.get(fk.parentOid()), fk, runId, stagingId(child));
                setAside.merge(child.name(), n, Long::sum);
                moved += n;
            }
        } while (moved > 0);
    }

    private static long oid(Connection c, TablePlan plan) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ApplySql.OID)) {
            ps.setString(1, plan.targetTable());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String stagingId(Connection c, TablePlan plan) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ApplySql.STAGING_ID)) {
            ps.setString(1, plan.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
