package dev.ferry.ops.web;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.ledger.ActionLog;
import dev.ferry.log.Redactor;
import dev.ferry.ops.RunCoordinator;
import dev.ferry.ops.Schedule;
import dev.ferry.state.Run;
import dev.ferry.ledger.RunHistory;
import dev.ferry.db.SqlErrors;
import dev.ferry.state.TableResult;

/**
 * The JSON API under /api: runs (list, one, start), live progress, per-table trends, dead letters (list,
 * one, replay, purge) and conflicts (list, resolve). Every action is recorded in ferry.action with who did
 * it; runs are in ferry.run with trigger {@code api}. No answer holds a password or a connection string.
 */
final class StatusApi {

    private static final Pattern RUN = Pattern.compile("/api/runs/([^/]+)");
    private static final Pattern DEAD_LETTER = Pattern.compile("/api/dead-letters/([0-9]{1,18})");
    private static final Pattern RESOLVE = Pattern.compile("/api/conflicts/([0-9]{1,18})/resolve");
    private static final int TREND_RUNS = 20;

    private final RunCoordinator coordinator;
    private final RepairApi repairs;
    private final Schedule schedule;
    private final DataSource target;
    private final Set<String> tables;

    StatusApi(RunCoordinator coordinator, Schedule schedule, DataSource target, Set<String> tables) {
        this.coordinator = coordinator;
        this.schedule = schedule;
        this.target = target;
        this.tables = new TreeSet<>(tables);
        this.repairs = new RepairApi(target, coordinator::conflicts);
    }

    /** A table as a run shows it: the ledger's columns, or the live ones while it runs. */
    record TableView(String name, String mode, String status, long read, long written, long deadLettered, double seconds,
                     String error) {
    }

    /** One table of the run in progress. */
    record LiveTable(String name, String mode, String status, String step, long read, long expected, long resumed,
                     long rowsPerSecond, long batch, long batches, long deadLettered, double seconds, Integer percent) {
    }

    Http.Response answer(Http.Request r) {
        try {
            return route(r);
        } catch (ApiBodies.BadRequest e) {
            return Http.Response.error(400, e.getMessage());
        } catch (SQLException e) {
            return Http.Response.error(503, Redactor.redact("the development database did not answer: "
                    + SqlErrors.message(e)));
        }
    }

    private Http.Response route(Http.Request r) throws SQLException, ApiBodies.BadRequest {
        String path = r.path().endsWith("/") && r.path().length() > 1 ? r.path().substring(0, r.path().length() - 1) : r.path();
        boolean post = r.method().equals("POST");
        Matcher m;
        switch (path) {
            case "/api/runs":
                return post ? startRun(r) : runs(r);
            case "/api/progress":
                return post ? notAllowed("GET") : Http.Response.json(200, progress());
            case "/api/tables":
                return post ? notAllowed("GET") : Http.Response.json(200, Map.of("tables", trends()));
            case "/api/dead-letters":
                return post ? notAllowed("GET") : repairs.deadLetters(r);
            case "/api/dead-letters/replay":
                return post ? repairs.replay(r) : notAllowed("POST");
            case "/api/dead-letters/purge":
                return post ? repairs.purge(r) : notAllowed("POST");
            case "/api/conflicts":
                return post ? notAllowed("GET") : repairs.conflicts(r);
            default:
                break;
        }
        if ((m = RESOLVE.matcher(path)).matches()) {
            return post ? repairs.resolve(r, Long.parseLong(m.group(1))) : notAllowed("POST");
        }
        if ((m = DEAD_LETTER.matcher(path)).matches()) {
            return post ? notAllowed("GET") : repairs.deadLetter(Long.parseLong(m.group(1)));
        }
        if ((m = RUN.matcher(path)).matches()) {
            return post ? notAllowed("GET") : run(m.group(1));
        }
        return Http.Response.error(404, "no such endpoint: " + path + " (see the README's Status page and API)");
    }

    private static Http.Response notAllowed(String allowed) {
        return Http.Response.error(405, "use " + allowed + " here").with("Allow", allowed.equals("GET") ? "GET, HEAD" : allowed);
    }

    // ---- runs

