package dev.ferry.twoway;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading both sides and the state the last successful run recorded: {@code ferry.twoway_row} in the
 * second database, one row per synced row with its key and row hash on each side. It is written only
 * after both sides committed, so a run killed between them finds each side's writes as changes that
 * already agree with the other side, and records them.
 */
final class SideState {

    private static final String DDL = "CREATE TABLE IF NOT EXISTS ferry.twoway_row (id bigserial PRIMARY KEY, "
            + "table_name text NOT NULL, a_key text, b_key text, a_hash text, b_hash text, run_id text)";
    private static final String INDEX = "CREATE INDEX IF NOT EXISTS twoway_row_table ON ferry.twoway_row (table_name)";

    private SideState() {
    }

    /** Creates the state table when missing (the ferry schema exists: the ledger made it). */
    static void ensure(Connection b) throws SQLException {
        try (Statement s = b.createStatement()) {
            s.execute(DDL);
            s.execute(INDEX);
        }
    }

    /** The recorded pairs of a table. */
    static List<Pair> load(Connection b, String table) throws SQLException {
        List<Pair> out = new ArrayList<>();
        try (Statement s = b.createStatement();
             ResultSet rs = s.executeQuery("SELECT to_regclass('ferry.twoway_row') IS NULL")) {
            if (rs.next() && rs.getBoolean(1)) {
                return out; // no run recorded yet (a dry run before the first run)
            }
        }
        try (PreparedStatement ps = b.prepareStatement(
                "SELECT id, a_key, b_key, a_hash, b_hash FROM ferry.twoway_row WHERE table_name = ?")) {
            ps.setString(1, table);
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Pair(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
                }
            }
        }
        return out;
    }

    /** Every row of one side, by key; read in the session settings every side's text is compared in. */
    /** The rows the statement reads (hash, then the columns as text), by key, into {@code out}. */
    private static void collect(PreparedStatement ps, TwoWayTable t, int n, Map<String, Row> out) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String[] values = new String[n];
                for (int i = 0; i < n; i++) {
                    values[i] = rs.getString(i + 2);
                }
                String key = t.keyText(values);
                out.put(key, new Row(key, rs.getString(1), values));
            }
        }
    }

    static Map<String, Row> read(Connection c, TwoWayTable t, Side side) throws SQLException {
        Map<String, Row> out = new LinkedHashMap<>();
        int n = t.columns.size();
        try (PreparedStatement ps = c.prepareStatement(t.selectSql(side))) {
            ps.setFetchSize(5_000);
            collect(ps, t, n, out);
        }
        return out;
    }

    /** Every row's key text and hash on one side. */
    static Map<String, String> hashes(Connection c, TwoWayTable t, Side side) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        int n = t.key.length;
        try (PreparedStatement ps = c.prepareStatement(t.hashesSql(side))) {
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                String[] k = new String[n];
                while (rs.next()) {
                    for (int i = 0; i < n; i++) {
                        k[i] = rs.getString(i + 1);
                    }
                    out.put(n == 1 ? k[0] : String.join("\u001f", k), rs.getString(n + 1));
                }
            }
        }
        return out;
    }

    /**
     * The rows of one side as a run needs them: every row with its key and hash, and the values of the rows
     * the recorded state does not know as they are now (changed or new there); an unchanged row's values
     * are not read, unless so many rows changed that reading the table whole is cheaper.
     */
    static Map<String, Row> rows(Connection c, TwoWayTable t, Side side, List<Pair> before) throws SQLException {
        Map<String, String> hashes = hashes(c, t, side);
        Map<String, String> recorded = new HashMap<>();
        for (Pair p : before) {
            if (p.key(side) != null && p.hash(side) != null) {
                recorded.put(p.key(side), p.hash(side));
            }
        }
        List<String> need = new ArrayList<>();
        for (Map.Entry<String, String> e : hashes.entrySet()) {
            if (!e.getValue().equals(recorded.get(e.getKey()))) {
                need.add(e.getKey());
            }
        }
        String byKeys = t.selectByKeysSql(side);
        if (byKeys == null || need.size() > hashes.size() / 5) {
            return read(c, t, side);
        }
        Map<String, Row> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : hashes.entrySet()) {
            out.put(e.getKey(), new Row(e.getKey(), e.getValue(), null));
        }
        if (need.isEmpty()) {
            return out;
        }
        int n = t.columns.size();
        try (PreparedStatement ps = c.prepareStatement(byKeys)) {
            ps.setArray(1, c.createArrayOf("text", need.toArray()));
            ps.setFetchSize(5_000);
            collect(ps, t, n, out);
        }
        return out;
    }

    /** The row with this key on one side, as {@link #read} reads it; null when the side has none. */
    static Row one(Connection c, TwoWayTable t, Side side, String key) throws SQLException {
        if (key == null) {
            return null;
        }
        String byKeys = t.selectByKeysSql(side);
        if (byKeys == null) {
            return read(c, t, side).get(key); // a composite key: the table is read whole
        }
        Map<String, Row> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(byKeys)) {
            ps.setArray(1, c.createArrayOf("text", new Object[] {key}));
            collect(ps, t, t.columns.size(), out);
        }
        return out.get(key);
    }

    /** Whether the recorded state holds rows of this table (it syncs, or synced, both ways). */
    static boolean knows(Connection b, String table) throws SQLException {
        try (Statement s = b.createStatement();
             ResultSet rs = s.executeQuery("SELECT to_regclass('ferry.twoway_row') IS NULL")) {
            if (rs.next() && rs.getBoolean(1)) {
                return false;
            }
        }
        try (PreparedStatement ps = b.prepareStatement("SELECT EXISTS (SELECT 1 FROM ferry.twoway_row WHERE table_name = ?)")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The session settings under which every value's text is read and written: the same on both sides. */
    static void settings(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, MDY'; SET LOCAL IntervalStyle = 'postgres'; "
                    + "SET LOCAL extra_float_digits = 1; SET LOCAL bytea_output = 'hex'; "
                    + "SET LOCAL jit = off");
        }
    }

    /**
     * Records what both sides now hold: pairs that changed or are new are written, pairs gone or replaced are
     * deleted; an unchanged pair is not touched. Returns the number of state rows written.
     */
    static long save(Connection b, String table, List<Pair> before, List<Pair> after, String runId) throws SQLException {
        Map<Long, Pair> old = new HashMap<>();
        for (Pair p : before) {
            old.put(p.id, p);
        }
        List<Long> gone = new ArrayList<>();
        List<Pair> write = new ArrayList<>();
        Map<Long, Boolean> kept = new HashMap<>();
        for (Pair p : after) {
            if (p.dropped) {
                continue;
            }
            Pair o = p.id == 0 ? null : old.get(p.id);
            if (o != null && o.sameAs(p)) {
                kept.put(p.id, true);
            } else {
                write.add(p);
            }
        }
        for (Pair p : before) {
            if (!kept.containsKey(p.id)) {
                gone.add(p.id);
            }
        }
        try (PreparedStatement del = b.prepareStatement("DELETE FROM ferry.twoway_row WHERE id = ?");
             PreparedStatement ins = b.prepareStatement("INSERT INTO ferry.twoway_row (table_name, a_key, b_key, a_hash, "
                     + "b_hash, run_id) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (long id : gone) {
                del.setLong(1, id);
                del.addBatch();
            }
            if (!gone.isEmpty()) {
                del.executeBatch();
            }
            for (Pair p : write) {
                ins.setString(1, table);
                ins.setString(2, p.aKey);
                ins.setString(3, p.bKey);
                ins.setString(4, p.aHash);
                ins.setString(5, p.bHash);
                ins.setString(6, runId);
                ins.addBatch();
            }
            if (!write.isEmpty()) {
                ins.executeBatch();
            }
        }
        return gone.size() + write.size();
    }
}
