package dev.ferry.cli;

import dev.ferry.run.RunService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.ferry.app.FerryApp;
import dev.ferry.read.SnapshotDataSource;
import dev.ferry.log.Redactor;
import dev.ferry.state.Progress;
import dev.ferry.db.SqlErrors;
import dev.ferry.run.SyncRunner;
import dev.ferry.plan.TablePlan;
import dev.ferry.plan.TableSpec;
import dev.ferry.plan.UserSqlException;
import dev.ferry.verify.Verifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry verify}: the after-sync comparison alone; exit 0 when every table is equal, 1 listing the others. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Compares each table's development rows with the transformed production rows as the sync does "
                + "(full: count and checksum over every row; merge, incremental: row by row, keeping what the mode and "
                + "conflict strategy keep; dead letters left out); with --pii, checks that no value a data rule covers "
                + "leaked.")
public final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--tables", split = ",", paramLabel = "a,b", description = "Only these tables (default: every table route).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--tables-dir", paramLabel = "DIR", description = "Table routes from DIR instead of routes/tables.")
    Path tablesDir;

    @Option(names = "--owner-id", paramLabel = "N", description = "Owner id the synced rows carry (default: the last run's).")
    String ownerId;

    @Option(names = "--pii", description = "Leak check instead: fail when any source value of a rule-covered column "
            + "appears in the target's column.")
    boolean pii;

    @Override
    public Integer call() {
        try (FerryApp app = FerryApp.start(tablesDir, Map.of())) {
            try {
                app.checkTableRoutes();
            } catch (dev.ferry.plan.RouteFileCheck.BadRouteFile e) {
                System.err.println(e.getMessage());
                return ExitCodes.USAGE;
            }
            SyncRunner runner = RunService.runner(app, new Progress(System.err));
            Map<String, TableSpec> all = runner.tables();
            if (all.isEmpty()) {
                System.err.println(RunService.noTableRoutes(app));
                return ExitCodes.USAGE;
            }
            List<TableSpec> specs = new ArrayList<>();
            for (String name : tables.isEmpty() ? List.copyOf(all.keySet()) : tables) {
                String label = TableSpec.find(all.keySet(), name); // as the route names it, or unquoted when unambiguous
                TableSpec spec = label == null ? null : all.get(label);
                if (spec == null) {
                    System.err.println("unknown table '" + name + "'; tables with routes: " + String.join(", ", all.keySet()));
                    return ExitCodes.USAGE;
                }
                specs.add(spec);
            }
            List<TablePlan> plans = runner.plan(specs);
            if (pii) {
                List<dev.ferry.plan.LeakCheck.Leak> leaks = new dev.ferry.plan.LeakCheck(app.source(), app.target())
                        .check(plans, System.err);
                if (plans.stream().allMatch(p -> p.rules().values().stream().noneMatch(r -> r.covers()))) {
                    System.err.println("no table has a data rule: nothing to check");
                }
                if (!leaks.isEmpty()) {
                    System.err.println("source values found in the target: " + String.join(", ", leaks.stream()
                            .map(l -> l.table() + "." + l.column()).toList()));
                    return ExitCodes.FAILED;
                }
                return ExitCodes.SUCCESS;
            }
            SnapshotDataSource snapshot = app.bean("snapshotSource", SnapshotDataSource.class);
            Verifier verifier = new Verifier(snapshot, app.target());
            String owner = ownerId != null ? ownerId : verifier.lastOwner();
            if (owner == null && plans.stream().anyMatch(p -> p.spec().hasOwner())) {
                System.err.println("no earlier run records the owner: pass --owner-id N");
                return ExitCodes.USAGE;
            }
            List<String> differing = new ArrayList<>();
            snapshot.open();
            try {
                for (TablePlan plan : plans) {
                    Verifier.Result r = verifier.compare(plan, owner);
                    System.err.printf("%-24s %s  %s%n", plan.name(), r.equal() ? "EQUAL" : "DIFFERENT", r.detail());
                    if (!r.equal()) {
                        differing.add(plan.name());
                    }
                }
            } finally {
                snapshot.close();
            }
            if (!differing.isEmpty()) {
                System.err.println("tables that differ: " + String.join(", ", differing));
                return ExitCodes.FAILED;
            }
            return ExitCodes.SUCCESS;
        } catch (UserSqlException e) {
            System.err.println(Redactor.redact(e.getMessage()));
            return ExitCodes.USAGE;
        } catch (Exception e) {
            System.err.println(Redactor.redact("verify FAILED: " + SqlErrors.message(e)));
            return ExitCodes.FAILED;
        }
    }
}
