package dev.ferry.twoway;

import dev.ferry.db.SqlErrors;
import dev.ferry.ledger.RunLedger;
import dev.ferry.plan.PlanException;
import dev.ferry.plan.TablePlan;
import dev.ferry.schema.SchemaIntrospector;
import dev.ferry.state.Run;
import dev.ferry.state.TableResult;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A two-way run: read both sides and the recorded state, decide every table ({@link Reconcile}), write
 * the first database in one transaction, then the second with the new state in one transaction. A run
 * killed between the two commits leaves the first side's writes as changes the second side does not have
 * yet; the next run sees them against the unchanged state, finds that what the first side holds now is
 * what it decided before, and finishes the second side: nothing lost, nothing doubled.
 */
public final class TwoWaySync {

    private final DataSource readA;
    private final DataSource writeA;
    private final DataSource b;
    private final PrintStream err;
    private final int attempts;

    /** A run reading the first database through {@code readA}, writing it through {@code writeA}; {@code b} the second. */
    public TwoWaySync(DataSource readA, DataSource writeA, DataSource b, PrintStream err, int attempts) {
        this.readA = readA;
        this.writeA = writeA;
        this.b = b;
        this.err = err;
        this.attempts = Math.max(1, attempts);
    }

    /** The changes per side and the conflicts a run would make now; nothing is written. */
    public String dryRun(List<TablePlan> plans) throws SQLException, PlanException {
        StringBuilder out = new StringBuilder("Two-way dry run: nothing was written. A is the first database, B the second.");
        for (TableChanges ch : decide(tables(plans))) {
            out.append(System.lineSeparator()).append("  ").append(ch.table.name).append(" (two-way, ")
                    .append(ch.a.size()).append(" rows in A, ").append(ch.b.size()).append(" in B): ").append(ch.effect(false));
        }
        return out.toString();
    }

    /** Runs the two-way tables of {@code run} (the caller holds the run lock) and records it in the ledger. */
    public Run run(Run run) throws SQLException, PlanException {
        RunLedger ledger = new RunLedger(b);
        ledger.ensureSchema();
        ledger.interruptAbandoned();
        try (Connection c = b.getConnection()) {
            SideState.ensure(c);
        }
        ledger.begin(run);
        List<TwoWayTable> tables = tables(run.plans());
        for (TableResult r : run.results()) {
            r.mode("twoWay");
            r.start(0, 0);
        }
        String error = null;
        for (int attempt = 1; ; attempt++) {
            try {
                once(run, tables);
                break;
            } catch (SQLException e) {
                if (attempt < attempts && SqlErrors.isTransient(e) && !run.stopRequested()) {
                    err.println("two-way: " + SqlErrors.message(e) + ": reading both sides again (attempt "
                            + (attempt + 1) + " of " + attempts + ")");
                    pause(attempt);
                    continue;
                }
                error = SqlErrors.message(e);
                break;
            }
        }
        for (TableResult r : run.results()) {
            if (r.status() != TableResult.Status.SUCCESS) {
                r.finish(run.stopRequested() ? TableResult.Status.SKIPPED : TableResult.Status.FAILED, error);
            }
            ledger.table(run, r);
        }
        run.finish(error == null ? Run.Status.SUCCESS : run.stopRequested() ? Run.Status.INTERRUPTED : Run.Status.FAILED,
                error);
        ledger.finish(run);
        return run;
    }

    private void once(Run run, List<TwoWayTable> tables) throws SQLException {
        long t0 = System.nanoTime();
        List<TableChanges> changes = decide(tables);
        long t1 = System.nanoTime();
        IdMaps maps = mapsOf(changes);
        changes.forEach(ch -> run.result(ch.table.name).applying()); // each write is read back and compared as it goes
        boolean intoA = changes.stream().anyMatch(ch -> ch.writes.stream().anyMatch(w -> w.to() == Side.A));
        if (intoA) {
            try (Connection c = writeA.getConnection()) {
                c.setAutoCommit(false);
                try {
                    TwoWayApply.apply(c, Side.A, changes, maps, run.id());
                    commit(c, run);
                } catch (SQLException | RuntimeException e) {
                    rollback(c);
                    throw e;
                }
            }
        }
        long t2 = System.nanoTime();
        try (Connection c = b.getConnection()) {
            c.setAutoCommit(false);
            try {
                TwoWayApply.apply(c, Side.B, changes, maps, run.id());
                for (TableChanges ch : changes) {
                    SideState.save(c, ch.table.name, ch.before, ch.after, run.id());
                }
                commit(c, run);
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                throw e;
            }
        }
        long t3 = System.nanoTime();
        err.printf("two-way: both sides read and decided in %.1f s, A written in %.1f s, B and the state in %.1f s%n",
                (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
        for (TableChanges ch : changes) {
            TableResult r = run.result(ch.table.name);
            r.batchStaged((int) Math.min(Integer.MAX_VALUE, ch.a.size() + (long) ch.b.size()), 0);
            r.effect(ch.effect(true));
            r.applied(ch.written(), 0);
            err.println(ch.table.name + ": " + ch.effect(true));
        }
    }

    /** The id maps as the decisions left them (the apply adds the ids of rows it inserts). */
    private static IdMaps mapsOf(List<TableChanges> changes) {
        IdMaps maps = new IdMaps();
        for (TableChanges ch : changes) {
            if (ch.table.ownIds) {
                for (Pair p : ch.after) {
                    maps.put(ch.table.name, p.aKey, p.bKey);
                }
            }
        }
        return maps;
    }

    private static void commit(Connection c, Run run) throws SQLException {
        if (run.stopRequested()) {
            throw new SQLException("stopped before the commit: nothing of this side was written");
        }
        c.commit();
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is gone: the server rolls back
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(500L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<TwoWayTable> tables(List<TablePlan> plans) throws SQLException, PlanException {
        SchemaIntrospector first = new SchemaIntrospector(readA);
        List<TwoWayTable> out = new ArrayList<>();
        for (TablePlan plan : plans) {
            out.add(TwoWayTable.of(plan, first.table(plan.spec().table())));
        }
        return out;
    }

    /** Reads both sides (each in one snapshot) and the state, and decides every table, parents first. */
    private List<TableChanges> decide(List<TwoWayTable> tables) throws SQLException {
        List<TableChanges> out = new ArrayList<>();
        IdMaps maps = new IdMaps();
        try (Connection ca = readA.getConnection(); Connection cb = b.getConnection()) {
            for (Connection c : List.of(ca, cb)) {
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            }
            try {
                SideState.settings(ca);
                SideState.settings(cb);
                for (TwoWayTable t : tables) {
                    List<Pair> before = SideState.load(cb, t.name);
                    Map<String, Row> a = SideState.rows(ca, t, Side.A, before);
                    out.add(Reconcile.of(t, a, SideState.rows(cb, t, Side.B, before), before, maps));
                }
            } finally {
                rollback(ca);
                rollback(cb);
            }
        }
        return out;
    }
}
