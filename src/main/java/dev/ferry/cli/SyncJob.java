package dev.ferry.cli;

import dev.ferry.app.FerryApp;
import dev.ferry.db.SqlErrors;
import dev.ferry.log.Redactor;
import dev.ferry.plan.OwnerResolver;
import dev.ferry.run.Questions;
import dev.ferry.run.RunOutcome;
import dev.ferry.run.RunRefused;
import dev.ferry.run.RunRequest;
import dev.ferry.run.RunService;
import dev.ferry.state.Run;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One {@code ferry sync} from the command line: start Ferry, run the request through the {@link RunService}
 * (asking on the terminal when it must), then the exit code, the report and the graceful stop on a signal.
 */
public final class SyncJob {

    /** What the command line asked for: the run request plus the report file and --debug. */
    public static final class Options extends RunRequest {
        public Path report;
        public boolean debug;
    }

    /** The outcome: exit code, the run (null when it never started), and the dry run's plan (or null). */
    public record Outcome(int exitCode, Run run, String plan, boolean busy) {
        public Outcome(int exitCode, Run run) {
            this(exitCode, run, null, false);
        }
    }

    private static final long STOP_GRACE_SECONDS = 120;

    private final PrintStream err;
    private final BufferedReader in;
    private final RunService service;
    /** The outcome of the job, once it has one (the stop hook tells a committed run from an interrupted one). */
    private volatile Outcome outcome;
    /** Waiting for the user's answer on the terminal. */
    private volatile boolean asking;

    /** A job talking to the user through these streams; {@code terminal} allows questions. */
    public SyncJob(PrintStream err, BufferedReader in, boolean terminal) {
        this.err = err;
        this.in = in;
        this.service = new RunService(err, terminal ? new Terminal() : Questions.NONE);
    }

    /** Runs the job; never throws for expected failures, it reports them and returns the exit code. */
    public Outcome run(Options options) {
        FerryApp app;
        try {
            app = FerryApp.start(options.tablesDir, options.overrides);
        } catch (Exception e) {
            return fail(ExitCodes.USAGE, "cannot start Ferry: " + SqlErrors.message(e), e, options);
        }
        try {
            app.checkTableRoutes();
        } catch (Exception e) {
            app.close();
            return fail(ExitCodes.USAGE, e.getMessage(), e, options);
        }
        // SIGTERM / Ctrl+C: the batch in flight commits or rolls back whole, a read waiting in the source and
        // an apply that has not sent its COMMIT are cancelled, the run is recorded as INTERRUPTED, the pools
        // close; then the JVM exits (143 / 130). A run whose apply had committed exits as it ended (0).
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            if (service.current() != null) {
                err.println("ferry: stopping after the batch in flight...");
            }
            service.stop();
            if (asking) {
                return; // waiting for an answer on the terminal: nothing was written
            }
            try {
                if (!finished.await(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    return;
                }
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
                return;
            }
            Outcome done = outcome;
            if (done != null && done.run() != null && (done.run().status() == Run.Status.SUCCESS
                    || done.run().status() == Run.Status.PARTIAL)) {
                // the signal came after the apply committed: the run is not interrupted, and says so
                err.println("ferry: the apply had committed when the signal came: the run finished "
                        + done.run().status() + " despite the signal");
                err.flush();
                Runtime.getRuntime().halt(done.exitCode());
            }
        }, "ferry-graceful-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            outcome = execute(app, options);
            return outcome;
        } finally {
            app.close();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns now that the run is recorded and the pools are closed
            }
        }
    }

    /** The run in progress, or null. */
    public Run current() {
        return service.current();
    }

    /** Asks the run in progress to stop after its batch in flight. */
    public void stop() {
        service.stop();
    }

    /** One run on a started Ferry, shown as the command line shows it: summary, report, exit code. */
    public Outcome execute(FerryApp app, Options options) {
        RunOutcome result = service.execute(app, options);
        switch (result.kind()) {
            case RAN -> {
                try {
                    if (options.report != null) {
                        RunReport.write(result.run(), options.report);
                    }
                } catch (IOException | RuntimeException e) {
                    return fail(ExitCodes.FAILED, "FAILED: " + SqlErrors.message(e), e, options);
                }
                return new Outcome(ExitCodes.of(result.run().status()), result.run());
            }
            case NOTHING -> {
                if (result.plan() != null) {
                    err.print(result.plan());
                } else {
                    err.println(result.message());
                }
                return new Outcome(ExitCodes.SUCCESS, null, result.plan(), false);
            }
            case REFUSED -> {
                return fail(ExitCodes.USAGE, result.message(), result.cause(), options);
            }
            case BUSY -> {
                fail(ExitCodes.FAILED, result.message(), result.cause(), options);
                return new Outcome(ExitCodes.FAILED, null, null, true);
            }
            default -> {
                return fail(ExitCodes.FAILED, result.message(), result.cause(), options);
            }
        }
    }

    private Outcome fail(int code, String message, Exception e, Options options) {
        err.println(Redactor.redact(message));
        if (options.report != null && !options.dryRun) {
            try {
                RunReport.writeFailed(message, options.requestedAt, options.report);
            } catch (IOException | RuntimeException notWritten) {
                err.println(Redactor.redact("the report " + options.report + " could not be written: " + notWritten.getMessage()));
            }
        }
        if (options.debug && e != null) {
            e.printStackTrace(new PrintStream(new RedactingStream(err), true));
        }
        return new Outcome(code, null);
    }

    /** The owner and the confirmation, asked on the terminal. */
    private final class Terminal implements Questions {

        @Override
        public boolean canAsk() {
            return true;
        }

        @Override
        public OwnerResolver.User owner(List<OwnerResolver.User> candidates) throws RunRefused {
            err.println("Which development user should own the synced rows?");
            for (int i = 0; i < candidates.size() && i < 50; i++) {
                err.printf("  %2d) %s%n", i + 1, candidates.get(i));
            }
            err.print("Number: ");
            err.flush();
            String answer = readLine();
            try {
                int n = Integer.parseInt(answer.trim());
                if (n >= 1 && n <= Math.min(50, candidates.size())) {
                    return candidates.get(n - 1);
                }
            } catch (NumberFormatException ignored) {
                // falls through to the refusal
            }
            throw new RunRefused("no owner chosen ('" + answer.trim() + "'): nothing was written");
        }

        @Override
        public boolean confirm(String question) throws RunRefused {
            err.println(question);
            err.print("Continue? [y/N] ");
            err.flush();
            String answer = readLine().trim().toLowerCase(java.util.Locale.ROOT);
            return answer.equals("y") || answer.equals("yes");
        }

        private String readLine() throws RunRefused {
            asking = true;
            try {
                String line = in.readLine();
                return line == null ? "" : line;
            } catch (IOException e) {
                throw new RunRefused("cannot read the answer: " + e.getMessage());
            } finally {
                asking = false;
            }
        }
    }
}
