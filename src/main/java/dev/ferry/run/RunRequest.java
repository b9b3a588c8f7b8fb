package dev.ferry.run;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a caller asks of a run: the command line, the schedule, JMX or the HTTP API. */
public class RunRequest {
    /** Table names as given (quoted, schema-qualified or bare); empty for every table route. */
    public List<String> tables = List.of();
    public Path tablesDir;
    public String ownerId;
    public String ownerEmail;
    /** Confirmed beforehand: nothing is asked. */
    public boolean yes;
    public Map<String, String> overrides = new LinkedHashMap<>();
    public String trigger = "cli";
    /** OS user, JMX principal or HTTP user. */
    public String who = System.getProperty("user.name");
    /** Write nothing: describe what the sync would do. */
    public boolean dryRun;
    /** Only the tables that did not end SUCCESS in the last run. */
    public boolean failedOnly;
    /** Discard the selected tables' staged rows and checkpoints before the run: nothing is resumed. */
    public boolean fresh;
    /** Two-way tables (direction: both) may run, writing into the first database too ({@code sync --two-way}). */
    public boolean twoWay;
    /** The name of a database marked as production that may nevertheless be written. */
    public String allowProductionTarget;
    /** The run's id, when the caller needs it before the run starts (JMX, HTTP); null for a new one. */
    public String runId;
    /** When the run was asked for: the report's startedAt when it fails before it starts. */
    public final Instant requestedAt = Instant.now();
}
