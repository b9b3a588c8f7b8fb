package dev.ferry.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry sync}: runs the table routes once. */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = "Full refresh of the tables in routes/tables (or --tables-dir) from the source into the target.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:SUCCESS", "1:FAILED", "2:bad usage or configuration (nothing written)",
            "3:PARTIAL (some rows set aside)"})
public final class SyncCommand implements Callable<Integer> {

    @Option(names = "--tables", split = ",", paramLabel = "a,b", description = "Only these tables (default: every table route).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--tables-dir", paramLabel = "DIR", description = "Table routes from DIR instead of routes/tables.")
    Path tablesDir;

    @Option(names = "--owner-id", paramLabel = "N", description = "Development user (by id) that owns the synced rows.")
    String ownerId;

    @Option(names = "--owner-email", paramLabel = "E", description = "Development user (by email) that owns the synced rows.")
    String ownerEmail;

    @Option(names = "--yes", description = "Confirm the sync without asking.")
    boolean yes;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the run's JSON report to FILE.")
    Path report;

    @Option(names = "--debug", description = "Print stack traces of failures.")
    boolean debug;

    @Option(names = "--dry-run", description = "Write nothing: print per table the rows it would insert, update and delete.")
    boolean dryRun;

    @Option(names = "--failed-only", description = "Only the tables that did not end SUCCESS in the last run.")
    boolean failedOnly;

    @Option(names = "--fresh", description = "Discard the staged rows and checkpoints of the selected tables first: "
            + "every row is read again instead of resuming an interrupted run.")
    boolean fresh;

    @Option(names = "--no-verify", description = "Skip the count and checksum comparison with the source before the "
            + "apply commits (faster; constraints, staging and atomicity stay).")
    boolean noVerify;

    @Option(names = "--allow-production-target", paramLabel = "DB",
            description = "Write into DB even though it is marked as production (ferry.role) or matches the production hosts.")
    String allowProductionTarget;

    @Option(names = "--require-read-only-source",
            description = "Refuse (exit 2) when the source login may write to a synced table (FERRY_SOURCE_READ_ONLY=required).")
    boolean requireReadOnlySource;

    @Option(names = "--two-way", description = "Allow the tables with direction: both: each side's changes go to the other, "
            + "writing into the first database (FERRY_SOURCE_*) too (serve: FERRY_TWO_WAY=true).")
    boolean twoWay;

    @Override
    public Integer call() {
        SyncJob.Options options = new SyncJob.Options();
        options.tables = tables;
        options.tablesDir = tablesDir;
        options.ownerId = ownerId;
        options.ownerEmail = ownerEmail;
        options.yes = yes;
        options.report = report;
        options.debug = debug;
        options.dryRun = dryRun;
        options.failedOnly = failedOnly;
        options.fresh = fresh;
        options.twoWay = twoWay;
        if (noVerify) {
            options.overrides.put("ferry.verify", "false");
        }
        options.allowProductionTarget = allowProductionTarget;
        if (requireReadOnlySource) {
            options.overrides.put("ferry.source.read-only", "required");
        }
        if (dryRun) {
            options.yes = true; // nothing is written: nothing to confirm
        }
        return terminalJob().run(options).exitCode();
    }

    /** A job that asks questions only when both stdin and stdout are a terminal. */
    static SyncJob terminalJob() {
        return new SyncJob(System.err, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
                System.console() != null);
    }
}
