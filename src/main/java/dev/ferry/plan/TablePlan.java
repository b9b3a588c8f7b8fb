package dev.ferry.plan;

import dev.ferry.rules.Rules;
import dev.ferry.stage.TableSync;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.ferry.db.Sql;
import dev.ferry.schema.Column;
import dev.ferry.schema.TableInfo;

/**
 * How one table is synced: the columns written, and every SQL statement of the read, the staging
 * writes, the apply and the verification. Pure: built from the two catalogues, checked before any
 * row is written.
 */
public final class TablePlan {

    private final TableSpec spec;
    private final TableInfo source;
    private final TableInfo target;
    private final List<Column> columns;
    private final List<String> warnings;
    private final java.util.Map<String, String> remapped;
    private final java.util.Map<String, Rules.Rule> rules;
    private final String filter;
    private final String secret;

    private TablePlan(TableSpec spec, TableInfo source, TableInfo target, List<Column> columns, List<String> warnings,
                      java.util.Map<String, String> remapped, java.util.Map<String, Rules.Rule> rules, String filter,
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
    public java.util.Map<String, Rules.Rule> rules() {
        return rules;
    }

    /**
     * This plan with columns whose values are rewritten through natural-key id maps: column name to the
     * table (route name) whose map rewrites it (the table itself for its own key).
     */
    public TablePlan remapping(java.util.Map<String, String> columnsToTables) {
        return new TablePlan(spec, source, target, columns, warnings, java.util.Map.copyOf(columnsToTables), rules, filter,
                secret);
    }

    /** Columns rewritten through id maps (column to the table whose map rewrites it); empty for most tables. */
    public java.util.Map<String, String> remapped() {
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
            if (!holds(tc.get().type(), sc.type())) {
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
        java.util.Map<String, Rules.Rule> rules;
        try {
            rules = Rules.parse(spec.rules());
        } catch (IllegalArgumentException e) {
            throw new PlanException("rules of " + t + ": " + e.getMessage());
        }
        checkRules(spec, t, source, target, columns, rules);
        return new TablePlan(spec, source, target, List.copyOf(columns), List.copyOf(warnings), java.util.Map.of(),
                java.util.Map.copyOf(rules), null, "");
    }

    private static void checkRules(TableSpec spec, String t, TableInfo source, TableInfo target, List<Column> columns,
                                   java.util.Map<String, Rules.Rule> rules) throws PlanException {
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

    private static final List<String> INTEGERS = List.of("smallint", "integer", "bigint", "numeric");
    private static final Pattern VARCHAR = Pattern.compile("character varying\\((\\d+)\\)");
    private static final Pattern NUMERIC = Pattern.compile("numeric\\(\\d+,\\d+\\)");

    /**
     * Whether a target column of type {@code target} holds every value of {@code source} with the same
     * text: the same type, or a widening (smallint to integer to bigint to numeric, varchar(n) to a longer
     * varchar or text, numeric(p,s) to numeric, real to double precision).
     */
    static boolean holds(String target, String source) {
        if (target.equals(source)) {
            return true;
        }
        int si = INTEGERS.indexOf(source);
        int ti = INTEGERS.indexOf(target);
        if (si >= 0 && ti > si) {
            return true;
        }
        var sv = VARCHAR.matcher(source);
        if (sv.matches() || source.equals("character varying")) {
            if (target.equals("text") || target.equals("character varying")) {
                return true;
            }
            var tv = VARCHAR.matcher(target);
            return sv.matches() && tv.matches() && Integer.parseInt(tv.group(1)) >= Integer.parseInt(sv.group(1));
        }
        if (source.equals("text") && target.equals("character varying")) {
            return true;
        }
        if (NUMERIC.matcher(source).matches() && target.equals("numeric")) {
            return true;
        }
        return source.equals("real") && target.equals("double precision");
    }

    public TableSpec spec() {
        return spec;
    }

    public TableInfo target() {
        return target;
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

    /** The source table's own rows (ONLY for an ordinary table: an inheritance child is a table of its own). */
    private String sourceTable() {
        return source.rows();
    }

    /** The source table's own rows, for reads (see {@link TableInfo#rows()}). */
    public String sourceRows() {
        return source.rows();
    }

    /** The target table's own rows, for reads, updates and deletes (see {@link TableInfo#rows()}). */
    public String targetRows() {
        return target.rows();
    }

    /**
     * incremental: whether an index of the source table starts with the cursor column (one boolean row);
     * without one every run scans the whole table to find the rows past the mark.
     */
    public String cursorIndexedSql() {
        return "SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                + "AND a.attnum = i.indkey[0] WHERE i.indrelid = " + Sql.literal(sourceTableName())
                + "::regclass AND a.attname = " + Sql.literal(spec.cursor()) + ")";
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
    private String sourceExpr(Column c, String ownerLiteral) {
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
    private String sourceFromWhere(List<String> conditions) {
        List<String> where = new ArrayList<>();
        if (filter != null) {
            where.add("(" + filter + ")");
        }
        where.addAll(conditions);
        return " FROM " + sourceTable() + " s" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where));
    }

    /**
     * The read's select list: every column as its text output (what pg_dump and COPY carry), so that
     * any type (enum, domain, array, range, money, interval, tsvector, ...) arrives exactly as it left.
     */
    private String textColumnList() {
        return columns.stream().map(c -> sourceExpr(c, null) + "::text AS " + field(c.name()))
                .collect(Collectors.joining(", "));
    }

    /** A value bound as text, converted by the column's own type input function. */
    private static String typed(String parameter, Column c) {
        return "CAST(" + parameter + " AS " + c.type() + ")";
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

    /** The source rows after a key given as {@link #keyText} in {@code parameter} (keyset order, index-friendly). */
    private String afterKeyCondition(String parameter) {
        List<String> key = spec.keyColumns();
        if (key.size() == 1) {
            return Sql.ident(key.get(0)) + " > CAST(" + parameter + " AS " + sourceType(key.get(0)) + ")";
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < key.size(); i++) {
            values.add("CAST(CAST(" + parameter + " AS jsonb) ->> " + i + " AS " + sourceType(key.get(i)) + ")");
        }
        return "(" + key.stream().map(Sql::ident).collect(Collectors.joining(", ")) + ") > ("
                + String.join(", ", values) + ")";
    }

    private String sourceType(String column) {
        return source.column(column).map(Column::type).orElseThrow();
    }

    /**
     * Rows left to read; {@code sinceWatermark}: only those whose cursor is past the high-water mark (the
     * last {@code ?}).
     */
    public String countSql(boolean resume, boolean sinceWatermark) {
        return "SELECT count(*)" + sourceFromWhere(readConditions(resume ? "?" : null, sinceWatermark ? "?" : null));
    }

    /**
     * incremental: the rows left to read and the source's high-water mark in one scan: count (of the rows
     * after the checkpoint and past the mark, the {@code ?}s as in {@link #countSql}) and max(cursor) as text.
     */
    public String countAndWatermarkSql(boolean resume, boolean sinceWatermark) {
        // only the rows past the mark are looked at (through an index on the cursor when there is one): the
        // new mark is their largest cursor (rows before a resumed run's checkpoint included), the count
        // those after the checkpoint
        List<String> afterKey = readConditions(resume ? "?" : null, null);
        return "SELECT count(*)" + (afterKey.isEmpty() ? "" : " FILTER (WHERE " + afterKey.get(0) + ")")
                + ", max(s." + Sql.ident(spec.cursor()) + ")::text"
                + sourceFromWhere(readConditions(null, sinceWatermark ? "?" : null));
    }

    /**
     * The read's conditions: after the checkpoint given by {@code afterKey} and past the high-water mark
     * given by {@code watermark} (each a parameter or literal; null leaves that condition out).
     */
    private List<String> readConditions(String afterKey, String watermark) {
        List<String> where = new ArrayList<>();
        if (afterKey != null) {
            where.add(afterKeyCondition(afterKey));
        }
        if (watermark != null) {
            where.add(watermarkCondition(watermark));
        }
        return where;
    }

    private String watermarkCondition(String parameter) {
        return Sql.ident(spec.cursor()) + " > CAST(" + parameter + " AS " + sourceType(spec.cursor()) + ")";
    }

    /** The key columns of the source, for COPY (incremental deletes compare key sets). */
    public String sourceKeysSql() {
        return "SELECT " + spec.keyColumns().stream().map(k -> "s." + Sql.ident(k)).collect(Collectors.joining(", "))
                + sourceFromWhere(List.of());
    }

    /** The table in the target's ferry schema that holds the source's keys (incremental deletes). */
    public String keySetTable() {
        return Sql.qualified("ferry", workTableName("keys_", target.schema(), target.name()));
    }

    /** Creates {@link #keySetTable()} with the key columns' types. */
    public String createKeySetSql() {
        return "CREATE UNLOGGED TABLE " + keySetTable() + " (" + spec.keyColumns().stream()
                .map(k -> Sql.ident(k) + " " + target.column(k).map(Column::type).orElseThrow())
                .collect(Collectors.joining(", ")) + ")";
    }

    /** {@code a.k1 = b.k1 AND ...} over the key columns. */
    public String keyJoin(String a, String b) {
        return spec.keyColumns().stream().map(k -> a + "." + Sql.ident(k) + " = " + b + "." + Sql.ident(k))
                .collect(Collectors.joining(" AND "));
    }

    /**
     * A row's hash (as text) over its written columns, for rows on the target's side (staging and the
     * target table, whose columns have the same types): the 64-bit hash of {@link #targetHashSql}, each column
     * hashed by its type's hash function, not the md5 of the row's text (2.5 times as costly). Equal hashes,
     * equal rows; this is what merge classifies by and ferry.row_hash stores.
     */
    public String rowHash(String alias) {
        return quickHash(columns.stream().map(c -> checksumTerm(c, alias + "." + Sql.ident(c.name())))) + "::text";
    }

    /**
     * The row hash Ferry stored before {@link #rowHash} (md5 of the row's text, 32 hex digits; a 64-bit
     * hash's text is at most 20 characters): compared only with hashes stored in that form.
     */
    public String legacyRowHash(String alias) {
        return "md5(ROW(" + columns.stream().map(c -> alias + "." + Sql.ident(c.name())).collect(Collectors.joining(", "))
                + ")::text)";
    }

    /** The written columns, quoted, comma-separated. */
    public String columnNames() {
        return columnList();
    }

    /** Column of the read that carries each row's key as text (never written). */
    public static final String KEY_FIELD = "ferry_row_key__";

    /**
     * The streaming read of writer sql (camel-sql, placeholders off: named parameters are {@code :?name});
     * each column is named by its place ({@link #field}), whatever its own name, so that every name binds;
     * {@code sinceWatermark}: only rows whose cursor is past the high-water mark.
     */
    public String selectSql(boolean resume, boolean sinceWatermark) {
        if (!keyed()) {
            return forCamelSql("SELECT " + textColumnList() + sourceFromWhere(List.of()));
        }
        List<String> where = readConditions(resume ? ":?" + TableSync.AFTER_KEY : null,
                sinceWatermark ? ":?" + TableSync.WATERMARK : null);
        // ORDER BY the columns themselves (s.id), not the text aliases the select list gives them
        return forCamelSql("SELECT " + textColumnList() + ", " + keyText("s") + " AS " + KEY_FIELD + sourceFromWhere(where)
                + " ORDER BY " + spec.keyColumns().stream().map(k -> "s." + Sql.ident(k)).collect(Collectors.joining(", ")));
    }

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
    public java.util.Map<String, Object> byName(java.util.Map<String, Object> row) {
        java.util.Map<String, Object> named = new java.util.LinkedHashMap<>();
        for (Column c : columns) {
            named.put(c.name(), row.get(field(c.name())));
        }
        if (row.containsKey(KEY_FIELD)) {
            named.put(KEY_FIELD, row.get(KEY_FIELD));
        }
        return named;
    }

    /**
     * A statement for camel-sql with placeholders off, which reads {@code :?name} as a parameter wherever it
     * is, inside a quoted identifier too: an identifier holding {@code :?} is written with a Unicode escape
     * for its colon ({@code U&"a\003A?b"}), the same identifier to PostgreSQL. Other text is left as it is.
     */
    static String forCamelSql(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0;
        while (i < sql.length()) {
            char ch = sql.charAt(i);
            if (ch == '\'') {
                boolean escapes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e');
                int j = i + 1;
                while (j < sql.length()) {
                    char cj = sql.charAt(j);
                    if (escapes && cj == '\\') {
                        j += 2;
                        continue;
                    }
                    if (cj == '\'') {
                        if (j + 1 < sql.length() && sql.charAt(j + 1) == '\'') {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                int end = Math.min(j + 1, sql.length());
                out.append(sql, i, end);
                i = end;
            } else if (ch == '"') {
                int j = i + 1;
                while (j < sql.length()) {
                    if (sql.charAt(j) == '"') {
                        if (j + 1 < sql.length() && sql.charAt(j + 1) == '"') {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                int end = Math.min(j + 1, sql.length());
                String body = sql.substring(i + 1, Math.max(i + 1, end - 1));
                if (body.contains(":?")) {
                    out.append("U&\"").append(body.replace("\\", "\\\\").replace(":", "\\003A")).append('"');
                } else {
                    out.append(sql, i, end);
                }
                i = end;
            } else {
                out.append(ch);
                i++;
            }
        }
        return out.toString();
    }

    /**
     * The COPY read (writer: copy): the columns as COPY writes them (each type's text output), the owner
     * column set to {@code ownerLiteral} in the SELECT itself, and the key as text last; the checkpoint and
     * watermark inlined as literals (COPY takes no parameters); {@code withHash}: the row's 64-bit hash
     * ({@link #sourceRowHash}) before the key, which merge compares with the target's ({@link #targetHashSql})
     * and a full read sums for the verification ({@link #checksumSql}).
     */
    public String copySelectSql(String afterKey, String watermark, String ownerLiteral, boolean withHash) {
        if (!keyed()) {
            return "SELECT " + selectList(ownerLiteral) + sourceFromWhere(List.of());
        }
        List<String> where = readConditions(afterKey == null ? null : Sql.literal(afterKey),
                watermark == null ? null : Sql.literal(watermark));
        if (withHash && rules.values().stream().anyMatch(r -> r.kind().equals("sql"))) {
            return hashedOnceSql(where, ownerLiteral);
        }
        String hash = withHash ? sourceRowHash(ownerLiteral) + " AS ferry_row_hash__, " : "";
        return "SELECT " + selectList(ownerLiteral) + ", " + hash + keyText("s") + " AS " + KEY_FIELD
                + sourceFromWhere(where) + orderByKey();
    }

    /**
     * The hashed COPY read when a sql(...) rule may be volatile (random(), now(), nextval()): each row's
     * values are computed once, in a subquery the planner keeps (OFFSET 0), and the hash is taken over
     * those values, so the checksum covers exactly what is written instead of a second evaluation.
     */
    private String hashedOnceSql(List<String> where, String ownerLiteral) {
        String row = "ferry_row__";
        String hash = quickHash(columns.stream().filter(c -> !remapped.containsKey(c.name()))
                .map(c -> checksumTerm(c, row + "." + Sql.ident(c.name()))));
        return "SELECT " + columns.stream().map(c -> row + "." + Sql.ident(c.name())).collect(Collectors.joining(", "))
                + ", " + hash + " AS ferry_row_hash__, " + row + "." + KEY_FIELD + " FROM (SELECT " + selectList(ownerLiteral)
                + ", " + keyText("s") + " AS " + KEY_FIELD + sourceFromWhere(where) + orderByKey() + " OFFSET 0) " + row;
    }

    /**
     * Merge's probe (writer copy, skipping unchanged rows): the row's hash and the key as text (as
     * {@link #copySelectSql} with hash gives them), in key order, after the checkpoint {@code afterKey}: no
     * column's text, so an unchanged table costs the two hash scans alone.
     */
    public String probeSql(String afterKey, String ownerLiteral) {
        List<String> where = readConditions(afterKey == null ? null : Sql.literal(afterKey), null);
        return "SELECT " + sourceRowHash(ownerLiteral) + ", " + keyText("s") + " AS " + KEY_FIELD + sourceFromWhere(where)
                + orderByKey();
    }

    /**
     * The COPY read of just these rows (their keys as text, in key order, as {@link #probeSql} gave them): the
     * rows a merge found changed or new. A single-column key is matched through its index.
     */
    public String copyChangedSql(List<String> keys, String ownerLiteral) {
        // one array literal (a single constant however many keys), each element quoted
        String array = Sql.literal("{" + keys.stream().map(k -> "\"" + k.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(",")) + "}");
        String condition;
        if (spec.keyColumns().size() == 1) {
            String k = spec.keyColumns().get(0);
            String type = columns.stream().filter(c -> c.name().equals(k)).findFirst().orElseThrow().type();
            condition = "s." + Sql.ident(k) + " = ANY (CAST(" + array + " AS " + type + "[]))";
        } else {
            condition = keyText("s") + " = ANY (CAST(" + array + " AS text[]))";
        }
        return "SELECT " + selectList(ownerLiteral) + ", " + keyText("s") + " AS " + KEY_FIELD
                + sourceFromWhere(List.of(condition)) + orderByKey();
    }

    /** The read's select list: each written column as it leaves the source (owner, rules), named as itself. */
    private String selectList(String ownerLiteral) {
        return columns.stream().map(c -> sourceExpr(c, ownerLiteral) + " AS " + Sql.ident(c.name()))
                .collect(Collectors.joining(", "));
    }

    /** The source row's 64-bit hash as the read carries it: the checksum's (natural-key columns left out). */
    private String sourceRowHash(String ownerLiteral) {
        return checksumRowHash(true, ownerLiteral);
    }

    /**
     * The checksum's 64-bit row hash, natural-key columns left out (ids rewritten through the map differ by
     * design): on the source side each column as the read carries it (owner, rules), on the target side
     * ({@code s}) as it is.
     */
    private String checksumRowHash(boolean sourceSide, String ownerLiteral) {
        return quickHash(columns.stream().filter(c -> !remapped.containsKey(c.name()))
                .map(c -> checksumTerm(c, sourceSide ? sourceExpr(c, ownerLiteral) : "s." + Sql.ident(c.name()))));
    }

    /** ORDER BY the key columns themselves (s.id), not their text. */
    private String orderByKey() {
        return " ORDER BY " + spec.keyColumns().stream().map(k -> "s." + Sql.ident(k)).collect(Collectors.joining(", "));
    }

    /**
     * The dry run's (key, row hash, past the mark) stream in key text order: the source side as the read would
     * carry it (owner, rules, filter), the target side as it is; the row hash the verification's (each column
     * by its type's hash, the same on both servers; natural-key columns left out, they differ by design).
     * {@code watermark}: incremental, the high-water mark (a row is read only when its cursor is past it);
     * null: every row is read.
     */
    public String hashSql(boolean sourceSide, String ownerLiteral, String watermark) {
        String hash = checksumRowHash(sourceSide, ownerLiteral) + "::text";
        String key = keyed() ? keyText("s") : hash; // no key: a row is known by its content
        String past = sourceSide && watermark != null ? "coalesce(s." + watermarkCondition(Sql.literal(watermark))
                + ", false)" : "true";
        return "SELECT " + key + " COLLATE \"C\", " + hash + ", " + past + (sourceSide ? sourceFromWhere(List.of())
                : " FROM " + targetRows() + " s") + " ORDER BY 1";
    }

    /**
     * {@code ferry verify}'s row stream for a merge or incremental table, in comparison-key text order (the
     * natural key where the table has one, whose ids differ by design, else the key): comparison key, the
     * checksum's row hash (as {@link #hashSql}), and the key as text (what dead letters, ferry.row_hash and
     * ferry.conflict store). The source side as the read would carry it (owner, rules, filter); the target
     * side with, when {@code ledger} (ferry.row_hash and ferry.conflict exist), whether the row changed since
     * Ferry wrote it (its stored hash differs from its hash in the stored hash's form, or none is stored, as
     * {@link Merge} tells) and whether ferry.conflict holds its key; without the ledger every row counts as
     * changed, none as a conflict.
     */
    public String verifyRowsSql(boolean sourceSide, String ownerLiteral, boolean ledger) {
        List<String> natural = spec.naturalKeyColumns();
        // (a natural key as a JSON array even of one column: a NULL in it still gives a key to order by)
        String compared = natural.isEmpty() ? keyText("s") : "jsonb_build_array(" + natural.stream()
                .map(k -> "s." + Sql.ident(k) + "::text").collect(Collectors.joining(", ")) + ")::text";
        String select = "SELECT " + compared + " COLLATE \"C\", " + checksumRowHash(sourceSide, ownerLiteral) + "::text, "
                + keyText("s");
        if (sourceSide) {
            return select + sourceFromWhere(List.of()) + " ORDER BY 1";
        }
        String table = Sql.literal(name());
        if (!ledger) {
            return select + ", true, false FROM " + targetRows() + " s ORDER BY 1";
        }
        return select + ", h.hash IS NULL OR h.hash <> CASE WHEN length(h.hash) = 32 THEN " + legacyRowHash("s")
                + " ELSE " + rowHash("s") + " END, EXISTS (SELECT 1 FROM ferry.conflict x WHERE x.table_name = " + table
                + " AND x.row_key = " + keyText("s") + ") FROM " + targetRows() + " s LEFT JOIN ferry.row_hash h ON "
                + "h.table_name = " + table + " AND h.row_key = " + keyText("s") + " ORDER BY 1";
    }

    /**
     * The target's (key as text, quick row hash) in key order, after the key {@code ?} when {@code after};
     * the same 64-bit hash as {@link #copySelectSql}'s, to skip unchanged rows while reading.
     */
    public String targetHashSql(boolean after) {
        return "SELECT " + keyText("t") + ", " + rowHash("t") + " FROM " + targetRows() + " t"
                + (after ? " WHERE " + afterKeyCondition("?") : "")
                + " ORDER BY " + spec.keyColumns().stream().map(k -> "t." + Sql.ident(k)).collect(Collectors.joining(", "));
    }

    /** The COPY into staging of rows in {@link #copySelectSql} order (less the key). */
    public String stagingCopySql() {
        return "COPY " + stagingTable() + " (" + columnList() + ") FROM STDIN";
    }

    /** The written columns' names, in order. */
    public List<String> columnNamesList() {
        return columns.stream().map(Column::name).toList();
    }

    /** The staging table: the written columns with the target's types, no constraints, unlogged. */
    public String createStagingSql() {
        return "CREATE UNLOGGED TABLE " + stagingTable() + " ("
                + columns.stream().map(c -> Sql.ident(c.name()) + " " + c.type()).collect(Collectors.joining(", "))
                + ")";
    }

    /**
     * The camel-sql batch insert of one batch of rows (placeholders off; each value the row map's
     * {@link #field}, as text).
     */
    public String stagingInsertSql() {
        return forCamelSql("INSERT INTO " + stagingTable() + " (" + columnList() + ") VALUES ("
                + columns.stream().map(c -> typed(":?" + field(c.name()), c)).collect(Collectors.joining(", ")) + ")");
    }

    /** The same insert with positional parameters, for plain JDBC (the dead-letter bisection). */
    public String stagingInsertJdbcSql() {
        return "INSERT INTO " + stagingTable() + " (" + columnList() + ") VALUES ("
                + columns.stream().map(c -> typed("?", c)).collect(Collectors.joining(", ")) + ")";
    }

    /** Copies staging into the real table inside the apply transaction. */
    public String insertFromStagingSql() {
        boolean identity = columns.stream().anyMatch(Column::identityAlways);
        return "INSERT INTO " + targetTable() + " (" + columnList() + ")"
                + (identity ? " OVERRIDING SYSTEM VALUE" : "")
                + " SELECT " + columnList() + " FROM " + stagingTable();
    }

    /** Moves every sequence the target's columns draw from past the largest copied value (never back). */
    public List<String> sequenceSql() {
        List<String> out = new ArrayList<>();
        for (TableInfo.SequenceUse use : target.sequences()) {
            if (columns.stream().anyMatch(c -> c.name().equals(use.column()))) {
                out.add(advanceSequenceSql(use, targetTable()));
            }
        }
        return out;
    }

    /** Sets a sequence past the largest value of its column in {@code table}, if that is ahead of it. */
    public static String advanceSequenceSql(TableInfo.SequenceUse use, String table) {
        return "SELECT setval(" + Sql.literal(use.sequence()) + "::regclass, m.v) FROM (SELECT max("
                + Sql.ident(use.column()) + ")::bigint AS v FROM " + table + ") m, " + use.sequence()
                + " s WHERE m.v IS NOT NULL AND m.v > (CASE WHEN s.is_called THEN s.last_value ELSE s.last_value - 1 END)";
    }

    /**
     * A row's 64-bit hash from its columns' terms ({@link #checksumTerm}): the columns hashed by their types'
     * own hash functions, no text conversion of the whole row (which costs 2.5 times as much), then mixed
     * once more: the record hash is linear in its columns' hashes, so without the mix values swapped
     * between two rows would leave a sum of row hashes unchanged.
     */
    private static String quickHash(java.util.stream.Stream<String> terms) {
        return "hashtextextended(hash_record_extended(ROW(" + terms.collect(Collectors.joining(", ")) + "), 0)::text, 0)";
    }

    /** Types whose hash is a function of the value alone, the same on any server (no collation, no text form). */
    private static final java.util.Set<String> HASHED_AS_IS = java.util.Set.of("smallint", "integer", "bigint",
            "boolean", "date", "timestamp without time zone", "timestamp with time zone", "uuid", "bytea");
    /** Text types, hashed byte for byte under COLLATE "C". */
    private static final Pattern TEXT_TYPE = Pattern.compile("text|character varying(\\(\\d+\\))?");

    /**
     * One column's term in the checksum's row: the value itself where its type hashes the same way on both
     * servers (and the source value has the target's type: the same column type, or a cast by the owner or
     * a rule), text under COLLATE "C" where it is text, else its text output (numeric, json, ranges, domains,
     * enums...: what pg_dump would carry).
     */
    private String checksumTerm(Column c, String expr) {
        String type = c.type();
        String element = type.endsWith("[]") ? type.substring(0, type.length() - 2) : type;
        // decided by the column alone, so that both sides hash it the same way
        Rules.Rule rule = rules.get(c.name());
        boolean cast = (spec.hasOwner() && c.name().equals(spec.ownerColumn())) || (rule != null && rule.covers());
        boolean sameType = cast || source.column(c.name()).map(Column::type).orElse("").equals(type);
        if (sameType && HASHED_AS_IS.contains(element)) {
            return expr;
        }
        if (sameType && TEXT_TYPE.matcher(element).matches()) {
            return expr + " COLLATE \"C\"";
        }
        return "(" + expr + ")::text COLLATE \"C\"";
    }

    /**
     * Row count and an order-independent checksum over every row of the table (each row hashed to 64 bits
     * column by column, see {@link #checksumTerm}, summed). On the source side the owner column is replaced by the owner's id, as the transform does.
     */
    public String checksumSql(boolean sourceSide, String ownerLiteral) {
        return checksumSql(sourceSide, ownerLiteral, false);
    }

    /**
     * As {@link #checksumSql(boolean, String)}; with {@code excludeKeys} the rows whose key (as text) is
     * in the array parameter {@code ?} are left out (the rows set aside as dead letters).
     */
    public String checksumSql(boolean sourceSide, String ownerLiteral, boolean excludeKeys) {
        List<String> where = excludeKeys && keyed() ? List.of("NOT (" + keyText("s") + " = ANY (?))") : List.of();
        return "SELECT count(*), coalesce(sum(" + checksumRowHash(sourceSide, ownerLiteral) + "), 0)"
                + (sourceSide ? sourceFromWhere(where) : " FROM " + targetRows() + " s"
                        + (where.isEmpty() ? "" : " WHERE " + where.get(0)));
        // (ids rewritten through natural-key maps differ by design: those columns are left out of the checksum,
        // and every rewritten value was resolved through the map or set aside)
    }

    private static String names(TableInfo table) {
        String all = table.columns().stream().map(Column::name).collect(Collectors.joining(", "));
        return all.length() > 120 ? all.substring(0, 117) + "..." : all;
    }
}
