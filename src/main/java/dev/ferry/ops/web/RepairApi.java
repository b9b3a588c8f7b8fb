package dev.ferry.ops.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.ledger.ActionLog;
import dev.ferry.ledger.ConflictStore;
import dev.ferry.ledger.DeadLetterStore;
import dev.ferry.log.Redactor;
import dev.ferry.run.ConflictResolver;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The API's repairs: dead letters (list, one, replay, purge) and conflicts (list, resolve), each action
 * recorded in ferry.action with who did it.
 */
final class RepairApi {

    private final DataSource target;
    private final java.util.function.Supplier<ConflictResolver> resolver;

    RepairApi(DataSource target, java.util.function.Supplier<ConflictResolver> resolver) {
        this.target = target;
        this.resolver = resolver;
    }

    Http.Response deadLetters(Http.Request r) throws SQLException {
        List<DeadLetterStore.Entry> entries = new DeadLetterStore(target).list(r.param("run"), r.param("table"));
        Map<String, Map<String, Object>> groups = new LinkedHashMap<>();
        for (DeadLetterStore.Entry e : entries) {
            Map<String, Object> g = groups.computeIfAbsent(e.runId() + "\u0000" + e.table(), k -> {
                Map<String, Object> n = new LinkedHashMap<>();
                n.put("runId", e.runId());
                n.put("table", e.table());
                n.put("count", 0);
                n.put("entries", new ArrayList<Map<String, Object>>());
                return n;
            });
            g.put("count", (Integer) g.get("count") + 1);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> list = (List<Map<String, Object>>) g.get("entries");
            if (list.size() < 200) {
                list.add(entry(e));
            }
        }
        return Http.Response.json(200, Map.of("total", entries.size(), "groups", groups.values()));
    }

    private static Map<String, Object> entry(DeadLetterStore.Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("runId", e.runId());
        m.put("table", e.table());
        m.put("key", e.key());
        m.put("sqlState", e.sqlState());
        m.put("reason", e.message() == null ? null : Redactor.redact(e.message()));
        m.put("createdAt", e.createdAt() == null ? null : e.createdAt().toInstant());
        return m;
    }

    Http.Response deadLetter(long id) throws SQLException {
        DeadLetterStore store = new DeadLetterStore(target);
        String row = store.rowData(id);
        if (row == null) {
            return Http.Response.error(404, "no dead letter " + id + " (replayed, purged or landed by a later run)");
        }
        DeadLetterStore.Entry entry = store.entry(id).orElse(null); // one row, not the whole store
        if (entry == null) {
            return Http.Response.error(404, "no dead letter " + id);
        }
        Map<String, Object> body = entry(entry);
        body.put("row", ApiBodies.tree(row));
        return Http.Response.json(200, body);
    }

    Http.Response replay(Http.Request r) throws SQLException, ApiBodies.BadRequest {
        JsonNode body = ApiBodies.body(r, Set.of("runId", "table"));
        String run = ApiBodies.text(body, "runId");
        String table = ApiBodies.text(body, "table");
        DeadLetterStore.Replay replay = new DeadLetterStore(target).replay(run, table);
        new ActionLog(target).record(r.user(), "dead letters replay", scope(run, table) + ": " + replay.landed()
                + " landed, " + replay.remaining() + " still rejected");
        return Http.Response.json(200, Map.of("landed", replay.landed(), "remaining", replay.remaining()));
    }

    Http.Response purge(Http.Request r) throws SQLException, ApiBodies.BadRequest {
        JsonNode body = ApiBodies.body(r, Set.of("runId", "table", "all"));
        String run = ApiBodies.text(body, "runId");
        String table = ApiBodies.text(body, "table");
        if (run == null && table == null && !ApiBodies.bool(body, "all")) {
            throw new ApiBodies.BadRequest("say what to purge: {\"runId\": ...}, {\"table\": ...}, or {\"all\": true}");
        }
        int purged = new DeadLetterStore(target).purge(run, table);
        new ActionLog(target).record(r.user(), "dead letters purge", scope(run, table) + ": " + purged + " purged");
        return Http.Response.json(200, Map.of("purged", purged));
    }

    private static String scope(String run, String table) {
        if (run == null && table == null) {
            return "all";
        }
        return (run != null ? "run " + run : "") + (run != null && table != null ? ", " : "")
                + (table != null ? "table " + table : "");
    }

    Http.Response conflicts(Http.Request r) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        ConflictResolver kinds = resolver.get();
        Map<String, Boolean> twoWay = new java.util.HashMap<>();
        for (ConflictStore.Entry e : new ConflictStore(target).list(r.param("table"))) {
            Boolean both = twoWay.get(e.table());
            if (both == null) {
                both = kinds.twoWay(e.table());
                twoWay.put(e.table(), both);
            }
            out.add(conflict(e, both));
        }
        return Http.Response.json(200, Map.of("conflicts", out));
    }

    private static Map<String, Object> conflict(ConflictStore.Entry e, boolean twoWay) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("table", e.table());
        m.put("key", e.key());
        m.put("runId", e.runId());
        m.put("createdAt", e.createdAt());
        m.put("kind", twoWay ? "twoWay" : "oneWay");
        m.put("keep", twoWay ? List.of("a", "b") : List.of("source", "target"));
        m.put("source", ApiBodies.tree(e.sourceRow()));
        m.put("target", ApiBodies.tree(e.targetRow()));
        m.put("differing", e.differing());
        return m;
    }

    Http.Response resolve(Http.Request r, long id) throws SQLException, ApiBodies.BadRequest {
        JsonNode body = ApiBodies.body(r, Set.of("keep"));
        String keep = ApiBodies.text(body, "keep");
        ConflictStore store = new ConflictStore(target);
        if (store.get(id) == null) {
            return Http.Response.error(404, "no conflict " + id + " (resolved already, or never recorded)");
        }
        try {
            ConflictResolver.Resolved done = resolver.get().resolve(id, keep, r.user());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("resolved", id);
            out.put("kept", done.kept());
            out.put("wrote", Redactor.redact(done.wrote()));
            return Http.Response.json(200, out);
        } catch (ConflictResolver.WrongWord e) {
            throw new ApiBodies.BadRequest(e.getMessage());
        } catch (ConflictStore.CannotResolve e) {
            return Http.Response.error(409, Redactor.redact(e.getMessage()));
        }
    }
}
