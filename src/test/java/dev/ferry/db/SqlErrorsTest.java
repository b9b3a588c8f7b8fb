package dev.ferry.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.BatchUpdateException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

/** What the staging route's error handling decides from an SQLState: row, transient, or neither (no database). */
class SqlErrorsTest {

    @Test
    void should_send_only_class_22_and_23_to_the_dead_letters() {
        for (String state : new String[] {"23514", "23505", "23503", "23502", "22P02", "22003", "22001"}) {
            assertTrue(SqlErrors.isAboutRow(new SQLException("rejected", state)), state);
            assertFalse(SqlErrors.isTransient(new SQLException("rejected", state)), state);
        }
        for (String state : new String[] {"42501", "53100", "XX000", "40001", "08006", "57014"}) {
            assertFalse(SqlErrors.isAboutRow(new SQLException("not about a row", state)), state);
        }
        assertFalse(SqlErrors.isAboutRow(new SQLException("no state at all")));
        assertFalse(SqlErrors.isAboutRow(new IllegalStateException("not SQL")));
    }

    @Test
    void should_redeliver_serialization_deadlock_lock_and_shutdown_failures() {
        for (String state : new String[] {"40001", "40P01", "53300", "55P03", "57P01", "57P02", "57P03", "08000", "08001",
                "08006"}) {
            assertTrue(SqlErrors.isTransient(new SQLException("try again", state)), state);
        }
        for (String state : new String[] {"42P01", "53100", "XX000", "25P02"}) {
            assertFalse(SqlErrors.isTransient(new SQLException("for good", state)), state);
        }
    }

    @Test
    void should_find_the_sqlstate_of_a_failed_batch_behind_causes_and_next_exceptions() {
        BatchUpdateException batch = new BatchUpdateException("Batch entry 3 was aborted", null, 0, new int[0], null);
        batch.setNextException(new SQLException("new row violates check constraint \"dev_only\"", "23514"));
        RuntimeException wrapped = new RuntimeException("camel-sql failed", new IllegalStateException("batch", batch));
        assertEquals("23514", SqlErrors.sqlState(wrapped));
        assertTrue(SqlErrors.isAboutRow(wrapped));
        assertFalse(SqlErrors.isTransient(wrapped));
        assertEquals("new row violates check constraint \"dev_only\"", SqlErrors.message(wrapped));
        assertNull(SqlErrors.sqlState(new RuntimeException("no SQL here")));
    }

    @Test
    void should_say_what_to_do_when_the_lock_table_is_full() {
        SQLException full = new SQLException("ERROR: out of shared memory\n  Hint: You might need to increase "
                + "max_locks_per_transaction.", "53200");
        String message = SqlErrors.message(new RuntimeException("apply", full));
        assertTrue(message.startsWith("ERROR: out of shared memory"), message);
        assertTrue(message.endsWith(SqlErrors.LOCK_TABLE_ADVICE), message);
        assertTrue(message.contains("raise max_locks_per_transaction on the target server"), message);
        assertEquals("out of memory", SqlErrors.message(new SQLException("out of memory", "53200")));
    }
}
