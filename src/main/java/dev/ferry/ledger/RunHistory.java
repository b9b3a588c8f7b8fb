package dev.ferry.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.ferry.log.Redactor;

/**
 * Reads the run ledger back (ferry.run, ferry.run_table) in the report's shape, for {@code ferry runs}, the
 * status page and its API. Statuses are the ledger's words; errors are redacted again on the way out.
 */
public final class RunHistory {

    /** One table of a run, as the ledger has it. */
    public record TableRow(String name, String mode, String status, long read, long written, long deadLettered,
                           double seconds, String error) {
    }

    /** One run, newest first in lists; {@code tables} in the order the ledger recorded them. */
    public record RunRow(String runId, String trigger, String who, String status, Instant startedAt, Instant finishedAt,
                         Double seconds, String error, List<TableRow> tables) {
    }

    /** A page of runs, newest first, and how many the ledger holds in all. */
    public record Page(List<RunRow> runs, long total, int limit, int offset) {
    }

    /** One run of a table, for its trend. */
    public record Point(String runId, Instant startedAt, String status, long read, long written, double seconds) {
    }

    /** A table's last success and its last runs, oldest first. */
    public record Trend(String table, Instant lastSuccessAt, String lastStatus, List<Point> points) {
    }

    private final DataSource target;

    /** The history in this target database. */
    public RunHistory(DataSource target) {
        this.target = target;
    }

    /** The runs newest first, {@code limit} of them from {@code offset}; an empty page before the first run. */
    public Page page(int limit, int offset) throws SQLException {
        try (Connection c = target.getConnection()) {
            if (!ledgerExists(c)) {
                return new Page(List.of(), 0, limit, offset);
            }
            long total;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM ferry.run");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                total = rs.getLong(1);
            }
            List<RunRow> runs = runs(c, "ORDER BY started_at DESC, id LIMIT ? OFFSET ?", limit, offset);
            return new Page(runs, total, limit, offset);
        }
    }

    /** The run with this id, or null. */
    public RunRow run(String id) throws SQLException {
        try (Connection c = target.getConnection()) {
            if (!ledgerExists(c)) {
                return null;
            }
            List<RunRow> runs = runs(c, "WHERE id = ?", id);
            return runs.isEmpty() ? null : runs.get(0);
        }
    }

    /** Per table (every table the ledger knows), its last success and its last {@code runs} runs, oldest first. */
    public List<Trend> trends(int runs) throws SQLException {
        List<Trend> out = new ArrayList<>();
        try (Connection c = target.getConnection()) {
            if (!ledgerExists(c)) {
                return out;
            }
            Map<String, List<Point>> points = new LinkedHashMap<>();
            Map<String, Instant> success = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT table_name, run_id, started_at, status, rows_read, "
                    + "rows_written, seconds FROM (SELECT t.table_name, t.run_id, r.started_at, t.status, t.rows_read, "
                    + "t.rows_written, t.seconds, row_number() OVER (PARTITION BY t.table_name ORDER BY r.started_at DESC) n "
                    + "FROM ferry.run_table t JOIN ferry.run r ON r.id = t.run_id) x WHERE n <= ? "
                    + "ORDER BY table_name, started_at")) {
                ps.setInt(1, runs);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        points.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new Point(rs.getString(2),
                                instant(rs.getTimestamp(3)), rs.getString(4), rs.getLong(5), rs.getLong(6),
                                rs.getDouble(7)));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT t.table_name, max(coalesce(r.finished_at, r.started_at)) "
                    + "FROM ferry.run_table t JOIN ferry.run r ON r.id = t.run_id WHERE t.status = 'SUCCESS' "
                    + "GROUP BY t.table_name"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    success.put(rs.getString(1), instant(rs.getTimestamp(2)));
                }
            }
            points.forEach((table, list) -> out.add(new Trend(table, success.get(table),
                    list.get(list.size() - 1).status(), list)));
        }
        return out;
    }

    private static List<RunRow> runs(Connection c, String where, Object... parameters) throws SQLException {
        Map<String, RunRow> runs = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, trigger, who, status, started_at, finished_at, error "
                + "FROM ferry.run " + where)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant started = instant(rs.getTimestamp(5));
                    Instant finished = instant(rs.getTimestamp(6));
                    Double seconds = finished == null ? null : Duration.between(started, finished).toMillis() / 1000.0;
                    runs.put(rs.getString(1), new RunRow(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), started, finished, seconds, redacted(rs.getString(7)), new ArrayList<>()));
                }
            }
        }
        if (runs.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT run_id, table_name, mode, status, rows_read, rows_written, "
                + "rows_dead_lettered, seconds, error FROM ferry.run_table WHERE run_id = ANY (?) ORDER BY run_id, ctid")) {
            ps.setArray(1, c.createArrayOf("text", runs.keySet().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    runs.get(rs.getString(1)).tables().add(new TableRow(rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getDouble(8), redacted(rs.getString(9))));
                }
            }
        }
        return List.copyOf(runs.values());
    }

    private static boolean ledgerExists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass('ferry.run') IS NOT NULL "
                + "AND to_regclass('ferry.run_table') IS NOT NULL"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static String redacted(String text) {
        return text == null ? null : Redactor.redact(text);
    }
}
