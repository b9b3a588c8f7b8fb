package dev.ferry.ops;

import java.io.BufferedReader;
import java.io.PrintStream;
import java.io.StringReader;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Semaphore;

import dev.ferry.FerryApp;
import dev.ferry.cli.SyncJob;
import dev.ferry.log.Redactor;
import dev.ferry.sync.Progress;
import dev.ferry.sync.Run;
import dev.ferry.sync.RunLedger;
import dev.ferry.sync.SqlErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one entry for runs of the service, scheduled or over JMX: never two at once in this process
 * (a permit; across processes every run also takes the run lock, see {@link dev.ferry.sync.RunLock}).
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
    private volatile SyncJob job;
    private volatile String currentRunId;
    private volatile Run lastRun;

    /** A coordinator reporting progress to {@code out}; attach the started app before use. */
    public RunCoordinator(PrintStream out) {
        this.out = out;
    }

    /** Attaches the started Ferry this coordinator runs on. */
    public void attach(FerryApp started) {
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
        Set<String> known = app.runner(new Progress(out)).tables().keySet();
        List<String> unknown = tables.stream().filter(t -> dev.ferry.sync.TableSpec.find(known, t) == null).toList();
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
        SyncJob.Options options = options(tables, false, trigger, who);
        options.dryRun = true;
        SyncJob.Outcome outcome = quietJob().execute(app, options);
        return outcome.plan() != null ? outcome.plan() : "dry run failed (exit " + outcome.exitCode() + "); see the log";
    }

    /** Asks the run in progress to stop after its batch in flight. */
    public void cancel() {
        SyncJob j = job;
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
        SyncJob j = job;
        return j == null ? null : j.current();
    }

    /** The id of the run in progress (also while it is being prepared), or null. */
    public String currentRunId() {
        return running() ? currentRunId : null;
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
        SyncJob j = quietJob();
        job = j;
        try {
            SyncJob.Options options = options(tables, failedOnly, trigger, who);
            options.runId = id;
            SyncJob.Outcome outcome = j.execute(app, options);
            if (outcome.run() != null) {
                lastRun = outcome.run();
            }
            if (outcome.busy() && "schedule".equals(trigger)) {
                // another instance is running: this tick is skipped, as one during our own run would be
                app.bean("ferryMetrics", FerryMetrics.class).skipped();
            }
        } catch (RuntimeException e) {
            LOG.error("run {} failed: {}", id, Redactor.redact(String.valueOf(e.getMessage())), e);
        } finally {
            job = null;
        }
    }

    private SyncJob quietJob() {
        return new SyncJob(out, new BufferedReader(new StringReader("")), false);
    }

    private SyncJob.Options options(List<String> tables, boolean failedOnly, String trigger, String who) {
        SyncJob.Options options = new SyncJob.Options();
        options.tables = tables;
        options.failedOnly = failedOnly;
        options.trigger = trigger;
        options.who = who;
        options.yes = true; // confirmed by configuration: scheduled and JMX runs never ask
        return options;
    }
}