    private Http.Response runs(Http.Request r) throws SQLException, ApiBodies.BadRequest {
        int limit = ApiBodies.intParam(r, "limit", 20, 1, 500);
        int offset = ApiBodies.intParam(r, "offset", 0, 0, Integer.MAX_VALUE);
        RunHistory.Page page = new RunHistory(target).page(limit, offset);
        List<Object> runs = new ArrayList<>();
        for (RunHistory.RunRow row : page.runs()) {
            runs.add(withLive(row));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("runs", runs);
        body.put("total", page.total());
        body.put("limit", limit);
        body.put("offset", offset);
        return Http.Response.json(200, body);
    }

    private Http.Response run(String id) throws SQLException {
        RunHistory.RunRow row = new RunHistory(target).run(id);
        if (row != null) {
            return Http.Response.json(200, withLive(row));
        }
        Run live = coordinator.current();
        Run last = coordinator.lastRun();
        for (Run run : new Run[] {live, last}) {
            if (run != null && run.id().equals(id)) {
                return Http.Response.json(200, view(run));
            }
        }
        if (id.equals(coordinator.currentRunId())) {
            // accepted, being prepared (plan, lock): not in the ledger yet
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("runId", id);
            body.put("status", "RUNNING");
            body.put("startedAt", null);
            body.put("finishedAt", null);
            body.put("tables", List.of());
            return Http.Response.json(200, body);
        }
        return Http.Response.error(404, "no run " + id + " in the ledger");
    }

    /** The ledger's row, with the live table counts while it is the run in progress. */
    private Object withLive(RunHistory.RunRow row) {
        Run live = coordinator.current();
        if (live != null && live.id().equals(row.runId()) && "RUNNING".equals(row.status())) {
            Map<String, Object> view = view(live);
            view.put("trigger", row.trigger());
            view.put("who", row.who());
            return view;
        }
        return row;
    }

    /** A run held in memory (in progress, or one that never reached the ledger) in the ledger's shape. */
    private static Map<String, Object> view(Run run) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("runId", run.id());
        body.put("trigger", run.trigger());
        body.put("who", run.who());
        body.put("status", run.status().name());
        body.put("startedAt", run.startedAt());
        body.put("finishedAt", run.finishedAt());
        body.put("seconds", run.finishedAt() == null ? null
                : java.time.Duration.between(run.startedAt(), run.finishedAt()).toMillis() / 1000.0);
        body.put("error", run.error() == null ? null : Redactor.redact(run.error()));
        List<TableView> list = new ArrayList<>();
        for (TableResult t : run.results()) {
            list.add(new TableView(t.name(), t.mode(), t.status().name(), t.read(), t.written(), t.deadLettered(),
                    t.seconds(), t.error() == null ? null : Redactor.redact(t.error())));
        }
        body.put("tables", list);
        return body;
    }

    private Http.Response startRun(Http.Request r) throws SQLException, ApiBodies.BadRequest {
        JsonNode body = ApiBodies.body(r, Set.of("tables", "failedOnly", "dryRun"));
        List<String> selected = new ArrayList<>();
        JsonNode t = body.get("tables");
        if (t != null && !t.isNull()) {
            if (!t.isArray()) {
                throw new ApiBodies.BadRequest("tables must be a list of table names, e.g. {\"tables\": [\"book\"]}");
            }
            for (JsonNode n : t) {
                if (!n.isTextual() || n.asText().isBlank()) {
                    throw new ApiBodies.BadRequest("tables must be a list of table names, e.g. {\"tables\": [\"book\"]}");
                }
                selected.add(n.asText().trim());
            }
        }
        boolean failedOnly = ApiBodies.bool(body, "failedOnly");
        boolean dryRun = ApiBodies.bool(body, "dryRun");
        if (dryRun && failedOnly) {
            throw new ApiBodies.BadRequest("a dry run shows the plan of the tables given (or all): leave out failedOnly");
        }
        try {
            if (dryRun) {
                String plan = Redactor.redact(coordinator.dryRun(selected, "api", r.user()));
                new ActionLog(target).record(r.user(), "dry run", selected.isEmpty() ? "every table" : String.join(", ", selected));
                return Http.Response.json(200, Map.of("plan", plan));
            }
            String running = coordinator.currentRunId();
            if (running != null) {
                return busy(running);
            }
            String id = coordinator.start(selected, failedOnly, "api", r.user());
            new ActionLog(target).record(r.user(), "run", "run " + id + ": " + (failedOnly ? "retry failed"
                    : selected.isEmpty() ? "every table" : String.join(", ", selected)));
            return Http.Response.json(202, Map.of("runId", id)).with("Location", "/api/runs/" + id);
        } catch (IllegalArgumentException e) {
            return Http.Response.error(400, Redactor.redact(e.getMessage()));
        } catch (IllegalStateException e) {
            String message = String.valueOf(e.getMessage());
            if (message.startsWith("a run is in progress: ")) {
                return busy(message.substring("a run is in progress: ".length()).trim());
            }
            return Http.Response.error(409, Redactor.redact(message));
        }
    }

