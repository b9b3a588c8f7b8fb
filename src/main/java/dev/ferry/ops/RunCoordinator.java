package dev.ferry.ops;

import java.io.PrintStream;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Semaphore;

import dev.ferry.app.FerryApp;
import dev.ferry.run.Questions;
import dev.ferry.run.RunOutcome;
import dev.ferry.run.RunRequest;
import dev.ferry.run.RunService;
import dev.ferry.log.Redactor;
import dev.ferry.state.Run;
import dev.ferry.ledger.RunLedger;
import dev.ferry.db.SqlErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one entry for runs of the service, scheduled or over JMX: never two at once in this process
 * (a permit; across processes every run also takes the run lock, see {@link dev.ferry.run.RunLock}).
 * Runs are confirmed by configuration: they never ask.
 */
public final class RunCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(RunCoordinator.class);

    /** One permit: the run in progress holds it from the moment it is accepted until it is recorded. */
    private final Semaphore permit = new Semaphore(1);
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ferry-run");
        t.setDaemon(false);
        return t;
    });
    private final PrintStream out;
    private volatile FerryApp app;
    /** The tables with a route, read once at attach: the routes do not change while Ferry serves. */
    private volatile Set<String> known = Set.of();
    private volatile RunService job;
    private volatile String currentRunId;
    private volatile Run lastRun;

    /** A coordinator reporting progress to {@code out}; attach the started app before use. */
    public RunCoordinator(PrintStream out) {
        this.out = out;
    }

    /** Attaches the started Ferry this coordinator runs on, and the tables that have a route (in route order). */
    public void attach(FerryApp started, Set<String> tables) {
        this.known = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(tables));
        this.app = started;
    }

    /** The schedule's tick: runs every table now, on the calling thread, or skips when a run is in progress. */
    public void scheduled() {
        FerryApp a = app;
        if (a == null) {
            LOG.warn("schedule tick before Ferry finished starting: skipped");
            return;
        }
        if (!permit.tryAcquire()) {
            a.bean("ferryMetrics", FerryMetrics.class).skipped();
            LOG.warn("schedule tick skipped: run {} is in progress", currentRunId);
            return;
        }
        try {
            runLocked(UUID.randomUUID().toString(), List.of(), false, "schedule", "scheduler");
        } finally {
            permit.release();
        }
    }

    /**
     * Starts a run in the background and returns its id at once; refuses (IllegalStateException naming
     * the run in progress) when one is running.
     */
    public String start(List<String> tables, boolean failedOnly, String trigger, String who) {
        if (app == null) {
            throw new IllegalStateException("Ferry is still starting");
        }
        refuseWhatCannotRun(tables, failedOnly);
        if (!permit.tryAcquire()) {
            throw new IllegalStateException("a run is in progress: " + currentRunId);
        }
        String id = UUID.randomUUID().toString();
        currentRunId = id;
        try {
            background.submit(() -> {
                try {
                    runLocked(id, tables, failedOnly, trigger, who);
                } finally {
                    permit.release();
                }
            });
        } catch (RuntimeException e) {
            permit.release();
            throw e;
        }
        return id;
    }

    /**
     * A request that cannot start a run is refused here, on the caller's thread, so that no run id is
     * handed out for a run that never exists: an unknown table, or a retry with nothing to retry.
     */
    private void refuseWhatCannotRun(List<String> tables, boolean failedOnly) {
        Set<String> known = this.known;
        List<String> unknown = tables.stream().filter(t -> dev.ferry.plan.TableSpec.find(known, t) == null).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown table" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + "; tables with routes: " + String.join(", ", known));
        }
        if (failedOnly) {
            List<String> failed;
            try {
                failed = new RunLedger(app.target()).notSucceededInLastRun();
            } catch (SQLException e) {
                throw new IllegalStateException(Redactor.redact("cannot read the ledger: " + SqlErrors.message(e)));
            }
            if (failed.stream().noneMatch(known::contains)) {
                throw new IllegalStateException("nothing to retry: every table of the last run ended SUCCESS"
                        + (failed.isEmpty() ? "" : " or has no route any more (" + String.join(", ", failed) + ")"));
            }
        }
    }

    /** What a run of every table would do; writes nothing. */
    public String dryRun(String who) {
        return dryRun(List.of(), "jmx", who);
    }

    /** What a run of these tables (none: every table) would do; writes nothing. */
    public String dryRun(List<String> tables, String trigger, String who) {
        refuseWhatCannotRun(tables, false);
        RunRequest request = request(tables, false, trigger, who);
        request.dryRun = true;
        RunOutcome outcome = quietJob().execute(app, request);
        if (outcome.plan() != null) {
            out.print(outcome.plan());
            return outcome.plan();
        }
        logNotRun(outcome);
        return "dry run failed: " + Redactor.redact(String.valueOf(outcome.message()));
    }

    /** Asks the run in progress to stop after its batch in flight. */
    public void cancel() {
        RunService j = job;
        if (j != null) {
            j.stop();
        }
    }

    /** Whether a run is in progress. */
    public boolean running() {
        return permit.availablePermits() == 0;
    }

    /** The run in progress, or null. */
    public Run current() {
        RunService j = job;
        return j == null ? null : j.current();
    }

    /** The id of the run in progress (also while it is being prepared), or null. */
    public String currentRunId() {
        return running() ? currentRunId : null;
    }

    /** Conflict resolution on this Ferry's databases and routes (the status page's Keep buttons). */
    public dev.ferry.run.ConflictResolver conflicts() {
        if (app == null) {
            throw new IllegalStateException("Ferry is still starting");
        }
        return new dev.ferry.run.ConflictResolver(app);
    }

    /** The last finished run, or null. */
    public Run lastRun() {
        return lastRun;
    }

    /** Stops the current run (if any) and waits for it to record its outcome. */
    public void shutdown(long seconds) {
        cancel();
        background.shutdown();
        try {
            if (!background.awaitTermination(seconds, TimeUnit.SECONDS)) {
                LOG.warn("the run did not stop within {} s", seconds);
            }
            if (permit.tryAcquire(seconds, TimeUnit.SECONDS)) {
                permit.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runLocked(String id, List<String> tables, boolean failedOnly, String trigger, String who) {
        currentRunId = id;
        RunService j = quietJob();
        job = j;
        try {
            RunRequest request = request(tables, failedOnly, trigger, who);
            request.runId = id;
            RunOutcome outcome = j.execute(app, request);
            if (outcome.run() != null) {
                lastRun = outcome.run();
            } else {
                logNotRun(outcome);
            }
            if (outcome.kind() == RunOutcome.Kind.BUSY && "schedule".equals(trigger)) {
                // another instance is running: this tick is skipped, as one during our own run would be
                app.bean("ferryMetrics", FerryMetrics.class).skipped();
            }
        } catch (RuntimeException e) {
            LOG.error("run {} failed: {}", id, Redactor.redact(String.valueOf(e.getMessage())), e);
        } finally {
            job = null;
        }
    }

    private RunService quietJob() {
        return new RunService(out, Questions.NONE);
    }

    /** A request that ran no table: the one line says why (on the service's output, as the command line does). */
    private void logNotRun(RunOutcome outcome) {
        if (outcome.message() != null) {
            out.println(Redactor.redact(outcome.message()));
        }
    }

    private RunRequest request(List<String> tables, boolean failedOnly, String trigger, String who) {
        RunRequest options = new RunRequest();
        options.tables = tables;
        options.failedOnly = failedOnly;
        options.trigger = trigger;
        options.who = who;
        options.yes = true; // confirmed by configuration: scheduled and JMX runs never ask
        return options;
    }
}
