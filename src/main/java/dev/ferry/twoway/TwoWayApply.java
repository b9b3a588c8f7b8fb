package dev.ferry.twoway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes one side's share of a run in the caller's transaction: deletes children first, then updates and
 * inserts parents first, every value as its type's text. An update or delete applies only to the row as
 * it was read (its hash in the WHERE): a row changed meanwhile fails the side, which rolls back and is
 * found again by the next run. Every written row is read back by RETURNING and compared with what was
 * meant (the verification), and its new hash is what the state records, so nothing Ferry wrote comes back
 * as a change (no echo).
 */
final class TwoWayApply {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TwoWayApply() {
    }

    /** Statements prepared once per side and reused for every row (the server plans each once). */
    private static final class Statements implements AutoCloseable {
        private final Connection c;
        private final Map<String, PreparedStatement> open = new java.util.HashMap<>();

        Statements(Connection c) {
            this.c = c;
        }

        PreparedStatement get(String sql) throws SQLException {
            PreparedStatement ps = open.get(sql);
            if (ps == null) {
                ps = c.prepareStatement(sql);
                open.put(sql, ps);
            }
            return ps;
        }

        @Override
        public void close() throws SQLException {
            for (PreparedStatement ps : open.values()) {
                ps.close();
            }
        }
    }

    /** Applies the writes into {@code to} of every table (in plan order, parents first). */
    static void apply(Connection c, Side to, List<TableChanges> tables, IdMaps maps, String runId) throws SQLException {
        SideState.settings(c);
        for (int i = tables.size() - 1; i >= 0; i--) {
            deletes(c, to, tables.get(i));
        }
        try (Statements statements = new Statements(c)) {
            for (TableChanges ch : tables) {
                upserts(statements, to, ch, maps);
            }
        }
        if (to == Side.B) {
            for (TableChanges ch : tables) {
                conflicts(c, ch, maps, runId);
            }
        }
    }

    private static void deletes(Connection c, Side to, TableChanges ch) throws SQLException {
        TwoWayTable t = ch.table;
        try (PreparedStatement ps = c.prepareStatement(t.deleteSql(to))) {
            for (TableChanges.Write w : ch.writes) {
                if (w.to() != to || w.kind() != TableChanges.Kind.DELETE) {
                    continue;
                }
                int n = 1;
                for (String k : t.keyValues(w.key())) {
                    ps.setObject(n++, k, Types.OTHER);
                }
                ps.setString(n, w.expect());
                if (ps.executeUpdate() != 1) {
                    throw changedMeanwhile(t, to, w.key());
                }
                w.pair().dropped = true;
                ch.deleted[to.ordinal()]++;
            }
        }
    }

    private static void upserts(Statements c, Side to, TableChanges ch, IdMaps maps) throws SQLException {
        TwoWayTable t = ch.table;
        Side from = to.other();
        Set<String> taken = new HashSet<>(ch.rows(to).keySet());
        String update = t.updateSql(to);
        boolean explicitKeys = false;
        for (TableChanges.Write w : ch.writes) {
            if (w.to() != to || w.kind() == TableChanges.Kind.DELETE) {
                continue;
            }
            String[] values = maps.translate(t, from, w.from());
            if (values == null) {
                // a reference to a row not mapped yet (its parent left to a person, or inserted later in a cycle)
                ch.unresolved++;
                w.pair().dropped = w.pair().id == 0;
                restore(ch, w.pair());
                continue;
            }
            if (w.kind() == TableChanges.Kind.UPDATE) {
                if (t.ownIds) {
                    values[t.key[0]] = w.key();
                }
                if (update != null) {
                    String[] back = update(c, t, to, update, w, values);
                    w.pair().set(to, w.key(), back[0]);
                } else {
                    w.pair().set(to, w.key(), ch.rows(to).get(w.key()).hash());
                }
                ch.updated[to.ordinal()]++;
                continue;
            }
            boolean[] included = new boolean[values.length];
            java.util.Arrays.fill(included, true);
            if (t.ownIds && w.key() != null) {
                values[t.key[0]] = w.key(); // a resolved conflict: back under the key its pair records
                explicitKeys = true;
            } else if (t.ownIds) {
                String own = w.from()[t.key[0]];
                if (t.newIdsSource && !taken.contains(own)) {
                    values[t.key[0]] = own;
                    explicitKeys = true;
                } else {
                    included[t.key[0]] = false; // the side's own sequence gives the id
                }
            } else {
                explicitKeys = true;
            }
            String[] back = insert(c, t, to, included, values);
            String newKey = t.keyText(java.util.Arrays.copyOfRange(back, 1, back.length));
            taken.add(newKey);
            w.pair().set(to, newKey, back[0]);
            if (t.ownIds) {
                maps.put(t.name, to == Side.A ? newKey : w.pair().aKey, to == Side.B ? newKey : w.pair().bKey);
            }
            ch.inserted[to.ordinal()]++;
        }
        String seq = explicitKeys ? t.sequenceSql(to) : null;
        if (seq != null) {
            c.get(seq).execute();
        }
    }

