package dev.ferry.run;

import dev.ferry.state.RunInterruptedException;
import dev.ferry.verify.VerificationException;
import dev.ferry.db.SqlErrors;
import dev.ferry.ledger.RunLedger;
import dev.ferry.plan.PlanException;
import dev.ferry.plan.Subsets;
import dev.ferry.plan.TablePlan;
import dev.ferry.plan.TableSpec;
import dev.ferry.plan.UserSqlCheck;
import dev.ferry.rules.Rules;
import dev.ferry.stage.Checkpoints;
import dev.ferry.state.Progress;
import dev.ferry.state.Run;
import dev.ferry.state.TableResult;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.ferry.db.CancellableDataSource;
import dev.ferry.read.SnapshotDataSource;
import dev.ferry.log.Redactor;
import dev.ferry.schema.SchemaIntrospector;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.DefaultExchange;

/**
 * The one entry for a run, whoever starts it (command line, schedule, JMX): plan every table before
 * anything is written, open the run's snapshot, stage the tables through route {@code ferry-run}
 * (routes/run.yaml: a parallel split over their {@code sync-<table>} routes, with table retry as its
 * redelivery), apply them all in one transaction (route {@code ferry-apply}), and record the outcome in
 * the ledger. The plan and the apply's outcome stay in Java: the parents-first order is a topological
 * sort with a rule for cycles, and the apply's result decides between done, failed, and restaging stale
 * tables once before applying again, state an EIP would only hide.
 */
public final class SyncRunner {

    private final CamelContext camel;
    private final CancellableDataSource sourcePool;
    private final SnapshotDataSource snapshot;
    private final DataSource target;
    private final RunLedger ledger;
    private final Progress progress;
    private final int tableAttempts;
    private volatile Run current;
    private volatile boolean stopRequested;

    /** A runner over the routes of this Camel context and its pools. */
    public SyncRunner(CamelContext camel, DataSource sourcePool, SnapshotDataSource snapshot, DataSource target,
                      Progress progress, int tableAttempts) {
        this.tableAttempts = Math.max(1, tableAttempts);
        this.camel = camel;
        // the plan's catalogue reads too can be cancelled by a stop
        this.sourcePool = new CancellableDataSource(sourcePool);
        this.snapshot = snapshot;
        this.target = target;
        this.ledger = new RunLedger(target);
        this.progress = progress;
    }

