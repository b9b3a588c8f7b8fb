package dev.ferry.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SQL kept in {@code .sql} files on the classpath, read once and cached. A file holds one statement; a
 * trailing semicolon (so that psql can run the file as it is) and surrounding blank lines are dropped.
 */
public final class SqlResource {

    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private SqlResource() {
    }

    /** The statement in this classpath resource ({@code sql/schema/columns.sql}); fails if it is missing. */
    public static String get(String path) {
        return CACHE.computeIfAbsent(path, SqlResource::load);
    }

    /** The whole text of a classpath resource, as UTF-8. */
    public static String text(String path) {
        try (InputStream in = SqlResource.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("SQL resource " + path + " is missing from the classpath: rebuild Ferry "
                        + "(mvn -B package)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read SQL resource " + path + ": " + e.getMessage(), e);
        }
    }

    private static String load(String path) {
        String sql = text(path).strip();
        return sql.endsWith(";") ? sql.substring(0, sql.length() - 1).stripTrailing() : sql;
    }
}
