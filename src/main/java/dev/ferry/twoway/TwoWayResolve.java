package dev.ferry.twoway;

import dev.ferry.db.SqlErrors;
import dev.ferry.ledger.ActionLog;
import dev.ferry.ledger.ConflictStore.CannotResolve;
import dev.ferry.plan.PlanException;
import dev.ferry.plan.TablePlan;
import dev.ferry.schema.SchemaIntrospector;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Resolves a manual conflict of a two-way table: keep A (the first database's version) or keep B (the
 * second's), a deleted version included. Both databases end holding the chosen version: the side that holds it
 * already is only checked, the other is written as a run writes it ({@link TwoWayApply}: the row as recorded in
 * the WHERE, read back by RETURNING). The recorded state then says what both sides hold, so the next run sees
 * no change and no conflict for the row, and the conflict record goes.
 *
 * <p>Keep B writes the first database first, in its own transaction, then the state, the conflict and the
 * ledger's entry in one transaction in the second. A crash between the two leaves the state as the conflict
 * left it: the next run sees the first side's row changed and the second's not, a one-sided change that equals
 * what the second side holds, so it records it and removes the conflict; the choice is not lost. (A version
 * written back into the first database after a delete there takes its old key, so that run finds it as that
 * row.) Recording the state first would be wrong: a run would then take the first side's old row for a new
 * change and carry it over. Keep A writes only the second database: one transaction.
 */
public final class TwoWayResolve {

    private final DataSource readA;
    private final DataSource writeA;
    private final DataSource b;

    /** Reads the first database through {@code readA}, writes it through {@code writeA}; {@code b} the second. */
    public TwoWayResolve(DataSource readA, DataSource writeA, DataSource b) {
        this.readA = readA;
        this.writeA = writeA;
        this.b = b;
    }

    /** Whether the recorded two-way state holds rows of this table (its conflicts are two-way ones). */
    public static boolean recorded(DataSource b, String table) throws SQLException {
        try (Connection c = b.getConnection()) {
            return SideState.knows(c, table);
        }
    }

    /**
     * Resolves conflict {@code id}, listed under {@code rowKey}, of {@code plan}'s table, keeping A's version
     * ({@code keepA}) or B's; {@code plans} are every two-way table's (the id maps of the references). The
     * action goes to ferry.action as {@code who} before anything is written, and says how it ended. Returns
     * what was written, in words.
     */
    public String resolve(List<TablePlan> plans, TablePlan plan, long id, String rowKey, boolean keepA, String who)
            throws SQLException, CannotResolve, PlanException {
        TwoWayTable t = TwoWayTable.of(plan, new SchemaIntrospector(readA).table(plan.spec().table()));
        IdMaps maps = new IdMaps();
        Pair p;
        Row ra;
        Row rb;
        try (Connection ca = readA.getConnection(); Connection cb = b.getConnection()) {
            ca.setAutoCommit(false);
            cb.setAutoCommit(false);
            try {
                SideState.settings(ca);
                SideState.settings(cb);
                List<Pair> pairs = SideState.load(cb, t.name);
                p = pairs.stream().filter(x -> TwoWayApply.conflictKey(t, x).equals(rowKey)).findFirst().orElseThrow(() ->
                        new CannotResolve("the two-way state has no row " + t.name + " " + rowKey + " for conflict " + id
                                + ": run the two-way sync again, which records the conflict afresh or settles it"));
                Set<String> mapped = new LinkedHashSet<>(t.refs.values());
                if (t.ownIds) {
                    mapped.add(t.name);
                }
                for (String table : mapped) {
                    for (Pair x : table.equals(t.name) ? pairs : SideState.load(cb, table)) {
                        maps.put(table, x.aKey, x.bKey);
                    }
                }
                ra = SideState.one(ca, t, Side.A, p.aKey);
                rb = SideState.one(cb, t, Side.B, p.bKey);
            } finally {
                ca.rollback();
                cb.rollback();
            }
        }
        if (!Objects.equals(p.aHash, ra == null ? null : ra.hash()) || !Objects.equals(p.bHash, rb == null ? null : rb.hash())) {
            throw new CannotResolve("the row " + t.name + " " + rowKey + " changed in " + (Objects.equals(p.aHash,
                    ra == null ? null : ra.hash()) ? "the second database" : "the first database") + " since the conflict "
                    + "was recorded: nothing was written; run the two-way sync again (a change on one side settles it)");
        }
        if (ra == null && rb == null) {
            throw new CannotResolve("the row " + t.name + " " + rowKey + " is gone from both databases: run the two-way "
                    + "sync again, which removes the conflict");
        }
        Side to = keepA ? Side.B : Side.A;
        Row from = keepA ? ra : rb;
        Row there = keepA ? rb : ra;
        if (from != null && maps.translate(t, to.other(), from.values()) == null) {
            throw new CannotResolve("the kept version of " + t.name + " " + rowKey + " refers to a row the other database "
                    + "does not have yet: run the two-way sync first, then resolve the conflict");
        }
        Map<String, Row> rowsA = new LinkedHashMap<>();
        Map<String, Row> rowsB = new LinkedHashMap<>();
        if (ra != null) {
            rowsA.put(ra.key(), ra);
        }
        if (rb != null) {
            rowsB.put(rb.key(), rb);
        }
        TableChanges ch = new TableChanges(t, rowsA, rowsB, List.of(p));
        Pair q = p.copy();
        ch.after.add(q);
        ch.settled.add(q);
        String wrote;
        if (from == null) {
            ch.writes.add(new TableChanges.Write(TableChanges.Kind.DELETE, to, q, there.key(), there.hash(), null));
            wrote = "deleted in " + TwoWayApply.side(to);
        } else if (there == null) {
            ch.writes.add(new TableChanges.Write(TableChanges.Kind.INSERT, to, q, p.key(to), null, from.values()));
            wrote = "inserted into " + TwoWayApply.side(to);
        } else if (keepA ? Reconcile.equal(t, from, there, maps) : Reconcile.equal(t, there, from, maps)) {
            q.set(to, there.key(), there.hash());
            wrote = "both databases already held it";
        } else {
            ch.writes.add(new TableChanges.Write(TableChanges.Kind.UPDATE, to, q, there.key(), there.hash(), from.values()));
            wrote = "updated in " + TwoWayApply.side(to);
        }
        String what = "conflict " + id + " (" + t.name + " " + rowKey + "): keep " + (keepA ? "A" : "B") + ", "
                + (keepA ? "the first database's" : "the second database's") + " version" + (from == null ? " (deleted)" : "");
        ActionLog log = new ActionLog(b);
        long action = log.begin(who, "conflict resolve", what + ": started");
        boolean firstWritten = false;
        try {
            if (to == Side.A && !ch.writes.isEmpty()) {
                try (Connection ca = writeA.getConnection()) {
                    write(ca, ch, maps, Side.A, id, () -> { });
                }
                firstWritten = true;
            }
            try (Connection cb = b.getConnection()) {
                Side intoB = to == Side.B ? Side.B : null;
                write(cb, ch, maps, intoB, id, () -> {
                    SideState.save(cb, t.name, List.of(p), List.of(q), "conflict " + id);
                    try (PreparedStatement ps = cb.prepareStatement("DELETE FROM ferry.conflict WHERE id = ?")) {
                        ps.setLong(1, id);
                        ps.executeUpdate();
                    }
                    ActionLog.finish(cb, action, what + ": " + wrote);
                });
            }
        } catch (SQLException | RuntimeException e) {
            String failed = what + ": FAILED, " + SqlErrors.message(e);
            if (firstWritten) {
                failed += "; the first database holds the kept version already, and the next two-way run records it "
                        + "and removes the conflict";
            }
            try {
                log.finish(action, failed);
            } catch (SQLException ignored) {
                // the second database is gone: the entry says started
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new CannotResolve(failed);
        }
        return wrote;
    }

    /** A step that runs in a write's transaction before its commit. */
    private interface Step {
        void run() throws SQLException;
    }

    /** In one transaction on {@code c}: the writes into {@code side} (none when null), then {@code more}; committed. */
    private static void write(Connection c, TableChanges ch, IdMaps maps, Side side, long id, Step more)
            throws SQLException {
        c.setAutoCommit(false);
        try {
            SideState.settings(c);
            if (side != null) {
                TwoWayApply.apply(c, side, List.of(ch), maps, "conflict " + id);
                if (ch.unresolved > 0) {
                    throw new SQLException("a reference of the kept version has no row in " + TwoWayApply.side(side)
                            + " yet: nothing was written; run the two-way sync first");
                }
            }
            more.run();
            c.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is gone: the server rolls back
            }
            throw e;
        } finally {
            try {
                c.setAutoCommit(true);
            } catch (SQLException ignored) {
                // broken: the pool evicts it
            }
        }
    }
}
