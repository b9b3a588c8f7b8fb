package dev.ferry.run;

import dev.ferry.state.Run;

/**
 * How a request ended. {@code run} is set when a run started (its status says how it ended), {@code plan}
 * for a dry run; otherwise {@code message} says in one line why nothing ran, and {@code cause} holds the
 * exception behind it (for --debug).
 */
public record RunOutcome(Kind kind, Run run, String plan, String message, Exception cause) {

    /** What happened, as a caller maps it to an exit code or an HTTP status. */
    public enum Kind {
        /** The run ran; its status is the outcome. */
        RAN,
        /** Nothing to do (a retry of a run with no failed table) or a dry run. */
        NOTHING,
        /** Bad input, configuration or a safety refusal, found before anything was written. */
        REFUSED,
        /** The run could not start or failed before its tables: nothing was written. */
        FAILED,
        /** Another run holds the run lock. */
        BUSY
    }

    static RunOutcome ran(Run run) {
        return new RunOutcome(Kind.RAN, run, null, null, null);
    }

    static RunOutcome nothing(String plan, String message) {
        return new RunOutcome(Kind.NOTHING, null, plan, message, null);
    }

    static RunOutcome refused(String message, Exception cause) {
        return new RunOutcome(Kind.REFUSED, null, null, message, cause);
    }

    static RunOutcome failed(String message, Exception cause) {
        return new RunOutcome(Kind.FAILED, null, null, message, cause);
    }

    static RunOutcome busy(String message, Exception cause) {
        return new RunOutcome(Kind.BUSY, null, null, message, cause);
    }
}
