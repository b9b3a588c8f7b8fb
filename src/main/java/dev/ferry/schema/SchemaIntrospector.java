package dev.ferry.schema;

import dev.ferry.db.Jdbc;
import dev.ferry.db.SqlResource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

/** Reads table definitions from PostgreSQL's catalogue. */
public final class SchemaIntrospector {

    private static final String TABLE = SqlResource.get("sql/schema/table.sql");
    private static final String COLUMNS = SqlResource.get("sql/schema/columns.sql");
    private static final String PRIMARY_KEY = SqlResource.get("sql/schema/primary_key.sql");
    private static final String SEQUENCES = SqlResource.get("sql/schema/sequences.sql");
    private static final String UNIQUE_KEYS = SqlResource.get("sql/schema/unique_keys.sql");
    private static final String TABLES = SqlResource.get("sql/schema/tables.sql");
    private static final String FOREIGN_KEYS = SqlResource.get("sql/schema/foreign_keys.sql");
    private static final String REFERENCED_TABLE = SqlResource.get("sql/schema/referenced_table.sql");

    private final DataSource dataSource;

    /** Introspects the database behind this data source. */
    public SchemaIntrospector(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The table named (optionally schema-qualified, resolved through the search path), if it exists. */
    public Optional<TableInfo> table(String name) throws SQLException {
        return Jdbc.read(dataSource, c -> table(c, name));
    }

    private record Relation(long oid, String schema, String name, boolean partitioned) {
    }

    private static Optional<TableInfo> table(Connection c, String name) throws SQLException {
        Relation r = Jdbc.one(c, TABLE, rs -> new Relation(rs.getLong(1), rs.getString(2), rs.getString(3),
                rs.getBoolean(4)), name).orElse(null);
        if (r == null) {
            return Optional.empty();
        }
        List<Column> columns = Jdbc.list(c, COLUMNS, rs -> new Column(rs.getString(1), rs.getString(2), rs.getBoolean(3),
                rs.getBoolean(4), rs.getBoolean(5)), r.oid());
        List<String> pk = Jdbc.list(c, PRIMARY_KEY, rs -> rs.getString(1), r.oid());
        List<TableInfo.SequenceUse> sequences = Jdbc.list(c, SEQUENCES, rs -> rs.getString(2) == null ? null
                : new TableInfo.SequenceUse(rs.getString(1), rs.getString(2)),
                r.oid(), dev.ferry.db.Sql.qualified(r.schema(), r.name()), r.oid());
        sequences.removeIf(java.util.Objects::isNull);
        // an array: a column name may hold a comma
        List<List<String>> uniqueKeys = Jdbc.list(c, UNIQUE_KEYS, rs -> names(rs, 1), r.oid());
        return Optional.of(new TableInfo(r.schema(), r.name(), List.copyOf(columns), List.copyOf(pk),
                List.copyOf(sequences), List.copyOf(uniqueKeys), r.partitioned()));
    }

    /**
     * The ordinary and partitioned tables of a schema (partitions are synced through their parent), by name,
     * quoted where SQL needs it ({@code "Orders"}), as a route names them.
     */
    public List<String> tables(String schema) throws SQLException {
        return Jdbc.read(dataSource, c -> Jdbc.list(c, TABLES, rs -> rs.getString(1), schema));
    }

    /** A foreign key: its columns, the table (its schema and name, as in the catalogue) and columns it references. */
    public record ForeignKey(String name, List<String> columns, String referencedSchema, String referencedName,
                             List<String> referencedColumns) {

        /**
         * The referenced table's identity: schema and name, each quoted ({@code "public"."Author"}), as
         * {@link TableInfo#qualifiedName()} gives it; what plans are compared by.
         */
        public String referencedTable() {
            return dev.ferry.db.Sql.qualified(referencedSchema, referencedName);
        }

        /** schema.name of the referenced table, for messages. */
        public String referencedDisplay() {
            return referencedSchema + "." + referencedName;
        }
    }

    /** The foreign keys of a table ({@code table} as to_regclass reads it: quoted where its name needs it). */
    public List<ForeignKey> foreignKeys(String table) throws SQLException {
        return Jdbc.read(dataSource, c -> Jdbc.list(c, FOREIGN_KEYS, rs -> new ForeignKey(rs.getString(1), names(rs, 3),
                rs.getString(2), rs.getString(5), names(rs, 4)), table));
    }

    /** Column names from a text[] column (never split on commas: a name may hold one). */
    private static List<String> names(ResultSet rs, int column) throws SQLException {
        return List.of((String[]) rs.getArray(column).getArray());
    }

    /** The table a single-column foreign key on {@code column} points to, as schema-qualified text. */
    public Optional<String> referencedTable(String table, String column) throws SQLException {
        return Jdbc.with(dataSource, c -> Jdbc.one(c, REFERENCED_TABLE, rs -> rs.getString(1), table, column));
    }
}
