package dev.ferry.stage;

import dev.ferry.state.RunInterruptedException;
import dev.ferry.verify.VerificationException;
import dev.ferry.verify.Checksum;
import dev.ferry.apply.RunApply;
import dev.ferry.apply.TableSwap;
import dev.ferry.ledger.DeadLetterStore;
import dev.ferry.ledger.Watermarks;
import dev.ferry.plan.TablePlan;
import dev.ferry.plan.TableSpec;
import dev.ferry.read.ChangedKeys;
import dev.ferry.read.CopyBatch;
import dev.ferry.read.CopyReader;
import dev.ferry.read.KeySets;
import dev.ferry.read.TargetHashes;
import dev.ferry.run.SyncRunner;
import dev.ferry.state.Progress;
import dev.ferry.state.Run;
import dev.ferry.state.TableResult;
import dev.ferry.verify.Verifier;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import dev.ferry.db.Sql;
import dev.ferry.ops.FerryMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.component.sql.SqlConstants;

/**
 * The steps of the table-sync route template that need Java: prepare staging (or resume it), shape
 * each batch for its staging write, count progress, and apply staging to the real table in one
 * verified transaction.
 */
public final class TableSync {

    /** Header: the staging insert of the current table (camel-sql batch statement). */
    public static final String STAGE_SQL = "ferryStageSql";
    /** Header: the last key read, for resuming the source query. */
    public static final String AFTER_KEY = "ferryAfterKey";
    /** Header: incremental, the high-water mark of the last successful run (rows past it are read). */
    public static final String WATERMARK = "ferryWatermark";
    /** Exchange property: the table's {@link CopyReader}, closed when the route ends (a failure stops it early). */
    public static final String READER = "ferryReader";
    /** Header: the id of the current staging generation (dead letters set aside from it carry it). */
    public static final String STAGING_ID = "ferryStagingId";
    /** Header: rows of the current batch set aside as dead letters. */
    public static final String DEAD_LETTERED = "ferryDeadLettered";

