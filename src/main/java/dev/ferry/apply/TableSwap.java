package dev.ferry.apply;

import dev.ferry.plan.TablePlan;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.ferry.db.Jdbc;
import dev.ferry.db.Sql;
import dev.ferry.db.SqlResource;

/**
 * Full refresh by swapping a fresh table in: staging is created as a logged copy of the target table's
 * columns ({@code LIKE}: types, collations, defaults, generated columns, storage, NOT NULL) in the
 * target's tablespace, the batches land in it as usual, and the apply transaction drops the old table and renames staging into its place,
 * then builds the constraints and indexes once over the loaded rows (each index in the tablespace of the
 * one it replaces; most are built before the apply, in parallel, on the staging: {@link IndexPrebuild}) and
 * carries over what belonged to
 * the old table (owner, privileges, storage options, comments, owned sequences). The rows are written
 * once instead of twice (staging, then INSERT ... SELECT), and the swap is as atomic as the rest of the
 * apply: nothing changes for a reader until it commits, and a rollback restores the old table.
 * <p>
 * Only a table that nothing else refers to by its identity can be swapped: an ordinary, logged heap
 * table (in the database's tablespace, or in one the target login may create tables in) without triggers, rules, row security, publications, extended statistics, identity columns,
 * check constraints NOT VALID, inheritance or partitions, and with no view, function or column of another table depending on it
 * (its foreign keys are dropped and added back by the apply anyway). Any other table is loaded by
 * TRUNCATE and INSERT from staging, as before; so is a table whose staging no longer matches it.
 */
public final class TableSwap {

    private static final String OBSTACLES = SqlResource.get("sql/apply/swap_obstacles.sql");
    private static final String FACTS = SqlResource.get("sql/apply/prebuilt.sql") + "\n"
            + SqlResource.get("sql/apply/swap_facts.sql");

    private TableSwap() {
    }

    /** Whether a target table can be swapped: why not (a few words; null: it can) and its tablespace, quoted. */
    public record Target(String obstacle, String tablespace) {
        public boolean swappable() {
            return obstacle == null;
        }
    }

    /** Each of these target tables (qualified names) as a {@link Target}, by name: one query for all of them. */
    public static Map<String, Target> targets(Connection c, List<String> tables) throws SQLException {
        Map<String, Target> out = new LinkedHashMap<>();
        if (tables.isEmpty()) {
            return out;
        }
        List<Target> found = Jdbc.list(c, OBSTACLES, rs -> new Target(rs.getString(1), rs.getString(3)),
                c.createArrayOf("text", tables.toArray()), c.createArrayOf("text", new String[tables.size()]));
        for (int i = 0; i < tables.size(); i++) {
            out.put(tables.get(i), found.get(i));
        }
        return out;
    }

    /**
     * Staging as a logged table with the target's very columns, in the target's tablespace (named even when
     * it is the database's default, so that no default_tablespace setting moves it), to be swapped in whole.
     */
    public static String createStagingSql(TablePlan plan, String tablespace) {
        return "CREATE TABLE " + plan.stagingTable() + " (LIKE " + plan.targetTable()
                + " INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMPRESSION) TABLESPACE " + tablespace;
    }

