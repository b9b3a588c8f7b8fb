package dev.ferry.sync;

/**
 * A table as its route file declares it (the templated route's parameters).
 *
 * @param table       table name, schema-qualified or found through the search path (same in source and target)
 * @param key         the unique column that orders the read and marks the checkpoint
 * @param ownerColumn the column that takes the development owner's id, or empty
 * @param batchSize   rows per staging batch
 */
public record TableSpec(String table, String key, String ownerColumn, int batchSize) {

    /** Whether this table remaps ownership. */
    public boolean hasOwner() {
        return ownerColumn != null && !ownerColumn.isBlank();
    }

    /** The route id of this table's sync. */
    public String routeId() {
        return "sync-" + table;
    }
}
