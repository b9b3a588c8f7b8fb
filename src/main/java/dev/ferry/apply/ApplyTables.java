package dev.ferry.apply;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.ferry.db.Jdbc;
import dev.ferry.db.SqlResource;
import dev.ferry.ledger.DeadLetterStore;
import dev.ferry.plan.TablePlan;

/**
 * The tables of one apply, as found in its transaction: by oid (parents first), each one's staging generation
 * (its checkpoint's), the target's foreign keys from and to them, and those that have dead letters (stored
 * before the apply, of any staging generation, or set aside by it): the dead-letter queries of the apply
 * run for those only.
 */
record ApplyTables(List<TablePlan> plans, Map<Long, TablePlan> byOid, Map<String, String> stagingIds,
                   List<ApplyChecks.ForeignKey> fks, Set<String> deadLettered) {

    private static final String TABLES = SqlResource.get("sql/apply/tables.sql");

    /** Finds the oids, staging generations, foreign keys and dead letters of these tables: three queries. */
    static ApplyTables find(Connection c, List<TablePlan> plans) throws SQLException {
        Map<Long, TablePlan> byOid = new LinkedHashMap<>();
        Map<String, String> stagingIds = new LinkedHashMap<>();
        record Found(long oid, String stagingId) {
        }
        List<Found> found = Jdbc.list(c, TABLES, rs -> new Found(rs.getLong(1), rs.getString(2)),
                c.createArrayOf("text", plans.stream().map(TablePlan::targetTable).toArray()),
                c.createArrayOf("text", plans.stream().map(TablePlan::name).toArray()));
        for (int i = 0; i < plans.size(); i++) {
            byOid.put(found.get(i).oid(), plans.get(i));
            stagingIds.put(plans.get(i).name(), found.get(i).stagingId());
        }
        Set<String> deadLettered = new HashSet<>(DeadLetterStore.tablesWithDeadLetters(c,
                plans.stream().map(TablePlan::name).toList()));
        return new ApplyTables(plans, byOid, stagingIds, ApplyChecks.foreignKeys(c, new ArrayList<>(byOid.keySet())),
                deadLettered);
    }

    /** The table's staging generation. */
    String stagingId(TablePlan plan) {
        return stagingIds.get(plan.name());
    }

    /** Whether the table may have dead letters: stored before the apply, or set aside by it. */
    boolean hasDeadLetters(TablePlan plan) {
        return deadLettered.contains(plan.name());
    }

    /** Notes the tables the apply has set rows of aside ({@code setAside}: how many, per table). */
    void noteSetAside(Map<String, Long> setAside) {
        setAside.forEach((name, n) -> {
            if (n > 0) {
                deadLettered.add(name);
            }
        });
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
        noteSetAside(setAside);
    }
}
