package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;

import dev.ferry.db.SqlErrors;
import org.junit.jupiter.api.Test;

/** A connection lost mid-apply is transient however it is reported, so the apply is redelivered. */
class TransientErrorsTest {

    @Test
    void should_count_every_form_of_a_lost_connection_as_transient() {
        assertTrue(SqlErrors.isTransient(new SQLException("FATAL: terminating connection due to administrator command",
                "57P01")));
        assertTrue(SqlErrors.isTransient(new SQLException("This connection has been closed.", "08003")));
        assertTrue(SqlErrors.isTransient(new SQLException("An I/O error occurred while sending to the backend.", "08006")));
        // HikariCP's proxy of a connection it evicted after a fatal error: no SQLState at all
        assertTrue(SqlErrors.isTransient(new SQLException("Connection is closed")));
        assertTrue(SqlErrors.isTransient(new IllegalStateException("apply failed", new SQLException("Connection is closed"))));
    }

    @Test
    void should_not_count_a_cancel_or_a_rejected_row_as_transient() {
        assertFalse(SqlErrors.isTransient(new SQLException("ERROR: canceling statement due to user request", "57014")));
        assertFalse(SqlErrors.isTransient(new SQLException("ERROR: duplicate key value", "23505")));
        assertFalse(SqlErrors.isTransient(new SQLException("Connection refused to the door")));
    }
}
