package dev.ferry.stage;

import java.sql.SQLException;

import dev.ferry.state.Run;

/**
 * A value read once per run (and per snapshot of the run: a run that had to take a new snapshot reads it
 * again), shared by the tables staged at once: the first table to ask loads it, the others wait and reuse it.
 */
final class PerRun<T> {

    /** How the value is read. */
    interface Loader<T> {
        T load() throws SQLException;
    }

    private record Held<T>(String runId, int snapshot, T value) {
    }

    private volatile Held<T> latest;

    /** The run's value, loaded by {@code loader} on the first call of the run (and of each of its snapshots). */
    T get(Run run, Loader<T> loader) throws SQLException {
        Held<T> h = latest;
        if (h != null && h.runId().equals(run.id()) && h.snapshot() == run.snapshots()) {
            return h.value();
        }
        synchronized (this) {
            h = latest;
            if (h == null || !h.runId().equals(run.id()) || h.snapshot() != run.snapshots()) {
                h = new Held<>(run.id(), run.snapshots(), loader.load());
                latest = h;
            }
            return h.value();
        }
    }
}
