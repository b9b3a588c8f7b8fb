package dev.ferry.sync;

import java.util.Arrays;
import java.util.List;

/**
 * A table as its route file declares it (the templated route's parameters).
 *
 * @param table       table name, schema-qualified or found through the search path (same in source and target)
 * @param key         the unique, not-null column(s) that order the read and mark the checkpoint, comma-separated
 *                    ({@code id}, {@code playlist_id, track_id}); empty for a table with no key (full refresh
 *                    only, restaged whole when interrupted)
 * @param ownerColumn the column that takes the development owner's id, or empty
 * @param batchSize   rows per staging batch
 * @param strict      whether a column only the source has fails the table (otherwise it is skipped with a warning)
 */
public record TableSpec(String table, String key, String ownerColumn, int batchSize, boolean strict) {

    /** A spec with the defaults for everything but these. */
    public TableSpec(String table, String key, String ownerColumn, int batchSize) {
        this(table, key, ownerColumn, batchSize, false);
    }

    /** The key columns in order; empty when the table has no key. */
    public List<String> keyColumns() {
        if (key == null || key.isBlank()) {
            return List.of();
        }
        return Arrays.stream(key.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Whether this table remaps ownership. */
    public boolean hasOwner() {
        return ownerColumn != null && !ownerColumn.isBlank();
    }

    /** The route id of this table's sync. */
    public String routeId() {
        return "sync-" + table;
    }
}
