package dev.ferry.run;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.app.FerryApp;
import dev.ferry.db.SqlErrors;
import dev.ferry.ledger.RunLedger;
import dev.ferry.log.Redactor;
import dev.ferry.plan.Hazards;
import dev.ferry.plan.OwnerResolver;
import dev.ferry.plan.PlanException;
import dev.ferry.plan.TablePlan;
import dev.ferry.plan.TableSpec;
import dev.ferry.plan.UserSqlException;
import dev.ferry.read.SnapshotDataSource;
import dev.ferry.state.Progress;
import dev.ferry.state.Run;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * One run on a started Ferry, whoever asks for it (the command line, the schedule, JMX, HTTP): the checks,
 * the plan, the owner, the confirmation, then the run or the dry run, and the listeners told. Every check
 * that can fail does so before anything is written. It prints progress and warnings on {@code err}; how
 * a failure is shown (exit code, report, HTTP status) is the caller's.
 */
public final class RunService {

    private final PrintStream err;
    private final Questions questions;
    private volatile SyncRunner running;
    private final TwoWayRuns twoWay;

    /** A service printing progress on {@code err} and asking {@code questions} when it must. */
    public RunService(PrintStream err, Questions questions) {
        this.err = err;
        this.questions = questions;
        this.twoWay = new TwoWayRuns(err, questions);
    }

    /** The run entry over a started app's routes and pools. */
    public static SyncRunner runner(FerryApp app, Progress progress) {
        return new SyncRunner(app.camel(), app.source(), app.bean("snapshotSource", SnapshotDataSource.class),
                app.target(), progress, Integer.parseInt(app.property("ferry.retry.table-attempts")));
    }

    /** The run in progress, or null. */
    public Run current() {
        Run both = twoWay.current();
        if (both != null) {
            return both;
        }
        SyncRunner runner = running;
        return runner == null ? null : runner.current();
    }

    /** Asks the run in progress (or its planning) to stop after its batch in flight. */
    public void stop() {
        SyncRunner runner = running;
        if (runner != null) {
            runner.stopCurrent();
        }
        Run both = twoWay.current();
        if (both != null) {
            both.requestStop();
        }
    }

    /** Runs the request; expected failures come back as an outcome, not an exception. */
    public RunOutcome execute(FerryApp app, RunRequest request) {
        Progress progress = new Progress(err);
        SyncRunner runner = runner(app, progress);
        running = runner; // a stop cancels the plan's reads too
        try {
            Map<String, TableSpec> all;
            try {
                all = runner.tables();
            } catch (IllegalArgumentException e) { // a template parameter a route file gives a wrong value
                return RunOutcome.refused(e.getMessage(), e);
            }
            if (all.isEmpty()) {
                throw new RunRefused(noTableRoutes(app));
            }
            List<TableSpec> specs = request.failedOnly ? failedInLastRun(app, all) : select(all, request.tables);
            if (specs.isEmpty()) {
                return RunOutcome.nothing(null, "nothing to run: every table of the last run ended SUCCESS");
            }
            List<String> both = TwoWayRuns.twoWay(app, specs);
            if (!both.isEmpty()) { // direction: both (dev.ferry.twoway)
                RunOutcome outcome = twoWay.execute(app, request, runner, specs, both);
                if (outcome.run() != null) {
                    progress.summary(outcome.run());
                    for (RunListener listener : app.camel().getRegistry().findByType(RunListener.class)) {
                        listener.finished(outcome.run());
                    }
                }
                return outcome;
            }
            connect(app.source(), "source", app.property("ferry.source.url"));
            connect(app.target(), "target", app.property("ferry.target.url"));
            safety(app, request);
            List<TablePlan> plans = runner.plan(specs);
            sourceReadOnly(app, plans);
            Optional<OwnerResolver.User> owner = owner(app, plans, request);
            hazards(app, plans, owner);
            if (request.dryRun) {
                return RunOutcome.nothing(dryRun(app, plans, owner), null);
            }
            confirm(app, plans, owner, request);
            Object ownerId = owner.map(OwnerResolver.User::id).orElse(null);
            Run run = runner.run((request.runId != null
                    ? new Run(request.runId, request.trigger, request.who, ownerId, plans)
                    : new Run(request.trigger, request.who, ownerId, plans)).fresh(request.fresh));
            progress.summary(run);
            for (RunListener listener : app.camel().getRegistry().findByType(RunListener.class)) {
                listener.finished(run);
            }
            return RunOutcome.ran(run);
        } catch (SyncRunner.RunInProgressException e) {
            return RunOutcome.busy("FAILED: " + e.getMessage(), e);
        } catch (Unreachable e) {
            return RunOutcome.failed("FAILED: " + e.getMessage(), e);
        } catch (SafetyChecks.Refusal | Hazards.Hazard e) {
            return RunOutcome.refused("refused: " + e.getMessage(), e);
        } catch (RunRefused | UserSqlException | dev.ferry.twoway.TwoWayTables.Refusal e) {
            return RunOutcome.refused(e.getMessage(), e);
        } catch (PlanException e) {
            return RunOutcome.failed("FAILED before any row was written: " + e.getMessage(), e);
        } catch (SQLException | RuntimeException e) {
            if (runner.stopRequested()) {
                return RunOutcome.failed("stopped before the run began: nothing was written", e);
            }
            return RunOutcome.failed("FAILED: " + SqlErrors.message(e), e);
        } finally {
            running = null;
        }
    }

