package dev.ferry.schema;

/** One column of a table as the catalogue describes it. */
public record Column(String name, String type, boolean notNull, boolean generated, boolean identityAlways) {
}
