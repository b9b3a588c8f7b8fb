package dev.ferry.plan;

import dev.ferry.rules.Rules;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import dev.ferry.db.Sql;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyInputStream;

/**
 * {@code ferry verify --pii}: for every column a data rule covers, whether any of the source's values
 * of that column (every source row, not only the synced subset) appears in the target's column; for
 * the rules that draw from small sets (names, randomInt), whether a target row holds its own source
 * row's value. Only md5 digests of the values cross over (COPY into a temporary table of the target).
 */
public final class LeakCheck {

    /** A column whose source values show up in the target. */
    public record Leak(String table, String column, long rows) {
    }

    /** Keys of leaking rows named per column, at most. */
    private static final int KEYS_SHOWN = 5;

    private final DataSource source;
    private final DataSource target;

    /** Compares {@code source} with {@code target}. */
    public LeakCheck(DataSource source, DataSource target) {
        this.source = source;
        this.target = target;
    }

    /** The columns covered by rules in these plans; returns the leaks found (empty: none). */
    public List<Leak> check(List<TablePlan> plans, java.io.PrintStream out) throws SQLException, IOException {
        List<Leak> leaks = new ArrayList<>();
        try (Connection s = source.getConnection(); Connection t = target.getConnection()) {
            t.setAutoCommit(false);
            try (Statement st = t.createStatement()) {
                for (TablePlan plan : plans) {
                    for (Map.Entry<String, Rules.Rule> rule : plan.rules().entrySet()) {
                        if (!rule.getValue().covers() || rule.getValue().kind().equals("null")) {
                            continue;
                        }
                        String col = Sql.ident(rule.getKey());
                        // names and numbers drawn from small ranges meet real values by chance: those are
                        // compared row by row (the same key); every other rule's output must match no source value
                        boolean rowWise = plan.keyed() && List.of("name", "firstname", "lastname", "randomint")
                                .contains(rule.getValue().kind());
                        st.execute("DROP TABLE IF EXISTS pg_temp.ferry_pii");
                        st.execute("CREATE TEMP TABLE ferry_pii (k text, h text) ON COMMIT DROP");
                        String values = rowWise
                                ? "SELECT " + plan.keyText("s") + ", md5(s." + col + "::text)"
                                : "SELECT DISTINCT NULL::text, md5(s." + col + "::text)";
                        try (PGCopyInputStream in = new PGCopyInputStream(s.unwrap(PGConnection.class),
                                "COPY (" + values + " FROM " + plan.sourceRows() + " s WHERE s." + col + " IS NOT NULL AND s."
                                        + col + "::text <> '') TO STDOUT")) {
                            t.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY ferry_pii FROM STDIN", in);
                        }
                        st.execute("ANALYZE ferry_pii");
                        long found = 0;
                        List<String> keys = new ArrayList<>();
                        // the count, and the first keys in key order: which rows to look at
                        try (ResultSet rs = st.executeQuery("SELECT count(*) OVER (), " + (plan.keyed() ? plan.keyText("t")
                                : "NULL::text") + " FROM " + plan.targetRows() + " t WHERE "
                                + (rowWise ? "EXISTS (SELECT 1 FROM ferry_pii p WHERE p.k = " + plan.keyText("t")
                                        + " AND p.h = md5(t." + col + "::text))"
                                        : "md5(t." + col + "::text) IN (SELECT h FROM ferry_pii)")
                                + (plan.keyed() ? " ORDER BY " + plan.spec().keyColumns().stream()
                                        .map(k -> "t." + Sql.ident(k)).collect(Collectors.joining(", ")) : "") + " LIMIT " + KEYS_SHOWN)) {
                            while (rs.next()) {
                                found = rs.getLong(1);
                                if (rs.getString(2) != null) {
                                    keys.add(rs.getString(2));
                                }
                            }
                        }
                        out.printf("%-24s %-24s %-12s %s%n", plan.name(), rule.getKey(), rule.getValue().kind(),
                                found == 0 ? "no source value found" : "LEAK: " + found + " row(s) hold a source value"
                                        + (keys.isEmpty() ? "" : " (key " + String.join(", ", keys)
                                        + (found > keys.size() ? ", ..." : "") + ")") + "; " + advice(rule.getValue()));
                        if (found > 0) {
                            leaks.add(new Leak(plan.name(), rule.getKey(), found));
                        }
                        t.commit();
                    }
                }
            } finally {
                t.rollback();
                t.setAutoCommit(true);
                if (!s.getAutoCommit()) {
                    s.rollback();
                }
            }
        }
        return leaks;
    }

    /** What to change when a rule's output holds source values. */
    private static String advice(Rules.Rule rule) {
        return switch (rule.kind()) {
            case "mask", "template", "sql", "constant" -> "the " + rule.kind() + " rule lets source values through: use "
                    + "email or hash (unique, never a source value), or null";
            default -> "rows written before the rule was set keep their source values until the next sync; if it "
                    + "persists after a sync, use hash";
        };
    }
}
