package dev.ferry.state;

import dev.ferry.plan.TablePlan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One run of Ferry: who started it, for which tables, with which owner, and how each table ended. */
public final class Run {

    /** How a run ended; the words are the ledger's. */
    public enum Status { RUNNING, SUCCESS, PARTIAL, FAILED, INTERRUPTED }

    /** Exchange property under which a table route finds its run. */
    public static final String PROPERTY = "ferryRun";

    private final String id;
    private final String trigger;
    private final String who;
    private final Object ownerId;
    private final Map<String, TablePlan> plans = new LinkedHashMap<>();
    private final Map<String, TableResult> results = new LinkedHashMap<>();
    private final Instant startedAt = Instant.now();
    private volatile Instant finishedAt;
    private volatile Status status = Status.RUNNING;
    private volatile String error;
    private volatile int snapshots = 1;
    private volatile boolean stopRequested;
    /** Guards the apply's commit against a stop: the stop either cancels the apply or comes after its COMMIT. */
    private final Object commitGate = new Object();
   private java.sql.Connection applying;
   private volatile Object sentForCommit;
    private volatile boolean fresh;

    /** A run of these plans, in order, with a new id. */
    public Run(String trigger, String who, Object ownerId, List<TablePlan> plans) {
        this(UUID.randomUUID().toString(), trigger, who, ownerId, plans);
    }

    /** A run with an id chosen beforehand (a JMX caller gets it before the run starts). */
    public Run(String id, String trigger, String who, Object ownerId, List<TablePlan> plans) {
        this.id = id;
        this.trigger = trigger;
        this.who = who;
        this.ownerId = ownerId;
        for (TablePlan plan : plans) {
            this.plans.put(plan.name(), plan);
            TableResult result = new TableResult(plan.name());
            result.mode(plan.spec().mode().toString());
            this.results.put(plan.name(), result);
        }
    }

    public String id() {
        return id;
    }

    public String trigger() {
        return trigger;
    }

    public String who() {
        return who;
    }

    /** The development owner's id (typed as the target returns it), or null when no table has an owner. */
    public Object ownerId() {
        return ownerId;
    }

    /** The plan of a table of this run. */
    public TablePlan plan(String table) {
        TablePlan plan = plans.get(table);
        if (plan == null) {
            throw new IllegalStateException("table " + table + " is not part of run " + id);
        }
        return plan;
    }

    public List<TablePlan> plans() {
        return List.copyOf(plans.values());
    }

    /** The result of a table of this run. */
    public TableResult result(String table) {
        return results.get(table);
    }

    public List<TableResult> results() {
        return Collections.unmodifiableList(new ArrayList<>(results.values()));
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant finishedAt() {
        return finishedAt;
    }

    public Status status() {
        return status;
    }

    /** The first error of the run, redacted, or null. */
    public String error() {
        return error;
    }

    /**
     * Asks the run to stop after the batch in flight (SIGTERM, Ctrl+C, JMX cancel); an apply that has not
     * sent its COMMIT yet is cancelled and rolls back.
     */
    public void requestStop() {
        synchronized (commitGate) {
            stopRequested = true;
            if (applying != null) {
                try {
                    applying.unwrap(org.postgresql.PGConnection.class).cancelQuery();
                } catch (java.sql.SQLException | RuntimeException ignored) {
                    // the connection is gone: the apply fails anyway, or checks the stop before its commit
                }
            }
        }
    }

    /** The apply's transaction runs on this connection: a stop cancels its statement until the commit is sent. */
    public void applying(java.sql.Connection connection) {
        synchronized (commitGate) {
            applying = connection;
        }
    }

    /**
     * Called right before the apply sends COMMIT, with what it applied: false when the run was asked to
     * stop (the apply rolls back instead). A redelivered apply finds it in {@link #sentForCommit()}.
     */
    public boolean mayCommit(Object applied) {
        synchronized (commitGate) {
            applying = null;
            if (stopRequested) {
                return false;
            }
            sentForCommit = applied;
            return true;
        }
    }

    /** What an attempt of the apply had applied when it sent COMMIT (its reply may have been lost), or null. */
    public Object sentForCommit() {
       return sentForCommit;
    }

    /** The COMMIT sent was answered: it failed, so a redelivery applies again. */
    public void commitFailed() {
        sentForCommit = null;
    }

    /**
     * {@code sync --fresh}: the run discards every table's staged rows and checkpoint before it reads
     * (under the run lock), so nothing is resumed. Returns this run.
     */
    public Run fresh(boolean discardStaging) {
        fresh = discardStaging;
        return this;
    }

    /** Whether the run discards staged rows before it reads ({@link #fresh(boolean)}). */
    public boolean fresh() {
        return fresh;
    }

    /** Whether the run was asked to stop. */
    public boolean stopRequested() {
        return stopRequested;
    }

    /** How many source snapshots the run used (more than one when a lost snapshot had to be renewed). */
    public int snapshots() {
        return snapshots;
    }

    public void snapshotRenewed() {
        snapshots++;
    }

    public void finish(Status outcome, String message) {
        status = outcome;
        if (error == null) {
            error = message;
        }
        finishedAt = Instant.now();
    }
}
