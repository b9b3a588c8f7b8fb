package dev.ferry.read;

import dev.ferry.plan.TablePlan;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyInputStream;

/**
 * The source's key set copied into the target (COPY out of the snapshot, COPY in), so that the apply
 * finds the rows the source deleted with one anti-join instead of a query per key.
 */
public final class KeySets {

    private KeySets() {
    }

    /** Replaces the table's key set in the target with the source's keys; returns how many were copied. */
    public static long copy(DataSource source, DataSource target, TablePlan plan) throws SQLException, IOException {
        try (Connection s = source.getConnection(); Connection t = target.getConnection()) {
            t.setAutoCommit(false);
            try (Statement st = t.createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + plan.keySetTable());
                st.execute(ReadSql.createKeySet(plan));
                PGCopyInputStream out = new PGCopyInputStream(s.unwrap(PGConnection.class),
                        "COPY (" + ReadSql.sourceKeys(plan) + ") TO STDOUT");
                long n;
                try (out) {
                    n = t.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + plan.keySetTable() + " FROM STDIN", out);
                }
                t.commit();
                return n;
            } catch (SQLException | IOException | RuntimeException e) {
                t.rollback();
                throw e;
            } finally {
                t.setAutoCommit(true);
                if (!s.getAutoCommit()) {
                    s.rollback();
                }
            }
        }
    }
}
