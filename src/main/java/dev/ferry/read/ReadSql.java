package dev.ferry.read;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import dev.ferry.db.Sql;
import dev.ferry.plan.TablePlan;
import dev.ferry.schema.Column;
import dev.ferry.verify.RowHashSql;

/**
 * The read's SQL: what is read from the source (and the target's hashes read alongside), as pure functions of
 * a plan. Each column leaves the source as the plan says ({@link TablePlan#sourceExpr}: owner, rules), from the
 * rows the plan's filter selects, in key order, after the checkpoint and past the high-water mark.
 */
public final class ReadSql {

    private ReadSql() {
    }

    /**
     * The streaming read of writer sql (camel-sql, placeholders off: named parameters are {@code :?name});
     * each column is named by its place ({@link TablePlan#field}), whatever its own name, so that every name
     * binds. {@code afterKey}: the name of the parameter holding the checkpoint (null: from the start);
     * {@code watermark}: the name of the one holding the high-water mark (null: every row).
     */
    public static String select(TablePlan plan, String afterKey, String watermark) {
        if (!plan.keyed()) {
            return forCamelSql("SELECT " + textColumnList(plan) + plan.sourceFromWhere(List.of()));
        }
        List<String> where = readConditions(plan, afterKey == null ? null : ":?" + afterKey,
                watermark == null ? null : ":?" + watermark);
        // ORDER BY the columns themselves (s.id), not the text aliases the select list gives them
        return forCamelSql("SELECT " + textColumnList(plan) + ", " + plan.keyText("s") + " AS " + TablePlan.KEY_FIELD
                + plan.sourceFromWhere(where) + orderByKey(plan));
    }

    /**
     * The COPY read (writer: copy): the columns as COPY writes them (each type's text output), the owner
     * column set to {@code ownerLiteral} in the SELECT itself, and the key as text last; the checkpoint and
     * watermark inlined as literals (COPY takes no parameters); {@code withHash}: the row's 64-bit hash
     * ({@link RowHashSql#sourceRowHash}) before the key, which merge compares with the target's
     * ({@link #targetHashes}) and a full read sums for the verification ({@link RowHashSql#checksum}).
     */
    public static String copySelect(TablePlan plan, String afterKey, String watermark, String ownerLiteral,
                                    boolean withHash) {
        if (!plan.keyed()) {
            return "SELECT " + selectList(plan, ownerLiteral) + plan.sourceFromWhere(List.of());
        }
        List<String> where = readConditions(plan, afterKey == null ? null : Sql.literal(afterKey),
                watermark == null ? null : Sql.literal(watermark));
        return copyKeyed(plan, where, ownerLiteral, withHash);
    }

    /**
     * The COPY read of one key range of a split table ({@link KeyRanges}), as {@link #copySelect} gives a keyed
     * read without a watermark: the rows after {@code afterKey} (the range's lower bound, or its checkpoint; null:
     * from the first key) up to {@code upTo} included (null: to the last key), in key order.
     */
    public static String copyRange(TablePlan plan, String afterKey, String upTo, String ownerLiteral, boolean withHash) {
        return copyKeyed(plan, new ArrayList<>(keyRange(plan, afterKey, upTo)), ownerLiteral, withHash);
    }

    /**
     * The conditions of a key range: after {@code afterKey} and up to {@code upTo} included, each a key as
     * {@link TablePlan#keyText} gives it, inlined as a literal (null leaves that side open).
     */
    public static List<String> keyRange(TablePlan plan, String afterKey, String upTo) {
        List<String> where = new ArrayList<>();
        if (afterKey != null) {
            where.add(keyCondition(plan, ">", Sql.literal(afterKey)));
        }
        if (upTo != null) {
            where.add(keyCondition(plan, "<=", Sql.literal(upTo)));
        }
        return where;
    }

    private static String copyKeyed(TablePlan plan, List<String> where, String ownerLiteral, boolean withHash) {
        if (withHash && plan.rules().values().stream().anyMatch(r -> r.kind().equals("sql"))) {
            return hashedOnce(plan, where, ownerLiteral);
        }
        String hash = withHash ? RowHashSql.sourceRowHash(plan, ownerLiteral) + " AS ferry_row_hash__, " : "";
        return "SELECT " + selectList(plan, ownerLiteral) + ", " + hash + plan.keyText("s") + " AS " + TablePlan.KEY_FIELD
                + plan.sourceFromWhere(where) + orderByKey(plan);
    }

    /**
     * The hashed COPY read when a sql(...) rule may be volatile (random(), now(), nextval()): each row's
     * values are computed once, in a subquery the planner keeps (OFFSET 0), and the hash is taken over
     * those values, so the checksum covers exactly what is written instead of a second evaluation.
     */
    private static String hashedOnce(TablePlan plan, List<String> where, String ownerLiteral) {
        String row = "ferry_row__";
        return "SELECT " + plan.columns().stream().map(c -> row + "." + Sql.ident(c.name())).collect(Collectors.joining(", "))
                + ", " + RowHashSql.rowHashOf(plan, row) + " AS ferry_row_hash__, " + row + "." + TablePlan.KEY_FIELD
                + " FROM (SELECT " + selectList(plan, ownerLiteral) + ", " + plan.keyText("s") + " AS " + TablePlan.KEY_FIELD
                + plan.sourceFromWhere(where) + orderByKey(plan) + " OFFSET 0) " + row;
    }

