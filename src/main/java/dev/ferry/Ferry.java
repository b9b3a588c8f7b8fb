package dev.ferry;

import dev.ferry.cli.ConflictsCommand;
import dev.ferry.cli.DeadLettersCommand;
import dev.ferry.cli.DemoCommand;
import dev.ferry.cli.RunsCommand;
import dev.ferry.cli.ScaffoldCommand;
import dev.ferry.cli.ServeCommand;
import dev.ferry.cli.SyncCommand;
import dev.ferry.cli.VerifyCommand;
import dev.ferry.cli.WarmUpCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Ferry's command line: {@code ferry demo | sync | help}. */
@Command(name = "ferry", mixinStandardHelpOptions = true, versionProvider = Ferry.Version.class,
        description = "Brings production PostgreSQL tables into a development database: owner remapped, atomic, verified.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:SUCCESS", "1:FAILED", "2:bad usage or configuration (nothing written)",
            "3:PARTIAL (some rows set aside)"})
public final class Ferry implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** The commands, in the order help lists them. */
    private static final java.util.List<Class<?>> COMMANDS = java.util.List.of(SyncCommand.class, ServeCommand.class,
            ScaffoldCommand.class, VerifyCommand.class, DeadLettersCommand.class, ConflictsCommand.class, RunsCommand.class,
            DemoCommand.class, WarmUpCommand.class, CommandLine.HelpCommand.class);

    /** {@code ferry --version}: the jar's Implementation-Version ("dev" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Ferry.class.getPackage().getImplementationVersion();
            return new String[] {"ferry " + (version != null ? version : "dev") + ", Java " + System.getProperty("java.version")};
        }
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        String format = System.getenv("FERRY_LOG_FORMAT");
        if (format != null && !format.isBlank() && !format.equals("text") && !format.equals("json")) {
            System.err.println("FERRY_LOG_FORMAT is '" + format + "': use text (the default) or json");
            System.exit(2);
        }
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (used by tests). */
    public static int execute(String... args) {
        if (java.util.Arrays.asList(args).contains("--debug")) {
            System.setProperty("ferry.debug", "true"); // log lines then carry whole stack traces too
        }
        CommandLine cli = commandLine(args);
        // a wrong command or option: what was wrong, then the usage of the command it was given to; exit 2
        cli.setParameterExceptionHandler((e, arguments) -> {
            CommandLine wrong = e.getCommandLine();
            wrong.getErr().println(e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, wrong.getErr());
            wrong.usage(wrong.getErr());
            return CommandLine.ExitCode.USAGE;
        });
        return cli.execute(args);
    }

    /**
     * The command line for {@code args}: when they start with a command's name, that command alone (picocli
     * reads every command's annotations and makes every command object when a command line is built: about
     * 0.1-0.2 s of each start, for commands the run never uses), else every command (help, a mistyped name).
     */
    static CommandLine commandLine(String... args) {
        CommandLine cli = new CommandLine(new Ferry());
        Class<?> named = named(args);
        for (Class<?> command : named != null ? java.util.List.of(named) : COMMANDS) {
            cli.addSubcommand(command);
        }
        return cli;
    }

    /** The command (help aside) that {@code args} start with, or null. */
    private static Class<?> named(String... args) {
        String first = args.length > 0 ? args[0] : "";
        return COMMANDS.stream().filter(c -> c != CommandLine.HelpCommand.class
                && c.getAnnotation(Command.class).name().equals(first)).findFirst().orElse(null);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
}
