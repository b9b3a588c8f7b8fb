package dev.ferry.verify;

import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.ferry.db.Sql;
import dev.ferry.plan.TablePlan;
import dev.ferry.rules.Rules;
import dev.ferry.schema.Column;

/**
 * The row hash as SQL text, and the statements of the verification built on it: a row's 64-bit hash from its
 * columns, each hashed by its type's own hash function (the same on both servers), what merge classifies by,
 * ferry.row_hash stores, a full read sums and {@code ferry verify} compares. Pure functions of a plan.
 */
public final class RowHashSql {

    /** Types whose hash is a function of the value alone, the same on any server (no collation, no text form). */
    private static final Set<String> HASHED_AS_IS = Set.of("smallint", "integer", "bigint",
            "boolean", "date", "timestamp without time zone", "timestamp with time zone", "uuid", "bytea");
    /** Text types, hashed byte for byte under COLLATE "C". */
    private static final Pattern TEXT_TYPE = Pattern.compile("text|character varying(\\(\\d+\\))?");

    private RowHashSql() {
    }

    /**
     * A row's hash (as text) over its written columns, for rows on the target's side (staging and the
     * target table, whose columns have the same types): the 64-bit hash of the read's target hashes, each column
     * hashed by its type's hash function, not the md5 of the row's text (2.5 times as costly). Equal hashes,
     * equal rows; this is what merge classifies by and ferry.row_hash stores.
     */
    public static String rowHash(TablePlan plan, String alias) {
        return quickHash(plan.columns().stream().map(c -> checksumTerm(plan, c, alias + "." + Sql.ident(c.name()))))
                + "::text";
    }

    /**
     * The row hash Ferry stored before {@link #rowHash} (md5 of the row's text, 32 hex digits; a 64-bit
     * hash's text is at most 20 characters): compared only with hashes stored in that form.
     */
    public static String legacyRowHash(TablePlan plan, String alias) {
        return "md5(ROW(" + plan.columns().stream().map(c -> alias + "." + Sql.ident(c.name()))
                .collect(Collectors.joining(", ")) + ")::text)";
    }

    /** The source row's 64-bit hash as the read carries it (each column as it leaves the source: owner, rules). */
    public static String sourceRowHash(TablePlan plan, String ownerLiteral) {
        return checksumRowHash(plan, c -> plan.sourceExpr(c, ownerLiteral));
    }

    /** The checksum's 64-bit hash of the row {@code alias} as it is (target side, or values computed once). */
    public static String rowHashOf(TablePlan plan, String alias) {
        return checksumRowHash(plan, c -> alias + "." + Sql.ident(c.name()));
    }

    /**
     * The checksum's 64-bit row hash, natural-key columns left out (ids rewritten through the map differ by
     * design): on the source side each column as the read carries it (owner, rules), on the target side
     * ({@code s}) as it is.
     */
    private static String checksumRowHash(TablePlan plan, boolean sourceSide, String ownerLiteral) {
        return sourceSide ? sourceRowHash(plan, ownerLiteral) : rowHashOf(plan, "s");
    }

    private static String checksumRowHash(TablePlan plan, Function<Column, String> expr) {
        return quickHash(plan.columns().stream().filter(c -> !plan.remapped().containsKey(c.name()))
                .map(c -> checksumTerm(plan, c, expr.apply(c))));
    }

    /**
     * A row's 64-bit hash from its columns' terms ({@link #checksumTerm}): the columns hashed by their types'
     * own hash functions, no text conversion of the whole row (which costs 2.5 times as much), then mixed
     * once more: the record hash is linear in its columns' hashes, so without the mix values swapped
     * between two rows would leave a sum of row hashes unchanged.
     */
    private static String quickHash(Stream<String> terms) {
        return "hashtextextended(hash_record_extended(ROW(" + terms.collect(Collectors.joining(", ")) + "), 0)::text, 0)";
    }

