package dev.ferry.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ferry.log.Redactor;
import dev.ferry.state.Run;
import dev.ferry.state.TableResult;

/** The JSON report of a run ({@code --report FILE}). */
public final class RunReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunReport() {
    }

    /** The report as a map: runId, status, startedAt, finishedAt, tables[name, mode, read, written, deadLettered, seconds]. */
    public static Map<String, Object> of(Run run) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("runId", run.id());
        report.put("status", run.status().name());
        report.put("startedAt", run.startedAt().toString());
        report.put("finishedAt", run.finishedAt() == null ? null : run.finishedAt().toString());
        if (run.error() != null) {
            report.put("error", Redactor.redact(run.error()));
        }
        List<Map<String, Object>> tables = new ArrayList<>();
        for (TableResult t : run.results()) {
            Map<String, Object> table = new LinkedHashMap<>();
            table.put("name", t.name());
            table.put("mode", t.mode());
            table.put("status", t.status().name());
            table.put("read", t.read());
            table.put("written", t.written());
            table.put("deadLettered", t.deadLettered());
            table.put("resumed", t.resumed());
            table.put("seconds", t.seconds());
            if ("twoWay".equals(t.mode())) { // the counts per direction and the conflicts, in words
                table.put("effect", t.effect());
            }
            if (t.error() != null) {
                table.put("error", Redactor.redact(t.error()));
            }
            tables.add(table);
        }
        report.put("tables", tables);
        return report;
    }

    /** Writes the report to a file (its folder is created when missing). */
    public static void write(Run run, Path file) throws IOException {
        writeAtomically(of(run), file);
    }

    /**
     * Writes the report of a run that ended before it started (a database unreachable, a refusal, a bad
     * route file): status FAILED, the reason, no tables. An older report never stays in its place.
     */
    public static void writeFailed(String reason, Instant startedAt, Path file) throws IOException {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("runId", null);
        report.put("status", "FAILED");
        report.put("startedAt", startedAt.toString());
        report.put("finishedAt", Instant.now().toString());
        report.put("error", Redactor.redact(reason));
        report.put("tables", List.of());
        writeAtomically(report, file);
    }

    /** Written under a temporary name beside the file, then renamed over it: a reader sees the old or the new report whole. */
    private static void writeAtomically(Map<String, Object> report, Path file) throws IOException {
        Path target = file.toAbsolutePath();
        Path parent = target.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path temporary = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
        try {
            JSON.writeValue(temporary.toFile(), report);
            try {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
