package dev.ferry.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ferry.log.Redactor;
import dev.ferry.sync.Run;
import dev.ferry.sync.TableResult;

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
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writeValue(file.toFile(), of(run));
    }
}