    private final DataSource source;
    private final DataSource target;
    private final Progress progress;
    private final FerryMetrics metrics;
    private final boolean verify;
    private final boolean swap;
    /** Changed rows past which merge's probe gives up and the read streams every row (skipping unchanged ones). */
    public static volatile int probeLimit = 100_000;
    /** Source checksums computed alongside the staging (daemon threads: never keep the JVM alive). */
    private static final java.util.concurrent.ExecutorService CHECKSUMS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ferry-checksum");
        t.setDaemon(true);
        return t;
    });

    /**
     * Steps reading through {@code source} (the run's snapshot) and writing to {@code target}, counted in
     * {@code metrics}; full tables that can be are loaded by swapping their staging in when {@code swap}
     * ({@link TableSwap}).
     */
    public TableSync(DataSource source, DataSource target, Progress progress, FerryMetrics metrics, boolean verify,
                     boolean swap) {
        this.verify = verify;
        this.swap = swap;
        this.source = source;
        this.target = target;
        this.progress = progress;
        this.metrics = metrics;
    }

    /**
     * Before the read: keeps staged rows of an interrupted run with the same plan (resume) or starts
     * a fresh staging table, counts the rows to read, and sets the source query.
     */
    public void prepare(Exchange exchange, String table) throws SQLException {
        Run run = exchange.getProperty(Run.PROPERTY, Run.class);
        TablePlan plan = run.plan(table);
        boolean incremental = plan.spec().mode().isIncremental();
        String watermarkFrom = incremental ? Watermarks.get(target, table) : null;
        String fingerprint = plan.fingerprint(run.ownerId()) + (incremental ? "|since=" + watermarkFrom : "");
        Object afterKey = null;
        long resumed = 0;
        String stagingId = null;
        String checkpointKey = null;
        try (Connection c = target.getConnection(); Statement s = c.createStatement()) {
            boolean resumable = false;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT fingerprint = ? AND to_regclass(?) IS NOT NULL, staging_id, last_key FROM ferry.checkpoint "
                            + "WHERE table_name = ?")) {
                ps.setString(1, fingerprint);
                ps.setString(2, plan.stagingTable());
                ps.setString(3, table);
                try (ResultSet rs = ps.executeQuery()) {
                    resumable = rs.next() && rs.getBoolean(1) && rs.getString(2) != null;
                    stagingId = resumable ? rs.getString(2) : null;
                    checkpointKey = resumable ? rs.getString(3) : null;
                }
            }
            if (resumable && plan.keyed() && checkpointKey != null) {
                // the checkpoint holds the last key staged, in the source's order, committed with its batch
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + plan.stagingTable())) {
                    rs.next();
                    resumed = rs.getLong(1);
                    afterKey = checkpointKey;
                }
            }
            if (afterKey == null) {
                // nothing (usable) staged: a fresh staging generation; its dead letters of an abandoned
                // generation stay in the store for the user to replay or purge
                resumed = 0;
                stagingId = UUID.randomUUID().toString();
                s.execute("DROP TABLE IF EXISTS " + plan.stagingTable());
                // a full table nothing else refers to is staged in a copy of itself, swapped in at the apply
                boolean swapIn = swap && plan.spec().mode().commitBySwapTable()
                        && TableSwap.obstacle(c, plan.targetTable()) == null;
                s.execute(swapIn ? TableSwap.createStagingSql(c, plan) : plan.createStagingSql());
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO ferry.checkpoint (table_name, run_id, fingerprint, last_key, rows_staged, updated_at, staging_id) "
                                + "VALUES (?, ?, ?, NULL, 0, now(), ?) ON CONFLICT (table_name) DO UPDATE SET "
                                + "run_id = EXCLUDED.run_id, fingerprint = EXCLUDED.fingerprint, last_key = NULL, "
                                + "rows_staged = 0, updated_at = now(), staging_id = EXCLUDED.staging_id")) {
                    ps.setString(1, table);
                    ps.setString(2, run.id());
                    ps.setString(3, fingerprint);
                    ps.setString(4, stagingId);
                    ps.executeUpdate();
                }
            }
        }
        boolean resume = afterKey != null;
        boolean sinceWatermark = watermarkFrom != null;
        long toRead;
        String watermarkTo = null;
        try (Connection c = source.getConnection()) {
            if (incremental && sinceWatermark) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(plan.cursorIndexedSql())) {
                    if (rs.next() && !rs.getBoolean(1)) {
                        progress.note(table + ": no index of the source starts with its cursor " + plan.spec().cursor()
                                + ", so every incremental run reads the whole table to find the changed rows; "
                                + "CREATE INDEX ON " + plan.sourceTableName() + " ("
                                + Sql.ident(plan.spec().cursor()) + ") in production makes it read only those");
                    }
                }
            }
            // incremental: the count and the new high-water mark in one scan of the source
            try (PreparedStatement ps = c.prepareStatement(incremental ? plan.countAndWatermarkSql(resume, sinceWatermark)
                    : plan.countSql(resume, sinceWatermark))) {
                int i = 1;
                if (resume) { // the key condition names the checkpoint once per key column
                    int uses = plan.spec().keyColumns().size();
                    for (int u = 0; u < uses; u++) {
                        ps.setObject(i++, afterKey);
                    }
                }
                if (sinceWatermark) {
                    ps.setString(i, watermarkFrom);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    toRead = rs.getLong(1);
                    watermarkTo = incremental ? rs.getString(2) : null;
                }
            }
        }
        TableResult result = run.result(table);
        result.start(resumed, toRead);
        // a full table read whole in one COPY sums the source side of the verification as it reads (the
        // row hash computed in the same scan); otherwise it runs alongside (same snapshot, another connection)
        result.summing = verify && plan.spec().mode().replacesWhole() && plan.keyed() && !resume
                && plan.spec().writer().copiesText();
        result.summedRows = 0;
        result.summed = java.math.BigInteger.ZERO;
        result.sourceChecksum = null;
        if (verify && RunApply.replacesWhole(plan.spec()) && !result.summing) {
            Object owner = run.ownerId();
            result.sourceChecksum = CHECKSUMS.submit(() -> new Verifier(source, target).source(plan, owner, List.of()));
        }
        result.snapshot = run.snapshots();
        result.watermark = watermarkTo != null ? watermarkTo : watermarkFrom;
        result.lastStagedKey = resume ? checkpointKey : null;
        plan.warnings().forEach(progress::note);
        progress.tableStarted(result);

        if (plan.spec().writer().copiesText()) {
            String owner = plan.spec().hasOwner() ? dev.ferry.db.Sql.literal(String.valueOf(run.ownerId())) : null;
            String after = resume ? String.valueOf(afterKey) : null;
            boolean skipUnchanged = TargetHashes.applies(plan);
            boolean summing = result.summing; // full mode only, never skipUnchanged (merge)
            CopyReader reader = null;
            if (skipUnchanged) {
                // a probe of both sides' row hashes first: then only the rows that changed are read in full
                ChangedKeys.Found found = ChangedKeys.find(source, target, plan, after, owner, probeLimit);
                if (found != null) {
                    reader = CopyReader.open(source, plan.copyChangedSql(found.keys(), owner), true,
                            plan.spec().batchSize(), plan.spec().batchBytes(), table, null, false);
                    reader.alsoSkipped(found.unchanged());
                }
            }
            if (reader == null) {
                reader = CopyReader.open(source, plan.copySelectSql(after, watermarkFrom, owner, skipUnchanged || summing),
                        plan.keyed(), plan.spec().batchSize(), plan.spec().batchBytes(), table,
                        skipUnchanged ? TargetHashes.open(target, plan, after) : null, summing);
            }
            exchange.setProperty(READER, reader); // closed by the runner however the route ends
            exchange.getMessage().setBody(reader);
        }
        exchange.getMessage().setHeader("ferryWriter", plan.spec().writer().toString());
        exchange.getMessage().setHeader(SqlConstants.SQL_QUERY, plan.selectSql(resume, sinceWatermark));
        exchange.getMessage().setHeader(AFTER_KEY, afterKey);
        exchange.getMessage().setHeader(WATERMARK, watermarkFrom);
        exchange.getMessage().setHeader(STAGE_SQL, plan.stagingInsertSql());
        exchange.getMessage().setHeader("ferryTable", table);
        exchange.getMessage().setHeader("ferryRunId", run.id());
        exchange.getMessage().setHeader(STAGING_ID, stagingId);
    }

    /**
     * Shapes one batch for its staging write: the ownership transform and the checkpoint's last key.
     * When the run was asked to stop (SIGTERM, Ctrl+C, cancel), no further batch starts.
     */
    public void beforeStage(Exchange exchange, String table) throws RunInterruptedException {
        Run run = exchange.getProperty(Run.PROPERTY, Run.class);
        if (run.stopRequested()) {
           throw new RunInterruptedException("run " + run.id() + " stopped before a batch of " + table
                    + "; the next run resumes from the checkpoint");
        }
        TablePlan plan = run.plan(table);
        Object body = exchange.getMessage().getBody();
        int size = rowsIn(body);
        String batchLastKey;
        if (body instanceof CopyBatch copy) {
            batchLastKey = copy.lastKey(); // the owner was set in the source's SELECT
        } else {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> rows = (List<Map<String, Object>>) body;
            if (plan.spec().hasOwner()) {
                OwnerRemap.apply(rows, plan.field(plan.spec().ownerColumn()), run.ownerId());
            }
            batchLastKey = rows.isEmpty() ? null : (String) rows.get(rows.size() - 1).get(TablePlan.KEY_FIELD);
        }
        String prevKey = run.result(table).lastStagedKey;
        String lastKey;
        if (plan.keyed()) {
            lastKey = size == 0 ? prevKey : batchLastKey;
        } else {
            // no key: the checkpoint counts the rows read (a guard against staging a batch twice, not a resume point)
            lastKey = String.valueOf((prevKey == null ? 0 : Long.parseLong(prevKey)) + size);
        }
        exchange.getMessage().setHeader("ferryLastKey", lastKey);
        exchange.getMessage().setHeader("ferryPrevKey", prevKey);
        exchange.getMessage().setHeader("ferryBatchRows", size);
        exchange.getMessage().setHeader("ferryBatchStarted", System.nanoTime());
        exchange.getMessage().removeHeader(DEAD_LETTERED);
    }

    /** Rows in a batch body: a list of row maps (writer: sql) or a {@link CopyBatch} (writer: copy). */
    static int rowsIn(Object body) {
        return body instanceof CopyBatch copy ? copy.size() : ((List<?>) body).size();
    }

    /**
     * Keeps the read at or under {@code maxRowsPerSecond} (0: no limit): waits before a batch until the
     * rows read so far, this batch included, fit the rate since the table started.
     */
    public void pace(Exchange exchange, String table, long maxRowsPerSecond) throws InterruptedException {
        if (maxRowsPerSecond <= 0) {
            return;
        }
        TableResult result = exchange.getProperty(Run.PROPERTY, Run.class).result(table);
        long rows = result.read() + rowsIn(exchange.getMessage().getBody());
        long dueMillis = rows * 1000 / maxRowsPerSecond;
        long elapsedMillis = (long) (result.seconds() * 1000);
        if (dueMillis > elapsedMillis) {
            Thread.sleep(dueMillis - elapsedMillis);
        }
    }

    /**
     * Inside the staging transaction, after the guarded checkpoint update: exactly one row must have
     * moved from the previous key to this batch's. None: an earlier attempt of this very batch did
     * commit (its reply was lost with the connection) and this attempt must roll back; or the
     * checkpoint moved under this run, which fails the table.
     */
    public void checkpointed(Exchange exchange) throws BatchAlreadyStagedException, CheckpointConflictException,
            SQLException {
        Integer updated = exchange.getMessage().getHeader(SqlConstants.SQL_UPDATE_COUNT, Integer.class);
        if (updated != null && updated == 1) {
            return;
        }
        String table = exchange.getMessage().getHeader("ferryTable", String.class);
        String lastKey = exchange.getMessage().getHeader("ferryLastKey", String.class);
        verifyAlreadyStaged(target, table, lastKey);
    }

    /** Throws BatchAlreadyStaged when the committed checkpoint already covers {@code lastKey}, else a conflict. */
    static void verifyAlreadyStaged(DataSource target, String table, String lastKey)
            throws BatchAlreadyStagedException, CheckpointConflictException, SQLException {
        String committed;
        try (Connection c = target.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT last_key FROM ferry.checkpoint WHERE table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                committed = rs.next() ? rs.getString(1) : null;
            }
        }
        if (lastKey != null && lastKey.equals(committed)) {
            throw new BatchAlreadyStagedException("the batch of " + table + " up to key " + lastKey
                    + " was already staged by an attempt whose commit reply was lost");
        }
        throw new CheckpointConflictException("the checkpoint of " + table + " moved under this run (another run staging "
                + "the same table?); the table stops so that no row is staged twice");
    }

    /** An earlier attempt of this batch committed: this attempt rolls back and the batch counts as staged. */
    public static final class BatchAlreadyStagedException extends Exception {
        BatchAlreadyStagedException(String message) {
            super(message);
        }
    }

    /** The checkpoint is not where this run left it: the table fails. */
    public static final class CheckpointConflictException extends Exception {
        CheckpointConflictException(String message) {
            super(message);
        }
    }

    /** After a batch and its checkpoint committed: counts it and reports progress. */
    public void afterStage(Exchange exchange, String table) {
        Run run = exchange.getProperty(Run.PROPERTY, Run.class);
        TableResult result = run.result(table);
        int rows = rowsIn(exchange.getMessage().getBody());
        int setAside = exchange.getMessage().getHeader(DEAD_LETTERED, 0, Integer.class);
        result.batchStaged(rows, setAside);
        if (result.summing && exchange.getMessage().getBody() instanceof CopyBatch copy) {
            result.summedRows += copy.size(); // rows set aside here make the apply compute the source side anew
            result.summed = result.summed.add(copy.hashSum());
        }
        result.lastStagedKey = exchange.getMessage().getHeader("ferryLastKey", String.class);
        metrics.batch(table, rows, setAside,
                System.nanoTime() - exchange.getMessage().getHeader("ferryBatchStarted", 0L, Long.class));
        progress.batch(result, run.plan(table).spec().batchSize());
    }

    /**
     * At the end of a table's route: every row is staged (or set aside); the table waits for the run's
     * apply. An incremental table that propagates deletes also copies the source's key set (same snapshot).
     */
    public void staged(Exchange exchange, String table) throws SQLException, java.io.IOException,
            DeadLetterStore.TooManyDeadLettersException {
        Run run = exchange.getProperty(Run.PROPERTY, Run.class);
        TablePlan plan = run.plan(table);
        CopyReader reader = exchange.getProperty(READER, CopyReader.class);
        if (reader != null) {
            run.result(table).skipped(reader.skipped());
        }
        // too many rows set aside while staging: the table fails here (its staging and dead letters stay)
        try (Connection c = target.getConnection()) {
            DeadLetterStore.checkLimit(c, plan, exchange.getMessage().getHeader(STAGING_ID, String.class),
                    run.result(table).read() + run.result(table).resumed(), false);
        }
        if ((plan.spec().mode().isIncremental() && plan.spec().propagateDeletes())
                || (plan.spec().mode().isMerge() && plan.spec().deleteMissing() && TargetHashes.applies(plan))) {
            long keys = KeySets.copy(source, target, plan);
            progress.note(table + ": " + keys + " source key(s) copied to find deletes");
        }
        run.result(table).staged();
        TableResult r = run.result(table);
        if (r.summing) {
            r.sourceChecksum = java.util.concurrent.CompletableFuture.completedFuture(
                    new Checksum(r.summedRows, new BigDecimal(r.summed)));
        }
        progress.note(table + ": staged " + (r.read() - r.skipped()) + " row(s) read in this run"
                + (r.skipped() > 0 ? ", " + r.skipped() + " unchanged (not staged)" : "")
                + (r.resumed() > 0 ? ", " + r.resumed() + " resumed" : ""));
    }

    /**
     * Applies every staged table of the run to the target in one verified transaction (see {@link RunApply}):
     * until it commits the development database is untouched; any failure rolls all of it back.
     */
    public void apply(Exchange exchange) throws SQLException, VerificationException, RunApply.ForeignKeyBrokenException,
            RunInterruptedException, DeadLetterStore.TooManyDeadLettersException {
        Run run = exchange.getProperty(Run.PROPERTY, Run.class);
        if (run.stopRequested()) {
           throw new RunInterruptedException("the run was stopped before the apply; nothing was applied");
        }
        List<TablePlan> plans = run.plans().stream()
                .filter(p -> run.result(p.name()).status() == TableResult.Status.STAGED).toList();
        if (plans.isEmpty()) {
            return;
        }
        progress.note("applying " + plans.size() + " table(s) in one transaction" + (verify ? "" : " (not verified: --no-verify)"));
        long started = System.nanoTime();
        Map<String, RunApply.Applied> applied = new RunApply(source, target, verify, swap).apply(run, plans);
        progress.note(String.format(java.util.Locale.ROOT, "applied in %.1fs", (System.nanoTime() - started) / 1e9));
        applied.forEach((table, a) -> {
            run.result(table).effect(a.effect() == null ? "" : a.effect());
            run.result(table).applied(a.written(), a.deadLettered());
            metrics.applied(table, a.written(), a.setAsideAtApply());
        });
    }

    // The template's steps name no table: the runner puts it in the exchange property ferryTable, so that a
    // name is never text inside a method call (Camel would read the quotes of "my table" or a 'null' as its own).

    /** {@link #prepare(Exchange, String)} for the exchange's table. */
    public void prepare(Exchange exchange) throws SQLException {
        prepare(exchange, table(exchange));
    }

    /** {@link #beforeStage(Exchange, String)} for the exchange's table. */
    public void beforeStage(Exchange exchange) throws RunInterruptedException {
        beforeStage(exchange, table(exchange));
    }

    /** {@link #pace(Exchange, String, long)} for the exchange's table. */
    public void pace(Exchange exchange, long maxRowsPerSecond) throws InterruptedException {
        pace(exchange, table(exchange), maxRowsPerSecond);
    }

    /** {@link #afterStage(Exchange, String)} for the exchange's table. */
    public void afterStage(Exchange exchange) {
        afterStage(exchange, table(exchange));
    }

    /** {@link #staged(Exchange, String)} for the exchange's table. */
    public void staged(Exchange exchange) throws SQLException, java.io.IOException,
            DeadLetterStore.TooManyDeadLettersException {
        staged(exchange, table(exchange));
    }

    private static String table(Exchange exchange) {
        String table = exchange.getProperty(SyncRunner.TABLE_PROPERTY, String.class);
        if (table == null) {
            throw new IllegalStateException("a table route was called without its table (exchange property "
                    + SyncRunner.TABLE_PROPERTY + "): runs start through SyncRunner");
        }
        return table;
    }
}
