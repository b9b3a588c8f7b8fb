package dev.ferry.stage;

import dev.ferry.state.RunInterruptedException;
import dev.ferry.verify.VerificationException;
import dev.ferry.verify.Checksum;
import dev.ferry.apply.IndexPrebuild;
import dev.ferry.apply.RunApply;
import dev.ferry.apply.TableSwap;
import dev.ferry.ledger.DeadLetterStore;
import dev.ferry.ledger.Watermarks;
import dev.ferry.plan.TablePlan;
import dev.ferry.plan.TableSpec;
import dev.ferry.read.ChangedKeys;
import dev.ferry.read.CopyBatch;
import dev.ferry.read.CopyReader;
import dev.ferry.read.KeyRanges;
import dev.ferry.read.KeySets;
import dev.ferry.read.ReadSql;
import dev.ferry.read.TargetHashes;
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
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperties;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Headers;
import org.apache.camel.component.sql.SqlConstants;
import org.springframework.jdbc.datasource.DataSourceUtils;

import static dev.ferry.stage.StageHeaders.*;

/**
 * The steps of the table-sync route template that need Java: prepare staging (or resume it), shape
 * each batch for its staging write, count progress, and apply staging to the real table in one
 * verified transaction. Each step takes what it needs as typed arguments (the run, the table, the batch,
 * the headers it reads by name, or the header map it writes): never the exchange.
 */
public final class TableSync {

    private final DataSource source;
    private final DataSource target;
    private final Progress progress;
    private final StageMetrics metrics;
    private final boolean verify;
    private final boolean swap;
    private final SmallTables smallTables = new SmallTables();
    private final SwapTargets swapTargets = new SwapTargets();
    /** Tables larger than this many bytes are read as {@link #splitParts} key ranges at once ({@link KeyRanges}). */
    private volatile long splitAbove = Long.MAX_VALUE;
    private volatile int splitParts = 1;
    /** Whether a fresh staging table's transaction commits asynchronously, as its batches do ({@code stagingTransaction}). */
    private volatile boolean asynchronousCommit;
    /** Connections that build the swapped-in tables' indexes before the apply ({@link IndexPrebuild}), from what size. */
    private volatile int indexBuilders = 1;
    private volatile long indexesBeforeApplyAbove;
    /** Changed rows past which merge's probe gives up and the read streams every row (skipping unchanged ones). */
    public static volatile int probeLimit = 100_000;

    /**
     * Steps reading through {@code source} (the run's snapshot) and writing to {@code target}, counted in
     * {@code metrics}; full tables that can be are loaded by swapping their staging in when {@code swap}
     * ({@link TableSwap}).
     */
    public TableSync(DataSource source, DataSource target, Progress progress, StageMetrics metrics, boolean verify,
                     boolean swap) {
        this.verify = verify;
        this.swap = swap;
        this.source = source;
        this.target = target;
        this.progress = progress;
        this.metrics = metrics;
    }

    /**
     * Builds the indexes of swapped-in tables whose staging has at least {@code bytes} on {@code connections}
     * connections at once before the apply; returns this.
     */
    public TableSync indexesBeforeApply(int connections, long bytes) {
        this.indexBuilders = connections;
        this.indexesBeforeApplyAbove = bytes;
        return this;
    }

    /** Reads tables larger than {@code bytes} (pg_table_size) as {@code parts} key ranges at once; returns this. */
    public TableSync splitTablesLargerThan(long bytes, int parts) {
        this.splitAbove = bytes;
        this.splitParts = parts;
        return this;
    }

    /** Commits the transaction that creates a fresh staging table asynchronously when {@code on}; returns this. */
    public TableSync asynchronousCommit(boolean on) {
        this.asynchronousCommit = on;
        return this;
    }

