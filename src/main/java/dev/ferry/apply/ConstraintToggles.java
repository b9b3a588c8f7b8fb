package dev.ferry.apply;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.ferry.db.Jdbc;
import dev.ferry.db.Sql;
import dev.ferry.db.SqlResource;
import dev.ferry.plan.TablePlan;

/**
 * What is switched off while the apply loads its tables, and back on after: the foreign keys it drops (added
 * back, each validated in one pass over its table), and the user triggers and rewrite rules of the applied
 * tables (disabled, so no trigger alters the copied values and no rule reroutes an insert). Transactional DDL:
 * a rollback restores them all.
 */
final class ConstraintToggles {

    private static final String TOGGLES = SqlResource.get("sql/apply/toggles.sql");

    private final List<ApplyChecks.ForeignKey> dropped;
    private final List<String> enable = new ArrayList<>();

    private ConstraintToggles(List<ApplyChecks.ForeignKey> dropped) {
        this.dropped = dropped;
    }

    /**
     * Drops these foreign keys, and disables the user triggers and rules of these tables: one query finds the
     * triggers and rules of them all, one round trip switches everything off.
     */
    static ConstraintToggles off(Connection c, Statement s, List<TablePlan> plans, List<ApplyChecks.ForeignKey> dropped)
            throws SQLException {
        ConstraintToggles toggles = new ConstraintToggles(dropped);
        List<String> off = new ArrayList<>();
        for (ApplyChecks.ForeignKey fk : dropped) {
            off.add(ApplySql.dropConstraint(fk.child(), fk.name()));
        }
        record Found(boolean triggers, List<String> rules) {
        }
        List<Found> found = plans.isEmpty() ? List.of() : Jdbc.list(c, TOGGLES, rs -> new Found(rs.getBoolean(1),
                List.of((String[]) rs.getArray(2).getArray())),
                c.createArrayOf("text", plans.stream().map(TablePlan::targetTable).toArray()));
        for (int i = 0; i < plans.size(); i++) {
            TablePlan plan = plans.get(i);
            if (found.get(i).triggers()) {
                toggles.enable.add(ApplySql.userTriggers(plan, true));
                off.add(ApplySql.userTriggers(plan, false));
            }
            // rewrite rules (an INSTEAD rule routing an inheritance parent's inserts to its children)
            for (String rule : found.get(i).rules()) {
                toggles.enable.add(ApplySql.rule(plan, rule, true));
                off.add(ApplySql.rule(plan, rule, false));
            }
        }
        if (!off.isEmpty()) {
            s.execute(SwapSql.script(off));
        }
        return toggles;
    }

    /**
     * Adds the foreign keys back (each validated, as ADD CONSTRAINT does) and enables the triggers and rules, in
     * one round trip. A row that breaks a foreign key is thrown as it is, unless {@code last}: then the key, from
     * a table outside the run, is reported as such.
     */
    void on(Statement s, boolean last) throws SQLException, RunApply.ForeignKeyBrokenException {
        List<String> on = new ArrayList<>();
        for (ApplyChecks.ForeignKey fk : dropped) {
            on.add(ApplySql.addConstraint(fk.child(), fk.name(), fk.definition()));
        }
        on.addAll(enable);
        if (on.isEmpty()) {
            return;
        }
        try {
            s.execute(SwapSql.script(on));
        } catch (SQLException e) {
            ApplyChecks.ForeignKey fk = last && "23503".equals(e.getSQLState()) ? broken(e) : null;
            if (fk == null) {
                throw e;
            }
            throw new RunApply.ForeignKeyBrokenException("foreign key " + fk.name() + " of " + fk.child()
                    + " would break: " + fk.child() + " holds rows that reference rows of " + fk.parent()
                    + " this run does not copy. Add " + fk.child() + " to the run (a route file in the "
                    + "tables folder), or remove those rows from the target; nothing was applied");
        }
    }

    /** The dropped foreign key PostgreSQL names in this error (its constraint, on its table), or null. */
    private ApplyChecks.ForeignKey broken(SQLException e) {
        if (!(e instanceof org.postgresql.util.PSQLException p) || p.getServerErrorMessage() == null) {
            return null;
        }
        String constraint = p.getServerErrorMessage().getConstraint();
        String table = p.getServerErrorMessage().getTable();
        List<ApplyChecks.ForeignKey> named = dropped.stream().filter(fk -> fk.name().equals(constraint)).toList();
        if (named.size() <= 1 || table == null) {
            return named.isEmpty() ? null : named.get(0);
        }
        // the same name on several tables: the one on the table named (regclass text quotes only when it must)
        return named.stream().filter(fk -> List.of(table, Sql.ident(table)).stream()
                .anyMatch(t -> fk.child().equals(t) || fk.child().endsWith("." + t))).findFirst().orElse(named.get(0));
    }
}
