package dev.ferry.cli;

/** Bad usage or configuration, found before anything was written: exit 2 with the message. */
public final class UsageException extends Exception {

    /** With a message that says what to do. */
    public UsageException(String message) {
        super(message);
    }
}
