package dev.ferry.cli;

import dev.ferry.db.Jdbc;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Callable;

import dev.ferry.app.FerryApp;
import dev.ferry.demo.DemoData;
import dev.ferry.demo.ThrowawayPostgres;
import dev.ferry.log.Redactor;
import dev.ferry.state.Run;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ferry demo}: provisions a production and a development database on a throwaway server of
 * its own (never one named by FERRY_SOURCE_URL or FERRY_TARGET_URL), fills production with generated books,
 * syncs them to development owned by bob@dev.example, checks the result and cleans up.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Syncs 100,000 generated books between two databases it provisions itself, then checks them.")
public final class DemoCommand implements Callable<Integer> {

    static final String OWNER = "bob@dev.example";

    /** Connection settings a user exports for their own databases; the demo never uses them. */
    static final List<String> CONNECTION_SETTINGS = List.of("FERRY_SOURCE_URL", "FERRY_SOURCE_USER",
            "FERRY_SOURCE_PASSWORD", "FERRY_TARGET_URL", "FERRY_TARGET_USER", "FERRY_TARGET_PASSWORD");

    @Option(names = "--rows", defaultValue = "100000", description = "Books in the demo's production (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the run's JSON report to FILE.")
    Path report;

    @Option(names = "--debug", description = "Print stack traces of failures.")
    boolean debug;

    @Override
    public Integer call() throws Exception {
        List<String> ignored = CONNECTION_SETTINGS.stream()
                .filter(name -> System.getenv(name) != null && !System.getenv(name).isBlank()).toList();
        if (!ignored.isEmpty()) {
            System.err.println("Demo: ignoring " + String.join(", ", ignored) + ": the demo only ever touches a "
                    + "throwaway server of its own, made now and removed at the end");
        }
        ThrowawayPostgres server = null;
        try {
            SyncJob.Options options = new SyncJob.Options();
            String kind = System.getenv("FERRY_DEMO_PG");
            server = kind == null || kind.isBlank() ? ThrowawayPostgres.start() : ThrowawayPostgres.start(kind);
            String user = server.user();
            String password = server.password();
            try (Connection admin = DemoData.connect(server.jdbcUrl("postgres"), user, password);
                 Statement s = admin.createStatement()) {
                s.execute("CREATE DATABASE demo_production");
                s.execute("CREATE DATABASE demo_development");
            }
            String sourceUrl = server.jdbcUrl("demo_production");
            String targetUrl = server.jdbcUrl("demo_development");
            options.overrides.put("ferry.source.url", sourceUrl);
            options.overrides.put("ferry.source.user", user);
            options.overrides.put("ferry.source.password", password);
            options.overrides.put("ferry.target.url", targetUrl);
            options.overrides.put("ferry.target.user", user);
            options.overrides.put("ferry.target.password", password);
            String targetUser = user;
            String targetPassword = password;
            System.err.printf("Demo: %,d books owned by 20 users in %s; development %s has alice and bob%n", rows,
                    Redactor.redact(sourceUrl), Redactor.redact(targetUrl));
            try (Connection prod = DemoData.connect(sourceUrl, user, password);
                 Connection dev = DemoData.connect(targetUrl, targetUser, targetPassword)) {
                DemoData.createSchema(prod);
                DemoData.fillProduction(prod, 20, rows);
                DemoData.createSchema(dev);
                DemoData.fillDevelopment(dev);
            }

            options.tablesDir = FerryApp.demoTables(); // the book route; routes/tables holds the user's own
            options.ownerEmail = OWNER;
            options.yes = true;
            options.report = report;
            options.debug = debug;
            options.trigger = "demo";
            SyncJob.Outcome outcome = SyncCommand.terminalJob().run(options);
            if (outcome.run() == null || outcome.run().status() != Run.Status.SUCCESS) {
                return outcome.exitCode();
            }
            try (Connection prod = DemoData.connect(sourceUrl, user, password);
                 Connection dev = DemoData.connect(targetUrl, targetUser, targetPassword)) {
                String expected = DemoData.fingerprintButOwner(prod);
                String actual = DemoData.fingerprintButOwner(dev);
                Object bob = ownerId(dev);
                long foreign = DemoData.booksNotOwnedBy(dev, bob);
                if (!expected.equals(actual) || foreign != 0) {
                    System.err.println("Demo check FAILED: production books " + expected + ", development " + actual
                            + ", books not owned by " + OWNER + ": " + foreign);
                    return ExitCodes.FAILED;
                }
                System.err.printf("Demo check passed: development holds the %s books of production, every column "
                        + "equal but owner_id, every owner %s (id %s)%n", expected.substring(0, expected.indexOf(':')), OWNER, bob);
            }
            return ExitCodes.SUCCESS;
        } catch (Exception e) {
            System.err.println(Redactor.redact("Demo FAILED: " + e.getMessage()));
            if (debug) {
                e.printStackTrace(new java.io.PrintStream(new RedactingStream(System.err), true));
            }
            return ExitCodes.FAILED;
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private static Object ownerId(Connection dev) throws SQLException {
        return Jdbc.one(dev, "SELECT id FROM users WHERE email = ?", rs -> rs.getObject(1), OWNER).orElseThrow(
                () -> new SQLException("the demo's development database has no user " + OWNER));
    }
}
