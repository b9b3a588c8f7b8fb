package dev.ferry.schema;

import java.util.List;
import java.util.Optional;

/**
 * A table as found in one database: its columns in order, primary key, the sequences its columns
 * draw from, its unique keys (the columns of each unique, non-partial index on plain columns, primary
 * key included), and whether it is partitioned.
 */
public record TableInfo(String schema, String name, List<Column> columns, List<String> primaryKey,
                        List<SequenceUse> sequences, List<List<String>> uniqueKeys,
                        boolean partitioned) {

    /** A sequence that feeds a column (through its default or as an identity). */
    public record SequenceUse(String column, String sequence) {
    }

    /** The column of that name, if the table has it. */
    public Optional<Column> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** Whether these columns (in any order) include one of the table's unique keys. */
    public boolean isUnique(List<String> cols) {
        return !cols.isEmpty() && uniqueKeys.stream().anyMatch(cols::containsAll);
    }

    /** The key Ferry suggests: the primary key, else the first unique key whose columns are all NOT NULL, else none. */
    public List<String> suggestedKey() {
        if (!primaryKey.isEmpty()) {
            return primaryKey;
        }
        return uniqueKeys.stream().filter(k -> k.stream().allMatch(n -> column(n).map(Column::notNull).orElse(false)))
                .findFirst().orElse(List.of());
    }

    /**
     * How to name the table's own rows in a query: {@code ONLY schema.name} for an ordinary table (an
     * inheritance parent's children are tables of their own), {@code schema.name} for a partitioned one
     * (its rows are its partitions').
     */
    public String rows() {
        return (partitioned ? "" : "ONLY ") + dev.ferry.db.Sql.qualified(schema, name);
    }

    /**
     * The table's identity: schema and name, each quoted ({@code "public"."Orders"}), so that a
     * mixed-case name, or a dot or underscore in one, never passes for another table; what to_regclass
     * reads and what plans and foreign keys are compared by.
     */
    public String qualifiedName() {
        return dev.ferry.db.Sql.qualified(schema, name);
    }

    /** schema.name, for messages. */
    public String displayName() {
        return schema + "." + name;
    }
}
