package dev.ferry.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.ferry.plan.PlanException;
import dev.ferry.plan.Subsets;
import dev.ferry.plan.TablePlan;
import dev.ferry.plan.TableSpec;
import dev.ferry.schema.Column;
import dev.ferry.schema.TableInfo;

/**
 * Table plans built by hand, without a database, for the SQL builders' golden-string tests: each table is the
 * same in source and target (as the catalogue would describe it), planned by {@link TablePlan#of} with its
 * checks, so a plan here is one a run could make. The six shapes every builder test pins: a one-column key, a
 * composite key, no key, an owner column with data rules, an incremental cursor (watermark), a subset.
 */
public final class Plans {

    /** The HMAC secret of the rules case (what {@code ferry.rules.secret} gives a run). */
    public static final String SECRET = "test-secret";

    /**
     * The email rule of {@link #ownerAndRules} over {@code s."email"}, keyed by {@link #SECRET}, as Rules writes it
     * (the HMAC-SHA256 of the value in PostgreSQL's sha256, the key's pads inlined): the builders' tests find it
     * inside the read and the hash of that table.
     */
    public static final String EMAIL_RULE = "'user_' || substr(encode(sha256('\\x28392f28712f393f2e39285c5c5c5c5c5c5c5c5c5c5c5c5c5c5c"
            + "5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c'::bytea || "
            + "sha256('\\x425345421b4553554453423636363636363636363636363636363636363636363636363636363"
            + "636363636363636363636363636363636363636363636363636'::bytea || "
            + "convert_to(lower(trim(s.\"email\"::text)), 'UTF8'))), 'hex'), 1, 16) || "
            + "'@example.invalid'";

    /** The phone rule of {@link #ownerAndRules} over {@code s."phone"}, as {@link #EMAIL_RULE}. */
    public static final String PHONE_RULE = "'+1-555-' || lpad((('x' || substr(encode(sha256('\\x28392f28712f393f2e39285c5c5c5c5c5c5c"
            + "5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c"
            + "5c5c'::bytea || sha256('\\x425345421b455355445342363636363636363636363636363636363636363"
            + "6363636363636363636363636363636363636363636363636363636363636363636'::bytea || "
            + "convert_to(s.\"phone\"::text, 'UTF8'))), 'hex'), 1, 15))::bit(60)::bigint % "
            + "10000000)::text, 7, '0')";

    private Plans() {
    }

    /** public.book(id bigint primary key, title text, price numeric(10,2), published date): full, key id. */
    public static TablePlan oneColumnKey() {
        return plan(new Spec("book", "id"), book());
    }

    /** public.order_line, key (order_id, line_no): merge with deleteMissing. */
    public static TablePlan compositeKey() {
        Spec spec = new Spec("order_line", "order_id, line_no");
        spec.mode = TableSpec.Mode.MERGE;
        spec.deleteMissing = true;
        return plan(spec, table("order_line", List.of("order_id", "line_no"), key("order_id", "integer"),
                key("line_no", "smallint"), col("sku", "character varying(20)"), col("qty", "integer")));
    }

    /** public.audit_log(at timestamp with time zone, message text, payload jsonb): no key, full. */
    public static TablePlan noKey() {
        return plan(new Spec("audit_log", ""), table("audit_log", List.of(), col("at", "timestamp with time zone"),
                col("message", "text"), col("payload", "jsonb")));
    }

    /**
     * public.customer: owner column owner_id, rules email, phone, keep; merge, newestWins on updated_at;
     * read with the rules' secret.
     */
    public static TablePlan ownerAndRules() {
        Spec spec = new Spec("customer", "id");
        spec.mode = TableSpec.Mode.MERGE;
        spec.owner = "owner_id";
        spec.rules = "email: email; phone: phone; note: keep";
        spec.conflict = TableSpec.Conflict.NEWEST_WINS;
        spec.newestColumn = "updated_at";
        return plan(spec, table("customer", List.of("id"), key("id", "bigint"), col("owner_id", "integer"),
                col("email", "text"), col("phone", "character varying(30)"), col("note", "text"),
                col("updated_at", "timestamp without time zone"))).reading(null, SECRET);
    }

    /** public.event, incremental on the cursor updated_at with propagateDeletes. */
    public static TablePlan watermark() {
        Spec spec = new Spec("event", "id");
        spec.mode = TableSpec.Mode.INCREMENTAL;
        spec.cursor = "updated_at";
        spec.propagateDeletes = true;
        return plan(spec, table("event", List.of("id"), key("id", "bigint"),
                col("updated_at", "timestamp with time zone"), col("body", "text")));
    }

    /** public.book with where: price > 10 and limit: 100, read through the filter {@link Subsets} makes of them. */
    public static TablePlan subset() {
        Spec spec = new Spec("book", "id");
        spec.where = "price > 10";
        spec.limit = 100;
        TablePlan plan = plan(spec, book());
        try {
            return plan.reading(Subsets.filters(List.of(plan), Map.of()).get(plan.name()), "");
        } catch (PlanException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TableInfo book() {
        return table("book", List.of("id"), key("id", "bigint"), col("title", "text"), col("price", "numeric(10,2)"),
                col("published", "date"));
    }

    /** A nullable column. */
    public static Column col(String name, String type) {
        return new Column(name, type, false, false, false);
    }

    /** A NOT NULL column. */
    public static Column key(String name, String type) {
        return new Column(name, type, true, false, false);
    }

    /** public.{@code name} with these columns, {@code primaryKey} its primary key (and only unique key). */
    public static TableInfo table(String name, List<String> primaryKey, Column... columns) {
        List<List<String>> unique = new ArrayList<>();
        if (!primaryKey.isEmpty()) {
            unique.add(primaryKey);
        }
        return new TableInfo("public", name, List.of(columns), primaryKey, List.of(), unique, false);
    }

    /** The plan of {@code spec} over {@code table}, the same in both databases. */
    public static TablePlan plan(Spec spec, TableInfo table) {
        try {
            return TablePlan.of(spec.build(), Optional.of(table), Optional.of(table));
        } catch (PlanException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A route file's parameters: the template's defaults, but those set. */
    public static final class Spec {
        final String table;
        final String key;
        TableSpec.Mode mode = TableSpec.Mode.FULL;
        boolean deleteMissing;
        String cursor = "";
        boolean propagateDeletes;
        TableSpec.Conflict conflict = TableSpec.Conflict.SOURCE_WINS;
        String newestColumn = "";
        String owner = "";
        String rules = "";
        String where = "";
        long limit;

        Spec(String table, String key) {
            this.table = table;
            this.key = key;
        }

        TableSpec build() {
            // the template's defaults (routes/templates/table-sync.camel.yaml), with the configuration's numbers
            TableSpec d;
            try {
                d = TableSpec.of(dev.ferry.plan.TableTemplate.of(java.nio.file.Path.of("")).values(
                        java.util.Map.of("table", table, "key", key, "ownerColumn", owner, "batchSize", "1000"),
                        v -> v.replace("{{ferry.batch-bytes}}", String.valueOf(8L << 20))
                                .replace("{{ferry.fetch-size}}", "1000").replace("{{ferry.max-rows-per-second}}", "0")));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return new TableSpec(table, key, owner, d.batchSize(), d.strict(), mode, deleteMissing, cursor,
                    propagateDeletes, conflict, newestColumn, d.naturalKey(), d.newIds(), d.writer(), d.batchBytes(), rules,
                    where, limit, d.percent(), d.withParents(), d.maxDeadLetters());
        }
    }
}
