package dev.ferry.run;

import dev.ferry.ledger.Watermarks;
import dev.ferry.plan.TablePlan;
import dev.ferry.read.ReadSql;
import dev.ferry.verify.HashWalk;
import dev.ferry.plan.TableSpec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import dev.ferry.db.Sql;

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
        Counts n = new Counts(spec.deletesRowsOnlyTargetHas());
        HashWalk.walk(source, ReadSql.hashes(plan, true, owner, watermark), target,
                t -> ReadSql.hashes(plan, false, null, null), n);
        return new TableEffect(plan.name(), spec.mode(), n.sourceRows, n.inserts, n.updates, n.deleted, n.kept);
    }

    /** A table's rows as {@link #effect} meets them (source: key, hash, past the mark; target: key, hash), counted. */
    private static final class Counts implements HashWalk.Visitor {
        private final boolean deletes;
        long sourceRows;
        long inserts;
        long updates;
        long deleted;
        long kept;

        Counts(boolean deletes) {
            this.deletes = deletes;
        }

        @Override
        public void sourceOnly(ResultSet rs) throws SQLException {
            if (rs.getBoolean(3)) {
                inserts++;
                sourceRows++;
            }
        }

        @Override
        public void targetOnly(ResultSet rt) {
            if (deletes) {
                deleted++;
            } else {
                kept++;
            }
        }

        @Override
        public void both(ResultSet rs, ResultSet rt) throws SQLException {
            if (rs.getBoolean(3)) {
                if (!rs.getString(2).equals(rt.getString(2))) {
                    updates++;
                }
                sourceRows++;
            }
        }
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
