package dev.ferry.stage;

/**
 * What the pipeline reports as it goes, for whoever counts it (ops' FerryMetrics): a callback, so that
 * the stages never depend on the service around them.
 */
public interface StageMetrics {

    /** One staged batch of {@code rows} rows, {@code deadLettered} of them set aside, in {@code nanos}. */
    void batch(String table, int rows, int deadLettered, long nanos);

    /** A table applied: rows written, rows set aside at the apply. */
    void applied(String table, long written, long deadLetteredAtApply);
}
