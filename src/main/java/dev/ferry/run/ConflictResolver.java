package dev.ferry.run;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.app.FerryApp;
import dev.ferry.ledger.ActionLog;
import dev.ferry.ledger.ConflictStore;
import dev.ferry.ledger.ConflictStore.CannotResolve;
import dev.ferry.plan.PlanException;
import dev.ferry.plan.TablePlan;
import dev.ferry.plan.TableSpec;
import dev.ferry.state.Progress;
import dev.ferry.twoway.TwoWayResolve;
import dev.ferry.twoway.TwoWayTables;
import dev.ferry.twoway.WritePool;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Resolving a {@code conflict: manual} conflict, whoever asks (the status page, its API, {@code ferry conflicts
 * resolve}): one-way conflicts keep {@code source} (production's version) or {@code target} (development's);
 * two-way ones keep {@code a} (the first database's) or {@code b} (the second's), written into both databases
 * under the run lock ({@link TwoWayResolve}). Each resolution is recorded in ferry.action with who did it.
 */
public final class ConflictResolver {

    /** A keep word that does not apply to the conflict's kind; the message says which words do. */
    public static final class WrongWord extends Exception {
        WrongWord(String message) {
            super(message);
        }
    }

    /** A resolved conflict: the entry as it was, the word kept and what was written, in words. */
    public record Resolved(ConflictStore.Entry entry, String kept, String wrote) {
    }

    private final FerryApp app;

    /** Resolves conflicts in a started Ferry's target, with its table routes. */
    public ConflictResolver(FerryApp app) {
        this.app = app;
    }

    /** Whether the table's conflicts are two-way ones: its route says direction: both, or the two-way state knows it. */
    public boolean twoWay(String table) throws SQLException {
        try {
            if (TwoWayTables.twoWay(app.camel()).contains(table)) {
                return true;
            }
        } catch (TwoWayTables.Refusal badDirection) {
            // a route with a wrong direction: the recorded state decides
        }
        return TwoWayResolve.recorded(app.target(), table);
    }

    /** The words a conflict of this kind takes, for messages. */
    public static String words(boolean twoWay) {
        return twoWay ? "a (the first database's version) or b (the second's)"
                : "source (production's version) or target (development's)";
    }

    /** Resolves conflict {@code id} keeping {@code keep}'s version, recorded as done by {@code who}. */
    public Resolved resolve(long id, String keep, String who) throws SQLException, CannotResolve, WrongWord {
        ConflictStore store = new ConflictStore(app.target());
        ConflictStore.Entry e = store.get(id);
        if (e == null) {
            throw new CannotResolve("no conflict " + id + " (resolved already, or never recorded; ./ferry conflicts lists them)");
        }
        boolean both = twoWay(e.table());
        String word = keep == null ? "" : keep.trim().toLowerCase(Locale.ROOT);
        if (both) {
            if (!word.equals("a") && !word.equals("b")) {
                throw new WrongWord("conflict " + id + " is of the two-way table " + e.table() + ": keep " + words(true)
                        + ", not '" + keep + "'");
            }
            return new Resolved(e, word, twoWay(e, word.equals("a"), who));
        }
        ConflictStore.Keep which = ConflictStore.Keep.of(keep);
        if (which == null) {
            throw new WrongWord("conflict " + id + " is of the one-way table " + e.table() + ": keep " + words(false)
                    + ", not '" + keep + "'");
        }
        store.resolve(id, which);
        String kept = which == ConflictStore.Keep.SOURCE ? "production's" : "development's";
        new ActionLog(app.target()).record(who, "conflict resolve", "conflict " + id + " (" + e.table() + " " + e.key()
                + "): kept " + kept + " version");
        return new Resolved(e, which.name().toLowerCase(Locale.ROOT), e.table() + " " + e.key() + " holds " + kept
                + " version");
    }

    private String twoWay(ConflictStore.Entry e, boolean keepA, String who) throws SQLException, CannotResolve {
        List<String> both;
        try {
            both = TwoWayTables.twoWay(app.camel());
        } catch (TwoWayTables.Refusal refusal) {
            throw new CannotResolve(refusal.getMessage());
        }
        Map<String, TableSpec> all = RunService.tables(app);
        if (!both.contains(e.table()) || !all.containsKey(e.table())) {
            throw new CannotResolve("table " + e.table() + " has no two-way route (direction: both) among the table routes: "
                    + "nothing was written; resolve it where its route is (./ferry conflicts resolve --tables-dir DIR)");
        }
        List<TableSpec> specs = all.values().stream().filter(s -> both.contains(s.table())).toList();
        try {
            SafetyChecks.targetIsNotProduction(app.source(), app.property("ferry.source.url"),
                    app.property("ferry.safety.production-hosts"), null);
            List<TablePlan> plans = RunService.runner(app, new Progress(System.err)).plan(specs);
            TablePlan plan = plans.stream().filter(p -> p.name().equals(e.table())).findFirst().orElseThrow();
            try (RunLock lock = RunLock.take(app.target())) {
                if (lock == null) {
                    throw new CannotResolve("a run is writing to these databases (it holds the run lock): nothing was "
                            + "written; resolve the conflict when it has finished");
                }
                try (HikariDataSource write = WritePool.beside(app.source(), app.property("ferry.source.write-user"),
                        app.property("ferry.source.write-password"))) {
                    return new TwoWayResolve(app.source(), write, app.target()).resolve(plans, plan, e.id(), e.key(),
                            keepA, who);
                }
            }
        } catch (PlanException | SafetyChecks.Refusal refused) {
            throw new CannotResolve("cannot resolve conflict " + e.id() + ": " + refused.getMessage() + "; nothing was written");
        }
    }
}