    /**
     * One column's term in the checksum's row: the value itself where its type hashes the same way on both
     * servers (and the source value has the target's type: the same column type, or a cast by the owner or
     * a rule), text under COLLATE "C" where it is text, else its text output (numeric, json, ranges, domains,
     * enums...: what pg_dump would carry).
     */
    private static String checksumTerm(TablePlan plan, Column c, String expr) {
        String type = c.type();
        String element = type.endsWith("[]") ? type.substring(0, type.length() - 2) : type;
        // decided by the column alone, so that both sides hash it the same way
        Rules.Rule rule = plan.rules().get(c.name());
        boolean cast = (plan.spec().hasOwner() && c.name().equals(plan.spec().ownerColumn()))
                || (rule != null && rule.covers());
        boolean sameType = cast || plan.source().column(c.name()).map(Column::type).orElse("").equals(type);
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
     * column by column, see {@link #checksumTerm}, summed). On the source side the owner column is replaced by
     * the owner's id, as the transform does.
     */
    public static String checksum(TablePlan plan, boolean sourceSide, String ownerLiteral) {
        return checksum(plan, sourceSide, ownerLiteral, false);
    }

    /**
     * As {@link #checksum(TablePlan, boolean, String)}; with {@code excludeKeys} the rows whose key (as text) is
     * in the array parameter {@code ?} are left out (the rows set aside as dead letters).
     */
    public static String checksum(TablePlan plan, boolean sourceSide, String ownerLiteral, boolean excludeKeys) {
        List<String> where = excludeKeys && plan.keyed() ? List.of("NOT (" + plan.keyText("s") + " = ANY (?))") : List.of();
        return "SELECT count(*), coalesce(sum(" + checksumRowHash(plan, sourceSide, ownerLiteral) + "), 0)"
                + (sourceSide ? plan.sourceFromWhere(where) : " FROM " + plan.targetRows() + " s"
                        + (where.isEmpty() ? "" : " WHERE " + where.get(0)));
        // (ids rewritten through natural-key maps differ by design: those columns are left out of the checksum,
        // and every rewritten value was resolved through the map or set aside)
    }

    /**
     * {@code ferry verify}'s row stream for a merge or incremental table, in comparison-key text order (the
     * natural key where the table has one, whose ids differ by design, else the key): comparison key, the
     * checksum's row hash, and the key as text (what dead letters, ferry.row_hash and ferry.conflict store).
     * The source side as the read would carry it (owner, rules, filter); the target side with, when
     * {@code ledger} (ferry.row_hash and ferry.conflict exist), whether the row changed since Ferry wrote it (its
     * stored hash differs from its hash in the stored hash's form, or none is stored, as merge tells) and whether
     * ferry.conflict holds its key; without the ledger every row counts as changed, none as a conflict.
     */
    public static String verifyRows(TablePlan plan, boolean sourceSide, String ownerLiteral, boolean ledger) {
        List<String> natural = plan.spec().naturalKeyColumns();
        // (a natural key as a JSON array even of one column: a NULL in it still gives a key to order by)
        String compared = natural.isEmpty() ? plan.keyText("s") : "jsonb_build_array(" + natural.stream()
                .map(k -> "s." + Sql.ident(k) + "::text").collect(Collectors.joining(", ")) + ")::text";
        String select = "SELECT " + compared + " COLLATE \"C\", " + checksumRowHash(plan, sourceSide, ownerLiteral)
                + "::text, " + plan.keyText("s");
        if (sourceSide) {
            return select + plan.sourceFromWhere(List.of()) + " ORDER BY 1";
        }
        String table = Sql.literal(plan.name());
        String rows = plan.targetRows();
        if (!ledger) {
            return select + ", true, false FROM " + rows + " s ORDER BY 1";
        }
        return select + ", h.hash IS NULL OR h.hash <> CASE WHEN length(h.hash) = 32 THEN " + legacyRowHash(plan, "s")
                + " ELSE " + rowHash(plan, "s") + " END, EXISTS (SELECT 1 FROM ferry.conflict x WHERE x.table_name = "
                + table + " AND x.row_key = " + plan.keyText("s") + ") FROM " + rows + " s LEFT JOIN ferry.row_hash h ON "
                + "h.table_name = " + table + " AND h.row_key = " + plan.keyText("s") + " ORDER BY 1";
    }
}
