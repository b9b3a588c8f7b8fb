package dev.ferry.cli;

import dev.ferry.state.Run;

/** Ferry's exit codes. */
public final class ExitCodes {

    public static final int SUCCESS = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int PARTIAL = 3;

    private ExitCodes() {
    }

    /** The exit code of a run that ended so. */
    public static int of(Run.Status status) {
        return switch (status) {
            case SUCCESS -> SUCCESS;
            case PARTIAL -> PARTIAL;
            default -> FAILED;
        };
    }
}
