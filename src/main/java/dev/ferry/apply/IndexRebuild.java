package dev.ferry.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.ferry.db.SqlErrors;
import dev.ferry.plan.TablePlan;

/**
 * A large table loaded without its indexes: they are dropped before the load and built after it, one pass
 * each over the loaded rows instead of an index insert per row.
 */
final class IndexRebuild {

    private IndexRebuild() {
    }

    /**
     * Drops the indexes of an ordinary table (no partitions, no inheritance) and the primary key, unique and
     * exclusion constraints they back; returns the statements that build them again, each in the tablespace
     * it was in (whatever default_tablespace says). Their foreign keys were dropped already. Nothing is dropped
     * (and nothing returned) when something depends on an index.
     */
    static List<String> dropIndexes(Connection c, TablePlan plan) throws SQLException {
        List<String> drop = new ArrayList<>();
        List<String> rebuild = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(ApplySql.INDEXES)) {
            ps.setString(1, plan.targetTable());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rebuild.add(rs.getString(5));
                    if (rs.getString(1) != null) {
                        drop.add(ApplySql.dropConstraint(plan.targetTable(), rs.getString(1)));
                        rebuild.add(ApplySql.addConstraint(plan.targetTable(), rs.getString(1), rs.getString(2)));
                    } else {
                        drop.add("DROP INDEX " + rs.getString(4));
                        rebuild.add(rs.getString(3));
                    }
                }
            }
        }
        if (!rebuild.isEmpty()) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(ApplySql.RESTORE_DEFAULT_TABLESPACE)) {
                rs.next();
                rebuild.add(rs.getString(1)); // as it was for the rest of the apply
            }
        }
        Savepoint sp = c.setSavepoint();
        try (Statement s = c.createStatement()) {
            for (String sql : drop) {
                s.execute(sql);
            }
            c.releaseSavepoint(sp);
        } catch (SQLException e) {
            // something depends on an index (a view grouping by the primary key, say): load with the indexes in place
            c.rollback(sp);
            if (SqlErrors.isTransient(e)) {
                throw e;
            }
            return List.of();
        }
        return rebuild;
    }

    /** Runs the statements {@link #dropIndexes} returned. */
    static void build(Statement s, List<String> rebuild) throws SQLException {
        for (String sql : rebuild) {
            s.execute(sql);
        }
    }
}
