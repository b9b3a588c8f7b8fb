package dev.ferry.schema;

import java.util.List;
import java.util.Optional;

/**
 * A table as found in one database: its columns in order, primary key, the sequences its columns
 * draw from, whether other tables reference it, and the columns that are unique on their own.
 */
public record TableInfo(String schema, String name, List<Column> columns, List<String> primaryKey,
                        List<SequenceUse> sequences, boolean referencedByOthers, List<String> uniqueColumns) {

    /** A sequence that feeds a column (through its default or as an identity). */
    public record SequenceUse(String column, String sequence) {
    }

    /** The column of that name, if the table has it. */
    public Optional<Column> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** schema.name, for messages. */
    public String displayName() {
        return schema + "." + name;
    }
}
