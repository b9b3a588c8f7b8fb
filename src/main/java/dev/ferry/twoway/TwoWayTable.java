package dev.ferry.twoway;

import dev.ferry.db.Sql;
import dev.ferry.plan.PlanException;
import dev.ferry.plan.TablePlan;
import dev.ferry.plan.TableSpec;
import dev.ferry.schema.Column;
import dev.ferry.schema.TableInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A two-way table: its columns (those both databases have, generated ones left to each side), its key and
 * natural key, the columns whose values are ids of a naturally keyed table (rewritten into each side's ids),
 * and the statements that read and write it on either side. Every value travels as its type's text; a
 * row's hash is {@code md5} of the row of those texts, computed by the side that holds it.
 */
final class TwoWayTable {

    final TablePlan plan;
    final String name;
    final List<String> columns;
    final int[] key;
    final int[] natural;
    /** Column index to the table (label) whose ids it holds, for columns rewritten through an id map. */
    final Map<Integer, String> refs;
    /** Whether the table's own ids differ between the sides (it has a natural key). */
    final boolean ownIds;
    final boolean newIdsSource;
    final TableSpec.Conflict conflict;
    final int newest;
    private final String tableA;
    private final String tableB;
    private final boolean[] identityA;
    private final boolean[] identityB;
    private final boolean integerKey;

    private TwoWayTable(TablePlan plan, TableInfo a) throws PlanException {
        this.plan = plan;
        this.name = plan.name();
        TableSpec spec = plan.spec();
        this.columns = plan.columns().stream().map(Column::name).toList();
        this.key = indexes(spec.keyColumns());
        this.natural = indexes(spec.naturalKeyColumns());
        this.ownIds = natural.length > 0;
        if (ownIds && key.length != 1) {
            throw new PlanException(name + ": a two-way table with a naturalKey needs a one-column key (its ids differ "
                    + "between the databases)");
        }
        Map<Integer, String> r = new LinkedHashMap<>();
        plan.remapped().forEach((column, table) -> {
            int i = columns.indexOf(column);
            if (i >= 0 && !(table.equals(name) && ownIds && i == key[0])) {
                r.put(i, table);
            }
        });
        this.refs = Map.copyOf(r);
        this.newIdsSource = "source".equalsIgnoreCase(spec.newIds().trim());
        this.conflict = spec.conflict();
        String newestColumn = spec.newestColumnOrCursor();
        this.newest = newestColumn == null || newestColumn.isBlank() ? -1 : columns.indexOf(newestColumn);
        if (conflict == TableSpec.Conflict.NEWEST_WINS && newest < 0) {
            throw new PlanException(name + ": conflict newestWins needs newestColumn, a column of both databases");
        }
        this.integerKey = key.length == 1 && List.of("integer", "bigint", "smallint")
                .contains(plan.columns().get(key[0]).type());
        this.tableA = Sql.qualified(a.schema(), a.name());
        this.tableB = plan.targetTable();
        identityA = new boolean[columns.size()];
        identityB = new boolean[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            String c = columns.get(i);
            Column ca = a.column(c).orElseThrow();
            Column cb = plan.target().column(c).orElseThrow();
            if (!ca.type().equals(cb.type())) {
                throw new PlanException("column " + name + "." + c + " is " + ca.type() + " in the first database but "
                        + cb.type() + " in the second: a two-way table needs the same type on both sides");
            }
            if (ca.generated()) {
                throw new PlanException("column " + name + "." + c + " is generated in the first database only: "
                        + "align the two definitions");
            }
            identityA[i] = ca.identityAlways();
            identityB[i] = cb.identityAlways();
        }
    }

    /** The two-way table of a plan, given the first database's definition of it. */
    static TwoWayTable of(TablePlan plan, Optional<TableInfo> a) throws PlanException {
        return new TwoWayTable(plan, a.orElseThrow(() -> new PlanException("table " + plan.name()
                + " does not exist in the first database")));
    }

    private int[] indexes(List<String> names) {
        int[] out = new int[names.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = columns.indexOf(names.get(i));
            if (out[i] < 0) {
                throw new IllegalArgumentException(name + ": column " + names.get(i) + " is not a column of both databases");
            }
        }
        return out;
    }

    String table(Side side) {
        return side == Side.A ? tableA : tableB;
    }

    /** The key of a row as text (columns joined by a unit separator when composite). */
    String keyText(String[] values) {
        return join(values, key);
    }

    /** The natural key as text, null when a column of it is NULL (such a row matches no other). */
    String naturalText(String[] values) {
        for (int i : natural) {
            if (values[i] == null) {
                return null;
            }
        }
        return join(values, natural);
    }

    private static String join(String[] values, int[] idx) {
        if (idx.length == 1) {
            return values[idx[0]];
        }
        StringBuilder out = new StringBuilder();
        for (int n = 0; n < idx.length; n++) {
            out.append(n == 0 ? "" : "\u001f").append(values[idx[n]]);
        }
        return out.toString();
    }

    /** A key text split back into its columns' values. */
    String[] keyValues(String keyText) {
        return key.length == 1 ? new String[] {keyText} : keyText.split("\u001f", -1);
    }

    boolean isKey(int column) {
        for (int k : key) {
            if (k == column) {
                return true;
            }
        }
        return false;
    }

    private String hashExpr() {
        return "md5(ROW(" + columns.stream().map(c -> Sql.ident(c) + "::text").collect(Collectors.joining(", ")) + ")::text)";
    }

    private String texts() {
        return columns.stream().map(c -> Sql.ident(c) + "::text").collect(Collectors.joining(", "));
    }

    /** Every row of one side: its hash, then each column as text. */
    String selectSql(Side side) {
        return "SELECT " + hashExpr() + ", " + texts() + " FROM " + table(side);
    }

    /** Every row's key columns as text, then its hash: what a run compares with the recorded state. */
    String hashesSql(Side side) {
        StringBuilder keys = new StringBuilder();
        for (int k : key) {
            keys.append(Sql.ident(columns.get(k))).append("::text, ");
        }
        return "SELECT " + keys + hashExpr() + " FROM " + table(side);
    }

    /** The rows with these keys (one-column keys; a text array cast to the key's type), as {@link #selectSql}. */
    String selectByKeysSql(Side side) {
        if (key.length != 1) {
            return null;
        }
        return selectSql(side) + " WHERE " + Sql.ident(columns.get(key[0])) + " = ANY (CAST(CAST(? AS text[]) AS "
                + plan.columns().get(key[0]).type() + "[]))";
    }

    private String keyWhere() {
        List<String> parts = new ArrayList<>();
        for (int k : key) {
            parts.add(Sql.ident(columns.get(k)) + " = ?");
        }
        return String.join(" AND ", parts);
    }

    /** An insert of the given columns, returning the row's hash and its texts. */
    String insertSql(Side side, boolean[] included) {
        List<String> names = new ArrayList<>();
        boolean overriding = false;
        for (int i = 0; i < included.length; i++) {
            if (included[i]) {
                names.add(Sql.ident(columns.get(i)));
                overriding |= (side == Side.A ? identityA : identityB)[i];
            }
        }
        return "INSERT INTO " + table(side) + " (" + String.join(", ", names) + ")"
                + (overriding ? " OVERRIDING SYSTEM VALUE" : "") + " VALUES (" + "?, ".repeat(names.size() - 1) + "?)"
                + " RETURNING " + hashExpr() + ", " + texts();
    }

    /** The columns an update sets: all but the key and identity-always columns. */
    boolean[] settable(Side side) {
        boolean[] out = new boolean[columns.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = !isKey(i) && !(side == Side.A ? identityA : identityB)[i];
        }
        return out;
    }

    /** An update of the settable columns of the row with this key and this hash (else no row: it changed meanwhile). */
    String updateSql(Side side) {
        boolean[] set = settable(side);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < set.length; i++) {
            if (set[i]) {
                parts.add(Sql.ident(columns.get(i)) + " = ?");
            }
        }
        if (parts.isEmpty()) {
            return null;
        }
        return "UPDATE " + table(side) + " SET " + String.join(", ", parts) + " WHERE " + keyWhere() + " AND "
                + hashExpr() + " = ? RETURNING " + hashExpr() + ", " + texts();
    }

    /** A delete of the row with this key and this hash. */
    String deleteSql(Side side) {
        return "DELETE FROM " + table(side) + " WHERE " + keyWhere() + " AND " + hashExpr() + " = ?";
    }

    /** Moves the key's sequence past the largest key, when the key is one column fed by a sequence. */
    String sequenceSql(Side side) {
        if (!integerKey) {
            return null;
        }
        String t = Sql.literal(table(side));
        String k = Sql.literal(columns.get(key[0]));
        return "SELECT setval(s, greatest(m, coalesce(pg_sequence_last_value(s::regclass), 1))) FROM (SELECT "
                + "pg_get_serial_sequence(" + t + ", " + k + ") s, (SELECT max(" + Sql.ident(columns.get(key[0]))
                + ")::bigint FROM " + table(side) + ") m) x WHERE s IS NOT NULL AND m IS NOT NULL";
    }
}