    /**
     * Merge's probe (writer copy, skipping unchanged rows): the row's hash and the key as text (as
     * {@link #copySelect} with hash gives them), in key order, after the checkpoint {@code afterKey}: no
     * column's text, so an unchanged table costs the two hash scans alone.
     */
    public static String probe(TablePlan plan, String afterKey, String ownerLiteral) {
        List<String> where = readConditions(plan, afterKey == null ? null : Sql.literal(afterKey), null);
        return "SELECT " + RowHashSql.sourceRowHash(plan, ownerLiteral) + ", " + plan.keyText("s") + " AS "
                + TablePlan.KEY_FIELD + plan.sourceFromWhere(where) + orderByKey(plan);
    }

    /**
     * The COPY read of just these rows (their keys as text, in key order, as {@link #probe} gave them): the
     * rows a merge found changed or new. A single-column key is matched through its index.
     */
    public static String copyChanged(TablePlan plan, List<String> keys, String ownerLiteral) {
        // one array literal (a single constant however many keys), each element quoted
        String array = Sql.literal("{" + keys.stream().map(k -> "\"" + k.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(",")) + "}");
        List<String> key = plan.spec().keyColumns();
        String condition;
        if (key.size() == 1) {
            String type = plan.columns().stream().filter(c -> c.name().equals(key.get(0))).findFirst().orElseThrow().type();
            condition = "s." + Sql.ident(key.get(0)) + " = ANY (CAST(" + array + " AS " + type + "[]))";
        } else {
            condition = plan.keyText("s") + " = ANY (CAST(" + array + " AS text[]))";
        }
        return "SELECT " + selectList(plan, ownerLiteral) + ", " + plan.keyText("s") + " AS " + TablePlan.KEY_FIELD
                + plan.sourceFromWhere(List.of(condition)) + orderByKey(plan);
    }

    /**
     * Rows left to read; {@code sinceWatermark}: only those whose cursor is past the high-water mark (the
     * last {@code ?}).
     */
    public static String count(TablePlan plan, boolean resume, boolean sinceWatermark) {
        return "SELECT count(*)" + plan.sourceFromWhere(readConditions(plan, resume ? "?" : null,
                sinceWatermark ? "?" : null));
    }

    /**
     * incremental: the rows left to read and the source's high-water mark in one scan: count (of the rows
     * after the checkpoint and past the mark, the {@code ?}s as in {@link #count}) and max(cursor) as text.
     */
    public static String countAndWatermark(TablePlan plan, boolean resume, boolean sinceWatermark) {
        // only the rows past the mark are looked at (through an index on the cursor when there is one): the
        // new mark is their largest cursor (rows before a resumed run's checkpoint included), the count
        // those after the checkpoint
        List<String> afterKey = readConditions(plan, resume ? "?" : null, null);
        return "SELECT count(*)" + (afterKey.isEmpty() ? "" : " FILTER (WHERE " + afterKey.get(0) + ")")
                + ", max(s." + Sql.ident(plan.spec().cursor()) + ")::text"
                + plan.sourceFromWhere(readConditions(plan, null, sinceWatermark ? "?" : null));
    }

    /**
     * incremental: whether an index of the source table starts with the cursor column (one boolean row);
     * without one every run scans the whole table to find the rows past the mark.
     */
    public static String cursorIndexed(TablePlan plan) {
        return "SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                + "AND a.attnum = i.indkey[0] WHERE i.indrelid = " + Sql.literal(plan.sourceTableName())
                + "::regclass AND a.attname = " + Sql.literal(plan.spec().cursor()) + ")";
    }

    /** The key columns of the source, for COPY (incremental deletes compare key sets). */
    public static String sourceKeys(TablePlan plan) {
        return "SELECT " + keyColumns(plan, "s") + plan.sourceFromWhere(List.of());
    }

    /** Creates {@link TablePlan#keySetTable()} with the key columns' types. */
    public static String createKeySet(TablePlan plan) {
        return "CREATE UNLOGGED TABLE " + plan.keySetTable() + " (" + plan.spec().keyColumns().stream()
                .map(k -> Sql.ident(k) + " " + plan.target().column(k).map(Column::type).orElseThrow())
                .collect(Collectors.joining(", ")) + ")";
    }

