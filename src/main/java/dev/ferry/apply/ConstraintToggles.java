package dev.ferry.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.ferry.plan.TablePlan;

/**
 * What is switched off while the apply loads its tables, and back on after: the foreign keys it drops (added
 * back, each validated in one pass over its table), and the user triggers and rewrite rules of the applied
 * tables (disabled, so no trigger alters the copied values and no rule reroutes an insert). Transactional DDL:
 * a rollback restores them all.
 */
final class ConstraintToggles {

    private final List<ApplyChecks.ForeignKey> dropped;
    private final List<String> enable = new ArrayList<>();

    private ConstraintToggles(List<ApplyChecks.ForeignKey> dropped) {
        this.dropped = dropped;
    }

    /** Drops these foreign keys, and disables the user triggers and rules of these tables. */
    static ConstraintToggles off(Connection c, Statement s, List<TablePlan> plans, List<ApplyChecks.ForeignKey> dropped)
            throws SQLException {
        ConstraintToggles toggles = new ConstraintToggles(dropped);
        for (ApplyChecks.ForeignKey fk : dropped) {
            s.execute(ApplySql.dropConstraint(fk.child(), fk.name()));
        }
        for (TablePlan plan : plans) {
            if (hasUserTriggers(c, plan)) {
                toggles.enable.add(ApplySql.userTriggers(plan, true));
                s.execute(ApplySql.userTriggers(plan, false));
            }
            // rewrite rules (an INSTEAD rule routing an inheritance parent's inserts to its children)
            for (String rule : rules(c, plan)) {
                toggles.enable.add(ApplySql.rule(plan, rule, true));
                s.execute(ApplySql.rule(plan, rule, false));
            }
        }
        return toggles;
    }

    /**
     * Adds the foreign keys back and enables the triggers and rules. A row that breaks a foreign key is thrown as
     * it is, unless {@code last}: then the key, from a table outside the run, is reported as such.
     */
    void on(Statement s, boolean last) throws SQLException, RunApply.ForeignKeyBrokenException {
        for (ApplyChecks.ForeignKey fk : dropped) {
            try {
                s.execute(ApplySql.addConstraint(fk.child(), fk.name(), fk.definition()));
            } catch (SQLException e) {
                if (!last || !"23503".equals(e.getSQLState())) {
                    throw e;
                }
                throw new RunApply.ForeignKeyBrokenException("foreign key " + fk.name() + " of " + fk.child()
                        + " would break: " + fk.child() + " holds rows that reference rows of " + fk.parent()
                        + " this run does not copy. Add " + fk.child() + " to the run (a route file in the "
                        + "tables folder), or remove those rows from the target; nothing was applied");
            }
        }
        for (String sql : enable) {
            s.execute(sql);
        }
    }

    /** Whether the table, or one of its partitions, has triggers of its own (not those of constraints). */
    private static boolean hasUserTriggers(Connection c, TablePlan plan) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ApplySql.HAS_USER_TRIGGERS)) {
            ps.setString(1, plan.targetTable());
            ps.setString(2, plan.targetTable());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The table's rewrite rules that are enabled. */
    private static List<String> rules(Connection c, TablePlan plan) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(ApplySql.RULES)) {
            ps.setString(1, plan.targetTable());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