    /**
     * The names of those tables whose staging was made to be swapped in and still can be (same columns, no
     * obstacle): one query for all of them.
     */
    static Set<String> ready(Connection c, List<TablePlan> plans) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        if (plans.isEmpty()) {
            return out;
        }
        List<Boolean> ready = Jdbc.list(c, OBSTACLES, rs -> rs.getString(1) == null && rs.getBoolean(2),
                texts(c, plans, TablePlan::targetTable), texts(c, plans, TablePlan::stagingTable));
        for (int i = 0; i < plans.size(); i++) {
            if (ready.get(i)) {
                out.add(plans.get(i).name());
            }
        }
        return out;
    }

    /** What swapping each of these tables in must carry over from the old one, by table name: one query. */
    static Map<String, SwapSql.Facts> facts(Connection c, List<TablePlan> plans) throws SQLException {
        Map<String, SwapSql.Facts> out = new LinkedHashMap<>();
        if (plans.isEmpty()) {
            return out;
        }
        List<SwapSql.Facts> facts = Jdbc.list(c, FACTS, rs -> new SwapSql.Facts(list(rs, 1), list(rs, 2), list(rs, 3),
                list(rs, 4), list(rs, 5), list(rs, 6), rs.getString(7), rs.getBoolean(8), rs.getString(9), list(rs, 10),
                list(rs, 11), rs.getBoolean(12), rs.getString(13), list(rs, 14)),
                texts(c, plans, TablePlan::targetTable), texts(c, plans, TablePlan::stagingTable));
        for (int i = 0; i < plans.size(); i++) {
            out.put(plans.get(i).name(), facts.get(i));
        }
        return out;
    }

    /**
     * Inside the apply transaction (the table's foreign keys, and those pointing at it, already dropped):
     * replaces the target table by its staging and builds what the old one had ({@code facts}, read before),
     * then runs {@code then} (the statements that move its sequences). Returns the rows it now holds, or -1
     * when PostgreSQL refused the swap (something depends on the table after all, or a privilege is missing):
     * then nothing was changed and the caller loads the table by INSERT. A constraint the rows break is thrown
     * as it is (the apply then sets the offenders aside). One round trip, unless the staging got privileges of
     * its own from default privileges (then the swapped table's grantees are read, to revoke them).
     */
    static long swapIn(Connection c, TablePlan plan, SwapSql.Facts facts, List<String> then) throws SQLException {
        SwapSql.Names names = new SwapSql.Names(plan.targetTable(), Sql.ident(plan.target().schema()),
                Sql.ident(plan.target().name()), plan.stagingTable(),
                Sql.ident(plan.target().schema()) + "." + Sql.ident(plan.stagingName()));
        List<String> script = new ArrayList<>(SwapSql.swap(names, facts));
        try (Statement s = c.createStatement()) {
            List<String> added = List.of();
            if (!facts.stagingAclDefault()) {
                s.execute(SwapSql.script(script));
                script.clear();
                added = Jdbc.list(c, SwapSql.GRANTEES, rs -> rs.getString(1), plan.targetTable());
            }
            script.addAll(SwapSql.privileges(names, facts, added));
            script.addAll(SwapSql.finish(facts, then, plan.targetRows()));
            return lastCount(s, SwapSql.script(script));
        } catch (SQLException e) {
            try (Statement s = c.createStatement()) {
                s.execute(SwapSql.UNDO);
            } catch (SQLException undo) {
                e.addSuppressed(undo);
                throw e;
            }
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.equals("2BP01") || state.equals("42501") || state.equals("42P07")) {
                return -1; // dependent objects, a missing privilege, a name taken: load it by INSERT instead
            }
            throw e;
        }
    }

    /** Runs a multi-statement script; the first column of the last result set it gives (the row count). */
    private static long lastCount(Statement s, String script) throws SQLException {
        String last = null; // earlier results are set_config's and setval's
        boolean isResult = s.execute(script);
        while (true) {
            if (isResult) {
                try (ResultSet rs = s.getResultSet()) {
                    last = rs.next() ? rs.getString(1) : null;
                }
            } else if (s.getUpdateCount() == -1) {
                return Long.parseLong(last);
            }
            isResult = s.getMoreResults();
        }
    }

    static java.sql.Array texts(Connection c, List<TablePlan> plans, java.util.function.Function<TablePlan, String> f)
            throws SQLException {
        return c.createArrayOf("text", plans.stream().map(f).toArray());
    }

    static List<String> list(ResultSet rs, int column) throws SQLException {
        java.sql.Array array = rs.getArray(column);
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
