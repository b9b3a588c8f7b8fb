package dev.ferry.cli;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ferry.app.FerryApp;
import dev.ferry.log.Redactor;
import dev.ferry.ledger.RunHistory;
import dev.ferry.db.SqlErrors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code ferry runs [--last N] [--json]} and {@code ferry runs show ID}: the run ledger, newest first. */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = "The last runs from the ledger (ferry.run): id, trigger and who, started, duration, status, tables.",
        subcommands = RunsCommand.ShowCommand.class)
public final class RunsCommand implements Callable<Integer> {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    @Option(names = "--last", paramLabel = "N", description = "How many runs, newest first (default 10).")
    int last = 10;

    @Option(names = "--json", description = "As JSON, in the shape of GET /api/runs.")
    boolean json;

    private interface Action {
        int run(RunHistory history) throws Exception;
    }

    static int withHistory(String what, Action action) {
        try (FerryApp app = FerryApp.start(null, Map.of())) {
            return action.run(new RunHistory(app.target()));
        } catch (Exception e) {
            System.err.println(Redactor.redact(what + " FAILED: " + SqlErrors.message(e)));
            return ExitCodes.FAILED;
        }
    }

    @Override
    public Integer call() {
        if (last < 1 || last > 10_000) {
            System.err.println("--last must be from 1 to 10000");
            return ExitCodes.USAGE;
        }
        return withHistory("runs", history -> {
            RunHistory.Page page = history.page(last, 0);
            if (json) {
                System.out.println(json().writeValueAsString(page));
                return ExitCodes.SUCCESS;
            }
            System.out.printf("%-36s  %-24s  %-19s  %9s  %-11s  %s%n", "run", "trigger", "started", "seconds", "status", "tables");
            for (RunHistory.RunRow r : page.runs()) {
                StringBuilder tables = new StringBuilder();
                for (RunHistory.TableRow t : r.tables()) {
                    tables.append(tables.length() == 0 ? "" : ", ").append(t.name()).append(' ').append(t.status());
                }
                System.out.printf("%-36s  %-24s  %-19s  %9s  %-11s  %s%n", r.runId(), trigger(r), WHEN.format(r.startedAt()),
                        r.seconds() == null ? "" : String.format(Locale.ROOT, "%.1f", r.seconds()), r.status(), tables);
            }
            System.err.println(page.runs().size() + " of " + page.total() + " run(s)"
                    + (page.runs().isEmpty() ? "" : "; ./ferry runs show ID for one run's tables"));
            return ExitCodes.SUCCESS;
        });
    }

    /**
     * The JSON writer, made when one is needed: picocli makes this command's object at every start (a static
     * mapper cost every command about 0.1 s).
     */
    private static ObjectMapper json() {
        return new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);
    }

    private static String trigger(RunHistory.RunRow r) {
        return r.trigger() + (r.who() == null ? "" : " (" + r.who() + ")");
    }

    /** {@code runs show ID [--json]}. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "One run: its fields and each table's counts.")
    static final class ShowCommand implements Callable<Integer> {

        @ParentCommand
        RunsCommand parent;

        @Parameters(paramLabel = "ID", description = "The run id (ferry runs lists them).")
        String id;

        @Option(names = "--json", description = "As JSON, in the shape of GET /api/runs/ID and the run's report.")
        boolean json;

        @Override
        public Integer call() {
            return withHistory("runs show", history -> {
                RunHistory.RunRow r = history.run(id.trim());
                if (r == null) {
                    System.err.println("no run " + id + " in the ledger (./ferry runs lists the last ones)");
                    return ExitCodes.FAILED;
                }
                if (json || parent.json) {
                    System.out.println(json().writeValueAsString(r));
                    return ExitCodes.SUCCESS;
                }
                System.out.println("run       " + r.runId());
                System.out.println("status    " + r.status());
                System.out.println("trigger   " + trigger(r));
                System.out.println("started   " + WHEN.format(r.startedAt()));
                System.out.println("finished  " + (r.finishedAt() == null ? "-" : WHEN.format(r.finishedAt())
                        + String.format(Locale.ROOT, " (%.1f s)", r.seconds())));
                if (r.error() != null) {
                    System.out.println("error     " + r.error());
                }
                System.out.println();
                System.out.printf("%-24s  %-11s  %-11s  %12s  %12s  %12s  %9s%n", "table", "mode", "status", "read", "written",
                        "dead-letters", "seconds");
                for (RunHistory.TableRow t : r.tables()) {
                    System.out.printf(Locale.ROOT, "%-24s  %-11s  %-11s  %,12d  %,12d  %,12d  %9.1f%n", t.name(), t.mode(),
                            t.status(), t.read(), t.written(), t.deadLettered(), t.seconds());
                    if (t.error() != null) {
                        System.out.println("  " + t.error());
                    }
                }
                return ExitCodes.SUCCESS;
            });
        }
    }
}
