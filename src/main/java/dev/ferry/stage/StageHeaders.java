package dev.ferry.stage;

/**
 * The names of the exchange properties and headers that the run and table routes carry, in one place:
 * the Java steps bind them by these constants ({@code @Header}, {@code @ExchangeProperty}), and the
 * YAML routes spell the same words. The run itself travels as {@link dev.ferry.state.Run#PROPERTY}.
 */
public final class StageHeaders {

    private StageHeaders() {
    }

    /** Exchange property: the table (as its route file names it) whose route the exchange runs through. */
    public static final String TABLE = "ferryTable";
    /** Exchange property: the table's {@link dev.ferry.read.CopyReader}, closed when the table's exchange completes. */
    public static final String READER = "ferryReader";
    /** Exchange property: writer sql, the table's fetchSize (the read's {@code toD} takes it). */
    public static final String FETCH_SIZE = "ferryFetchSize";
    /** Exchange property: writer sql, the table's batchSize (rows per batch cut from the read). */
    public static final String BATCH_SIZE = "ferryBatchSize";

    /** Header: the table's writer (copy or sql), which the route's read and staging choose by. */
    public static final String WRITER = "ferryWriter";
    /** Header: the staging insert of the current table (camel-sql batch statement). */
    public static final String STAGE_SQL = "ferryStageSql";
    /** Header: the last key read, for resuming the source query. */
    public static final String AFTER_KEY = "ferryAfterKey";
    /** Header: incremental, the high-water mark of the last successful run (rows past it are read). */
    public static final String WATERMARK = "ferryWatermark";
    /** Header: the id of the current staging generation (dead letters set aside from it carry it). */
    public static final String STAGING_ID = "ferryStagingId";
    /** Header: the checkpoint this batch moves from (the last key the run committed). */
    public static final String PREV_KEY = "ferryPrevKey";
    /** Header: the checkpoint this batch moves to (its last key; a row count for a table with no key). */
    public static final String LAST_KEY = "ferryLastKey";
    /** Header: rows in the current batch. */
    public static final String BATCH_ROWS = "ferryBatchRows";
    /** Header: System.nanoTime() when the current batch started. */
    public static final String BATCH_STARTED = "ferryBatchStarted";
    /** Header: rows of the current batch set aside as dead letters. */
    public static final String DEAD_LETTERED = "ferryDeadLettered";
}
