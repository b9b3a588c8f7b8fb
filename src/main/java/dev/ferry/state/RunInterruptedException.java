package dev.ferry.state;

/** The run was asked to stop; the batch in flight finished or rolled back whole. */
public final class RunInterruptedException extends Exception {
    public RunInterruptedException(String message) {
        super(message);
    }
}
