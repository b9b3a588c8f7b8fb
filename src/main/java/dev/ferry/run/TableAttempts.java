package dev.ferry.run;

import dev.ferry.db.SqlErrors;
import dev.ferry.log.Redactor;
import dev.ferry.plan.TablePlan;
import dev.ferry.read.CopyReader;
import dev.ferry.read.SnapshotDataSource;
import dev.ferry.stage.StageHeaders;
import dev.ferry.state.Progress;
import dev.ferry.state.Run;
import dev.ferry.state.RunInterruptedException;
import dev.ferry.state.TableResult;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;

/**
 * The steps of route {@code ferry-run} (routes/run.yaml), which stages a run's tables in a parallel split:
 * one attempt of a table ({@link #stage}), whether a failed attempt is tried again from the table's
 * checkpoint (the route's redelivery, {@link #again}), and the failure that ends a table ({@link #failed}).
 * The route calls them by type; the run's staging state comes as the exchange property {@link #PROPERTY},
 * each table as the split's body.
 */
public final class TableAttempts {

    /** Exchange property: the {@link TableAttempts} of the run being staged. */
    public static final String PROPERTY = "ferryTableAttempts";

    private final CamelContext camel;
    private final ProducerTemplate producer;
    private final SnapshotDataSource snapshot;
    private final Progress progress;
    private final int attempts;
    private final Run run;
    private final Map<String, Exception> failures = new ConcurrentHashMap<>();
    private volatile Exception fatal;

    /** One table of the split: its plan, the attempts made, the last attempt's failure. */
    public static final class Table {
        final TablePlan plan;
        int attempt;
        Exception failure;
        /** The failure is the run's, not the table's (a new snapshot could not be opened). */
        boolean fatal;

        Table(TablePlan plan) {
            this.plan = plan;
        }

        @Override
        public String toString() {
            return plan.name();
        }
    }

    TableAttempts(CamelContext camel, ProducerTemplate producer, SnapshotDataSource snapshot, Progress progress,
                  int attempts, Run run) {
        this.camel = camel;
        this.producer = producer;
        this.snapshot = snapshot;
        this.progress = progress;
        this.attempts = Math.max(1, attempts);
        this.run = run;
    }

    /** The split's body: one {@link Table} per plan. */
    List<Table> tables(List<TablePlan> plans) {
        return plans.stream().map(Table::new).toList();
    }

    /** The failure of each table that failed. */
    Map<String, Exception> failures() {
        return failures;
    }

    /** A failure that ends the run rather than one table, or null. */
    Exception fatal() {
        return fatal;
    }

    /** Route step: one attempt of a table (see {@link #attempt}). */
    public static void stage(@ExchangeProperty(PROPERTY) TableAttempts attempts, @Body Table table) throws Exception {
        attempts.attempt(table);
    }

    /** Route step, the redelivery's retryWhile: whether the table is tried again from its checkpoint. */
    public static boolean again(@ExchangeProperty(PROPERTY) TableAttempts attempts, @Body Table table) {
        return attempts.retryable(table);
    }

    /** Route step, once the table is not tried again: records its failure. */
    public static void failed(@ExchangeProperty(PROPERTY) TableAttempts attempts, @Body Table table,
                              @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception caught) {
        Exception failure = table.failure != null ? table.failure : caught;
        if (table.fatal) {
            if (attempts.fatal == null) {
                attempts.fatal = failure;
            }
        } else {
            attempts.failures.put(table.plan.name(), failure);
        }
    }

    /**
     * Sends the table through its route, the first time unless another table failed or the run was asked to
     * stop (then it stays PENDING, reported as not run); again, from its checkpoint, after a failure that
     * {@link #retryable} let through, in a new snapshot when the old one is gone. Throws the failure.
     */
    private void attempt(Table table) throws Exception {
        if (table.attempt == 0 && (!failures.isEmpty() || fatal != null || run.stopRequested())) {
            return;
        }
        org.slf4j.MDC.put("runId", run.id()); // every log line of the run carries its id
        try {
            if (table.attempt > 0) {
                if (!snapshot.isAlive()) {
                    try {
                        snapshot.open();
                    } catch (SQLException | RuntimeException e) {
                        table.failure = e;
                        table.fatal = true;
                        throw e;
                    }
                    run.snapshotRenewed();
                    progress.note(table.plan.name() + ": the source snapshot was lost; continuing in a new snapshot");
                }
                progress.note(table.plan.name() + ": " + Redactor.redact(SqlErrors.message(table.failure))
                        + "; resuming from its checkpoint (attempt " + (table.attempt + 1) + " of " + attempts + ")");
            }
            table.attempt++;
            table.failure = send(table.plan);
            if (table.failure != null) {
                throw table.failure;
            }
        } finally {
            org.slf4j.MDC.remove("runId");
        }
    }

    /**
     * A failed table is tried again when the failure was transient (a dropped connection, a lost snapshot)
     * and attempts are left; never after a stop.
     */
    private boolean retryable(Table table) {
        Exception failure = table.failure;
        if (failure == null || table.fatal || failure instanceof RunInterruptedException) {
            return false;
        }
        boolean snapshotLost = !snapshot.isAlive();
        return !run.stopRequested() && table.attempt < attempts && (snapshotLost || SqlErrors.isTransient(failure));
    }

    /** Sends one table through its route once; returns the failure or null. */
    private Exception send(TablePlan plan) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(Run.PROPERTY, run);
        exchange.setProperty(StageHeaders.TABLE, plan.name()); // the template's steps take the table from here
        try {
            producer.send("direct:" + plan.spec().endpoint(), exchange);
        } finally {
            // however the table's route ended: its read stops and gives its connection back
            CopyReader reader = exchange.getProperty(StageHeaders.READER, CopyReader.class);
            if (reader != null) {
                reader.close();
            }
        }
        Exception failure = exchange.getException();
        if (failure == null && run.result(plan.name()).status() != TableResult.Status.STAGED) {
            // never count a table as staged unless its route reached the end of the read
            failure = new IllegalStateException("the route of " + plan.name() + " ended before staging every row");
        }
        if (failure == null) {
            return null;
        }
        Throwable cause = failure;
        while (cause.getCause() != null && !(cause instanceof RunInterruptedException)) {
            cause = cause.getCause();
        }
        return cause instanceof RunInterruptedException interrupted ? interrupted : failure;
    }
}
