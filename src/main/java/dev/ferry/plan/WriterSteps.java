package dev.ferry.plan;

import org.apache.camel.spi.PropertiesFunction;

/**
 * {@code {{writerSteps:<writer>,<table's writer>}}}: {@code false} when the table's writer is the one
 * named first, else {@code true}; the table-sync template puts it in a step's {@code disabled}, so
 * that each table's route is made with the steps of its writer only (Camel drops a disabled step when
 * it builds the route: nothing is chosen per message). An unknown writer is refused in one line.
 */
@org.apache.camel.spi.annotations.PropertiesFunction("writerSteps")
public final class WriterSteps implements PropertiesFunction {

    @Override
    public String getName() {
        return "writerSteps";
    }

    /** "true" (disable the step) unless the second writer is the first. */
    @Override
    public String apply(String remainder) {
        int comma = remainder.indexOf(',');
        if (comma < 0) {
            throw new IllegalArgumentException("writerSteps needs <writer>,<table's writer>, not '" + remainder + "'");
        }
        TableSpec.Writer step = TableSpec.Writer.of(remainder.substring(0, comma));
        TableSpec.Writer table = TableSpec.Writer.of(remainder.substring(comma + 1));
        return String.valueOf(step != table);
    }
}
