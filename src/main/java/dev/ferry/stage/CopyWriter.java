package dev.ferry.stage;

import dev.ferry.db.SqlErrors;
import dev.ferry.plan.TablePlan;
import dev.ferry.read.CopyBatch;
import dev.ferry.state.Run;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;

import javax.sql.DataSource;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.postgresql.PGConnection;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * The staging write of writer: copy: one COPY of the batch into the staging table, on the connection
 * of the staging transaction (the policy's), so that the checkpoint update that follows commits with it.
 */
public final class CopyWriter {

    private final DataSource target;

    /** Writes into this target database. */
    public CopyWriter(DataSource target) {
        this.target = target;
    }

    /** Copies a batch into its table's staging. */
    public void write(@ExchangeProperty(Run.PROPERTY) Run run, @ExchangeProperty(StageHeaders.TABLE) String table,
                      @Body CopyBatch batch) throws SQLException, IOException {
        TablePlan plan = run.plan(table);
        Connection c = DataSourceUtils.getConnection(target); // the staging transaction's connection
        copy(c, plan, batch, 0, batch.size());
    }

    static void copy(Connection c, TablePlan plan, CopyBatch batch, int from, int to) throws SQLException, IOException {
        c.unwrap(PGConnection.class).getCopyAPI().copyIn(StagingSql.copy(plan),
                new ByteArrayInputStream(batch.data(from, to)));
    }

    /**
     * Stages what the target accepts, bisecting with savepoints on failure (the dead-letter path of a
     * COPY batch); returns the number of rows staged and adds the rejected ones to {@code rejected}.
     */
    static int stage(Connection c, TablePlan plan, CopyBatch batch, int from, int to,
                     java.util.List<dev.ferry.ledger.DeadLetterStore.Rejected> rejected) throws SQLException, IOException {
        if (from >= to) {
            return 0;
        }
        Savepoint sp = c.setSavepoint();
        try {
            copy(c, plan, batch, from, to);
            c.releaseSavepoint(sp);
            return to - from;
        } catch (SQLException e) {
            c.rollback(sp);
            if (!SqlErrors.isAboutRow(e)) {
                throw e; // not about a row (a privilege, a full disk) or transient: the table fails
            }
            if (to - from == 1) {
                rejected.add(new dev.ferry.ledger.DeadLetterStore.Rejected(batch.row(from, plan.columnNamesList()), e));
                return 0;
            }
            int half = from + (to - from) / 2;
            return stage(c, plan, batch, from, half, rejected) + stage(c, plan, batch, half, to, rejected);
        }
    }
}