    private static Http.Response busy(String runId) {
        return Http.Response.error(409, "a run is in progress: " + runId, "runId", runId).with("Location", "/api/runs/" + runId);
    }

    // ---- progress and trends

    private Map<String, Object> progress() {
        Map<String, Object> body = new LinkedHashMap<>();
        Run run = coordinator.current();
        String runningId = coordinator.currentRunId();
        body.put("running", runningId != null);
        body.put("runId", runningId);
        if (run != null && run.id().equals(runningId)) {
            body.put("trigger", run.trigger());
            body.put("who", run.who());
            body.put("startedAt", run.startedAt());
            List<LiveTable> live = new ArrayList<>();
            for (TableResult t : run.results()) {
                live.add(live(run, t));
            }
            body.put("tables", live);
        } else {
            body.put("tables", List.of());
        }
        Date next = schedule.next(new Date());
        body.put("nextRunAt", next == null ? null : next.toInstant());
        body.put("schedule", schedule.written() + " (" + schedule.zone() + ")");
        Run last = coordinator.lastRun();
        if (last != null) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("runId", last.id());
            l.put("status", last.status().name());
            l.put("finishedAt", last.finishedAt());
            body.put("lastRun", l);
        }
        return body;
    }

    private static LiveTable live(Run run, TableResult t) {
        String step = t.step().name().toLowerCase(java.util.Locale.ROOT);
        int batchSize = 0;
        try {
            batchSize = run.plan(t.name()).spec().batchSize();
        } catch (RuntimeException e) {
            // no plan for the table: no batch count
        }
        long read = t.read();
        long expected = Math.max(t.expected(), read);
        long batches = batchSize <= 0 ? 0 : Math.max(1, (expected + batchSize - 1) / batchSize);
        double seconds = t.seconds();
        long rate = seconds <= 0.05 ? 0 : Math.round(read / seconds);
        Integer percent = null;
        if (t.status() == TableResult.Status.RUNNING) {
            long total = t.resumed() + expected;
            percent = total == 0 ? 0 : (int) Math.min(100, Math.round(100.0 * (t.resumed() + read) / total));
        } else if (t.status() != TableResult.Status.PENDING) {
            percent = 100;
        }
        return new LiveTable(t.name(), t.mode(), t.status().name(), step, read, expected, t.resumed(), rate, t.batches(),
                batches, t.deadLettered(), seconds, percent);
    }

    private List<Map<String, Object>> trends() throws SQLException {
        Map<String, RunHistory.Trend> known = new LinkedHashMap<>();
        for (RunHistory.Trend trend : new RunHistory(target).trends(TREND_RUNS)) {
            known.put(trend.table(), trend);
        }
        Set<String> names = new TreeSet<>(tables);
        names.addAll(known.keySet());
        List<Map<String, Object>> out = new ArrayList<>();
        for (String name : names) {
            RunHistory.Trend trend = known.get(name);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", name);
            row.put("routed", tables.contains(name));
            row.put("lastSuccessAt", trend == null ? null : trend.lastSuccessAt());
            row.put("lastStatus", trend == null ? null : trend.lastStatus());
            row.put("runs", trend == null ? List.of() : trend.points());
            out.add(row);
        }
        return out;
    }
}
