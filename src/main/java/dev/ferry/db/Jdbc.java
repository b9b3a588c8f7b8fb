package dev.ferry.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

/**
 * Parameterised statements on a connection the caller holds, so they run in the caller's transaction and
 * autocommit setting; nothing here commits, rolls back or closes that connection. Parameters bind by
 * position through {@code setObject}: a String as {@code setString}, a Long as {@code setLong}, and so on; a
 * null untyped, its type taken from where it stands (as {@code setString(i, null)} binds with the pools'
 * {@code stringtype=unspecified}), so a bare {@code ? IS NULL} needs a cast.
 */
public final class Jdbc {

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Work on a borrowed connection. */
    @FunctionalInterface
    public interface Work<T> {
        T on(Connection c) throws SQLException;
    }

    private Jdbc() {
    }

    /** Every row, mapped. */
    public static <T> List<T> list(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
        List<T> out = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row.map(rs));
            }
        }
        return out;
    }

    /** The first row, mapped; empty when there is no row (or the mapper gives null). */
    public static <T> Optional<T> one(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.ofNullable(row.map(rs)) : Optional.empty();
        }
    }

    /** Runs an INSERT, UPDATE, DELETE or a statement that returns nothing; the count of rows it changed. */
    public static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params)) {
            return ps.executeUpdate();
        }
    }

    /** Runs one statement per item as one JDBC batch; nothing when there are no items. */
    public static <T> void batch(Connection c, String sql, Collection<T> items, java.util.function.Function<T, Object[]> params)
            throws SQLException {
        if (items.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (T item : items) {
                bind(ps, params.apply(item));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Work on a connection of this pool, then closed; a connection that does not autocommit (a snapshot's
     * read-only transaction) is rolled back first, whether the work succeeded or not.
     */
    public static <T> T read(DataSource ds, Work<T> work) throws SQLException {
        try (Connection c = ds.getConnection()) {
            try {
                return work.on(c);
            } finally {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
            }
        }
    }

    /** Work on a connection of this pool, as the pool gives it (autocommit unless configured otherwise), then closed. */
    public static <T> T with(DataSource ds, Work<T> work) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return work.on(c);
        }
    }

    /** The parameters of a statement with one optional parameter: none when {@code value} is null. */
    public static Object[] ifPresent(Object value) {
        return value != null ? new Object[] {value} : new Object[0];
    }

    /** A statement with its parameters bound; the caller closes it. */
    public static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            bind(ps, params);
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
    }
}
