package dev.ferry.demo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway server from the machine's PostgreSQL binaries: initdb into a temporary folder, then pg_ctl start
 * (as an unprivileged OS user when Ferry runs as root, since PostgreSQL refuses root) and pg_ctl stop.
 */
final class SystemPostgres extends ThrowawayPostgres {

    private static final Logger LOG = LoggerFactory.getLogger(SystemPostgres.class);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);

    /** The PostgreSQL bin folder. */
    private final Path binDir;
    /** The unprivileged OS user that runs PostgreSQL when we are root, else null. */
    private final String runUser;

    private SystemPostgres(int port, Path tempDir, Path binDir, String runUser) {
        super(SYSTEM, port, tempDir);
        this.binDir = binDir;
        this.runUser = runUser;
    }

    static SystemPostgres launch(Path binDir) throws IOException {
        String runUser = isRoot() ? unprivilegedUser() : null;
        Path tempDir = Files.createTempDirectory(tempBase(runUser != null), "ferry-pg-");
        int port = ProcessFiles.freePort(HOST);
        SystemPostgres pg = new SystemPostgres(port, tempDir, binDir, runUser);
        pg.stopOnExit();
        try {
            if (runUser != null) {
                chown(tempDir, runUser);
            }
            pg.run(List.of(binDir.resolve("initdb").toString(),
                    "-D", pg.dataDir().toString(),
                    "-A", "trust",
                    "-U", SUPERUSER,
                    "--encoding=UTF8",
                    "--locale=C",
                    "--no-sync"));
            String serverOptions = "-p " + port
                    + " -k " + ProcessFiles.shellQuote(tempDir.toString())
                    + " -c listen_addresses=" + HOST
                    + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
            pg.run(List.of(binDir.resolve("pg_ctl").toString(),
                    "-D", pg.dataDir().toString(),
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

    @Override
    void stopServer() {
        if (Files.exists(dataDir().resolve("postmaster.pid"))) {
            try {
                run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir().toString(),
                        "-m", "fast", "-w", "-t", "30", "stop"));
            } catch (IOException e) {
                LOG.warn("pg_ctl stop failed for the throwaway PostgreSQL on port {}: {}", port(), e.getMessage());
            }
        }
    }

    /** Finds the bin folder of the installed PostgreSQL server (with initdb and pg_ctl), if any. */
    static Optional<Path> findBinDir() {
        Optional<Path> pgConfig = ProcessFiles.findExecutable("pg_config");
        if (pgConfig.isPresent()) {
            try {
                String out = ProcessFiles.capture(List.of(pgConfig.get().toString(), "--bindir")).trim();
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
                        .filter(SystemPostgres::hasServerBinaries)
                        .max(Comparator.comparing((Path b) -> versionKey(b.getParent().getFileName().toString())));
                if (best.isPresent()) {
                    return best;
                }
            } catch (IOException e) {
                LOG.debug("Could not list {}: {}", debian, e.toString());
            }
        }
        return ProcessFiles.findExecutable("initdb").map(ProcessFiles::realPath).map(Path::getParent)
                .filter(SystemPostgres::hasServerBinaries);
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

    /** Runs a PostgreSQL tool (as the unprivileged user when root), its output appended to setup.log. */
    private void run(List<String> command) throws IOException {
        List<String> full = runUser == null ? command : asUser(runUser, command);
        ProcessBuilder builder = new ProcessBuilder(full)
                .directory(tempDir().toFile())
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
            return "0".equals(ProcessFiles.capture(List.of(id(), "-u")).trim());
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
            ProcessFiles.capture(List.of(id(), "-u", user));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String id() {
        return ProcessFiles.findExecutable("id").map(Path::toString).orElse("id");
    }

    /** Builds the command that runs {@code command} as {@code user}: runuser, else setpriv, else su. */
    private static List<String> asUser(String user, List<String> command) throws IOException {
        List<String> full = new ArrayList<>();
        Optional<Path> runuser = ProcessFiles.findExecutable("runuser");
        Optional<Path> setpriv = ProcessFiles.findExecutable("setpriv");
        Optional<Path> su = ProcessFiles.findExecutable("su");
        if (runuser.isPresent()) {
            full.addAll(List.of(runuser.get().toString(), "-u", user, "--"));
            full.addAll(command);
        } else if (setpriv.isPresent()) {
            String uid = ProcessFiles.capture(List.of(id(), "-u", user)).trim();
            String gid = ProcessFiles.capture(List.of(id(), "-g", user)).trim();
            full.addAll(List.of(setpriv.get().toString(), "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--"));
            full.addAll(command);
        } else if (su.isPresent()) {
            StringBuilder line = new StringBuilder("exec");
            for (String arg : command) {
                line.append(' ').append(ProcessFiles.shellQuote(arg));
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
}
