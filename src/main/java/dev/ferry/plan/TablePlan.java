package dev.ferry.plan;

import dev.ferry.rules.Rules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.ferry.db.Sql;
import dev.ferry.schema.Column;
import dev.ferry.schema.TableInfo;

/**
 * How one table is synced: the columns written, the key, the owner and rules, the source rows read, and the
 * names of the tables Ferry keeps for it. Pure: built from the two catalogues, checked before any row is
 * written. The statements built from a plan are in the builders of each stage ({@code read.ReadSql},
 * {@code stage.StagingSql}, {@code apply.MergeSql}, {@code verify.RowHashSql}); the plan gives them its terms:
 * a column's value as it leaves the source ({@link #sourceExpr}), the rows read ({@link #sourceFromWhere}),
 * the key as text ({@link #keyText}).
 */
public final class TablePlan {

    private final TableSpec spec;
    private final TableInfo source;
    private final TableInfo target;
    private final List<Column> columns;
    private final List<String> warnings;
    private final Map<String, String> remapped;
    private final Map<String, Rules.Rule> rules;
    private final String filter;
    private final String secret;

    private TablePlan(TableSpec spec, TableInfo source, TableInfo target, List<Column> columns, List<String> warnings,
                      Map<String, String> remapped, Map<String, Rules.Rule> rules, String filter,
                      String secret) {
        this.spec = spec;
        this.source = source;
        this.target = target;
        this.columns = columns;
        this.warnings = warnings;
        this.remapped = remapped;
        this.rules = rules;
        this.filter = filter;
        this.secret = secret;
    }

    /**
     * This plan reading only the source rows that match {@code filter} (an SQL condition on the source
     * row aliased {@code s}; null for every row), with the rules' HMAC keyed by {@code secret}.
     */
    public TablePlan reading(String filter, String secret) {
        return new TablePlan(spec, source, target, columns, warnings, remapped, rules, filter, secret);
    }

    /** The source condition the read applies (where, limit, percent, parents), or null for every row. */
    public String filter() {
        return filter;
    }

    /** The data rules by column (empty: every value as it is). */
    public Map<String, Rules.Rule> rules() {
        return rules;
    }

    /**
     * This plan with columns whose values are rewritten through natural-key id maps: column name to the
     * table (route name) whose map rewrites it (the table itself for its own key).
     */
    public TablePlan remapping(Map<String, String> columnsToTables) {
        return new TablePlan(spec, source, target, columns, warnings, Map.copyOf(columnsToTables), rules, filter,
                secret);
    }

    /** Columns rewritten through id maps (column to the table whose map rewrites it); empty for most tables. */
    public Map<String, String> remapped() {
        return remapped;
    }

