package dev.ferry.schema;

import dev.ferry.db.Jdbc;
import dev.ferry.db.SqlResource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
        return Optional.ofNullable(tables(List.of(name)).get(name));
    }

    /**
     * The tables named (each optionally schema-qualified, resolved through the search path), by the name as
     * given, in the order given; a name that is no ordinary or partitioned table is left out. One connection,
     * five catalogue queries however many tables.
     */
    public Map<String, TableInfo> tables(Collection<String> names) throws SQLException {
        return read(names, true, false).tables();
    }

    /**
     * The tables named and their foreign keys ({@link #tables(Collection)}, {@link #foreignKeys(Collection)}),
     * read on one connection in six catalogue queries however many tables: what a run plans from.
     */
    public Catalogue catalogue(Collection<String> names) throws SQLException {
        return read(names, true, true);
    }

    /** Tables and foreign keys by the name the caller gave (absent: no such table). */
    public record Catalogue(Map<String, TableInfo> tables, Map<String, List<ForeignKey>> foreignKeys) {

        /** The table of that name, if it exists. */
        public Optional<TableInfo> table(String name) {
            return Optional.ofNullable(tables.get(name));
        }

        /** The foreign keys of the table of that name (none when it does not exist). */
        public List<ForeignKey> foreignKeysOf(String name) {
            return foreignKeys.getOrDefault(name, List.of());
        }
    }

    private record Relation(long oid, String schema, String name, boolean partitioned) {
    }

    /**
     * On one connection: the names resolved (one query), then for all the tables at once their definitions (four
     * queries) and foreign keys (one), as asked.
     */
    private Catalogue read(Collection<String> names, boolean definitions, boolean withForeignKeys) throws SQLException {
        Set<String> distinct = new LinkedHashSet<>(names);
        if (distinct.isEmpty()) {
            return new Catalogue(Map.of(), Map.of());
        }
        return Jdbc.read(dataSource, c -> {
            Map<String, Relation> found = resolve(c, distinct);
            Map<String, Relation> relations = new LinkedHashMap<>(); // in the order given
            for (String name : distinct) {
                if (found.containsKey(name)) {
                    relations.put(name, found.get(name));
                }
            }
            Map<String, TableInfo> tables = new LinkedHashMap<>();
            Map<String, List<ForeignKey>> foreignKeys = new LinkedHashMap<>();
            if (relations.isEmpty()) {
                return new Catalogue(tables, foreignKeys);
            }
            Array oids = c.createArrayOf("int8", relations.values().stream().map(Relation::oid).distinct().toArray());
            if (definitions) {
                Map<Long, List<Column>> columns = byTable(c, COLUMNS, rs -> new Column(rs.getString(2), rs.getString(3),
                        rs.getBoolean(4), rs.getBoolean(5), rs.getBoolean(6)), oids);
                Map<Long, List<String>> pk = byTable(c, PRIMARY_KEY, rs -> rs.getString(2), oids);
                Map<Long, List<TableInfo.SequenceUse>> sequences = byTable(c, SEQUENCES, rs -> rs.getString(3) == null
                        ? null : new TableInfo.SequenceUse(rs.getString(2), rs.getString(3)), oids, oids);
                // an array: a column name may hold a comma
                Map<Long, List<List<String>>> uniqueKeys = byTable(c, UNIQUE_KEYS, rs -> names(rs, 2), oids);
                relations.forEach((name, r) -> tables.put(name, new TableInfo(r.schema(), r.name(), of(columns, r),
                        of(pk, r), of(sequences, r), of(uniqueKeys, r), r.partitioned())));
            }
            if (withForeignKeys) {
                Map<Long, List<ForeignKey>> keys = byTable(c, FOREIGN_KEYS, rs -> new ForeignKey(rs.getString(2),
                        names(rs, 4), rs.getString(3), rs.getString(6), names(rs, 5)), oids);
                relations.forEach((name, r) -> foreignKeys.put(name, of(keys, r)));
            }
            return new Catalogue(tables, foreignKeys);
        });
    }

    /** Each name that is an ordinary or partitioned table, in one query. */
    private static Map<String, Relation> resolve(Connection c, Collection<String> names) throws SQLException {
        Map<String, Relation> relations = new HashMap<>();
        Array array = c.createArrayOf("text", names.toArray());
        for (Map.Entry<String, Relation> e : Jdbc.list(c, TABLE, rs -> Map.entry(rs.getString(1), new Relation(
                rs.getLong(2), rs.getString(3), rs.getString(4), rs.getBoolean(5))), array)) {
            relations.put(e.getKey(), e.getValue());
        }
        return relations;
    }

    /** The rows of a query whose first column is a table's oid, grouped by it (a null row left out). */
    private static <T> Map<Long, List<T>> byTable(Connection c, String sql, Jdbc.Row<T> row, Object... params)
            throws SQLException {
        Map<Long, List<T>> out = new HashMap<>();
        Jdbc.list(c, sql, rs -> {
            T value = row.map(rs);
            if (value != null) {
                out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(value);
            }
            return null;
        }, params);
        return out;
    }

    private static <T> List<T> of(Map<Long, List<T>> byTable, Relation r) {
        return List.copyOf(byTable.getOrDefault(r.oid(), List.of()));
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
        return foreignKeys(List.of(table)).getOrDefault(table, List.of());
    }

    /**
     * The foreign keys of the tables named (as {@link #tables(Collection)} reads the names), by the name as
     * given: two catalogue queries on one connection however many tables.
     */
    public Map<String, List<ForeignKey>> foreignKeys(Collection<String> names) throws SQLException {
        return read(names, false, true).foreignKeys();
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