    /**
     * The tables of every {@code sync-<table>} route made from the table-sync template, in load order: each
     * spec from the route's template parameters as Camel resolved them (the template's defaults included).
     */
    public Map<String, TableSpec> tables() {
        Map<String, TableSpec> specs = new LinkedHashMap<>();
        Map<Object, String> resolved = new java.util.HashMap<>(); // every route resolves the same defaults: once each
        for (RouteDefinition route : camel.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinitions()) {
            Map<String, Object> p = route.getTemplateParameters();
            if (p == null || !p.containsKey("table") || route.getRouteId() == null || !route.getRouteId().startsWith("sync-")) {
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            p.forEach((name, value) -> values.put(name, value == null ? "" : resolved.computeIfAbsent(value, this::resolve)));
            try {
                TableSpec spec = TableSpec.of(values);
                specs.put(spec.table(), spec);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("route " + route.getRouteId() + ": " + e.getMessage(), e);
            }
        }
        return specs;
    }

    private String rulesSecret() {
        String secret;
        try {
            secret = camel.resolvePropertyPlaceholders("{{ferry.rules.secret:}}");
        } catch (RuntimeException e) {
            secret = "";
        }
        if (!secret.isBlank()) {
            Redactor.registerSecret(secret);
        }
        return secret.trim();
    }

    private String resolve(Object value) {
        return value == null ? "" : camel.resolvePropertyPlaceholders(String.valueOf(value)).trim();
    }

    /**
     * Checks every table against both catalogues and its SQL fragments as expressions ({@link UserSqlException}),
     * and orders them parents first; nothing is written, no row is read.
     */
    public List<TablePlan> plan(List<TableSpec> specs) throws SQLException, PlanException {
        // each catalogue read once for the whole run: one connection and six queries per side
        List<String> names = specs.stream().map(TableSpec::table).toList();
        SchemaIntrospector.Catalogue sourceCatalogue = new SchemaIntrospector(sourcePool).catalogue(names);
        SchemaIntrospector.Catalogue targetCatalogue = new SchemaIntrospector(target).catalogue(names);
        List<TablePlan> plans = new ArrayList<>();
        for (TableSpec spec : specs) {
            plans.add(TablePlan.of(spec, sourceCatalogue.table(spec.table()), targetCatalogue.table(spec.table())));
        }
        // every where and sql(...) rule is one SQL expression before any statement carries it
        UserSqlCheck.check(plans, sourcePool);
        Map<String, TablePlan> naturallyKeyed = new LinkedHashMap<>();
        for (TablePlan plan : plans) {
            if (!plan.spec().naturalKeyColumns().isEmpty()) {
                naturallyKeyed.put(plan.target().qualifiedName(), plan);
            }
        }
        Map<TablePlan, List<String>> parents = new LinkedHashMap<>();
        List<TablePlan> remapped = new ArrayList<>();
        for (TablePlan plan : plans) {
            List<String> refs = new ArrayList<>();
            Map<String, String> rewrites = new LinkedHashMap<>();
            if (naturallyKeyed.containsKey(plan.target().qualifiedName())) {
                rewrites.put(plan.spec().keyColumns().get(0), plan.name());
            }
            for (SchemaIntrospector.ForeignKey fk : targetCatalogue.foreignKeysOf(plan.spec().table())) {
                refs.add(fk.referencedTable());
                TablePlan parent = naturallyKeyed.get(fk.referencedTable());
                if (parent != null && fk.columns().size() == 1
                        && fk.referencedColumns().equals(parent.spec().keyColumns())
                        && plan.columns().stream().anyMatch(c -> c.name().equals(fk.columns().get(0)))) {
                    rewrites.put(fk.columns().get(0), parent.name());
                }
            }
            TablePlan withRewrites = rewrites.isEmpty() ? plan : plan.remapping(rewrites);
            remapped.add(withRewrites);
            parents.put(withRewrites, refs);
        }
        plans = remapped;
        Map<String, List<SchemaIntrospector.ForeignKey>> sourceKeys = new LinkedHashMap<>();
        for (TablePlan plan : plans) {
            sourceKeys.put(plan.name(), sourceCatalogue.foreignKeysOf(plan.spec().table()));
        }
        Map<String, String> filters = Subsets.filters(plans, sourceKeys);
        String secret = rulesSecret();
        List<TablePlan> reading = new ArrayList<>();
        for (TablePlan plan : plans) {
            if (secret.isEmpty() && Rules.needsSecret(plan.rules())) {
                throw new PlanException("the rules of " + plan.name() + " pseudonymise with HMAC-SHA256 and need a key: set "
                        + "FERRY_RULES_SECRET (the same value every night gives the same fake values)");
            }
            TablePlan read = plan.reading(filters.get(plan.name()), secret);
            reading.add(read);
            parents.put(read, parents.remove(plan));
        }
        plans = reading;
        return parentsFirst(plans, parents);
    }

    /**
     * Orders plans so that every table comes after the tables its foreign keys reference (self-references
     * ignored); tables in a cycle keep their route order. Java rather than a route: a sort, not a flow.
     */
    static List<TablePlan> parentsFirst(List<TablePlan> plans, Map<TablePlan, List<String>> parents) {
        return ParentsFirst.order(plans, p -> p.target().qualifiedName(), p -> parents.getOrDefault(p, List.of()));
    }

    /** The run in progress, or null. */
    public Run current() {
        return current;
    }

    /**
     * Asks the run in progress (if any) to stop after its batch in flight, and cancels every statement
     * running in the source (a read waiting for a lock in production ends now) and the apply unless it
     * has sent its COMMIT. Staging batches are not cancelled: the one in flight commits or rolls back whole.
     */
    public void stopCurrent() {
        stopRequested = true;
        Run run = current;
        if (run != null) {
            run.requestStop();
        }
        sourcePool.cancelStatements();
        snapshot.cancelStatements();
    }

    /** Whether {@link #stopCurrent()} was called (also before the run began: while planning, say). */
    public boolean stopRequested() {
        return stopRequested;
    }

    /**
     * Runs the planned tables: the owner must already be resolved (or null when no table has one). A
     * table that fails with a transient error (a dropped source or target connection, a lost snapshot)
     * is run again from its checkpoint, up to the configured attempts, with a new snapshot when the old
     * one is gone.
     */
    public Run run(List<TablePlan> plans, Object ownerId, String trigger, String who)
            throws SQLException, RunInProgressException {
        return run(new Run(trigger, who, ownerId, plans));
    }

    /** Another run holds the run lock: nothing was written. */
    public static final class RunInProgressException extends Exception {
        RunInProgressException(String message) {
            super(message);
        }
    }

    /** Runs a prepared run (see {@link #run(List, Object, String, String)}) under the run lock. */
    public Run run(Run run) throws SQLException, RunInProgressException {
        try (RunLock lock = RunLock.take(target)) {
            if (lock == null) {
                throw new RunInProgressException("another Ferry run is writing to this target (it holds the run lock): "
                        + "nothing was written; run again when it has finished");
            }
            ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ferry-run-lock");
                t.setDaemon(true);
                return t;
            });
            watchdog.scheduleWithFixedDelay(() -> {
                if (!lock.stillHeld()) {
                    progress.note("the run lock was lost to another run: stopping after the batch in flight");
                    run.requestStop();
                }
            }, 5, 5, TimeUnit.SECONDS);
            // every log line of the run carries its id (the table workers set it too)
            org.slf4j.MDC.put("runId", run.id());
            try {
                return runLocked(run);
            } finally {
                org.slf4j.MDC.remove("runId");
                watchdog.shutdownNow();
            }
        }
    }

    private Run runLocked(Run run) throws SQLException {
        ledger.ensureSchema();
        // runs still RUNNING while this one holds the lock ended without recording it (kill -9, power loss)
        ledger.interruptAbandoned();
        ledger.begin(run);
        current = run;
        if (stopRequested) {
            run.requestStop(); // the stop came while the run was starting
        }
        Run.Status outcome = Run.Status.SUCCESS;
        String firstError = null;
        try {
            snapshot.open();
            try (ProducerTemplate producer = camel.createProducerTemplate()) {
                if (run.fresh()) {
                    Checkpoints.discard(target, run.plans(), progress);
                }
                Map<String, Exception> failures = stageAll(producer, run, run.plans());
                boolean restaged = false;
                while (true) {
                    for (TablePlan plan : run.plans()) {
                        Exception failure = failures.get(plan.name());
                        if (failure == null) {
                            continue;
                        }
                        TableResult result = run.result(plan.name());
                        if (failure instanceof RunInterruptedException || run.stopRequested()) {
                            result.finish(TableResult.Status.FAILED, "interrupted; the next run resumes from the checkpoint");
                            if (outcome != Run.Status.FAILED) {
                                outcome = Run.Status.INTERRUPTED;
                                firstError = plan.name() + ": interrupted";
                            }
                        } else {
                            String message = Redactor.redact(SqlErrors.message(failure));
                            result.finish(TableResult.Status.FAILED, message);
                            if (outcome != Run.Status.FAILED) {
                                firstError = plan.name() + ": " + message;
                            }
                            outcome = Run.Status.FAILED;
                        }
                    }
                    if (outcome != Run.Status.SUCCESS) {
                        break;
                    }
                    if (run.stopRequested()) {
                        // stopped during the last batch: the staged tables wait for the next run's apply
                        outcome = Run.Status.INTERRUPTED;
                        firstError = "interrupted before the apply; the next run applies the staged tables";
                        break;
                    }
                    Exchange exchange = new DefaultExchange(camel);
                    exchange.setProperty(Run.PROPERTY, run);
                    producer.send("direct:ferry-apply", exchange);
                    if (exchange.getException() == null) {
                        break;
                    }
                    if (run.stopRequested()) {
                        // cancelled, or refused to commit: rolled back whole
                        outcome = Run.Status.INTERRUPTED;
                        firstError = "interrupted during the apply, which rolled back; the next run applies the "
                                + "staged tables";
                        break;
                    }
                    List<TablePlan> stale = restaged ? List.of() : stale(run, exchange.getException());
                    if (!stale.isEmpty()) {
                        // staged rows of an earlier run (or snapshot) no longer match this run's snapshot: the apply
                        // rolled back and discarded their staging; they are read again, whole, and applied with the rest
                        restaged = true;
                        for (TablePlan plan : stale) {
                            TableResult result = run.result(plan.name());
                            progress.note(plan.name() + ": the rows staged " + (result.resumed() > 0 ? "by an earlier run"
                                    : "before the source snapshot was renewed") + " differ from the source (production "
                                    + "changed since): restaging the table from the start in this run's snapshot");
                            result.restage();
                        }
                        failures = stageAll(producer, run, stale);
                        continue;
                    }
                    String message = Redactor.redact(SqlErrors.message(exchange.getException()));
                    outcome = Run.Status.FAILED;
                    firstError = "apply: " + message;
                    for (TableResult result : run.results()) {
                        if (result.status() == TableResult.Status.STAGED) {
                            result.finish(TableResult.Status.FAILED, "not applied: " + message);
                        }
                    }
                    break;
                }
                String why = outcome == Run.Status.INTERRUPTED ? "the run was stopped" : "another table failed";
                for (TableResult result : run.results()) {
                    if (result.status() == TableResult.Status.STAGED) {
                        result.finish(TableResult.Status.SKIPPED, "staged but not applied (" + why + "); the next "
                                + "run applies it from staging");
                    } else if (result.status() == TableResult.Status.PENDING) {
                        result.finish(TableResult.Status.SKIPPED, "not run: " + why);
                    } else if (result.status() == TableResult.Status.PARTIAL && outcome == Run.Status.SUCCESS) {
                        outcome = Run.Status.PARTIAL;
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            outcome = Run.Status.FAILED;
            firstError = Redactor.redact(SqlErrors.message(e));
        } catch (Exception e) {
            outcome = Run.Status.FAILED;
            firstError = Redactor.redact(String.valueOf(e.getMessage()));
        } finally {
            snapshot.close();
            run.finish(outcome, firstError);
            current = null;
            for (TableResult result : run.results()) {
                if (result.status() == TableResult.Status.PENDING || result.status() == TableResult.Status.RUNNING
                        || result.status() == TableResult.Status.STAGED) {
                    result.finish(TableResult.Status.FAILED, "not applied: " + firstError);
                }
            }
            ledger.tables(run, run.results());
            ledger.finish(run);
        }
        return run;
    }

    /**
     * Stages every table through route {@code ferry-run} (routes/run.yaml): a parallel split, up to
     * {@code ferry.parallelTables} tables at a time, all in the run's one snapshot (staging does not depend
     * on foreign-key order: the apply handles that); a table that fails with a transient error is
     * redelivered from its checkpoint ({@link TableAttempts}). After a table fails, tables not yet started
     * are left PENDING. Returns the failure of each table that failed.
     */
    private Map<String, Exception> stageAll(ProducerTemplate producer, Run run, List<TablePlan> plans) throws Exception {
        TableAttempts attempts = new TableAttempts(camel, producer, snapshot, progress, tableAttempts, run);
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(Run.PROPERTY, run);
        exchange.setProperty(TableAttempts.PROPERTY, attempts);
        exchange.getMessage().setBody(attempts.tables(plans));
        producer.send("direct:ferry-run", exchange);
        if (exchange.getException() != null) {
            throw exchange.getException();
        }
        if (attempts.fatal() != null) {
            throw attempts.fatal();
        }
        return attempts.failures();
    }

    /**
     * The tables whose verification failed only because their staging is older than the run's snapshot:
     * each was resumed from an earlier run's staging, or staged before a lost snapshot was renewed. Empty
     * when the failure is anything else, or when a table read whole in this snapshot differs too (restaging
     * would not change it).
     */
    private static List<TablePlan> stale(Run run, Exception failure) {
        Throwable cause = failure;
        while (cause != null && !(cause instanceof VerificationException)) {
            cause = cause.getCause();
        }
        if (!(cause instanceof VerificationException verification) || verification.tables().isEmpty()) {
            return List.of();
        }
        List<TablePlan> stale = new ArrayList<>();
        for (String table : verification.tables()) {
            TableResult result = run.result(table);
            if (result == null || (result.resumed() == 0 && result.snapshot == run.snapshots())) {
                return List.of();
            }
            stale.add(run.plan(table));
        }
        return stale;
    }
}
