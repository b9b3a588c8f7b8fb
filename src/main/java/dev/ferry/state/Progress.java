package dev.ferry.state;

import java.io.PrintStream;
import java.util.Locale;

import dev.ferry.log.Redactor;

/** Human progress on stderr: a line per batch and a summary per run. */
public final class Progress {

    private final PrintStream out;

    /** Writes to this stream (stderr on the command line). */
    public Progress(PrintStream out) {
        this.out = out;
    }

    /** After each staged batch: table, batch k/n, percent, rows/s, elapsed. */
    public void batch(TableResult table, int batchSize) {
        long done = table.read();
        long total = Math.max(table.expected(), done);
        long batches = Math.max(1, (total + batchSize - 1) / batchSize);
        double seconds = Math.max(table.seconds(), 0.001);
        out.printf(Locale.ROOT, "%s: batch %d/%d %5.1f%% %,.0f rows/s %.1fs%n", table.name(), table.batches(),
                batches, total == 0 ? 100.0 : 100.0 * done / total, done / seconds, table.seconds());
    }

    /** A line when a table starts. */
    public void tableStarted(TableResult table) {
        if (table.resumed() > 0) {
            out.printf(Locale.ROOT, "%s: resuming after %,d staged rows; %,d rows to read%n", table.name(),
                    table.resumed(), table.expected());
        } else {
            out.printf(Locale.ROOT, "%s: %s%,d rows to read%n", table.name(), table.expectedEstimated() ? "about " : "",
                    table.expected());
        }
    }

    /** A free-form line (warnings, notices), redacted. */
    public void note(String text) {
        out.println(Redactor.redact(text));
    }

    /** The run's summary: one line per table and the outcome. */
    public void summary(Run run) {
        out.printf("Run %s %s%n", run.id(), run.status());
        for (TableResult t : run.results()) {
            out.printf(Locale.ROOT, "  %-24s %-8s read %,d  written %,d  dead-lettered %,d  %.1fs%s%n", t.name(),
                    t.status(), t.read(), t.written(), t.deadLettered(), t.seconds(),
                    (t.effect().isEmpty() ? "" : "  (" + t.effect() + ")")
                            + (t.error() != null ? "  " + Redactor.redact(t.error()) : ""));
        }
    }
}