    /**
     * Before the read: keeps staged rows of an interrupted run with the same plan (resume) or starts
     * a fresh staging table, counts the rows to read, and sets the source query and the staging headers.
     * Returns the body: the stream of batches (writer copy), or null (writer sql: the route reads).
     */
    public Object prepare(@ExchangeProperty(Run.PROPERTY) Run run, @ExchangeProperty(TABLE) String table,
                          @ExchangeProperties Map<String, Object> properties, @Headers Map<String, Object> headers)
            throws SQLException {
        requireTable(table);
        TablePlan plan = run.plan(table);
        boolean incremental = plan.spec().mode().isIncremental();
        String watermarkFrom = incremental ? Watermarks.get(target, table) : null;
        String fingerprint = plan.fingerprint(run.ownerId()) + (incremental ? "|since=" + watermarkFrom : "");
        Object afterKey = null;
        long resumed = 0;
        String stagingId = null;
        String checkpointKey = null;
        KeyRanges.Split split = null; // a table read as key ranges at once
        try (Connection c = target.getConnection(); Statement s = c.createStatement()) {
            Checkpoints.Resumable checkpoint = Checkpoints.resumable(c, table, fingerprint, plan.stagingTable());
            boolean resumable = checkpoint != null;
            stagingId = resumable ? checkpoint.stagingId() : null;
            checkpointKey = resumable ? checkpoint.lastKey() : null;
            if (resumable && plan.keyed() && checkpointKey != null) {
                // the checkpoint holds the last key staged, in the source's order, committed with its batch
                IndexPrebuild.dropAll(c, plan); // rows staged from here are staged as without index copies
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + plan.stagingTable())) {
                    rs.next();
                    resumed = rs.getLong(1);
                    afterKey = checkpointKey;
                    split = checkpoint.split() ? KeyRanges.Split.decode(checkpointKey) : null;
                    if (split != null) {
                        progress.note(table + ": resuming its " + split.parts() + " key ranges, each after its own checkpoint");
                    }
                }
            }
            if (afterKey == null) {
                // nothing (usable) staged: a fresh staging generation; its dead letters of an abandoned
                // generation stay in the store for the user to replay or purge
                resumed = 0;
                stagingId = UUID.randomUUID().toString();
                // a full table nothing else refers to is staged in a copy of itself, swapped in at the apply
                TableSwap.Target swapTarget = swap && plan.spec().mode().commitBySwapTable()
                        ? swapTargets.of(c, run, plan) : null;
                boolean swapIn = swapTarget != null && swapTarget.swappable();
                // the old staging dropped, the new one created and its checkpoint started: one round trip, one
                // (implicit) transaction
                s.execute(StagingSql.fresh(plan, swapIn ? TableSwap.createStagingSql(plan, swapTarget.tablespace())
                                : StagingSql.create(plan),
                        Checkpoints.startSql(table, run.id(), fingerprint, stagingId), asynchronousCommit));
            }
        }
        boolean resume = afterKey != null;
        boolean sinceWatermark = watermarkFrom != null;
        long toRead;
        String watermarkTo = null;
        // a small table read whole needs no exact count (it only shows progress): the catalogue's estimate
        Long estimate = incremental || resume || plan.filter() != null ? null : smallTables.estimate(source, run, plan);
        if (estimate != null) {
            toRead = estimate;
        } else try (Connection c = source.getConnection()) {
            if (incremental && sinceWatermark) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(ReadSql.cursorIndexed(plan))) {
                    if (rs.next() && !rs.getBoolean(1)) {
                        progress.note(table + ": no index of the source starts with its cursor " + plan.spec().cursor()
                                + ", so every incremental run reads the whole table to find the changed rows; "
                                + "CREATE INDEX ON " + plan.sourceTableName() + " ("
                                + Sql.ident(plan.spec().cursor()) + ") in production makes it read only those");
                    }
                }
            }
            // incremental: the count and the new high-water mark in one scan of the source
            try (PreparedStatement ps = c.prepareStatement(split != null ? KeyRanges.count(plan, split)
                    : incremental ? ReadSql.countAndWatermark(plan, resume, sinceWatermark)
                    : ReadSql.count(plan, resume, sinceWatermark))) {
                int i = 1;
                if (resume && split == null) { // the key condition names the checkpoint once per key column
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
            if (!resume && splitAbove < Long.MAX_VALUE) {
                split = KeyRanges.choose(c, plan, toRead, splitParts, plan.spec().batchSize(), splitAbove, progress::note);
            }
        }
        if (split != null && !resume) {
            checkpointKey = split.encode(); // the ranges, nothing staged in any: the checkpoint each batch moves from
            try (Connection c = target.getConnection()) {
                Checkpoints.split(c, table, fingerprint, checkpointKey);
            }
        }
        TableResult result = run.result(table);
        result.start(resumed, toRead, estimate != null);
        // a full table read whole in one COPY sums the source side of the verification as it reads (the
        // row hash computed in the same scan); otherwise it runs alongside (same snapshot, another connection)
        result.summing = verify && plan.spec().mode().replacesWhole() && plan.keyed() && !resume
                && plan.spec().writer().copiesText();
        result.summedRows = 0;
        result.summed = java.math.BigInteger.ZERO;
        result.sourceChecksum = null;
        if (verify && RunApply.replacesWhole(plan.spec()) && !result.summing) {
            Object owner = run.ownerId();
            result.sourceChecksum = new Verifier(source, target).sourceLater(plan, owner);
        }
        result.snapshot = run.snapshots();
        result.watermark = watermarkTo != null ? watermarkTo : watermarkFrom;
        result.lastStagedKey = resume || split != null ? checkpointKey : null;
        plan.warnings().forEach(progress::note);
        progress.tableStarted(result);

        Object body = null;
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
                    reader = CopyReader.open(source, ReadSql.copyChanged(plan, found.keys(), owner), true,
                            plan.spec().batchSize(), plan.spec().batchBytes(), table, null, false);
                    reader.alsoSkipped(found.unchanged());
                }
            }
            if (reader == null && split != null) {
                reader = CopyReader.open(source, KeyRanges.reads(plan, split, owner, summing), plan.spec().batchSize(),
                        plan.spec().batchBytes(), table, summing);
            }
            if (reader == null) {
                reader = CopyReader.open(source, ReadSql.copySelect(plan, after, watermarkFrom, owner, skipUnchanged || summing),
                        plan.keyed(), plan.spec().batchSize(), plan.spec().batchBytes(), table,
                        skipUnchanged ? TargetHashes.open(target, plan, after) : null, summing);
            }
            properties.put(READER, reader); // closed when the table's exchange completes (TableAttempts)
            body = reader;
        }
        headers.put(WRITER, plan.spec().writer().toString());
        properties.put(FETCH_SIZE, plan.spec().fetchSize());
        properties.put(BATCH_SIZE, plan.spec().batchSize());
        headers.put(SqlConstants.SQL_QUERY, ReadSql.select(plan, resume ? AFTER_KEY : null, sinceWatermark ? WATERMARK : null));
        headers.put(AFTER_KEY, afterKey);
        headers.put(WATERMARK, watermarkFrom);
        headers.put(STAGE_SQL, StagingSql.insert(plan));
        headers.put(STAGING_ID, stagingId);
        return body;
    }

    /**
     * Shapes one batch for its staging write: the ownership transform and the checkpoint's last key.
     * When the run was asked to stop (SIGTERM, Ctrl+C, cancel), no further batch starts.
     */
    public void beforeStage(@ExchangeProperty(Run.PROPERTY) Run run, @ExchangeProperty(TABLE) String table,
                            @Body Object body, @Headers Map<String, Object> headers) throws RunInterruptedException {
        requireTable(table);
        if (run.stopRequested()) {
           throw new RunInterruptedException("run " + run.id() + " stopped before a batch of " + table
                    + "; the next run resumes from the checkpoint");
        }
        TablePlan plan = run.plan(table);
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
        if (plan.keyed() && body instanceof CopyBatch copy && copy.part() >= 0) {
            // a range of a split read: its own last key moves, in the checkpoint of every range
            lastKey = size == 0 ? prevKey : KeyRanges.Split.decode(prevKey).advanced(copy.part(), batchLastKey).encode();
        } else if (plan.keyed()) {
            lastKey = size == 0 ? prevKey : batchLastKey;
        } else {
            // no key: the checkpoint counts the rows read (a guard against staging a batch twice, not a resume point)
            lastKey = String.valueOf((prevKey == null ? 0 : Long.parseLong(prevKey)) + size);
        }
        headers.put(LAST_KEY, lastKey);
        headers.put(PREV_KEY, prevKey);
        headers.put(BATCH_ROWS, size);
        headers.put(BATCH_STARTED, System.nanoTime());
        headers.remove(DEAD_LETTERED);
    }

    /** Rows in a batch body: a list of row maps (writer: sql) or a {@link CopyBatch} (writer: copy). */
    static int rowsIn(Object body) {
        return body instanceof CopyBatch copy ? copy.size() : ((List<?>) body).size();
    }

    /**
     * Keeps the read at or under the table's {@code maxRowsPerSecond} (0: no limit): waits before a batch until
     * the rows read so far, this batch included, fit the rate since the table started.
     */
    public void pace(@ExchangeProperty(Run.PROPERTY) Run run, @ExchangeProperty(TABLE) String table, @Body Object body)
            throws InterruptedException {
        long maxRowsPerSecond = run.plan(table).spec().maxRowsPerSecond();
        if (maxRowsPerSecond <= 0) {
            return;
        }
        TableResult result = run.result(table);
        long rows = result.read() + rowsIn(body);
        long dueMillis = rows * 1000 / maxRowsPerSecond;
        long elapsedMillis = (long) (result.seconds() * 1000);
        if (dueMillis > elapsedMillis) {
            Thread.sleep(dueMillis - elapsedMillis);
        }
    }

    /**
     * Inside the staging transaction (on its connection), after the batch: moves the table's checkpoint
     * from the previous key to this batch's. When it was not there: an earlier attempt of this very batch
     * did commit (its reply was lost with the connection) and this attempt must roll back; or the
     * checkpoint moved under this run, which fails the table.
     */
    public void checkpoint(@ExchangeProperty(Run.PROPERTY) Run run, @ExchangeProperty(TABLE) String table,
                           @Header(LAST_KEY) String lastKey, @Header(PREV_KEY) String prevKey,
                           @Header(BATCH_ROWS) int rows)
            throws Checkpoints.BatchAlreadyStagedException, Checkpoints.CheckpointConflictException, SQLException {
        Connection c = DataSourceUtils.getConnection(target); // the staging transaction's connection
        if (Checkpoints.advance(c, run.id(), table, lastKey, prevKey, rows) != 1) {
            Checkpoints.alreadyStaged(target, table, lastKey);
        }
    }

    /** After a batch and its checkpoint committed: counts it and reports progress. */
    public void afterStage(@ExchangeProperty(Run.PROPERTY) Run run, @ExchangeProperty(TABLE) String table,
                           @Body Object body, @Header(DEAD_LETTERED) Integer deadLettered,
                           @Header(LAST_KEY) String lastKey, @Header(BATCH_STARTED) long started) {
        TableResult result = run.result(table);
        int rows = rowsIn(body);
        int setAside = deadLettered == null ? 0 : deadLettered;
        result.batchStaged(rows, setAside);
        if (result.summing && body instanceof CopyBatch copy) {
            result.summedRows += copy.size(); // rows set aside here make the apply compute the source side anew
            result.summed = result.summed.add(copy.hashSum());
        }
        result.lastStagedKey = lastKey;
        metrics.batch(table, rows, setAside, System.nanoTime() - started);
        progress.batch(result, run.plan(table).spec().batchSize());
    }

    /**
     * At the end of a table's route: every row is staged (or set aside); the table waits for the run's
     * apply. An incremental table that propagates deletes also copies the source's key set (same snapshot).
     */
    public void staged(@ExchangeProperty(Run.PROPERTY) Run run, @ExchangeProperty(TABLE) String table,
                       @ExchangeProperty(READER) CopyReader reader, @Header(STAGING_ID) String stagingId,
                       @Header(AFTER_KEY) Object resumedAfter)
            throws SQLException, java.io.IOException, DeadLetterStore.TooManyDeadLettersException {
        TablePlan plan = run.plan(table);
        if (reader != null) {
            run.result(table).skipped(reader.skipped());
        }
        // too many rows set aside while staging: the table fails here (its staging and dead letters stay). A
        // generation this run started and set no row aside from has no dead letter to count (the apply
        // counts every table's again in its transaction, whatever happened here)
        if (resumedAfter != null || run.result(table).deadLettered() > 0) {
            try (Connection c = target.getConnection()) {
                DeadLetterStore.checkLimit(c, plan, stagingId,
                        run.result(table).read() + run.result(table).resumed(), false);
            }
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
    public void apply(@ExchangeProperty(Run.PROPERTY) Run run) throws SQLException, VerificationException,
            RunApply.ForeignKeyBrokenException, RunInterruptedException, DeadLetterStore.TooManyDeadLettersException {
        if (run.stopRequested()) {
           throw new RunInterruptedException("the run was stopped before the apply; nothing was applied");
        }
        List<TablePlan> plans = run.plans().stream()
                .filter(p -> run.result(p.name()).status() == TableResult.Status.STAGED).toList();
        if (plans.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        int built = swap ? IndexPrebuild.build(target, plans, indexBuilders, indexesBeforeApplyAbove) : 0;
        if (built > 0) {
            progress.note(String.format(java.util.Locale.ROOT, "%d index(es) of swapped-in tables built in %.1fs",
                    built, (System.nanoTime() - started) / 1e9));
        }
        progress.note("applying " + plans.size() + " table(s) in one transaction" + (verify ? "" : " (not verified: --no-verify)"));
        started = System.nanoTime();
        Map<String, RunApply.Applied> applied = new RunApply(source, target, verify, swap).apply(run, plans);
        progress.note(String.format(java.util.Locale.ROOT, "applied in %.1fs", (System.nanoTime() - started) / 1e9));
        applied.forEach((table, a) -> {
            run.result(table).effect(a.effect() == null ? "" : a.effect());
            run.result(table).applied(a.written(), a.deadLettered());
            metrics.applied(table, a.written(), a.setAsideAtApply());
        });
    }

    // The template's steps name no table: the run puts it in the exchange property ferryTable, so that a
    // name is never text inside a method call (Camel would read the quotes of "my table" or a 'null' as its own).
    private static void requireTable(String table) {
        if (table == null) {
            throw new IllegalStateException("a table route was called without its table (exchange property "
                    + TABLE + "): runs start through SyncRunner");
        }
    }
}
