package dev.ferry.sync;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import dev.ferry.db.Sql;
import dev.ferry.schema.Column;

/**
 * What a sync would do, without writing anything: per table the source rows and the rows the target
 * would gain, change and lose, found by merging both sides' (key, row hash) streams in key order, so
 * memory stays flat however large the tables.
 */
public final class DryRun {

    /** The effect on one table. */
    public record TableEffect(String table, long sourceRows, long inserts, long updates, long deletes) {
    }

    private final DataSource source;
    private final DataSource target;

    /** Compares {@code source} (the run's snapshot) with {@code target}; reads only. */
    public DryRun(DataSource source, DataSource target) {
        this.source = source;
        this.target = target;
    }

    /** The effect of a full refresh of this table with this owner. */
    public TableEffect effect(TablePlan plan, Object ownerId) throws SQLException {
        String owner = plan.spec().hasOwner() ? Sql.literal(String.valueOf(ownerId)) : null;
        long sourceRows = 0;
        long inserts = 0;
        long updates = 0;
        long deletes = 0;
        try (Connection s = source.getConnection(); Connection t = target.getConnection()) {
            s.setAutoCommit(false); // a cursor, not the whole table in memory
            t.setAutoCommit(false);
            try (PreparedStatement ps = s.prepareStatement(plan.hashSql(true, owner));
                 PreparedStatement pt = t.prepareStatement(plan.hashSql(false, null))) {
                ps.setFetchSize(5000);
                pt.setFetchSize(5000);
                t.setReadOnly(true);
                try (ResultSet rs = ps.executeQuery(); ResultSet rt = pt.executeQuery()) {
                    boolean hasS = rs.next();
                    boolean hasT = rt.next();
                    while (hasS || hasT) {
                        int cmp = !hasS ? 1 : !hasT ? -1 : rs.getString(1).compareTo(rt.getString(1));
                        if (cmp < 0) {
                            inserts++;
                            sourceRows++;
                            hasS = rs.next();
                        } else if (cmp > 0) {
                            deletes++;
                            hasT = rt.next();
                        } else {
                            if (!rs.getString(2).equals(rt.getString(2))) {
                                updates++;
                            }
                            sourceRows++;
                            hasS = rs.next();
                            hasT = rt.next();
                        }
                    }
                }
            } finally {
                s.rollback();
                t.rollback();
                t.setReadOnly(false);
            }
        }
        return new TableEffect(plan.name(), sourceRows, inserts, updates, deletes);
    }

    /** The plan as text: order, owner, and per table the effect. */
    public static String describe(List<TableEffect> effects, String owner) {
        StringBuilder out = new StringBuilder("Dry run: nothing was written.\n");
        out.append("Order: ").append(effects.stream().map(TableEffect::table).collect(Collectors.joining(" -> ")))
                .append('\n');
        out.append("Owner: ").append(owner == null ? "none (no table has an owner column)" : owner).append('\n');
        for (TableEffect e : effects) {
            out.append(String.format(Locale.ROOT, "  %-24s source %,d rows: would insert %,d, update %,d, delete %,d%n",
                    e.table(), e.sourceRows(), e.inserts(), e.updates(), e.deletes()));
        }
        return out.toString();
    }
}
