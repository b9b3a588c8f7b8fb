package dev.ferry.stage;

import java.util.stream.Collectors;

import dev.ferry.db.Sql;
import dev.ferry.plan.TablePlan;
import dev.ferry.read.ReadSql;
import dev.ferry.schema.Column;

/**
 * The staging table's SQL: its creation and the writes of batches into it (COPY, camel-sql batch inserts, the
 * dead-letter bisection's plain JDBC insert), as pure functions of a plan. Staging holds the written columns
 * with the target's types and no constraint; each value arrives as text and is converted by its column's type.
 */
public final class StagingSql {

    private StagingSql() {
    }

    /** The staging table: the written columns with the target's types, no constraints, unlogged. */
    public static String create(TablePlan plan) {
        return "CREATE UNLOGGED TABLE " + plan.stagingTable() + " ("
                + plan.columns().stream().map(c -> Sql.ident(c.name()) + " " + c.type()).collect(Collectors.joining(", "))
                + ")";
    }

    /**
     * A fresh staging generation in one round trip: the old staging table dropped, the new one created by
     * {@code create}, and the table's checkpoint started by {@code startCheckpoint}; sent as one string, the
     * statements run in one implicit transaction; with {@code asynchronousCommit}, committed as a staging batch is
     * (a server crash loses it whole, and the next run starts it again).
     */
    public static String fresh(TablePlan plan, String create, String startCheckpoint, boolean asynchronousCommit) {
        return (asynchronousCommit ? dev.ferry.db.TransactionPolicy.ASYNCHRONOUS_COMMIT + "; " : "")
                + "DROP TABLE IF EXISTS " + plan.stagingTable() + "; " + create + "; " + startCheckpoint;
    }

    /** The COPY into staging of rows in the COPY read's order (less the key). */
    public static String copy(TablePlan plan) {
        return "COPY " + plan.stagingTable() + " (" + plan.columnNames() + ") FROM STDIN";
    }

    /**
     * The camel-sql batch insert of one batch of rows (placeholders off; each value the row map's
     * {@link TablePlan#field}, as text).
     */
    public static String insert(TablePlan plan) {
        return ReadSql.forCamelSql(insertOf(plan, c -> ":?" + plan.field(c.name())));
    }

    /** The same insert with positional parameters, for plain JDBC (the dead-letter bisection). */
    public static String insertJdbc(TablePlan plan) {
        return insertOf(plan, c -> "?");
    }

    /** The insert of one row into staging, each value {@code parameter} converted by its column's type. */
    private static String insertOf(TablePlan plan, java.util.function.Function<Column, String> parameter) {
        return "INSERT INTO " + plan.stagingTable() + " (" + plan.columnNames() + ") VALUES ("
                + plan.columns().stream().map(c -> "CAST(" + parameter.apply(c) + " AS " + c.type() + ")")
                .collect(Collectors.joining(", ")) + ")";
    }
}
