package dev.ferry.verify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

/**
 * Both sides' row streams walked together in key order, as a merge join: each stream is ordered by its first
 * column (a key as text, under COLLATE "C"), and each row is met once, alone or with the other side's row of
 * the same key. Read through cursors in one read-only transaction per side, so memory stays flat however
 * large the tables. {@code ferry verify} and the dry run walk their streams here.
 */
public final class HashWalk {

    /** What to do with the rows met; each call sees the current row of the result set it is given. */
    public interface Visitor {
        /** A source row whose key the target has not. */
        void sourceOnly(ResultSet source) throws SQLException;

        /** A target row whose key the source has not. */
        void targetOnly(ResultSet target) throws SQLException;

        /** The rows of one key on both sides. */
        void both(ResultSet source, ResultSet target) throws SQLException;
    }

    /** The target's statement, which may depend on what the target holds (asked on its connection). */
    public interface TargetSql {
        String on(Connection target) throws SQLException;
    }

    private HashWalk() {
    }

    /** Walks {@code sourceSql}'s rows on {@code source} and {@code targetSql}'s on {@code target} together. */
    public static void walk(DataSource source, String sourceSql, DataSource target, TargetSql targetSql, Visitor visitor)
            throws SQLException {
        try (Connection s = source.getConnection(); Connection t = target.getConnection()) {
            String targetStatement = targetSql.on(t);
            s.setAutoCommit(false); // cursors, not whole tables in memory
            t.setAutoCommit(false);
            try (PreparedStatement ps = s.prepareStatement(sourceSql);
                 PreparedStatement pt = t.prepareStatement(targetStatement)) {
                ps.setFetchSize(5000);
                pt.setFetchSize(5000);
                t.setReadOnly(true);
                try (ResultSet rs = ps.executeQuery(); ResultSet rt = pt.executeQuery()) {
                    boolean hasS = rs.next();
                    boolean hasT = rt.next();
                    while (hasS || hasT) {
                        int cmp = !hasS ? 1 : !hasT ? -1 : rs.getString(1).compareTo(rt.getString(1));
                        if (cmp < 0) {
                            visitor.sourceOnly(rs);
                            hasS = rs.next();
                        } else if (cmp > 0) {
                            visitor.targetOnly(rt);
                            hasT = rt.next();
                        } else {
                            visitor.both(rs, rt);
                            hasS = rs.next();
                            hasT = rt.next();
                        }
                    }
                }
            } finally {
                s.rollback();
                t.rollback();
                t.setReadOnly(false);
            }
        }
    }
}
