package dev.ferry.ops;

/** Ferry's JMX interface, {@code ferry:type=Sync}: plain JMX types only, so any client reads it. */
public interface SyncControlMBean {

    /** Starts a run of every table; returns its id. */
    String runAll();

    /** Starts a run of these tables (comma-separated); returns its id. */
    String runTables(String csv);

    /** Starts a run of the tables that did not end SUCCESS in the last run; returns its id. */
    String retryFailed();

    /** What a run of every table would do, as text; writes nothing. */
    String dryRun();

    /** Asks the run in progress to stop after its batch in flight. */
    void cancel();

    boolean isRunning();

    String getLastRunId();

    /** The ledger's status word of the last run: SUCCESS, PARTIAL, FAILED, INTERRUPTED (RUNNING while one runs). */
    String getLastRunStatus();

    /** ISO-8601 instant, or empty. */
    String getLastRunFinishedAt();

    /** The table being synced, or empty. */
    String getCurrentTable();

    /** 0 to 100 over the tables of the run in progress. */
    int getProgress();
}