    /** A write left for the next run: its pair as the last run recorded it (or dropped when new). */
    private static void restore(TableChanges ch, Pair p) {
        for (Pair old : ch.before) {
            if (old.id == p.id && p.id != 0) {
                p.aKey = old.aKey;
                p.bKey = old.bKey;
                p.aHash = old.aHash;
                p.bHash = old.bHash;
            }
        }
    }

    private static String[] update(Statements c, TwoWayTable t, Side to, String sql, TableChanges.Write w, String[] values)
            throws SQLException {
        boolean[] set = t.settable(to);
        PreparedStatement ps = c.get(sql);
        {
            int n = 1;
            for (int i = 0; i < values.length; i++) {
                if (set[i]) {
                    ps.setObject(n++, values[i], Types.OTHER);
                }
            }
            for (String k : t.keyValues(w.key())) {
                ps.setObject(n++, k, Types.OTHER);
            }
            ps.setString(n, w.expect());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw changedMeanwhile(t, to, w.key());
                }
                return verified(rs, t, to, set, values);
            }
        }
    }

    private static String[] insert(Statements c, TwoWayTable t, Side to, boolean[] included, String[] values)
            throws SQLException {
        PreparedStatement ps = c.get(t.insertSql(to, included));
        {
            int n = 1;
            for (int i = 0; i < values.length; i++) {
                if (included[i]) {
                    ps.setObject(n++, values[i], Types.OTHER);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return verified(rs, t, to, included, values);
            }
        }
    }

    /**
     * The row as the side now holds it (hash, then texts), after checking that every written column reads
     * back as written: a trigger or default that changed it fails the side.
     */
    private static String[] verified(ResultSet rs, TwoWayTable t, Side to, boolean[] written, String[] values)
            throws SQLException {
        String[] back = new String[values.length + 1];
        back[0] = rs.getString(1);
        for (int i = 0; i < values.length; i++) {
            back[i + 1] = rs.getString(i + 2);
            if (written[i] && !java.util.Objects.equals(back[i + 1], values[i])) {
                throw new SQLException("verification failed: " + t.name + "." + t.columns.get(i) + " of the row "
                        + "written into " + side(to) + " reads back differently than written (a trigger or default "
                        + "changed it?): nothing of that side's writes was committed");
            }
        }
        return back;
    }

    /** The rows a manual conflict left on both sides, both versions in ferry.conflict; resolved ones removed. */
    private static void conflicts(Connection c, TableChanges ch, IdMaps maps, String runId) throws SQLException {
        TwoWayTable t = ch.table;
        try (PreparedStatement clear = c.prepareStatement(
                "DELETE FROM ferry.conflict WHERE table_name = ? AND row_key = ?")) {
            for (Pair p : ch.settled) {
                clear.setString(1, t.name);
                clear.setString(2, conflictKey(t, p));
                clear.addBatch();
            }
            if (!ch.settled.isEmpty()) {
                clear.executeBatch();
            }
        }
        if (ch.manual.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ferry.conflict (table_name, row_key, run_id, "
                + "source_row, target_row) VALUES (?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb)) ON CONFLICT (table_name, "
                + "row_key) DO UPDATE SET run_id = EXCLUDED.run_id, source_row = EXCLUDED.source_row, "
                + "target_row = EXCLUDED.target_row, created_at = now()")) {
            for (TableChanges.Manual m : ch.manual) {
                ps.setString(1, t.name);
                ps.setString(2, conflictKey(t, m.pair()));
                ps.setString(3, runId);
                String[] a = null;
                if (m.a() != null) {
                    a = maps.translate(t, Side.A, m.a().values());
                    a = a == null ? m.a().values().clone() : a;
                    if (t.ownIds && m.pair().bKey != null) {
                        a[t.key[0]] = m.pair().bKey;
                    }
                }
                ps.setString(4, json(t, a));
                ps.setString(5, json(t, m.b() == null ? null : m.b().values()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The key a conflict is listed under: the row's key in the second database (the first's, marked, when it has none). */
    static String conflictKey(TwoWayTable t, Pair p) {
        String k = p.bKey != null ? p.bKey : "A:" + p.aKey;
        return k.replace("\u001f", ", ");
    }

    /** A version as a JSON object of column texts; a deleted version is {@code {}}. */
    private static String json(TwoWayTable t, String[] values) {
        Map<String, String> out = new LinkedHashMap<>();
        if (values != null) {
            for (int i = 0; i < values.length; i++) {
                out.put(t.columns.get(i), values[i]);
            }
        }
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SQLException changedMeanwhile(TwoWayTable t, Side to, String key) {
        return new SQLException("a row of " + t.name + " in " + side(to) + " changed while the run was deciding "
                + "(key " + key.replace("\u001f", ", ") + "): nothing of that side was committed; run again", "40001");
    }

    static String side(Side s) {
        return s == Side.A ? "the first database (source)" : "the second database (target)";
    }
}
