package dev.ferry.stage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

import dev.ferry.apply.TableSwap;
import dev.ferry.plan.TablePlan;
import dev.ferry.state.Run;

/**
 * Which of a run's full-refresh target tables can be staged to be swapped in, and in which tablespace:
 * one catalogue query per run for all of them ({@link TableSwap#targets}) instead of two per table. The
 * apply checks again, in its transaction, that each staging can still be swapped in ({@code TableSwap.ready});
 * a table that could not is loaded from staging by TRUNCATE and INSERT.
 */
final class SwapTargets {

    private final PerRun<Map<String, TableSwap.Target>> targets = new PerRun<>();

    /**
     * The plan's target table as found at the run's first look (through {@code c}, a target connection, on the
     * first call of a run), or null when the run did not ask about it.
     */
    TableSwap.Target of(Connection c, Run run, TablePlan plan) throws SQLException {
        return targets.get(run, () -> Map.copyOf(TableSwap.targets(c, run.plans().stream()
                .filter(p -> p.spec().mode().commitBySwapTable()).map(TablePlan::targetTable).distinct().toList())))
                .get(plan.targetTable());
    }
}
