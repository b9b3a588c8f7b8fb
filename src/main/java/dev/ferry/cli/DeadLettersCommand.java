package dev.ferry.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.ferry.app.FerryApp;
import dev.ferry.log.Redactor;
import dev.ferry.ledger.DeadLetterStore;
import dev.ferry.db.SqlErrors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ferry dead-letters list | replay | purge}: the rows the target rejected for good. */
@Command(name = "dead-letters", mixinStandardHelpOptions = true,
        description = "Rows the development database rejected, stored in ferry.dead_letter after the transforms.",
        subcommands = {DeadLettersCommand.ListCommand.class, DeadLettersCommand.ReplayCommand.class,
            DeadLettersCommand.PurgeCommand.class})
public final class DeadLettersCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.err.println("ferry dead-letters: say list, replay or purge (see --help)");
        return ExitCodes.USAGE;
    }

    /** {@code --run ID}: only the rows set aside by this run. */
    static final class RunFilter {
        @Option(names = "--run", paramLabel = "ID", description = "Only the rows set aside by this run.")
        String run;
    }

    private interface Action {
        int run(DeadLetterStore store) throws Exception;
    }

    /** Asks on the terminal; without one, prints {@code refusal}. False unless the answer is yes. */
    static boolean confirmed(String question, String refusal) {
        if (System.console() == null) {
            System.err.println(refusal);
            return false;
        }
        System.err.print(question + " [y/N] ");
        String answer;
        try {
            answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        } catch (java.io.IOException e) {
            answer = "";
        }
        if (answer == null || !answer.trim().toLowerCase(java.util.Locale.ROOT).startsWith("y")) {
            System.err.println("not confirmed: nothing was changed");
            return false;
        }
        return true;
    }

    int withStore(Action action) {
        try (FerryApp app = FerryApp.start(null, Map.of())) {
            return action.run(new DeadLetterStore(app.target()));
        } catch (Exception e) {
            System.err.println(Redactor.redact("dead-letters FAILED: " + SqlErrors.message(e)));
            return ExitCodes.FAILED;
        }
    }

    /** {@code list [--run ID]}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists stored rows: run, table, key, SQLState, reason.")
    static final class ListCommand implements Callable<Integer> {
        @ParentCommand
        DeadLettersCommand parent;

        @Mixin
        RunFilter filter;

        @Override
        public Integer call() {
            return parent.withStore(store -> {
                List<DeadLetterStore.Entry> entries = store.list(filter.run);
                System.out.printf("%-36s  %-20s  %-12s  %-8s  %s%n", "run", "table", "key", "sqlstate", "reason");
                for (DeadLetterStore.Entry e : entries) {
                    System.out.printf("%-36s  %-20s  %-12s  %-8s  %s%n", e.runId(), e.table(), e.key(), e.sqlState(),
                            Redactor.redact(e.message()));
                }
                System.err.println(entries.size() + " dead letter(s)");
                return ExitCodes.SUCCESS;
            });
        }
    }

    /** {@code replay [--run ID] [--yes]}. */
    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Writes the stored rows again as stored; rows that land leave the store.")
    static final class ReplayCommand implements Callable<Integer> {
        @ParentCommand
        DeadLettersCommand parent;

        @Mixin
        RunFilter filter;

        @Option(names = "--yes", description = "Confirm without asking.")
        boolean yes;

        @Override
        public Integer call() {
            if (!yes && !confirmed("Write the stored rows into the development database?",
                    "replay writes to the development database: pass --yes to confirm (no terminal to ask on)")) {
                return ExitCodes.USAGE;
            }
            return parent.withStore(store -> {
                DeadLetterStore.Replay r = store.replay(filter.run);
                System.err.println("replayed: " + r.landed() + " landed, " + r.remaining() + " still rejected");
                return r.remaining() == 0 ? ExitCodes.SUCCESS : ExitCodes.PARTIAL;
            });
        }
    }

    /** {@code purge [--run ID] [--yes]}. */
    @Command(name = "purge", mixinStandardHelpOptions = true, description = "Deletes stored rows.")
    static final class PurgeCommand implements Callable<Integer> {
        @ParentCommand
        DeadLettersCommand parent;

        @Mixin
        RunFilter filter;

        @Option(names = "--yes", description = "Confirm without asking.")
        boolean yes;

        @Override
        public Integer call() {
            return parent.withStore(store -> {
                int stored = store.list(filter.run).size();
                if (stored == 0) {
                    System.err.println("no dead letters" + (filter.run != null ? " of run " + filter.run : "") + ": nothing to purge");
                    return ExitCodes.SUCCESS;
                }
                String what = stored + " stored row(s)" + (filter.run != null ? " of run " + filter.run : "");
                if (!yes && !confirmed("Delete " + what + " for good (they cannot be replayed after)?",
                        "purge deletes " + what + " for good: pass --yes to confirm (no terminal to ask on)")) {
                    return ExitCodes.USAGE;
                }
                System.err.println("purged " + store.purge(filter.run) + " dead letter(s)");
                return ExitCodes.SUCCESS;
            });
        }
    }
}
