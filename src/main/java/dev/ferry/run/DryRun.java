package dev.ferry.run;

import dev.ferry.ledger.Watermarks;
import dev.ferry.plan.TablePlan;
import dev.ferry.plan.TableSpec;
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

    /**
     * The effect on one table: the source rows its mode reads (incremental: those past the high-water mark),
     * the rows inserted, updated and deleted, and the rows only the target has that its mode keeps.
     */
    public record TableEffect(String table, TableSpec.Mode mode, long sourceRows, long inserts, long updates,
                              long deletes, long kept) {
    }

    private final DataSource source;
    private final DataSource target;

    /** Compares {@code source} (the run's snapshot) with {@code target}; reads only. */
    public DryRun(DataSource source, DataSource target) {
        this.source = source;
        this.target = target;
    }

    /**
     * The effect of syncing this table in its mode with this owner: full replaces every row; merge inserts and
     * updates, and deletes only with deleteMissing; incremental does so for the rows past the high-water mark,
     * and deletes only with propagateDeletes.
     */
    public TableEffect effect(TablePlan plan, Object ownerId) throws SQLException {
        String owner = plan.spec().hasOwner() ? Sql.literal(String.valueOf(ownerId)) : null;
        TableSpec spec = plan.spec();
        String watermark = spec.mode().isIncremental() ? Watermarks.get(target, plan.name()) : null;
        boolean deletes = spec.deletesRowsOnlyTargetHas();
        long sourceRows = 0;
        long inserts = 0;
        long updates = 0;
        long deleted = 0;
        long kept = 0;
        try (Connection s = source.getConnection(); Connection t = target.getConnection()) {
            s.setAutoCommit(false); // a cursor, not the whole table in memory
            t.setAutoCommit(false);
            try (PreparedStatement ps = s.prepareStatement(plan.hashSql(true, owner, watermark));
                 PreparedStatement pt = t.prepareStatement(plan.hashSql(false, null, null))) {
                ps.setFetchSize(5000);
                pt.setFetchSize(5000);
                t.setReadOnly(true);
                try (ResultSet rs = ps.executeQuery(); ResultSet rt = pt.executeQuery()) {
                    boolean hasS = rs.next();
                    boolean hasT = rt.next();
                    while (hasS || hasT) {
                        int cmp = !hasS ? 1 : !hasT ? -1 : rs.getString(1).compareTo(rt.getString(1));
                        if (cmp < 0) {
                            if (rs.getBoolean(3)) {
                                inserts++;
                                sourceRows++;
                            }
                            hasS = rs.next();
                        } else if (cmp > 0) {
                            if (deletes) {
                                deleted++;
                            } else {
                                kept++;
                            }
                            hasT = rt.next();
                        } else {
                            if (rs.getBoolean(3)) {
                                if (!rs.getString(2).equals(rt.getString(2))) {
                                    updates++;
                                }
                                sourceRows++;
                            }
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
        return new TableEffect(plan.name(), spec.mode(), sourceRows, inserts, updates, deleted, kept);
    }

    /** The plan as text: order, owner, and per table the effect. */
    public static String describe(List<TableEffect> effects, String owner) {
        StringBuilder out = new StringBuilder("Dry run: nothing was written.\n");
        out.append("Order: ").append(effects.stream().map(TableEffect::table).collect(Collectors.joining(" -> ")))
                .append('\n');
        out.append("Owner: ").append(owner == null ? "none (no table has an owner column)" : owner).append('\n');
        for (TableEffect e : effects) {
            out.append(String.format(Locale.ROOT, "  %-24s %s %,d rows%s: would insert %,d, update %,d, delete %,d%s%n",
                    e.table(), e.mode().replacesWhole() ? "source" : e.mode().name().toLowerCase(Locale.ROOT) + ", source",
                    e.sourceRows(), e.mode().isIncremental() ? " past the mark" : "", e.inserts(),
                    e.updates(), e.deletes(), e.kept() > 0 ? ", keep " + String.format(Locale.ROOT, "%,d", e.kept())
                            + " only in the target" : ""));
        }
        return out.toString();
    }
}
