package dev.ferry.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starts real throwaway PostgreSQL servers, uses them, and checks that close() removes them. */
class ThrowawayPostgresIT {

    private static final Logger LOG = LoggerFactory.getLogger(ThrowawayPostgresIT.class);

    /** The system binaries when installed (this is the path the demo takes), else embedded. */
    @Test
    @Timeout(60)
    void preferredKindRunsAndIsRemovedOnClose() throws Exception {
        String kind = ThrowawayPostgres.findSystemBinDir().isPresent() ? "system" : "embedded";
        exercise(kind);
    }

    /** The zonky fallback, whose binaries come from Maven. */
    @Test
    @Timeout(60)
    void embeddedRunsAndIsRemovedOnClose() throws Exception {
        exercise("embedded");
    }

    private static void exercise(String kind) throws Exception {
        long started = System.nanoTime();
        ThrowawayPostgres pg = ThrowawayPostgres.start(kind);
        LOG.info("{} PostgreSQL started in {} ms", kind, (System.nanoTime() - started) / 1_000_000);
        int port = pg.port();
        Path dataDir;
        try {
            assertEquals(kind, pg.kind());
            assertTrue(port > 0 && port < 65536, "port " + port);
            assertEquals("postgres", pg.user());
            assertEquals("jdbc:postgresql://127.0.0.1:" + port + "/ferry_demo", pg.jdbcUrl("ferry_demo"));

            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), pg.password());
                 Statement s = c.createStatement()) {
                dataDir = Path.of(single(s, "SHOW data_directory"));
                assertEquals("127.0.0.1", single(s, "SHOW listen_addresses"));
                assertEquals("off", single(s, "SHOW fsync"));
                s.execute("CREATE DATABASE ferry_demo");
            }
            assertTrue(Files.isDirectory(dataDir), "data directory " + dataDir);
            assertTrue(dataDir.getParent().getFileName().toString().startsWith("ferry-pg-"), dataDir.toString());
            assertFalse(dataDir.startsWith(Path.of("").toAbsolutePath()), "data must not live under the working directory");

            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("ferry_demo"), pg.user(), pg.password())) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE crew (id int PRIMARY KEY, name text NOT NULL)");
                }
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO crew (id, name) VALUES (?, ?)")) {
                    insert.setInt(1, 1);
                    insert.setString(2, "Ferdinand ⚓");
                    assertEquals(1, insert.executeUpdate());
                }
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT id, name FROM crew")) {
                    assertTrue(rs.next());
                    assertEquals(1, rs.getInt(1));
                    assertEquals("Ferdinand ⚓", rs.getString(2));
                    assertFalse(rs.next());
                }
            }
        } finally {
            long closing = System.nanoTime();
            pg.close();
            LOG.info("{} PostgreSQL closed in {} ms", kind, (System.nanoTime() - closing) / 1_000_000);
        }
        pg.close(); // idempotent

        assertFalse(Files.exists(dataDir.getParent()), "temp dir still exists: " + dataDir.getParent());
        assertThrows(IOException.class, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            }
        }, "port " + port + " still accepts connections");
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }
}
