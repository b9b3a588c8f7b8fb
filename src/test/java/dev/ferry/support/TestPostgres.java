package dev.ferry.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

import dev.ferry.demo.ThrowawayPostgres;

/**
 * The PostgreSQL server the tests use: FERRY_TEST_PG (a JDBC URL with user and password) when set;
 * else 127.0.0.1:5432 as postgres when it answers; else a throwaway server. Tests create and drop
 * their own databases on it.
 */
public final class TestPostgres {

    private static TestPostgres instance;

    private final String host;
    private final String user;
    private final String password;
    private final String extra;

    private TestPostgres(String host, String user, String password, String extra) {
        this.host = host;
        this.user = user;
        this.password = password;
        this.extra = extra;
    }

    /** The shared server, found or started once per JVM. */
    public static synchronized TestPostgres get() {
        if (instance == null) {
            instance = find();
        }
        return instance;
    }

    private static TestPostgres find() {
        String url = System.getenv("FERRY_TEST_PG");
        if (url != null && !url.isBlank()) {
            // jdbc:postgresql://host:port/db?user=u&password=p
            String rest = url.substring("jdbc:postgresql://".length());
            int slash = rest.indexOf('/');
            String host = slash < 0 ? rest : rest.substring(0, slash);
            String query = rest.contains("?") ? rest.substring(rest.indexOf('?') + 1) : "";
            String user = null;
            String password = "";
            StringBuilder extra = new StringBuilder();
            for (String kv : query.split("&")) {
                if (kv.startsWith("user=")) {
                    user = kv.substring(5);
                } else if (kv.startsWith("password=")) {
                    password = kv.substring(9);
                } else if (!kv.isEmpty()) {
                    extra.append(extra.length() == 0 ? "?" : "&").append(kv);
                }
            }
            return new TestPostgres(host, user == null ? "postgres" : user, password, extra.toString());
        }
        TestPostgres local = new TestPostgres("127.0.0.1:5432", "postgres", "", "");
        try (Connection c = local.connect("postgres")) {
            return local;
        } catch (SQLException e) {
            try {
                ThrowawayPostgres server = ThrowawayPostgres.start();
                return new TestPostgres("127.0.0.1:" + server.port(), server.user(), server.password(), "");
            } catch (Exception ex) {
                throw new IllegalStateException("no PostgreSQL for the tests: set FERRY_TEST_PG, start the local "
                        + "server, or install PostgreSQL binaries", ex);
            }
        }
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** JDBC URL of a database on this server. */
    public String url(String database) {
        return "jdbc:postgresql://" + host + "/" + database + extra;
    }

    /** A connection (autocommit on) to a database on this server. */
    public Connection connect(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return DriverManager.getConnection(url(database), p);
    }

    /** Creates a database with a unique name starting with ferry_t_ and the label. */
    public String createDatabase(String label) throws SQLException {
        String name = ("ferry_t_" + label + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    /** Runs SQL in a database on this server. */
    public void exec(String database, String sql) throws SQLException {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The first column of the first row a query gives in a database on this server; null when none. */
    public String one(String database, String sql) throws SQLException {
        try (Connection c = connect(database); Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Drops a database this test created (its connections are terminated first). */
    public void dropDatabase(String name) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}
