package dev.ferry.ops;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.ferry.sync.Run;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Ferry's own meters: rows read, written and dead-lettered per table, the batch and run timers, the
 * last success per table, and skipped scheduled runs.
 */
public final class FerryMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();

    /** Meters in this registry. */
    public FerryMetrics(MeterRegistry registry) {
        this.registry = registry;
        Counter.builder("ferry.runs.skipped").description("Scheduled runs skipped because a run was in progress")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** One staged batch. */
    public void batch(String table, int rows, int deadLettered, long nanos) {
        Counter.builder("ferry.rows.read").description("Rows read from the source").tag("table", table)
                .register(registry).increment(rows);
        if (deadLettered > 0) {
            deadLettered(table, deadLettered);
        }
        Timer.builder("ferry.batch").description("Time to transform and stage one batch").tag("table", table)
                .register(registry).record(Duration.ofNanos(nanos));
    }

    private void deadLettered(String table, long rows) {
        Counter.builder("ferry.rows.dead_lettered").description("Rows set aside in the dead-letter store")
                .tag("table", table).register(registry).increment(rows);
    }

    /** A table applied: rows written and set aside at apply, and its success time. */
    public void applied(String table, long written, long deadLetteredAtApply) {
        Counter.builder("ferry.rows.written").description("Rows written to the target table").tag("table", table)
                .register(registry).increment(written);
        if (deadLetteredAtApply > 0) {
            deadLettered(table, deadLetteredAtApply);
        }
        AtomicLong gauge = lastSuccess.computeIfAbsent(table, t -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("ferry.last_success", value, AtomicLong::get)
                    .description("Epoch seconds of the table's last successful sync").tag("table", t).register(registry);
            return value;
        });
        gauge.set(System.currentTimeMillis() / 1000);
    }

    /** A finished run. */
    public void run(Run run) {
        Duration took = Duration.between(run.startedAt(), run.finishedAt());
        Timer.builder("ferry.run").description("Runs by outcome").tag("status", run.status().name())
                .register(registry).record(took);
    }

    /** A scheduled tick skipped because a run was in progress. */
    public void skipped() {
        registry.counter("ferry.runs.skipped").increment();
    }

    /** Convenience for tests and the summary: rows written so far for a table. */
    public double written(String table) {
        Counter c = registry.find("ferry.rows.written").tag("table", table).counter();
        return c == null ? 0 : c.count();
    }

}