    /** The table routes of a started app, by name, with their parameters resolved. */
    public static Map<String, TableSpec> tables(FerryApp app) {
        return runner(app, new Progress(System.err)).tables();
    }

    /**
     * The one line for a tables folder without a table route: where Ferry looked, and the next step (routes/tables
     * ships empty; the demo's routes are in routes/demo).
     */
    public static String noTableRoutes(FerryApp app) {
        String dir = app.tablesShown();
        return "no table routes (*.yaml) in " + dir + (java.nio.file.Files.isDirectory(app.tables()) ? "" : " (no such folder)")
                + ": run ./ferry scaffold --out " + dir + " (then review the files), or pass --tables-dir DIR";
    }

    private static void safety(FerryApp app, RunRequest request) throws SQLException, SafetyChecks.Refusal {
        SafetyChecks.targetIsNotSource(app.source(), app.target());
        SafetyChecks.targetIsNotProduction(app.target(), app.property("ferry.target.url"),
                app.property("ferry.safety.production-hosts"), request.allowProductionTarget);
        SafetyChecks.sourceCannotWrite(app.source());
    }

    /**
     * The read-only self-test, before any row is read: one warning line when the source login may
     * write to a synced table; a refusal with {@code ferry.source.read-only = required}.
     */
    private void sourceReadOnly(FerryApp app, List<TablePlan> plans) throws SQLException, SafetyChecks.Refusal, RunRefused {
        String mode = app.property("ferry.source.read-only").trim().toLowerCase(Locale.ROOT);
        if (!mode.isEmpty() && !mode.equals("warn") && !mode.equals("required")) {
            throw new RunRefused("FERRY_SOURCE_READ_ONLY (ferry.source.read-only) is '" + mode + "': use warn or required");
        }
        String rights = SafetyChecks.sourceWriteRights(app.source(), plans.stream().map(TablePlan::sourceTableName).toList());
        if (rights.isEmpty()) {
            return;
        }
        if (mode.equals("required")) {
            throw new SafetyChecks.Refusal(rights + ", and FERRY_SOURCE_READ_ONLY=required: read production with a "
                    + "read-only role (pg_read_all_data, or GRANT SELECT on the synced tables)");
        }
        err.println("warning: " + rights + ": use a read-only role (pg_read_all_data, or GRANT SELECT) and set "
                + "FERRY_SOURCE_READ_ONLY=required");
    }

    private static String dryRun(FerryApp app, List<TablePlan> plans, Optional<OwnerResolver.User> owner) throws SQLException {
        SnapshotDataSource snapshot = app.bean("snapshotSource", SnapshotDataSource.class);
        DryRun dry = new DryRun(snapshot, app.target());
        List<DryRun.TableEffect> effects = new ArrayList<>();
        snapshot.open();
        try {
            for (TablePlan plan : plans) {
                effects.add(dry.effect(plan, owner.map(OwnerResolver.User::id).orElse(null)));
            }
        } finally {
            snapshot.close();
        }
        return DryRun.describe(effects, owner.map(u -> "every owner column set to " + u).orElse(null));
    }

    private static List<TableSpec> failedInLastRun(FerryApp app, Map<String, TableSpec> all) throws SQLException {
        List<TableSpec> out = new ArrayList<>();
        for (String table : new RunLedger(app.target()).notSucceededInLastRun()) {
            if (all.containsKey(table)) {
                out.add(all.get(table));
            }
        }
        return out;
    }

    private static List<TableSpec> select(Map<String, TableSpec> all, List<String> names) throws RunRefused {
        if (names.isEmpty()) {
            return new ArrayList<>(all.values());
        }
        List<TableSpec> chosen = new ArrayList<>();
        for (String name : names) {
            String label = TableSpec.find(all.keySet(), name);
            TableSpec spec = label == null ? null : all.get(label);
            if (spec == null) {
                throw new RunRefused("unknown table '" + name + "'; tables with routes: " + String.join(", ", all.keySet()));
            }
            chosen.add(spec);
        }
        return chosen;
    }

    /** A database cannot be reached: the run FAILS in one line. */
    static final class Unreachable extends Exception {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Connects once outside the pool, so an unreachable database fails at once in one line. */
    static void connect(HikariDataSource pool, String role, String url) throws Unreachable {
        Properties props = new Properties();
        props.putAll(pool.getDataSourceProperties());
        if (pool.getUsername() != null) {
            props.setProperty("user", pool.getUsername());
        }
        if (pool.getPassword() != null) {
            props.setProperty("password", pool.getPassword());
        }
        props.setProperty("connectTimeout", "10");
        try (Connection c = DriverManager.getConnection(pool.getJdbcUrl(), props)) {
            c.isValid(5);
        } catch (SQLException e) {
            throw new Unreachable("cannot connect to the " + role + " database " + Redactor.redact(url) + ": "
                    + SqlErrors.message(e) + " (check FERRY_" + role.toUpperCase(Locale.ROOT) + "_URL, _USER and _PASSWORD)", e);
        }
    }

