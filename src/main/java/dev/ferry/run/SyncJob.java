package dev.ferry.run;

import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.RedactingStream;
import dev.ferry.cli.RunReport;
import dev.ferry.cli.UsageException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;

import dev.ferry.app.FerryApp;
import dev.ferry.log.Redactor;
import dev.ferry.read.SnapshotDataSource;
import dev.ferry.ops.Alerts;
import dev.ferry.ops.FerryMetrics;
import dev.ferry.plan.Hazards;
import dev.ferry.plan.OwnerResolver;
import dev.ferry.plan.PlanException;
import dev.ferry.state.Progress;
import dev.ferry.state.Run;
import dev.ferry.ledger.RunLedger;
import dev.ferry.db.SqlErrors;
import dev.ferry.plan.TablePlan;
import dev.ferry.plan.TableSpec;
import dev.ferry.plan.UserSqlException;

/**
 * One {@code ferry sync} from the command line: start Ferry, choose tables and owner, confirm, run,
 * summarise, report. Every check that can fail does so before anything is written.
 */
public final class SyncJob {

    /** What the command line asked for. */
    public static final class Options {
        public List<String> tables = List.of();
        public Path tablesDir;
        public String ownerId;
        public String ownerEmail;
        public boolean yes;
        public Path report;
        public boolean debug;
        public Map<String, String> overrides = new LinkedHashMap<>();
        public String trigger = "cli";
        /** OS user or JMX principal. */
        public String who = System.getProperty("user.name");
        /** Write nothing: print what the sync would do. */
        public boolean dryRun;
        /** Only the tables that did not end SUCCESS in the last run. */
        public boolean failedOnly;
        /** Discard the selected tables' staged rows and checkpoints before the run: nothing is resumed. */
        public boolean fresh;
        /** The name of a database marked as production that may nevertheless be written. */
        public String allowProductionTarget;
        /** The run's id, when the caller needs it before the run starts (JMX); null for a new one. */
        public String runId;
        /** When the run was asked for: the report's startedAt when it fails before it starts. */
        public final Instant requestedAt = Instant.now();
    }

    /** The outcome: exit code, the run (null when it never started), and the dry run's plan (or null). */
    public record Outcome(int exitCode, Run run, String plan, boolean busy) {
        public Outcome(int exitCode, Run run) {
            this(exitCode, run, null, false);
        }

        public Outcome(int exitCode, Run run, String plan) {
            this(exitCode, run, plan, false);
        }
    }

    private static final long STOP_GRACE_SECONDS = 120;

    private final PrintStream err;
    private volatile SyncRunner running;
    /** The outcome of the job, once it has one (the stop hook tells a committed run from an interrupted one). */
    private volatile Outcome outcome;
    /** Waiting for the user's answer on the terminal. */
    private volatile boolean asking;
    private final BufferedReader in;
    private final boolean terminal;

    /** A job talking to the user through these streams; {@code terminal} allows questions. */
    public SyncJob(PrintStream err, BufferedReader in, boolean terminal) {
        this.err = err;
        this.in = in;
        this.terminal = terminal;
    }

