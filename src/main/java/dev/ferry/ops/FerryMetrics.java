package dev.ferry.ops;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import dev.ferry.stage.StageMetrics;
import dev.ferry.state.Run;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Ferry's own meters: rows read, written and dead-lettered per table, the batch and run timers, the
 * last success per table, skipped scheduled runs, whether a run is in progress, and the build.
 */
public final class FerryMetrics implements StageMetrics, dev.ferry.run.RunListener {

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();

    /** Meters in this registry. */
    public FerryMetrics(MeterRegistry registry) {
        this.registry = registry;
        Counter.builder("ferry.runs.skipped").description("Scheduled runs skipped because a run was in progress (runs)")
                .register(registry);
        String version = FerryMetrics.class.getPackage().getImplementationVersion();
        Gauge.builder("ferry.build.info", () -> 1).description("Ferry's version (always 1)")
                .tag("version", version != null ? version : "dev").register(registry);
    }

    /**
     * Every table's series from the start, at 0 until something happens (a rate over a series that
     * appears only with its first increment misses that increment), and the running gauge.
     */
    public void declare(Iterable<String> tables, BooleanSupplier running) {
        for (String table : tables) {
            read(table);
            written(table, 0);
            deadLettered(table, 0);
            lastSuccessGauge(table);
        }
        Gauge.builder("ferry.running", () -> running.getAsBoolean() ? 1 : 0)
                .description("1 while a run is in progress, else 0").register(registry);
    }

    private Counter read(String table) {
        return Counter.builder("ferry.rows.read").description("Rows read from the source (rows)").tag("table", table)
                .register(registry);
    }

    private void written(String table, long rows) {
        Counter.builder("ferry.rows.written").description("Rows written to the target table (rows)").tag("table", table)
                .register(registry).increment(rows);
    }

    private AtomicLong lastSuccessGauge(String table) {
        return lastSuccess.computeIfAbsent(table, t -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("ferry.last.success.timestamp", value, AtomicLong::get).baseUnit("seconds")
                    .description("Unix time of the table's last successful sync, in seconds (0: none since start)")
                    .tag("table", t).register(registry);
            return value;
        });
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** One staged batch. */
    @Override
    public void batch(String table, int rows, int deadLettered, long nanos) {
        read(table).increment(rows);
        if (deadLettered > 0) {
            deadLettered(table, deadLettered);
        }
        Timer.builder("ferry.batch").description("Time to transform and stage one batch (seconds)").tag("table", table)
                .register(registry).record(Duration.ofNanos(nanos));
    }

    private void deadLettered(String table, long rows) {
        Counter.builder("ferry.rows.dead_lettered").description("Rows set aside in the dead-letter store (rows)")
                .tag("table", table).register(registry).increment(rows);
    }

    /** A table applied: rows written and set aside at apply, and its success time. */
    @Override
    public void applied(String table, long written, long deadLetteredAtApply) {
        written(table, written);
        if (deadLetteredAtApply > 0) {
            deadLettered(table, deadLetteredAtApply);
        }
        lastSuccessGauge(table).set(System.currentTimeMillis() / 1000);
    }

    /** A finished run. */
    public void run(Run run) {
        Duration took = Duration.between(run.startedAt(), run.finishedAt());
        Timer.builder("ferry.run").description("Time of a run, by its outcome (seconds)").tag("status", run.status().name())
                .register(registry).record(took);
    }

    /** A scheduled tick skipped because a run was in progress. */
    /** A finished run's outcome, as {@link #run(Run)}. */
    @Override
    public void finished(Run run) {
        run(run);
    }

    public void skipped() {
        registry.counter("ferry.runs.skipped").increment();
    }

    /** Convenience for tests and the summary: rows written so far for a table. */
    public double written(String table) {
        Counter c = registry.find("ferry.rows.written").tag("table", table).counter();
        return c == null ? 0 : c.count();
    }

}
