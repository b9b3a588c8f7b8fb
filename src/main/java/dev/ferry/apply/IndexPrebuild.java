package dev.ferry.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import dev.ferry.db.Sql;
import dev.ferry.db.SqlResource;
import dev.ferry.plan.TablePlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The indexes of swapped-in tables built before the apply transaction, on the staging itself (Ferry's own table
 * in schema ferry, which nobody else sees), several at once on connections of their own, largest staging first,
 * as pgcopydb does: the apply then attaches them ({@code ADD CONSTRAINT ... PRIMARY KEY/UNIQUE USING INDEX}) or
 * renames them, instead of building them one after the other in its one transaction. Each copy is named after
 * the staging table (two tables a.t and b.t may both have a t_pkey), built with the apply's maintenance_work_mem
 * in the tablespace of the index it copies. Exclusion and deferrable constraints are built in the apply as
 * before, so are the indexes of a table whose ids the apply rewrites in its staging ({@link IdRemap}), and so is any index whose copy failed here (its table's copies are dropped: a unique violation is then
 * met, and its rows set aside, in the apply as it always was) or no longer matches the target's index when the
 * apply reads the catalogue again ({@code sql/apply/prebuilt.sql}).
 * <p>
 * 1M books (445 MB, a primary key and two unique constraints) on a 2-core machine, 7 alternated runs: the apply
 * transaction 4.6 s before, 1.4 s now, after 3.0 s of builds here; from staged to applied 4.6 s against 4.3 s.
 * PostgreSQL already gives each build two parallel workers, so on 2 cores the builds take about as long here
 * as in the apply: what shrinks is the transaction (and the time the tables are locked in it).
 */
public final class IndexPrebuild {

    private static final Logger LOG = LoggerFactory.getLogger(IndexPrebuild.class);

    private static final String PLAN = SqlResource.get("sql/apply/prebuilt.sql") + "\n"
            + SqlResource.get("sql/apply/prebuild_plan.sql");

    /** Every index of the staging table {@code ?}: the statements that drop them. */
    static final String DROP_ALL = "SELECT format('DROP INDEX %I.%I', n.nspname, c.relname) FROM pg_index i "
            + "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE i.indrelid = to_regclass(?)";

    /** One statement of the plan: a table's {@code n}, its staging's bytes, the statements, the index's name. */
    record Step(int table, String kind, long bytes, String tablespace, String sql, String name) {
    }

    private IndexPrebuild() {
    }

    /**
     * Builds beforehand the indexes of those of {@code plans} whose staging will be swapped in and has at least
     * {@code minBytes} (a small table's indexes cost the apply little, and a round trip each here), on up to
     * {@code connections} connections of {@code target} at once; returns the number built. Never fails the run:
     * whatever was not built is built by the apply.
     */
    public static int build(DataSource target, List<TablePlan> plans, int connections, long minBytes) {
        List<TablePlan> swapped;
        List<Step> steps;
        try (Connection c = target.getConnection()) {
            // a table whose ids the apply rewrites in its staging (natural keys, IdRemap) is not: an UPDATE of a key
            // column through a unique copy can fail on a value that is unique again once the statement ends
            Set<String> ready = TableSwap.ready(c, plans.stream().filter(p -> p.spec().mode().commitBySwapTable())
                    .filter(p -> p.remapped().isEmpty()).toList());
            swapped = plans.stream().filter(p -> ready.contains(p.name())).toList();
            if (swapped.isEmpty()) {
                return 0;
            }
            steps = plan(c, swapped);
            try (Statement s = c.createStatement()) {
                for (Step step : steps) {
                    if (step.kind().equals("drop")) {
                        s.execute(step.sql());
                    }
                }
            }
        } catch (SQLException e) {
            LOG.warn("indexes not built before the apply (the apply builds them): {}", e.getMessage());
            return 0;
        }
        List<Step> builds = steps.stream().filter(s -> s.kind().equals("build") && s.bytes() >= minBytes).toList();
        if (builds.isEmpty()) {
            return 0;
        }
        Set<Integer> failed = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(connections, builds.size())), r -> {
            Thread t = new Thread(r, "ferry-index-build");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Step step : builds) {
                done.add(pool.submit(() -> {
                    if (!failed.contains(step.table())) { // a table that failed once is built by the apply
                        buildOne(target, step, failed);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warn("index build failed: {}", String.valueOf(e.getCause()));
        } finally {
            pool.shutdownNow();
        }
        Map<Integer, List<String>> names = new LinkedHashMap<>();
        builds.forEach(s -> names.computeIfAbsent(s.table(), k -> new ArrayList<>()).add(s.name()));
        try (Connection c = target.getConnection(); Statement s = c.createStatement()) {
            for (int table : failed) {
                // a copy that failed (a unique violation, say): its table's copies go, the apply builds them as before
                s.execute(dropIfExists(names.get(table)));
            }
        } catch (SQLException e) {
            LOG.warn("indexes built before the apply not dropped (the apply drops them): {}", e.getMessage());
        }
        return (int) builds.stream().filter(s -> !failed.contains(s.table())).count();
    }

    /** The plan for these tables (whose staging can be swapped in): drops first, then builds, largest first. */
    static List<Step> plan(Connection c, List<TablePlan> swapped) throws SQLException {
        List<Step> steps = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(PLAN)) {
            ps.setArray(1, TableSwap.texts(c, swapped, TablePlan::targetTable));
            ps.setArray(2, TableSwap.texts(c, swapped, TablePlan::stagingTable));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    steps.add(new Step(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getString(5), rs.getString(6),
                            rs.getString(7)));
                }
            }
        }
        return steps;
    }

    /** One index built in a transaction of its own; its table noted in {@code failed} when it cannot be. */
    private static void buildOne(DataSource target, Step step, Set<Integer> failed) {
        try (Connection c = target.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(script(step));
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            failed.add(step.table());
            LOG.info("index {} not built before the apply (the apply builds its table's): {}", step.name(), e.getMessage());
        }
    }

    /**
     * The transaction that builds one index: the apply's memory for index builds, its tablespace, the build. Its
     * parallel workers are the server's max_parallel_maintenance_workers, as in the apply: 0 made the builds of 1M
     * books about 10% faster on a 2-core machine (1.9 s against 2.1 s, 3 alternated), but takes from larger ones.
     */
    static String script(Step step) {
        return SwapSql.script(List.of(ApplySql.INDEX_BUILDS, step.tablespace(), step.sql()));
    }

    /** Drops these indexes of a staging (by name, in schema ferry), those that exist. */
    static String dropIfExists(List<String> names) {
        return "DROP INDEX IF EXISTS " + String.join(", ", names.stream().map(n -> Sql.qualified("ferry", n)).toList());
    }

    /**
     * Drops every index of the table's staging (a swap staging has none but copies built here): before more rows
     * are staged into it after a resume, so that those rows are staged, and any that break a constraint set
     * aside, exactly as without copies; the copies are built again before the apply.
     */
    public static void dropAll(Connection c, TablePlan plan) throws SQLException {
        List<String> drops = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(DROP_ALL)) {
            ps.setString(1, plan.stagingTable());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    drops.add(rs.getString(1));
                }
            }
        }
        if (!drops.isEmpty()) {
            try (Statement s = c.createStatement()) {
                s.execute(SwapSql.script(drops));
            }
        }
    }
}