    /**
     * The target's (key as text, quick row hash) in key order, after the key {@code ?} when {@code after};
     * the same 64-bit hash as {@link #copySelect}'s, to skip unchanged rows while reading.
     */
    public static String targetHashes(TablePlan plan, boolean after) {
        return "SELECT " + plan.keyText("t") + ", " + RowHashSql.rowHash(plan, "t") + " FROM " + plan.targetRows() + " t"
                + (after ? " WHERE " + afterKeyCondition(plan, "?") : "") + " ORDER BY " + keyColumns(plan, "t");
    }

    /**
     * The dry run's (key, row hash, past the mark) stream in key text order: the source side as the read would
     * carry it (owner, rules, filter), the target side as it is; the row hash the verification's (each column
     * by its type's hash, the same on both servers; natural-key columns left out, they differ by design).
     * {@code watermark}: incremental, the high-water mark (a row is read only when its cursor is past it);
     * null: every row is read.
     */
    public static String hashes(TablePlan plan, boolean sourceSide, String ownerLiteral, String watermark) {
        String hash = (sourceSide ? RowHashSql.sourceRowHash(plan, ownerLiteral) : RowHashSql.rowHashOf(plan, "s"))
                + "::text";
        String key = plan.keyed() ? plan.keyText("s") : hash; // no key: a row is known by its content
        String past = sourceSide && watermark != null ? "coalesce(s." + watermarkCondition(plan, Sql.literal(watermark))
                + ", false)" : "true";
        return "SELECT " + key + " COLLATE \"C\", " + hash + ", " + past + (sourceSide ? plan.sourceFromWhere(List.of())
                : " FROM " + plan.targetRows() + " s") + " ORDER BY 1";
    }

    /** The read's select list: each written column as it leaves the source (owner, rules), named as itself. */
    private static String selectList(TablePlan plan, String ownerLiteral) {
        return plan.columns().stream().map(c -> plan.sourceExpr(c, ownerLiteral) + " AS " + Sql.ident(c.name()))
                .collect(Collectors.joining(", "));
    }

    /**
     * The camel-sql read's select list: every column as its text output (what pg_dump and COPY carry), so that
     * any type (enum, domain, array, range, money, interval, tsvector, ...) arrives exactly as it left.
     */
    private static String textColumnList(TablePlan plan) {
        return plan.columns().stream().map(c -> plan.sourceExpr(c, null) + "::text AS " + plan.field(c.name()))
                .collect(Collectors.joining(", "));
    }

    /** ORDER BY the key columns themselves (s.id), not their text. */
    private static String orderByKey(TablePlan plan) {
        return " ORDER BY " + keyColumns(plan, "s");
    }

    private static String keyColumns(TablePlan plan, String alias) {
        return plan.spec().keyColumns().stream().map(k -> alias + "." + Sql.ident(k)).collect(Collectors.joining(", "));
    }

    /**
     * The read's conditions: after the checkpoint given by {@code afterKey} and past the high-water mark
     * given by {@code watermark} (each a parameter or literal; null leaves that condition out).
     */
    private static List<String> readConditions(TablePlan plan, String afterKey, String watermark) {
        List<String> where = new ArrayList<>();
        if (afterKey != null) {
            where.add(afterKeyCondition(plan, afterKey));
        }
        if (watermark != null) {
            where.add(watermarkCondition(plan, watermark));
        }
        return where;
    }

    /** The rows after a key given as {@link TablePlan#keyText} in {@code parameter} (keyset order, index-friendly). */
    private static String afterKeyCondition(TablePlan plan, String parameter) {
        return keyCondition(plan, ">", parameter);
    }

    /** The key compared ({@code operator}: {@code >}, {@code <=}) with a key given as {@link TablePlan#keyText}. */
    private static String keyCondition(TablePlan plan, String operator, String parameter) {
        List<String> key = plan.spec().keyColumns();
        if (key.size() == 1) {
            return Sql.ident(key.get(0)) + " " + operator + " CAST(" + parameter + " AS " + sourceType(plan, key.get(0)) + ")";
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < key.size(); i++) {
            values.add("CAST(CAST(" + parameter + " AS jsonb) ->> " + i + " AS " + sourceType(plan, key.get(i)) + ")");
        }
        return "(" + key.stream().map(Sql::ident).collect(Collectors.joining(", ")) + ") " + operator + " ("
                + String.join(", ", values) + ")";
    }

    private static String watermarkCondition(TablePlan plan, String parameter) {
        String cursor = plan.spec().cursor();
        return Sql.ident(cursor) + " > CAST(" + parameter + " AS " + sourceType(plan, cursor) + ")";
    }

    private static String sourceType(TablePlan plan, String column) {
        return plan.source().column(column).map(Column::type).orElseThrow();
    }

    /**
     * A statement for camel-sql with placeholders off, which reads {@code :?name} as a parameter wherever it
     * is, inside a quoted identifier too: an identifier holding {@code :?} is written with a Unicode escape
     * for its colon ({@code U&"a\003A?b"}), the same identifier to PostgreSQL. Other text is left as it is.
     */
    public static String forCamelSql(String sql) {
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
}
