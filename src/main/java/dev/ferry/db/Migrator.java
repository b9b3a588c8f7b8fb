package dev.ferry.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Brings a schema up to date from versioned scripts on the classpath ({@code <dir>/V<n>__<words>.sql}),
 * each applied once, in version order, in its own transaction with its row in {@code <schema>.schema_version}.
 * Scripts are written to be idempotent, so that a schema made before versions were recorded upgrades
 * from version 0. A session advisory lock keeps two processes starting at once from racing.
 *
 * @param dir    the classpath folder of the scripts
 * @param schema the schema they make, which holds the version table
 * @param lock   the name of the advisory lock (its hashtext) taken while scripts are applied
 */
public record Migrator(String dir, String schema, String lock) {

    /** One script: its version, what it does (from its name) and its classpath resource. */
    public record Migration(int version, String description, String resource) {
    }

    private static final Pattern NAME = Pattern.compile("V([0-9]{1,9})__(\\w+)\\.sql");

    /**
     * Applies the scripts newer than the schema's recorded version, on {@code c} (autocommit, as the pool
     * gives it; restored before returning); returns how many were applied.
     */
    public int migrate(Connection c) throws SQLException {
        List<Migration> all = order(dir, files(Migrator.class.getClassLoader(), dir));
        boolean autoCommit = c.getAutoCommit();
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_lock(hashtext(" + Sql.literal(lock) + "))");
            try {
                s.execute("CREATE SCHEMA IF NOT EXISTS " + Sql.ident(schema));
                String table = Sql.ident(schema) + ".schema_version";
                s.execute("CREATE TABLE IF NOT EXISTS " + table + " (version int PRIMARY KEY, description text NOT NULL, "
                        + "applied_at timestamptz NOT NULL DEFAULT now())");
                int current = Jdbc.one(c, "SELECT coalesce(max(version), 0) FROM " + table, rs -> rs.getInt(1)).orElse(0);
                List<Migration> pending = all.stream().filter(m -> m.version() > current).toList();
                c.setAutoCommit(false);
                for (Migration m : pending) {
                    apply(c, s, table, m);
                }
                return pending.size();
            } finally {
                c.setAutoCommit(autoCommit);
                s.execute("SELECT pg_advisory_unlock(hashtext(" + Sql.literal(lock) + "))");
            }
        }
    }

    private static void apply(Connection c, Statement s, String table, Migration m) throws SQLException {
        try {
            s.execute(SqlResource.text(m.resource()));
            Jdbc.update(c, "INSERT INTO " + table + " (version, description) VALUES (?, ?)", m.version(), m.description());
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw new SQLException("the schema update " + m.resource() + " failed and was rolled back: "
                    + SqlErrors.message(e) + ". Check that the login may create tables in the target", e.getSQLState(), e);
        }
    }

    /** The scripts among these file names, by version; fails on a stray file name or a version given twice. */
    public static List<Migration> order(String dir, Collection<String> names) {
        List<Migration> out = new ArrayList<>();
        for (String name : names) {
            Matcher m = NAME.matcher(name);
            if (!m.matches()) {
                throw new IllegalStateException(dir + "/" + name + " is not named V<version>__<words>.sql: rename it");
            }
            out.add(new Migration(Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '), dir + "/" + name));
        }
        out.sort(Comparator.comparingInt(Migration::version));
        for (int i = 1; i < out.size(); i++) {
            if (out.get(i).version() == out.get(i - 1).version()) {
                throw new IllegalStateException(out.get(i - 1).resource() + " and " + out.get(i).resource()
                        + " have the same version: renumber one");
            }
        }
        return out;
    }

    /** The names of the {@code .sql} files in a classpath folder, from a directory or a jar. */
    static List<String> files(ClassLoader loader, String dir) {
        URL url = loader.getResource(dir);
        if (url == null) {
            throw new IllegalStateException("schema scripts " + dir + " are missing from the classpath: rebuild Ferry");
        }
        try {
            if (url.openConnection() instanceof JarURLConnection jar) {
                jar.setUseCaches(false);
                try (JarFile file = jar.getJarFile()) {
                    String prefix = dir + "/";
                    return file.stream().map(e -> e.getName()).filter(n -> n.startsWith(prefix) && n.endsWith(".sql"))
                            .map(n -> n.substring(prefix.length())).filter(n -> !n.contains("/")).toList();
                }
            }
            try (Stream<Path> paths = Files.list(Path.of(url.toURI()))) {
                return paths.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
