package dev.ferry.plan;

/**
 * A fragment of SQL in a route file (a {@code where} condition, a {@code sql(...)} rule) is not one SQL
 * expression: a configuration error (exit 2), raised before any row is read.
 */
public final class UserSqlException extends PlanException {

    /** With a message naming the table and the parameter. */
    public UserSqlException(String message) {
        super(message);
    }
}
