package dev.ferry.plan;

/** A table cannot be synced as configured; raised before any row is written, with what to do. */
public class PlanException extends Exception {

    /** With a message that names the table and column and says what to do. */
    public PlanException(String message) {
        super(message);
    }
}