    /** Runs the job; never throws for expected failures, it reports them and returns the exit code. */
    public Outcome run(Options options) {
        FerryApp app;
        try {
            app = FerryApp.start(options.tablesDir, options.overrides);
        } catch (Exception e) {
            return fail(ExitCodes.USAGE, "cannot start Ferry: " + SqlErrors.message(e), e, options);
        }
        try {
            app.checkTableRoutes();
        } catch (Exception e) {
            app.close();
            return fail(ExitCodes.USAGE, e.getMessage(), e, options);
        }
        // SIGTERM / Ctrl+C: the batch in flight commits or rolls back whole, a read waiting in the source and
        // an apply that has not sent its COMMIT are cancelled, the run is recorded as INTERRUPTED, the pools
        // close; then the JVM exits (143 / 130). A run whose apply had committed exits as it ended (0).
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            SyncRunner runner = running;
            if (runner != null) {
                err.println("ferry: stopping after the batch in flight...");
                runner.stopCurrent();
            }
            if (asking) {
                return; // waiting for an answer on the terminal: nothing was written
            }
            try {
                if (!finished.await(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    return;
                }
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
                return;
            }
            Outcome done = outcome;
            if (done != null && done.run() != null && (done.run().status() == Run.Status.SUCCESS
                    || done.run().status() == Run.Status.PARTIAL)) {
                // the signal came after the apply committed: the run is not interrupted, and says so
                err.println("ferry: the apply had committed when the signal came: the run finished "
                        + done.run().status() + " despite the signal");
                err.flush();
                Runtime.getRuntime().halt(done.exitCode());
            }
        }, "ferry-graceful-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            outcome = execute(app, options);
            return outcome;
        } finally {
            app.close();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns now that the run is recorded and the pools are closed
            }
        }
    }

    /** The run in progress, or null. */
    public Run current() {
        SyncRunner runner = running;
        return runner == null ? null : runner.current();
    }

    /** Asks the run in progress to stop after its batch in flight. */
    public void stop() {
        SyncRunner runner = running;
        if (runner != null) {
            runner.stopCurrent();
        }
    }

    /**
     * One run on a started Ferry (the command line's, or the service's for scheduled and JMX runs):
     * checks, plan, owner, confirmation, run or dry run, summary, report, alert.
     */
    public Outcome execute(FerryApp app, Options options) {
        Progress progress = new Progress(err);
        SyncRunner runner = app.runner(progress);
        running = runner; // a stop cancels the plan's reads too
        try {
            Map<String, TableSpec> all;
            try {
                all = runner.tables();
            } catch (IllegalArgumentException e) { // a template parameter a route file gives a wrong value
                return fail(ExitCodes.USAGE, e.getMessage(), e, options);
            }
            if (all.isEmpty()) {
                throw new UsageException(noTableRoutes(app));
            }
            List<TableSpec> specs = options.failedOnly ? failedInLastRun(app, all) : select(all, options);
            if (specs.isEmpty()) {
                err.println("nothing to run: every table of the last run ended SUCCESS");
                return new Outcome(ExitCodes.SUCCESS, null);
            }
            connect(app.source(), "source", app.property("ferry.source.url"));
            connect(app.target(), "target", app.property("ferry.target.url"));
            safety(app, options);
            List<TablePlan> plans = runner.plan(specs);
            sourceReadOnly(app, plans);
            Optional<OwnerResolver.User> owner = owner(app, plans, options);
            hazards(app, plans, owner);
            if (options.dryRun) {
                String plan = dryRun(app, plans, owner);
                err.print(plan);
                return new Outcome(ExitCodes.SUCCESS, null, plan);
            }
            confirm(app, plans, owner, options);
            Object ownerId = owner.map(OwnerResolver.User::id).orElse(null);
            Run run = runner.run((options.runId != null
                    ? new Run(options.runId, options.trigger, options.who, ownerId, plans)
                    : new Run(options.trigger, options.who, ownerId, plans)).fresh(options.fresh));
            progress.summary(run);
            app.bean("ferryMetrics", FerryMetrics.class).run(run);
            Alerts.send(app, run);
            if (options.report != null) {
                RunReport.write(run, options.report);
            }
            return new Outcome(ExitCodes.of(run.status()), run);
        } catch (SyncRunner.RunInProgressException e) {
            fail(ExitCodes.FAILED, "FAILED: " + e.getMessage(), e, options);
            return new Outcome(ExitCodes.FAILED, null, null, true);
        } catch (Unreachable e) {
            return fail(ExitCodes.FAILED, "FAILED: " + e.getMessage(), e, options);
        } catch (SafetyChecks.Refusal e) {
            return fail(ExitCodes.USAGE, "refused: " + e.getMessage(), e, options);
        } catch (UsageException e) {
            return fail(ExitCodes.USAGE, e.getMessage(), e, options);
        } catch (Hazards.Hazard e) {
            return fail(ExitCodes.USAGE, "refused: " + e.getMessage(), e, options);
        } catch (UserSqlException e) {
            return fail(ExitCodes.USAGE, e.getMessage(), e, options);
        } catch (PlanException e) {
            return fail(ExitCodes.FAILED, "FAILED before any row was written: " + e.getMessage(), e, options);
        } catch (SQLException | IOException | RuntimeException e) {
            if (runner.stopRequested()) {
                return fail(ExitCodes.FAILED, "stopped before the run began: nothing was written", e, options);
            }
            return fail(ExitCodes.FAILED, "FAILED: " + SqlErrors.message(e), e, options);
        }
    }

    private Outcome fail(int code, String message, Exception e, Options options) {
        err.println(Redactor.redact(message));
        if (options.report != null && !options.dryRun) {
            try {
                RunReport.writeFailed(message, options.requestedAt, options.report);
            } catch (IOException | RuntimeException notWritten) {
                err.println(Redactor.redact("the report " + options.report + " could not be written: " + notWritten.getMessage()));
            }
        }
        if (options.debug) {
            e.printStackTrace(new PrintStream(new RedactingStream(err), true));
        }
        return new Outcome(code, null);
    }

    private static void safety(FerryApp app, Options options) throws SQLException, SafetyChecks.Refusal {
        SafetyChecks.targetIsNotSource(app.source(), app.target());
        SafetyChecks.targetIsNotProduction(app.target(), app.property("ferry.target.url"),
                app.property("ferry.safety.production-hosts"), options.allowProductionTarget);
        SafetyChecks.sourceCannotWrite(app.source());
    }

    /**
     * The read-only self-test, before any row is read: one warning line when the source login may
     * write to a synced table; a refusal with {@code ferry.source.read-only = required}.
     */
    private void sourceReadOnly(FerryApp app, List<TablePlan> plans)
            throws SQLException, SafetyChecks.Refusal, UsageException {
        String mode = app.property("ferry.source.read-only").trim().toLowerCase(java.util.Locale.ROOT);
        if (!mode.isEmpty() && !mode.equals("warn") && !mode.equals("required")) {
            throw new UsageException("FERRY_SOURCE_READ_ONLY (ferry.source.read-only) is '" + mode
                    + "': use warn or required");
        }
        String rights = SafetyChecks.sourceWriteRights(app.source(),
                plans.stream().map(TablePlan::sourceTableName).toList());
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

    private static String dryRun(FerryApp app, List<TablePlan> plans, Optional<OwnerResolver.User> owner)
            throws SQLException {
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

    /**
     * The one line for a tables folder without a table route: where Ferry looked, and the next step (routes/tables
     * ships empty; the demo's routes are in routes/demo).
     */
    public static String noTableRoutes(FerryApp app) {
        String dir = app.tablesShown();
        return "no table routes (*.yaml) in " + dir + (java.nio.file.Files.isDirectory(app.tables()) ? "" : " (no such folder)")
                + ": run ./ferry scaffold --out " + dir + " (then review the files), or pass --tables-dir DIR";
    }

    private static List<TableSpec> select(Map<String, TableSpec> all, Options options) throws UsageException {
        if (options.tables.isEmpty()) {
            return new ArrayList<>(all.values());
        }
        List<TableSpec> chosen = new ArrayList<>();
        for (String name : options.tables) {
            String label = TableSpec.find(all.keySet(), name);
            TableSpec spec = label == null ? null : all.get(label);
            if (spec == null) {
                throw new UsageException("unknown table '" + name + "'; tables with routes: " + String.join(", ", all.keySet()));
            }
            chosen.add(spec);
        }
        return chosen;
    }

    /** Connects once outside the pool, so an unreachable database fails at once in one line. */
    /** A database cannot be reached: the run FAILS in one line. */
    static final class Unreachable extends Exception {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static void connect(HikariDataSource pool, String role, String url) throws Unreachable {
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
                    + SqlErrors.message(e) + " (check FERRY_" + role.toUpperCase() + "_URL, _USER and _PASSWORD)", e);
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

    private Optional<OwnerResolver.User> owner(FerryApp app, List<TablePlan> plans, Options options)
            throws SQLException, PlanException, UsageException {
        Optional<TablePlan> owned = plans.stream().filter(p -> p.spec().hasOwner()).findFirst();
        if (owned.isEmpty()) {
            return Optional.empty();
        }
        String id = firstNonBlank(options.ownerId, app.property("ferry.owner.id"));
        String email = firstNonBlank(options.ownerEmail, app.property("ferry.owner.email"));
        if (id != null && email != null) {
            throw new UsageException("give the owner by id or by email, not both (--owner-id " + id + ", --owner-email "
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
            throw new UsageException("the target has no users to own the synced rows: create one in the development "
                    + "database, then pass --owner-id or --owner-email");
        }
        if (terminal) {
            return Optional.of(ask(candidates));
        }
        throw new UsageException("choose the development owner with --owner-id N or --owner-email E (or FERRY_OWNER_ID / "
                + "FERRY_OWNER_EMAIL); the target's users:" + System.lineSeparator() + listing(candidates));
    }

    private OwnerResolver.User ask(List<OwnerResolver.User> candidates) throws UsageException {
        err.println("Which development user should own the synced rows?");
        for (int i = 0; i < candidates.size() && i < 50; i++) {
            err.printf("  %2d) %s%n", i + 1, candidates.get(i));
        }
        err.print("Number: ");
        err.flush();
        String answer = readLine();
        try {
            int n = Integer.parseInt(answer.trim());
            if (n >= 1 && n <= Math.min(50, candidates.size())) {
                return candidates.get(n - 1);
            }
        } catch (NumberFormatException ignored) {
            // falls through to the usage error
        }
        throw new UsageException("no owner chosen ('" + answer.trim() + "'): nothing was written");
    }

    private void confirm(FerryApp app, List<TablePlan> plans, Optional<OwnerResolver.User> owner, Options options)
            throws UsageException {
        if (options.yes) {
            return;
        }
        String tables = String.join(", ", plans.stream().map(TablePlan::name).toList());
        if (!terminal) {
            throw new UsageException("a full refresh replaces every row of " + tables + " in the target: pass --yes to "
                    + "confirm (no terminal to ask on)");
        }
        err.println("This replaces every row of " + tables + " in " + Redactor.redact(app.property("ferry.target.url"))
                + " with the rows of " + Redactor.redact(app.property("ferry.source.url"))
                + owner.map(u -> ", owned by " + u.email()).orElse("") + ".");
        err.print("Continue? [y/N] ");
        err.flush();
        String answer = readLine().trim().toLowerCase();
        if (!answer.equals("y") && !answer.equals("yes")) {
            throw new UsageException("not confirmed: nothing was written");
        }
    }

    private String readLine() throws UsageException {
        asking = true;
        try {
            String line = in.readLine();
            return line == null ? "" : line;
        } catch (IOException e) {
            throw new UsageException("cannot read the answer: " + e.getMessage());
        } finally {
            asking = false;
        }
    }

    private static UsageException noSuchUser(String what, OwnerResolver users) {
        String known;
        try {
            known = listing(users.list(20));
        } catch (SQLException e) {
            known = "  (cannot list them: " + e.getMessage() + ")";
        }
        return new UsageException("no development user with " + what + "; nothing was written. The target's users:"
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
