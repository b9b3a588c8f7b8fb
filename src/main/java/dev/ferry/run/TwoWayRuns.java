package dev.ferry.run;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.app.FerryApp;
import dev.ferry.log.Redactor;
import dev.ferry.plan.PlanException;
import dev.ferry.plan.TablePlan;
import dev.ferry.plan.TableSpec;
import dev.ferry.state.Run;
import dev.ferry.twoway.TwoWaySync;
import dev.ferry.twoway.TwoWayTables;
import java.io.PrintStream;
import java.util.List;

/**
 * The run side of a two-way sync ({@code direction: both}): the flag it needs, the refusals, the safety
 * checks on both databases, the confirmation and the run lock; the sync itself is {@link TwoWaySync}.
 */
final class TwoWayRuns {

    private final PrintStream err;
    private final Questions questions;
    private volatile Run current;

    TwoWayRuns(PrintStream err, Questions questions) {
        this.err = err;
        this.questions = questions;
    }

    /** The two-way run in progress, or null. */
    Run current() {
        return current;
    }

    /** The two-way tables among {@code specs} (empty: a one-way run). */
    static List<String> twoWay(FerryApp app, List<TableSpec> specs) throws TwoWayTables.Refusal {
        List<String> both = TwoWayTables.twoWay(app.camel());
        return specs.stream().map(TableSpec::table).filter(both::contains).toList();
    }

    RunOutcome execute(FerryApp app, RunRequest request, SyncRunner runner, List<TableSpec> specs, List<String> both)
            throws RunRefused, RunService.Unreachable, SafetyChecks.Refusal, java.sql.SQLException, PlanException,
            TwoWayTables.Refusal, SyncRunner.RunInProgressException {
        List<String> oneWay = specs.stream().map(TableSpec::table).filter(t -> !both.contains(t)).toList();
        if (!oneWay.isEmpty()) {
            throw new RunRefused("a run syncs either two-way tables (direction: both: " + String.join(", ", both)
                    + ") or one-way tables (" + String.join(", ", oneWay) + "), not both at once: run each set with "
                    + "--tables; nothing was written");
        }
        boolean allowed = request.twoWay
                || (!"cli".equals(request.trigger) && Boolean.parseBoolean(app.property("ferry.two-way").trim()));
        if (!allowed) {
            throw new RunRefused(String.join(", ", both) + " sync(s) both ways (direction: both), which writes into the "
                    + "first database (FERRY_SOURCE_URL) too: run ./ferry sync --two-way (FERRY_TWO_WAY=true for serve) "
                    + "to allow it; nothing was written");
        }
        TwoWayTables.refuse(specs);
        RunService.connect(app.source(), "source", app.property("ferry.source.url"));
        RunService.connect(app.target(), "target", app.property("ferry.target.url"));
        SafetyChecks.targetIsNotSource(app.source(), app.target());
        String hosts = app.property("ferry.safety.production-hosts");
        SafetyChecks.targetIsNotProduction(app.target(), app.property("ferry.target.url"), hosts,
                request.allowProductionTarget);
        try {
            SafetyChecks.targetIsNotProduction(app.source(), app.property("ferry.source.url"), hosts,
                    request.allowProductionTarget);
        } catch (SafetyChecks.Refusal e) {
            throw new SafetyChecks.Refusal("two-way sync writes into both databases, and " + e.getMessage()
                    .replace("the target database", "the first database (FERRY_SOURCE_URL)")
                    .replace("the target URL", "the first database's URL"));
        }
        SafetyChecks.sourceCannotWrite(app.source()); // reads keep the read-only pool
        List<TablePlan> plans = runner.plan(specs);
        try (HikariDataSource write = dev.ferry.twoway.WritePool.beside(app.source(),
                app.property("ferry.source.write-user"), app.property("ferry.source.write-password"))) {
            TwoWaySync sync = new TwoWaySync(app.source(), write, app.target(), err,
                    Integer.parseInt(app.property("ferry.retry.table-attempts").trim()));
            if (request.dryRun) {
                return RunOutcome.nothing(sync.dryRun(plans), null);
            }
            confirm(app, both, request);
            try (RunLock lock = RunLock.take(app.target())) {
                if (lock == null) {
                    throw new SyncRunner.RunInProgressException("another Ferry run is writing to this target (it holds "
                            + "the run lock): nothing was written; run again when it has finished");
                }
                Run run = request.runId != null ? new Run(request.runId, request.trigger, request.who, null, plans)
                        : new Run(request.trigger, request.who, null, plans);
                current = run;
                try {
                    return RunOutcome.ran(sync.run(run));
                } finally {
                    current = null;
                }
            }
        }
    }

    private void confirm(FerryApp app, List<String> tables, RunRequest request) throws RunRefused {
        if (request.yes) {
            return;
        }
        if (!questions.canAsk()) {
            throw new RunRefused("a two-way sync writes into both databases (" + String.join(", ", tables)
                    + "): pass --yes to confirm (no terminal to ask on)");
        }
        if (!questions.confirm("This syncs " + String.join(", ", tables) + " both ways between "
                + Redactor.redact(app.property("ferry.source.url")) + " and "
                + Redactor.redact(app.property("ferry.target.url")) + ", writing into both.")) {
            throw new RunRefused("not confirmed: nothing was written");
        }
    }
}
