package dev.ferry.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Callable;

import dev.ferry.demo.DemoData;
import dev.ferry.demo.ThrowawayPostgres;
import dev.ferry.log.Redactor;
import dev.ferry.sync.Run;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ferry demo}: provisions a production and a development database (on a throwaway server
 * unless FERRY_SOURCE_URL and FERRY_TARGET_URL are set), fills production with generated books,
 * syncs them to development owned by bob@dev.example, checks the result and cleans up.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Syncs 100,000 generated books between two databases it provisions itself, then checks them.")
public final class DemoCommand implements Callable<Integer> {

    static final String OWNER = "bob@dev.example";

    @Option(names = "--rows", defaultValue = "100000", description = "Books in the demo's production (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--report", paramLabel = "FILE", description = "Write the run's JSON report to FILE.")
    Path report;

    @Option(names = "--debug", description = "Print stack traces of failures.")
    boolean debug;

    @Override
    public Integer call() throws Exception {
        String sourceUrl = System.getenv("FERRY_SOURCE_URL");
        String targetUrl = System.getenv("FERRY_TARGET_URL");
        boolean own = sourceUrl == null || sourceUrl.isBlank() || targetUrl == null || targetUrl.isBlank();
        ThrowawayPostgres server = null;
        try {
            SyncJob.Options options = new SyncJob.Options();
            String user;
            String password;
            if (own) {
                String kind = System.getenv("FERRY_DEMO_PG");
                server = kind == null || kind.isBlank() ? ThrowawayPostgres.start() : ThrowawayPostgres.start(kind);
                user = server.user();
                password = server.password();
                try (Connection admin = DemoData.connect(server.jdbcUrl("postgres"), user, password);
                     Statement s = admin.createStatement()) {
                    s.execute("CREATE DATABASE demo_production");
                    s.execute("CREATE DATABASE demo_development");
                }
                sourceUrl = server.jdbcUrl("demo_production");
                targetUrl = server.jdbcUrl("demo_development");
                options.overrides.put("ferry.source.url", sourceUrl);
                options.overrides.put("ferry.source.user", user);
                options.overrides.put("ferry.source.password", password);
                options.overrides.put("ferry.target.url", targetUrl);
                options.overrides.put("ferry.target.user", user);
                options.overrides.put("ferry.target.password", password);
            } else {
                user = envOr("FERRY_SOURCE_USER", "postgres");
                password = envOr("FERRY_SOURCE_PASSWORD", "");
            }
            String targetUser = own ? user : envOr("FERRY_TARGET_USER", "postgres");
            String targetPassword = own ? password : envOr("FERRY_TARGET_PASSWORD", "");
            System.err.printf("Demo: %,d books owned by 20 users in %s; development %s has alice and bob%n", rows,
                    Redactor.redact(sourceUrl), Redactor.redact(targetUrl));
            try (Connection prod = DemoData.connect(sourceUrl, user, password);
                 Connection dev = DemoData.connect(targetUrl, targetUser, targetPassword)) {
                requireEmpty(prod, "FERRY_SOURCE_URL");
                requireEmpty(dev, "FERRY_TARGET_URL");
                DemoData.createSchema(prod);
                DemoData.fillProduction(prod, 20, rows);
                DemoData.createSchema(dev);
                DemoData.fillDevelopment(dev);
            }

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
        } catch (UsageException e) {
            System.err.println(e.getMessage());
            return ExitCodes.USAGE;
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

    private static void requireEmpty(Connection c, String variable) throws SQLException, UsageException {
        try (Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT to_regclass('book') IS NOT NULL OR to_regclass('users') IS NOT NULL")) {
            rs.next();
            if (rs.getBoolean(1)) {
                throw new UsageException("the demo needs empty databases, but the one at " + variable
                        + " already has a book or users table: unset FERRY_SOURCE_URL/FERRY_TARGET_URL to let the demo "
                        + "start its own server, or point them at new databases");
            }
        }
    }

    private static Object ownerId(Connection dev) throws SQLException {
        try (var ps = dev.prepareStatement("SELECT id FROM users WHERE email = ?")) {
            ps.setString(1, OWNER);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1);
            }
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
