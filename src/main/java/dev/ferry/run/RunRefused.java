package dev.ferry.run;

/** A request refused before anything was written (bad input, no confirmation): the message says what to do. */
public final class RunRefused extends Exception {

    public RunRefused(String message) {
        super(message);
    }
}
