package dev.ferry.cli;

import java.util.Map;
import java.util.concurrent.Callable;

import dev.ferry.app.FerryApp;
import dev.ferry.log.Redactor;
import dev.ferry.ledger.ActionLog;
import dev.ferry.ledger.ConflictStore;
import dev.ferry.db.SqlErrors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ferry conflicts resolve ID --keep source|target}: settles one conflict of a {@code conflict: manual}
 * table, as the status page's buttons do; recorded in ferry.action with the OS user.
 */
@Command(name = "resolve", mixinStandardHelpOptions = true,
        description = "Resolves one conflict: --keep source writes production's version into the development row, "
                + "--keep target keeps development's; either way the record goes.")
public final class ConflictsResolveCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ID", description = "The conflict's id (the first column of ferry conflicts).")
    long id;

    @Option(names = "--keep", required = true, paramLabel = "source|target",
            description = "source (production's version) or target (development's).")
    String keep;

    @Override
    public Integer call() {
        ConflictStore.Keep which = ConflictStore.Keep.of(keep);
        if (which == null) {
            System.err.println("--keep is '" + keep + "': say source (production's version) or target (development's)");
            return ExitCodes.USAGE;
        }
        try (FerryApp app = FerryApp.start(null, Map.of())) {
            ConflictStore.Entry e;
            try {
                e = new ConflictStore(app.target()).resolve(id, which);
            } catch (ConflictStore.CannotResolve refused) {
                System.err.println(Redactor.redact(refused.getMessage()));
                return ExitCodes.FAILED;
            }
            String kept = which == ConflictStore.Keep.SOURCE ? "production's" : "development's";
            new ActionLog(app.target()).record("cli:" + System.getProperty("user.name"), "conflict resolve",
                    "conflict " + id + " (" + e.table() + " " + e.key() + "): kept " + kept + " version");
            System.err.println("conflict " + id + " resolved: " + e.table() + " " + e.key() + " holds " + kept + " version");
            return ExitCodes.SUCCESS;
        } catch (Exception e) {
            System.err.println(Redactor.redact("conflicts resolve FAILED: " + SqlErrors.message(e)));
            return ExitCodes.FAILED;
        }
    }
}