    /**
     * What the planned run would break in development (the owner deleted or replaced, rows of a table
     * outside the run orphaned), refused before anything is read; the dry run shows the same refusal.
     */
    private static void hazards(FerryApp app, List<TablePlan> plans, Optional<OwnerResolver.User> owner)
            throws SQLException, PlanException {
        List<String> found = new ArrayList<>();
        Optional<TablePlan> owned = plans.stream().filter(p -> p.spec().hasOwner()).findFirst();
        if (owner.isPresent() && owned.isPresent()) {
            OwnerResolver users = OwnerResolver.forOwnerColumn(app.target(), owned.get().name(),
                    owned.get().spec().ownerColumn(), app.property("ferry.owner.email-column"));
            Hazards.owner(app.source(), plans, users.users(), users.idColumn(), users.emailColumn(), owner.get())
                    .ifPresent(found::add);
        }
        found.addAll(Hazards.orphans(app.source(), app.target(), plans));
        Hazards.refuse(found);
    }

    private Optional<OwnerResolver.User> owner(FerryApp app, List<TablePlan> plans, RunRequest request)
            throws SQLException, PlanException, RunRefused {
        Optional<TablePlan> owned = plans.stream().filter(p -> p.spec().hasOwner()).findFirst();
        if (owned.isEmpty()) {
            return Optional.empty();
        }
        String id = firstNonBlank(request.ownerId, app.property("ferry.owner.id"));
        String email = firstNonBlank(request.ownerEmail, app.property("ferry.owner.email"));
        if (id != null && email != null) {
            throw new RunRefused("give the owner by id or by email, not both (--owner-id " + id + ", --owner-email "
                    + email + ")");
        }
        TablePlan plan = owned.get();
        OwnerResolver users = OwnerResolver.forOwnerColumn(app.target(), plan.name(), plan.spec().ownerColumn(),
                app.property("ferry.owner.email-column"));
        if (id != null) {
            return Optional.of(users.byId(id).orElseThrow(() -> noSuchUser("id " + id, users)));
        }
        if (email != null) {
            return Optional.of(users.byEmail(email).orElseThrow(() -> noSuchUser("email " + email, users)));
        }
        List<OwnerResolver.User> candidates = users.list(51);
        if (candidates.size() == 1) {
            err.println("Owner: the target's only user, " + candidates.get(0));
            return Optional.of(candidates.get(0));
        }
        if (candidates.isEmpty()) {
            throw new RunRefused("the target has no users to own the synced rows: create one in the development "
                    + "database, then pass --owner-id or --owner-email");
        }
        if (questions.canAsk()) {
            return Optional.of(questions.owner(candidates));
        }
        throw new RunRefused("choose the development owner with --owner-id N or --owner-email E (or FERRY_OWNER_ID / "
                + "FERRY_OWNER_EMAIL); the target's users:" + System.lineSeparator() + listing(candidates));
    }

    private void confirm(FerryApp app, List<TablePlan> plans, Optional<OwnerResolver.User> owner, RunRequest request)
            throws RunRefused {
        if (request.yes) {
            return;
        }
        String tables = String.join(", ", plans.stream().map(TablePlan::name).toList());
        if (!questions.canAsk()) {
            throw new RunRefused("a full refresh replaces every row of " + tables + " in the target: pass --yes to "
                    + "confirm (no terminal to ask on)");
        }
        String question = "This replaces every row of " + tables + " in " + Redactor.redact(app.property("ferry.target.url"))
                + " with the rows of " + Redactor.redact(app.property("ferry.source.url"))
                + owner.map(u -> ", owned by " + u.email()).orElse("") + ".";
        if (!questions.confirm(question)) {
            throw new RunRefused("not confirmed: nothing was written");
        }
    }

    private static RunRefused noSuchUser(String what, OwnerResolver users) {
        String known;
        try {
            known = listing(users.list(20));
        } catch (SQLException e) {
            known = "  (cannot list them: " + e.getMessage() + ")";
        }
        return new RunRefused("no development user with " + what + "; nothing was written. The target's users:"
                + System.lineSeparator() + known);
    }

    private static String listing(List<OwnerResolver.User> users) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < users.size() && i < 50; i++) {
            out.append("  ").append(users.get(i)).append(System.lineSeparator());
        }
        if (users.size() > 50) {
            out.append("  ...").append(System.lineSeparator());
        }
        return out.toString().stripTrailing();
    }

    private static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a.trim();
        }
        return b != null && !b.isBlank() ? b.trim() : null;
    }
}