    /** Checks the two definitions against the spec and builds the plan, or says what is wrong. */
    public static TablePlan of(TableSpec spec, Optional<TableInfo> sourceInfo, Optional<TableInfo> targetInfo)
            throws PlanException {
        String t = spec.table();
        TableInfo source = sourceInfo.orElseThrow(() -> new PlanException(
                "table " + t + " does not exist in the source database: fix the table name in its route file"));
        TableInfo target = targetInfo.orElseThrow(() -> new PlanException(
                "table " + t + " does not exist in the target database: create it (for example from "
                        + "pg_dump --schema-only -t " + t + " of the source) and run again"));
        List<Column> columns = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Column sc : source.columns()) {
            Optional<Column> tc = target.column(sc.name());
            if (tc.isEmpty() && spec.strict()) {
                throw new PlanException("column " + t + "." + sc.name() + " exists only in the source and the table is "
                        + "strict: add the column to the target (or set strict: false to skip it) and run again");
            }
            if (tc.isEmpty()) {
                warnings.add("column " + t + "." + sc.name() + " exists only in the source: not copied");
                continue;
            }
            if (tc.get().generated()) {
                continue; // the target computes it
            }
            if (!TypeWidening.holds(tc.get().type(), sc.type())) {
                throw new PlanException("column " + t + "." + sc.name() + " is " + sc.type() + " in the source but "
                        + tc.get().type() + " in the target, which cannot hold every value of it: align the target's "
                        + "column type and run again");
            }
            columns.add(tc.get());
        }
        if (columns.isEmpty()) {
            throw new Hazards.Hazard(t + ": the source and target tables share no column (source: " + names(source)
                    + "; target: " + names(target) + "), so every row would be rejected: align the target's columns "
                    + "with the source's (pg_dump --schema-only -t " + t + ") or fix 'table' in its route file");
        }
        List<String> key = spec.keyColumns();
        String pkText = source.primaryKey().isEmpty() ? "none" : String.join(", ", source.primaryKey());
        for (String k : key) {
            Optional<Column> sc = source.column(k);
            if (sc.isEmpty() || columns.stream().noneMatch(c -> c.name().equals(k))) {
                throw new PlanException("key column " + t + "." + k + " is not a column of both databases: set 'key' in "
                        + "the table's route file to its primary key (source primary key: " + pkText + ")");
            }
            if (!sc.get().notNull()) {
                throw new PlanException("key column " + t + "." + k + " may be NULL in the source: the key orders the "
                        + "read and marks the checkpoint, so every key column must be NOT NULL; set 'key' to the primary "
                        + "key (" + pkText + ") or to \"\" for a table without one");
            }
        }
        if (!key.isEmpty() && !source.isUnique(key)) {
            throw new PlanException("key (" + String.join(", ", key) + ") of " + t + " is not unique in the source "
                    + "(no primary key or unique index on those columns; primary key: " + pkText + "): set 'key' to the "
                    + "primary key or a unique key, or to \"\" to sync the table without one (full refresh only)");
        }
        if (key.isEmpty()) {
            warnings.add("table " + t + " has no key: it is synced by full refresh only, and an interrupted run "
                    + "stages it again from the start");
        }
        checkMode(spec, t, columns, target);
        if (spec.hasOwner() && columns.stream().noneMatch(c -> c.name().equals(spec.ownerColumn()))) {
            throw new PlanException("owner column " + t + "." + spec.ownerColumn()
                    + " is not a column of both databases: fix 'ownerColumn' in the table's route file");
        }
        Map<String, Rules.Rule> rules;
        try {
            rules = Rules.parse(spec.rules());
        } catch (IllegalArgumentException e) {
            throw new PlanException("rules of " + t + ": " + e.getMessage());
        }
        checkRules(spec, t, source, target, columns, rules);
        return new TablePlan(spec, source, target, List.copyOf(columns), List.copyOf(warnings), Map.of(),
                Map.copyOf(rules), null, "");
    }

    private static void checkRules(TableSpec spec, String t, TableInfo source, TableInfo target, List<Column> columns,
                                   Map<String, Rules.Rule> rules) throws PlanException {
        for (var rule : rules.entrySet()) {
            String c = rule.getKey();
            if (source.column(c).isEmpty()) {
                throw new PlanException("rules of " + t + " name column " + c + ", which the source table does not have");
            }
            if (spec.hasOwner() && c.equals(spec.ownerColumn())) {
                throw new PlanException("column " + t + "." + c + " is the owner column and has a rule: drop one of them");
            }
            if (spec.keyColumns().contains(c) && rule.getValue().covers()) {
                throw new PlanException("column " + t + "." + c + " is part of the key and cannot take the rule "
                        + rule.getValue() + ": the key orders the read and marks the checkpoint");
            }
            if (!rule.getValue().keepsUnique() && target.uniqueKeys().stream().anyMatch(k -> k.contains(c))) {
                throw new PlanException("column " + t + "." + c + " is unique in the target but the rule " + rule.getValue()
                        + " may give two rows the same value: use email or hash (unique as their input), or drop the "
                        + "unique index in development");
            }
        }
        if (spec.strict()) {
            for (Column c : source.columns()) {
                if (!rules.containsKey(c.name()) && !spec.keyColumns().contains(c.name())
                        && !(spec.hasOwner() && c.name().equals(spec.ownerColumn())) && !c.generated()) {
                    throw new PlanException("column " + t + "." + c.name() + " has no rule and the table is strict: "
                            + "add one to its route file ('" + c.name() + ": keep' if it may leave production as it is)");
                }
            }
        }
    }

    private static void checkMode(TableSpec spec, String t, List<Column> columns, TableInfo target) throws PlanException {
        java.util.function.Predicate<String> written = n -> columns.stream().anyMatch(c -> c.name().equals(n));
        if (spec.mode().upsertsByKey() && spec.keyColumns().isEmpty()) {
            throw new PlanException("table " + t + " has no key, so it can only be synced in full mode (mode: full); "
                    + "its route says mode: " + spec.mode());
        }
        if (spec.mode().isIncremental() && (spec.cursor().isBlank() || !written.test(spec.cursor()))) {
            throw new PlanException("table " + t + " is incremental but its cursor column '" + spec.cursor() + "' is not "
                    + "a column of both databases: set 'cursor' in its route file to a column that grows when a row "
                    + "changes (updated_at)");
        }
        if (spec.mode().upsertsByKey() && spec.conflict() == TableSpec.Conflict.NEWEST_WINS
                && (spec.newestColumnOrCursor().isBlank() || !written.test(spec.newestColumnOrCursor()))) {
            throw new PlanException("table " + t + " resolves conflicts by newestWins but '" + spec.newestColumnOrCursor()
                    + "' is not a column of both databases: set 'newestColumn' in its route file");
        }
        for (String n : spec.naturalKeyColumns()) {
            if (!written.test(n)) {
                throw new PlanException("natural key column " + t + "." + n + " is not a column of both databases: fix "
                        + "'naturalKey' in the table's route file");
            }
        }
        if (!spec.naturalKeyColumns().isEmpty()) {
            if (spec.keyColumns().size() != 1) {
                throw new PlanException("table " + t + " has a natural key, so its key must be one id column (the one "
                        + "remapped); it is (" + String.join(", ", spec.keyColumns()) + ")");
            }
            if (!target.isUnique(spec.naturalKeyColumns())) {
                throw new PlanException("natural key (" + String.join(", ", spec.naturalKeyColumns()) + ") of " + t
                        + " is not unique in the target: add a unique index on it there, so that each source row "
                        + "matches at most one target row");
            }
            if (!spec.newIds().equals("target") && !spec.newIds().equals("source")) {
                throw new PlanException("newIds of " + t + " is '" + spec.newIds() + "': use target or source");
            }
            if (spec.newIds().equals("target") && target.sequences().stream()
                    .noneMatch(u -> u.column().equals(spec.keyColumns().get(0)))) {
                throw new PlanException("table " + t + " gives new rows the target's next id (newIds: target), but "
                        + "its key " + spec.keyColumns().get(0) + " draws from no sequence in the target: use newIds: "
                        + "source, or give the column a sequence or identity");
            }
        }
    }

    public TableSpec spec() {
        return spec;
    }

    public TableInfo target() {
        return target;
    }

    /** The source table as the catalogue describes it. */
    public TableInfo source() {
        return source;
    }

    /** The source table's schema. */
    public String sourceSchema() {
        return source.schema();
    }

    /** The source table's name. */
    public String sourceName() {
        return source.name();
    }

    public List<Column> columns() {
        return columns;
    }

    public List<String> warnings() {
        return warnings;
    }

    /** The table's name as the route knows it. */
    public String name() {
        return spec.table();
    }

    /** The staging table in the target's {@code ferry} schema. */
    public String stagingTable() {
        return Sql.qualified("ferry", stagingName());
    }

    /** The staging table's own name (unquoted): see {@link #workTableName}. */
    public String stagingName() {
        return workTableName("stage_", target.schema(), target.name());
    }

    /** Longest name PostgreSQL keeps (NAMEDATALEN - 1 bytes); a longer one is cut, silently. */
    private static final int NAME_BYTES = 63;

    /**
     * The name of a table Ferry keeps in the target's ferry schema for the target table
     * {@code schema.name}: {@code prefix}, then schema_name cut to fit (readable), then a hash of the exact
     * schema and name. The hash tells apart names the readable part confuses (public.a_b and public_a.b,
     * names sharing their first 50 characters, which PostgreSQL would cut to one), and is the same on
     * every run, so that an interrupted run finds its staging again.
     */
    public static String workTableName(String prefix, String schema, String name) {
        String hash;
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest((schema + "\0" + name).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            hash = java.util.HexFormat.of().formatHex(digest, 0, 5); // 40 bits
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        int room = NAME_BYTES - prefix.length() - 1 - hash.length();
        StringBuilder readable = new StringBuilder();
        int bytes = 0;
        for (int cp : (schema + "_" + name).codePoints().toArray()) {
            String ch = new String(Character.toChars(cp));
            int n = ch.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (bytes + n > room) {
                break;
            }
            readable.append(ch);
            bytes += n;
        }
        return prefix + readable + "_" + hash;
    }

    /** Identifies what staging holds: same columns, types and owner means staged rows can be resumed. */
    public String fingerprint(Object ownerId) {
        return columns.stream().map(c -> c.name() + ":" + c.type()).collect(Collectors.joining(","))
                + "|key=" + String.join(",", spec.keyColumns()) + "|mode=" + spec.mode() + "|owner=" + (spec.hasOwner() ? spec.ownerColumn() + "=" + ownerId : "");
    }

    /** The source table's own rows, for reads (see {@link TableInfo#rows()}). */
    public String sourceRows() {
        return source.rows();
    }

    /** The target table's own rows, for reads, updates and deletes (see {@link TableInfo#rows()}). */
    public String targetRows() {
        return target.rows();
    }

    /** The source table, schema-qualified and quoted. */
    public String sourceTableName() {
        return Sql.qualified(source.schema(), source.name());
    }

    /** The target table, schema-qualified and quoted. */
    public String targetTable() {
        return Sql.qualified(target.schema(), target.name());
    }

    /**
     * The value a column takes on the way out of the source, as an SQL expression over the source row
     * {@code s}: the owner's id ({@code ownerLiteral}, when given), the column's rule, or the column itself.
     */
    public String sourceExpr(Column c, String ownerLiteral) {
        if (ownerLiteral != null && spec.hasOwner() && c.name().equals(spec.ownerColumn())) {
            return "CAST(" + ownerLiteral + " AS " + c.type() + ")";
        }
        Rules.Rule rule = rules.get(c.name());
        if (rule != null && rule.covers()) {
            return "CAST(" + Rules.expression(rule, "s", c.name(), secret) + " AS " + c.type() + ")";
        }
        return "s." + Sql.ident(c.name());
    }

    /** FROM the source's own rows, aliased s, with the plan's filter and these conditions. */
    public String sourceFromWhere(List<String> conditions) {
        List<String> where = new ArrayList<>();
        if (filter != null) {
            where.add("(" + filter + ")");
        }
        where.addAll(conditions);
        return " FROM " + source.rows() + " s" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where));
    }

    private String columnList() {
        return columns.stream().map(c -> Sql.ident(c.name())).collect(Collectors.joining(", "));
    }

    /** Whether the table has a key (and so a checkpoint to resume from). */
    public boolean keyed() {
        return !spec.keyColumns().isEmpty();
    }

    /**
     * The key of a row as text, the same on both sides: {@code k::text} for one column, a JSON array of
     * the columns' texts for several. It is the checkpoint and the dead letters' row key. Null without a key.
     */
    public String keyText(String alias) {
        List<String> key = spec.keyColumns();
        if (key.isEmpty()) {
            return null;
        }
        String prefix = alias == null ? "" : alias + ".";
        if (key.size() == 1) {
            return prefix + Sql.ident(key.get(0)) + "::text";
        }
        return "jsonb_build_array(" + key.stream().map(k -> prefix + Sql.ident(k) + "::text")
                .collect(Collectors.joining(", ")) + ")::text";
    }

    /** The table in the target's ferry schema that holds the source's keys (incremental deletes). */
    public String keySetTable() {
        return Sql.qualified("ferry", workTableName("keys_", target.schema(), target.name()));
    }

    /** {@code a.k1 = b.k1 AND ...} over the key columns. */
    public String keyJoin(String a, String b) {
        return spec.keyColumns().stream().map(k -> a + "." + Sql.ident(k) + " = " + b + "." + Sql.ident(k))
                .collect(Collectors.joining(" AND "));
    }

    /** The written columns, quoted, comma-separated. */
    public String columnNames() {
        return columnList();
    }

    /** Column of the read that carries each row's key as text (never written). */
    public static final String KEY_FIELD = "ferry_row_key__";

    /**
     * The name a column's value has in a row of writer sql (a row map, and the insert's named parameter):
     * {@code c1}, {@code c2}, ... by its place among the written columns, so that a column named
     * {@code "column_with_punctuation?"}, or two whose names differ only in case, bind all the same.
     */
    public String field(String column) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(column)) {
                return "c" + (i + 1);
            }
        }
        throw new IllegalArgumentException("no written column " + column);
    }

    /** A row of writer sql (values by {@link #field}) by its columns' own names, for the dead-letter store. */
    public Map<String, Object> byName(Map<String, Object> row) {
        Map<String, Object> named = new java.util.LinkedHashMap<>();
        for (Column c : columns) {
            named.put(c.name(), row.get(field(c.name())));
        }
        if (row.containsKey(KEY_FIELD)) {
            named.put(KEY_FIELD, row.get(KEY_FIELD));
        }
        return named;
    }

    /** The written columns' names, in order. */
    public List<String> columnNamesList() {
        return columns.stream().map(Column::name).toList();
    }

    /** Sets a sequence past the largest value of its column in {@code table}, if that is ahead of it. */
    public static String advanceSequenceSql(TableInfo.SequenceUse use, String table) {
        return "SELECT setval(" + Sql.literal(use.sequence()) + "::regclass, m.v) FROM (SELECT max("
                + Sql.ident(use.column()) + ")::bigint AS v FROM " + table + ") m, " + use.sequence()
                + " s WHERE m.v IS NOT NULL AND m.v > (CASE WHEN s.is_called THEN s.last_value ELSE s.last_value - 1 END)";
    }

    private static String names(TableInfo table) {
        String all = table.columns().stream().map(Column::name).collect(Collectors.joining(", "));
        return all.length() > 120 ? all.substring(0, 117) + "..." : all;
    }
}
