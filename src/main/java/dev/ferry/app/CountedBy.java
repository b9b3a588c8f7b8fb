package dev.ferry.app;

import dev.ferry.stage.StageMetrics;
import org.apache.camel.CamelContext;

/**
 * The pipeline's meters as whoever bound a {@link StageMetrics} named {@code ferryMetrics} counts them (ops'
 * configuration, applied after the pipeline's beans exist); nothing is counted when none is bound. Looked up
 * at each call, so that the pipeline is wired without knowing the service.
 */
final class CountedBy implements StageMetrics {

    private final CamelContext camel;

    CountedBy(CamelContext camel) {
        this.camel = camel;
    }

    @Override
    public void batch(String table, int rows, int deadLettered, long nanos) {
        StageMetrics counter = counter();
        if (counter != null) {
            counter.batch(table, rows, deadLettered, nanos);
        }
    }

    @Override
    public void applied(String table, long written, long deadLetteredAtApply) {
        StageMetrics counter = counter();
        if (counter != null) {
            counter.applied(table, written, deadLetteredAtApply);
        }
    }

    private StageMetrics counter() {
        return camel.getRegistry().lookupByNameAndType("ferryMetrics", StageMetrics.class);
    }
}
