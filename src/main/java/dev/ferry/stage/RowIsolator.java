package dev.ferry.stage;

import dev.ferry.db.SqlErrors;
import dev.ferry.ledger.DeadLetterStore;
import dev.ferry.plan.TablePlan;
import dev.ferry.read.CopyBatch;
import dev.ferry.state.Run;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.ferry.schema.Column;
import org.apache.camel.Exchange;

/**
 * The dead-letter channel's work for a staging batch the target rejected because of its rows: bisect
 * the batch with savepoints down to the offending rows, store those in ferry.dead_letter, stage every
 * other row and move the checkpoint, all in one transaction. Only an error about a row
 * ({@link SqlErrors#isAboutRow}) sets a row aside: any other failure met while bisecting (transient, or
 * about the database: a privilege, a full disk) is rethrown, nothing of the batch is kept, and the
 * table fails (the run resumes it from its checkpoint when the failure was transient).
 */
public final class RowIsolator {

    private final DataSource target;

    /** Isolates rows in this target database. */
    public RowIsolator(DataSource target) {
        this.target = target;
    }

    /** Handles one failed batch (the exchange's body, its failure in {@link Exchange#EXCEPTION_CAUGHT}). */
    public void isolate(Exchange exchange) throws Exception {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (cause != null && !SqlErrors.isAboutRow(cause)) {
            throw cause;
        }
        Run run = exchange.getProperty(Run.PROPERTY, Run.class);
        String table = exchange.getMessage().getHeader("ferryTable", String.class);
        String stagingId = exchange.getMessage().getHeader(TableSync.STAGING_ID, String.class);
        TablePlan plan = run.plan(table);
        Object body = exchange.getMessage().getBody();
        List<DeadLetterStore.Rejected> rejected = new ArrayList<>();
        try (Connection c = target.getConnection()) {
            c.setAutoCommit(false);
            try {
                int staged;
                if (body instanceof CopyBatch copy) {
                    staged = CopyWriter.stage(c, plan, copy, 0, copy.size(), rejected);
                } else {
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> rows = (List<Map<String, Object>>) body;
                    staged = stage(c, plan, rows, rejected);
                }
                DeadLetterStore.add(c, run.id(), table, stagingId, rejected);
                String lastKey = exchange.getMessage().getHeader("ferryLastKey", String.class);
                try (PreparedStatement ps = c.prepareStatement("UPDATE ferry.checkpoint SET run_id = ?, last_key = ?, "
                        + "rows_staged = rows_staged + ?, updated_at = now() WHERE table_name = ? "
                        + "AND last_key IS NOT DISTINCT FROM ?")) {
                    ps.setString(1, run.id());
                    ps.setString(2, lastKey);
                    ps.setInt(3, staged);
                    ps.setString(4, table);
                    ps.setString(5, exchange.getMessage().getHeader("ferryPrevKey", String.class));
                    if (ps.executeUpdate() != 1) {
                        c.rollback();
                        try {
                            TableSync.verifyAlreadyStaged(target, table, lastKey);
                        } catch (TableSync.BatchAlreadyStagedException done) {
                            exchange.getMessage().setHeader(TableSync.DEAD_LETTERED, 0);
                            return;
                        }
                    }
                }
                c.commit();
            } catch (SQLException | java.io.IOException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
        exchange.getMessage().setHeader(TableSync.DEAD_LETTERED, rejected.size());
    }

    /** Stages what the target accepts, bisecting on failure; returns the number of rows staged. */
    static int stage(Connection c, TablePlan plan, List<Map<String, Object>> rows, List<DeadLetterStore.Rejected> rejected)
            throws SQLException {
        if (rows.isEmpty()) {
            return 0;
        }
        Savepoint sp = c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement(StagingSql.insertJdbc(plan))) {
            for (Map<String, Object> row : rows) {
                int i = 1;
                for (Column col : plan.columns()) {
                    ps.setObject(i++, row.get(plan.field(col.name())));
                }
                ps.addBatch();
            }
            ps.executeBatch();
            c.releaseSavepoint(sp);
            return rows.size();
        } catch (SQLException e) {
            c.rollback(sp);
            if (!SqlErrors.isAboutRow(e)) {
                throw e;
            }
            if (rows.size() == 1) {
                rejected.add(new DeadLetterStore.Rejected(plan.byName(rows.get(0)), e));
                return 0;
            }
            int half = rows.size() / 2;
            return stage(c, plan, rows.subList(0, half), rejected) + stage(c, plan, rows.subList(half, rows.size()), rejected);
        }
    }
}
