package dev.ferry.db;

import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Classifies failures by SQLState, not by exception class: pgjdbc throws a plain PSQLException for
 * everything, and a failed JDBC batch hides the real error in {@link SQLException#getNextException()}.
 */
public final class SqlErrors {

    private static final Set<String> TRANSIENT = Set.of("40001", "40P01", "53300", "55P03", "57P01", "57P02", "57P03");

    private SqlErrors() {
    }

    /**
     * Whether a retry in a new transaction may succeed: connection loss (08*, including pgjdbc's 08003 "This
     * connection has been closed." and HikariCP's "Connection is closed", which has no SQLState), serialization,
     * deadlock, lock, shutdown.
     */
    public static boolean isTransient(Throwable failure) {
        String state = sqlState(failure);
        if (state != null) {
            return state.startsWith("08") || TRANSIENT.contains(state);
        }
        return hikariTimeout(failure) || hikariClosed(failure);
    }

    /**
     * Whether the target rejects a row itself, so that the row, and only it, goes to the dead letters:
     * SQLState class 22 (data exception: a value the column's type cannot take) or 23 (integrity
     * constraint violation). Any other permanent error (a missing privilege, a full disk, out of memory,
     * a server fault) is about the database, not the row: it fails the table and development stays as it was.
     */
    public static boolean isAboutRow(Throwable failure) {
        String state = sqlState(failure);
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /** The first SQLState found walking causes and next-exceptions, or null. */
    public static String sqlState(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, true) == null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException e = sql; e != null && (e == sql || seen.put(e, true) == null); e = e.getNextException()) {
                    if (e.getSQLState() != null && !e.getSQLState().isEmpty()) {
                        return e.getSQLState();
                    }
                }
            }
        }
        return null;
    }

    /** The message worth showing a user: the innermost SQL error's (its next exception for a batch), else the root cause's. */
    public static String message(Throwable failure) {
        SQLException innermost = null;
        Throwable root = failure;
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, true) == null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                innermost = sql.getNextException() != null ? sql.getNextException() : sql;
            }
            root = t;
        }
        Throwable best = innermost != null ? innermost : root;
        String text = best.getMessage() != null ? best.getMessage() : best.getClass().getSimpleName();
        return LOCK_TABLE_FULL.equals(sqlState(failure)) && text.contains("shared memory") ? text + LOCK_TABLE_ADVICE : text;
    }

    /** PostgreSQL's out of memory; with "out of shared memory" it is its lock table, full. */
    private static final String LOCK_TABLE_FULL = "53200";

    /** What to do when a run's one apply transaction, locking every table it writes, fills the lock table. */
    static final String LOCK_TABLE_ADVICE = " (PostgreSQL's lock table is full: the apply locks every table of the run, "
            + "its staging copy and their indexes in one transaction, next to every other session's locks; raise "
            + "max_locks_per_transaction on the target server and restart it, or sync fewer tables at once with --tables; "
            + "the next run resumes from staging)";

    /**
     * The message without the row values PostgreSQL may quote in it, whatever its SQLState: the Detail,
     * Where, Position and Hint parts; a quoted literal after a colon ({@code invalid input value for enum
     * "Mood": "ecstatic"}, {@code date/time field value out of range: "..."}, {@code malformed array literal:
     * "..."}) and everything after it; {@code value "..."}, {@code at or near "..."}, a message that starts
     * with a quoted value ({@code "1e999" is out of range ...}); {@code Key (a)=(...)}; {@code Failing row
     * contains (...)}; byte sequences ({@code 0xe2 0x82}). Constraint, column, table and type names stay.
     */
    public static String withoutValues(String message) {
        if (message == null) {
            return null;
        }
        String out = message.replaceAll("(?s)\\s*(Detail|Where|Position|Hint|Internal Query|Internal Position):.*$", "");
        out = out.replaceAll("(?s)Failing row contains \\(.*", "Failing row contains (values removed)");
        out = out.replaceAll("(?s)Key \\(([^)]*)\\)=\\(.*", "Key ($1)=(values removed)");
        out = out.replaceAll("(?s): \"(.*)$", ": (value removed)");
        out = out.replaceAll("(?s)^\"[^\"]*\"( is )", "(value removed)$1");
        out = out.replaceAll("\\b(value|near|zone|unit|parameter value) \"[^\"]*\"", "$1 (value removed)");
        out = out.replaceAll("0x[0-9a-fA-F]{2}( 0x[0-9a-fA-F]{2})*", "(bytes removed)");
        return out;
    }

    /**
     * The pool's "Connection is closed" (no SQLState): the connection died under the transaction, for
     * example when a COMMIT is cut off and Spring's rollback then finds the connection gone. A lost
     * connection, as 08003 is: the retry finds the batch staged if the COMMIT went through.
     */
    private static boolean hikariClosed(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, true) == null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() == null && "Connection is closed".equals(sql.getMessage())) {
                return true;
            }
        }
        return false;
    }

    private static boolean hikariTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getClass().getName().equals("java.sql.SQLTransientConnectionException")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
