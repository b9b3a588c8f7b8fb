package dev.ferry.verify;

import java.util.List;

/** The target differs from the source after the apply. */
public final class VerificationException extends Exception {
    private final List<String> tables;

    public VerificationException(String message) {
        this(message, List.of());
    }

    public VerificationException(String message, List<String> tables) {
        super(message);
        this.tables = List.copyOf(tables);
    }

    /** The tables that differed (their staging was discarded). */
    public List<String> tables() {
        return tables;
    }
}
