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
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Headers;

import static dev.ferry.stage.StageHeaders.*;

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

    /**
     * Handles one failed batch ({@code body}) that failed with {@code cause}; sets the header of the rows
     * set aside ({@link StageHeaders#DEAD_LETTERED}).
     */
    public void isolate(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception cause,
                        @ExchangeProperty(Run.PROPERTY) Run run, @ExchangeProperty(TABLE) String table,
                        @Header(STAGING_ID) String stagingId, @Header(LAST_KEY) String lastKey,
                        @Header(PREV_KEY) String prevKey, @Body Object body, @Headers Map<String, Object> headers)
            throws Exception {
        if (cause != null && !SqlErrors.isAboutRow(cause)) {
            throw cause;
        }
        TablePlan plan = run.plan(table);
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
                if (Checkpoints.advance(c, run.id(), table, lastKey, prevKey, staged) != 1) {
                    c.rollback();
                    try {
                        Checkpoints.alreadyStaged(target, table, lastKey);
                    } catch (Checkpoints.BatchAlreadyStagedException done) {
                        headers.put(DEAD_LETTERED, 0);
                        return;
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
        headers.put(DEAD_LETTERED, rejected.size());
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
