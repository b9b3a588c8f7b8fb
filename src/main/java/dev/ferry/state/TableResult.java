package dev.ferry.state;

import dev.ferry.verify.Checksum;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** What one table of a run did: counts, timing, outcome. Updated by the table's route as batches land. */
public final class TableResult {

    /** How a table ended. */
    /** A table's outcome: PARTIAL is applied with rows set aside in the dead-letter store (a retry includes it). */
    public enum Status { PENDING, RUNNING, STAGED, SUCCESS, PARTIAL, FAILED, SKIPPED }

    /**
     * What the table is doing now, for the live progress: waiting for its turn, staging (reading the source into
     * staging), staged (waiting for the apply), applying (writing development in the apply's transaction),
     * verifying (comparing with the source in that transaction), done (an outcome is recorded).
     */
    public enum Step { WAITING, STAGING, STAGED, APPLYING, VERIFYING, DONE }

    private final String name;
    private volatile Step step = Step.WAITING;
    private volatile String mode = "full";
    private volatile String effect = "";
    private final AtomicLong read = new AtomicLong();
    private volatile long resumed;
    private volatile long expected;
    private volatile boolean expectedEstimated;
    private volatile long written;
    private final AtomicLong deadLettered = new AtomicLong();
    private volatile long batches;
    private volatile long skipped;
    private volatile Instant started;
    private volatile Instant finished;
    private volatile Status status = Status.PENDING;
    private volatile String error;
    /** The checkpoint's last key as this run last committed it (the guard of the next batch's checkpoint). */
    public volatile String lastStagedKey;
    /** The source's count and checksum, computed while the table was staged (full tables with verification). */
    public volatile java.util.concurrent.Future<Checksum> sourceChecksum;
    /** Whether this staging's read sums the source checksum itself (then sourceChecksum is set when staged). */
    public volatile boolean summing;
    /** The rows and the sum of their checksum hashes staged so far by a summing read (committed batches only). */
    public volatile long summedRows;
    public volatile java.math.BigInteger summed = java.math.BigInteger.ZERO;
    /** The run's snapshot (1, or more after a lost one was renewed) in which the table was last prepared. */
    public volatile int snapshot;
    /** Whether the run discarded this table's staging and staged it again (stale rows of an earlier run). */
    private volatile boolean restaged;
    /** incremental: the high-water mark this run reaches (stored when the table is applied). */
    public volatile String watermark;

    /** A pending result for the table. */
    public TableResult(String name) {
        this.name = name;
    }

    public void start(long resumedRows, long rowsToRead) {
        start(resumedRows, rowsToRead, false);
    }

    /** As above; {@code estimated}: the rows to read are the catalogue's estimate, not a count. */
    public void start(long resumedRows, long rowsToRead, boolean estimated) {
        started = Instant.now();
        status = Status.RUNNING;
        step = Step.STAGING;
        resumed = resumedRows;
        expected = rowsToRead;
        expectedEstimated = estimated;
    }

    public void batchStaged(int rows, int setAside) {
        read.addAndGet(rows);
        deadLettered.addAndGet(setAside);
        batches++;
    }

    /** Back to pending, counts cleared: the table's staging was discarded and is read again from the start. */
    public void restage() {
        read.set(0);
        deadLettered.set(0);
        batches = 0;
        skipped = 0;
        written = 0;
        resumed = 0;
        expected = 0;
        expectedEstimated = false;
        status = Status.PENDING;
        step = Step.WAITING;
        error = null;
        finished = null;
        lastStagedKey = null;
        restaged = true;
    }

    /** Whether this run discarded the table's staging and staged it again from the start. */
    public boolean restaged() {
        return restaged;
    }

    public void staged() {
        status = Status.STAGED;
        step = Step.STAGED;
    }

    /** The apply's transaction writes the table now (again, after a redelivery). */
    public void applying() {
        step = Step.APPLYING;
    }

    /** The apply's transaction compares the table with the source now. */
    public void verifying() {
        step = Step.VERIFYING;
    }

    /** The current step; DONE once the table has an outcome. */
    public Step step() {
        return switch (status) {
            case SUCCESS, PARTIAL, FAILED, SKIPPED -> Step.DONE;
            default -> step;
        };
    }

    public void applied(long rows, long setAside) {
        written = rows;
        deadLettered.set(setAside);
        finish(setAside > 0 ? Status.PARTIAL : Status.SUCCESS, null);
    }

    public void finish(Status outcome, String message) {
        status = outcome;
        error = message;
        finished = Instant.now();
        if (started == null) {
            started = finished;
        }
    }

    public String name() {
        return name;
    }

    public String mode() {
        return mode;
    }

    /** The mode the report shows (a two-way table's is twoWay). */
    public void mode(String value) {
        mode = value;
    }

    /** What the apply did, in words (merge and incremental: inserted, updated, deleted, unchanged, conflicts). */
    public String effect() {
        return effect;
    }

    public void effect(String value) {
        effect = value;
    }

    /** Rows read from the source in this run (rows resumed from staging are not read again). */
    public long read() {
        return read.get() + skipped;
    }

    /** Rows read but not staged: the target already held them unchanged (merge, incremental). */
    public long skipped() {
        return skipped;
    }

    public void skipped(long rows) {
        skipped = rows;
    }

    /** Rows that were already staged by an earlier, interrupted run. */
    public long resumed() {
        return resumed;
    }

    /** Rows the source held after the checkpoint when the table started (an estimate when {@link #expectedEstimated}). */
    public long expected() {
        return expected;
    }

    /** Whether {@link #expected} is the catalogue's estimate (a small table read whole), not a count. */
    public boolean expectedEstimated() {
        return expectedEstimated;
    }

    public long written() {
        return written;
    }

    public long batches() {
        return batches;
    }

    /** Rows set aside as dead letters (at the end: all of this table's staging generation, resumed ones too). */
    public long deadLettered() {
        return deadLettered.get();
    }

    public Status status() {
        return status;
    }

    public String error() {
        return error;
    }

    public Instant started() {
        return started;
    }

    /** Seconds from start to end (or to now while running). */
    public double seconds() {
        if (started == null) {
            return 0;
        }
        Instant end = finished != null ? finished : Instant.now();
        return Duration.between(started, end).toMillis() / 1000.0;
    }
}
