package dev.ferry.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

/** Reads table definitions from PostgreSQL's catalogue. */
public final class SchemaIntrospector {

    private final DataSource dataSource;

    /** Introspects the database behind this data source. */
    public SchemaIntrospector(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The table named (optionally schema-qualified, resolved through the search path), if it exists. */
    public Optional<TableInfo> table(String name) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try {
                return table(c, name);
            } finally {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
            }
        }
    }

    private Optional<TableInfo> table(Connection c, String name) throws SQLException {
        long oid;
        String schema;
        String rel;
        boolean partitioned;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT c.oid, n.nspname, c.relname, c.relkind = 'p' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        + "WHERE c.oid = to_regclass(?) AND c.relkind IN ('r', 'p')")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                oid = rs.getLong(1);
                schema = rs.getString(2);
                rel = rs.getString(3);
                partitioned = rs.getBoolean(4);
            }
        }
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attgenerated <> '', "
                        + "a.attidentity = 'a' FROM pg_attribute a "
                        + "WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4),
                            rs.getBoolean(5)));
                }
            }
        }
        List<String> pk = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                        + "AND a.attnum = ANY (i.indkey) WHERE i.indrelid = ? AND i.indisprimary "
                        + "ORDER BY array_position(i.indkey::int2[], a.attnum)")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pk.add(rs.getString(1));
                }
            }
        }
        List<TableInfo.SequenceUse> sequences = new ArrayList<>();
        // sequences called by column defaults (owned or not) and identity sequences
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT DISTINCT a.attname, d.refobjid::regclass::text FROM pg_attrdef ad "
                        + "JOIN pg_depend d ON d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid "
                        + "AND d.refclassid = 'pg_class'::regclass "
                        + "JOIN pg_class s ON s.oid = d.refobjid AND s.relkind = 'S' "
                        + "JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum "
                        + "WHERE ad.adrelid = ? "
                        + "UNION SELECT a.attname, pg_get_serial_sequence(?, a.attname) FROM pg_attribute a "
                        + "WHERE a.attrelid = ? AND a.attidentity <> '' AND a.attnum > 0 AND NOT a.attisdropped")) {
            ps.setLong(1, oid);
            ps.setString(2, dev.ferry.db.Sql.qualified(schema, rel));
            ps.setLong(3, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(2) != null) {
                        sequences.add(new TableInfo.SequenceUse(rs.getString(1), rs.getString(2)));
                    }
                }
            }
        }
        List<List<String>> uniqueKeys = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT ARRAY(SELECT a.attname::text FROM unnest(i.indkey[0:i.indnkeyatts - 1]) WITH ORDINALITY k(n, o) "
                        + "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o) "
                        + "FROM pg_index i WHERE i.indrelid = ? AND i.indisunique AND i.indexprs IS NULL "
                        + "AND i.indpred IS NULL AND NOT (0 = ANY (i.indkey[0:i.indnkeyatts - 1])) "
                        + "ORDER BY i.indisprimary DESC, i.indnkeyatts, i.indexrelid")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    uniqueKeys.add(names(rs, 1)); // an array: a column name may hold a comma
                }
            }
        }
        return Optional.of(new TableInfo(schema, rel, List.copyOf(columns), List.copyOf(pk), List.copyOf(sequences),
                List.copyOf(uniqueKeys), partitioned));
    }

    /**
     * The ordinary and partitioned tables of a schema (partitions are synced through their parent), by name,
     * quoted where SQL needs it ({@code "Orders"}), as a route names them.
     */
    public List<String> tables(String schema) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? "
                        + "AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        }
        return out;
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
        List<ForeignKey> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT k.conname, (SELECT n.nspname FROM pg_class r JOIN pg_namespace n "
                        + "ON n.oid = r.relnamespace WHERE r.oid = k.confrelid), "
                        + "ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY x(n, o) JOIN pg_attribute a "
                        + "ON a.attrelid = k.conrelid AND a.attnum = x.n ORDER BY x.o), "
                        + "ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY x(n, o) JOIN pg_attribute a "
                        + "ON a.attrelid = k.confrelid AND a.attnum = x.n ORDER BY x.o), "
                        + "(SELECT r.relname FROM pg_class r WHERE r.oid = k.confrelid) "
                        + "FROM pg_constraint k WHERE k.contype = 'f' AND k.conrelid = to_regclass(?) ORDER BY k.conname")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ForeignKey(rs.getString(1), names(rs, 3), rs.getString(2), rs.getString(5), names(rs, 4)));
                }
            }
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        }
        return out;
    }

    /** Column names from a text[] column (never split on commas: a name may hold one). */
    private static List<String> names(ResultSet rs, int column) throws SQLException {
        return List.of((String[]) rs.getArray(column).getArray());
    }

    /** The table a single-column foreign key on {@code column} points to, as schema-qualified text. */
    public Optional<String> referencedTable(String table, String column) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT k.confrelid::regclass::text, (SELECT attname FROM pg_attribute WHERE attrelid = k.confrelid "
                             + "AND attnum = k.confkey[1]) FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid "
                             + "AND a.attnum = k.conkey[1] WHERE k.contype = 'f' AND k.conrelid = to_regclass(?) "
                             + "AND array_length(k.conkey, 1) = 1 AND a.attname = ?")) {
            ps.setString(1, table);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }
}
