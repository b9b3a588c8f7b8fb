package dev.ferry.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.ferry.app.FerryApp;
import dev.ferry.log.Redactor;
import dev.ferry.ledger.ConflictStore;
import dev.ferry.db.SqlErrors;
import dev.ferry.run.ConflictResolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ferry conflicts resolve ID --keep source|target|a|b}: settles one conflict of a {@code conflict: manual}
 * table, as the status page's buttons do; recorded in ferry.action with the OS user.
 */
@Command(name = "resolve", mixinStandardHelpOptions = true,
        description = "Resolves one conflict. One-way tables: --keep source writes production's version into the "
                + "development row, --keep target keeps development's. Two-way tables (direction: both): --keep a "
                + "writes the first database's version into both, --keep b the second's. Either way the record goes.")
public final class ConflictsResolveCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ID", description = "The conflict's id (the first column of ferry conflicts).")
    long id;

    @Option(names = "--keep", required = true, paramLabel = "source|target|a|b",
            description = "One-way: source (production's version) or target (development's). Two-way: a (the first "
                    + "database's) or b (the second's).")
    String keep;

    @Option(names = "--tables-dir", paramLabel = "DIR",
            description = "The table routes (default routes/tables): a two-way conflict needs its table's route.")
    Path tablesDir;

    @Override
    public Integer call() {
        try (FerryApp app = FerryApp.start(tablesDir, Map.of())) {
            ConflictResolver.Resolved done;
            try {
                done = new ConflictResolver(app).resolve(id, keep, "cli:" + System.getProperty("user.name"));
            } catch (ConflictResolver.WrongWord wrong) {
                System.err.println("--keep: " + wrong.getMessage());
                return ExitCodes.USAGE;
            } catch (ConflictStore.CannotResolve refused) {
                System.err.println(Redactor.redact(refused.getMessage()));
                return ExitCodes.FAILED;
            }
            ConflictStore.Entry e = done.entry();
            System.err.println(Redactor.redact("conflict " + id + " resolved (" + e.table() + " " + e.key() + ", kept "
                    + done.kept() + "): " + done.wrote()));
            return ExitCodes.SUCCESS;
        } catch (Exception e) {
            System.err.println(Redactor.redact("conflicts resolve FAILED: " + SqlErrors.message(e)));
            return ExitCodes.FAILED;
        }
    }
}
