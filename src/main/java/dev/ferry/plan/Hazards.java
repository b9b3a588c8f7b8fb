package dev.ferry.plan;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import dev.ferry.db.Jdbc;
import dev.ferry.db.Sql;
import dev.ferry.db.SqlResource;
import dev.ferry.schema.TableInfo;

/**
 * What a planned run would break in development, found before any row is read, shown by the dry run
 * and refused: the chosen owner deleted or replaced by the run itself, and a subset that would orphan
 * rows of a table outside the run.
 */
public final class Hazards {

    /** A run that would break development: exit 2, the message names table and column and says what to change. */
    public static final class Hazard extends PlanException {
        Hazard(String message) {
            super(message);
        }
    }

    private static final String REFERENCES_FROM_OUTSIDE = SqlResource.get("sql/plan/references_from_outside.sql");

    private Hazards() {
    }

    /**
     * The owner's own row, when the users table is in the run: a run that deletes it (full, merge with
     * deleteMissing, incremental with propagateDeletes, and production has no row with its key in what is
     * read) or replaces it with another user (full or sourceWins, and production's row with that key has
     * another value in the column the owner is chosen by) leaves every owned row pointing nowhere.
     */
    public static Optional<String> owner(DataSource source, List<TablePlan> plans, TableInfo users, String idColumn,
                                         String emailColumn, OwnerResolver.User owner) throws SQLException {
        TablePlan plan = plans.stream().filter(p -> p.target().qualifiedName().equals(users.qualifiedName())).findFirst()
                .orElse(null);
        if (plan == null || !plan.spec().naturalKeyColumns().isEmpty()) {
            return Optional.empty(); // not in the run, or matched by natural key (the owner keeps its id)
        }
        TableSpec spec = plan.spec();
        boolean deletes = spec.deletesRowsOnlyTargetHas();
        boolean replaces = spec.mode().replacesWhole() || spec.conflict() == TableSpec.Conflict.SOURCE_WINS;
        if (!deletes && !replaces) {
            return Optional.empty();
        }
        String sql = "SELECT s." + Sql.ident(emailColumn) + "::text FROM " + plan.sourceRows() + " s WHERE s."
                + Sql.ident(idColumn) + "::text = ?" + (plan.filter() != null ? " AND (" + plan.filter() + ")" : "");
        String mode = spec.mode() + " mode" + (spec.mode().replacesWhole() ? "" : spec.deleteMissing() ? " with deleteMissing"
                : spec.propagateDeletes() ? " with propagateDeletes" : " with conflict sourceWins");
        record Theirs(String email) {
        }
        Optional<Theirs> row = Jdbc.read(source, c -> Jdbc.one(c, sql, rs -> new Theirs(rs.getString(1)),
                String.valueOf(owner.id())));
        String who = "the owner " + owner.email() + " (" + plan.name() + "." + idColumn + " " + owner.id() + ")";
        if (row.isEmpty()) {
            return deletes ? Optional.of(plan.name() + ": the run would delete " + who + " from development, "
                    + "which production has not" + (plan.filter() != null ? " among the rows read" : "") + ", and "
                    + "every owned row would point nowhere (" + plan.name() + " is synced in " + mode + "): choose "
                    + "an owner production also has, or leave " + plan.name() + " out of the run (--tables)")
                    : Optional.empty();
        }
        String theirs = row.get().email();
        if (replaces && (theirs == null || !theirs.equalsIgnoreCase(owner.email()))) {
            return Optional.of(plan.name() + ": the run would replace " + who + " with production's row of that "
                    + "id, another user (its " + emailColumn + " differs), so every owned row would belong to "
                    + "them (" + plan.name() + " is synced in " + mode + "): choose an owner production also has, "
                    + "match users by naturalKey: " + emailColumn + ", or leave " + plan.name() + " out of the run");
        }
        return Optional.empty();
    }

    /** Distinct references read from a development table at most; past it the check says it cannot tell. */
    static final int MAX_REFERENCES = 100_000;

    /**
     * Development rows the run would orphan: a table the run deletes rows from (full, or a merge or
     * incremental that deletes) whose rows a table outside the run refers to by a one-column foreign key,
     * where some referenced key is not among the rows production gives (its subset: where, limit, percent,
     * parents). The foreign key would refuse the apply after every table was staged; this says so first.
     * Natural-keyed tables (their ids are remapped) and composite foreign keys are left to the apply.
     */
    public static List<String> orphans(DataSource source, DataSource target, List<TablePlan> plans) throws SQLException {
        List<String> hazards = new ArrayList<>();
        List<TablePlan> deleting = plans.stream()
                .filter(p -> p.spec().deletesRowsOnlyTargetHas() && p.spec().naturalKeyColumns().isEmpty()).toList();
        if (deleting.isEmpty()) {
            return hazards;
        }
        try (Connection t = target.getConnection(); Connection s = source.getConnection()) {
            for (Reference ref : referencesFromOutside(t, deleting, plans)) {
                TablePlan plan = ref.parent();
                List<String> keys = distinctReferences(t, ref);
                if (keys.isEmpty()) {
                    continue;
                }
                String missing;
                if (keys.size() > MAX_REFERENCES) {
                    missing = "more than " + MAX_REFERENCES + " distinct references, too many to check";
                } else {
                    missing = missing(s, plan, ref.parentColumn(), keys);
                }
                if (missing != null) {
                    hazards.add(plan.name() + ": the run would orphan rows of " + ref.childName() + " (not in the "
                            + "run): its " + ref.column() + " refers by foreign key " + ref.constraint() + " to "
                            + plan.name() + " rows that production does not give" + (plan.filter() != null
                            ? " in the subset" : "") + " (" + missing + "): add " + ref.childName() + " to the run, or "
                            + (plan.filter() != null ? "widen the subset (where, limit, percent)" : "sync " + plan.name()
                            + " in merge mode, which keeps rows only development has"));
                }
            }
            if (!s.getAutoCommit()) {
                s.rollback();
            }
        }
        return hazards;
    }

    /** A one-column foreign key into a table of the run from a table outside it: child, constraint, columns. */
    private record Reference(TablePlan parent, String childName, String constraint, String column, String parentColumn) {
    }

    /**
     * The one-column foreign keys into the {@code deleting} tables from tables not in the run, in one
     * catalogue query for the whole run (a partition's copy of its parent's key is the parent's, which is
     * what a run names; composite keys are left to the apply).
     */
    private static List<Reference> referencesFromOutside(Connection t, List<TablePlan> deleting, List<TablePlan> plans)
            throws SQLException {
        return Jdbc.list(t, REFERENCES_FROM_OUTSIDE, rs -> new Reference(deleting.get(rs.getInt(1) - 1), rs.getString(2),
                rs.getString(3), rs.getString(4), rs.getString(5)),
                t.createArrayOf("text", deleting.stream().map(p -> p.target().qualifiedName()).toArray()),
                t.createArrayOf("text", plans.stream().map(p -> p.target().qualifiedName()).toArray()));
    }

    private static List<String> distinctReferences(Connection t, Reference ref) throws SQLException {
        return Jdbc.list(t, "SELECT DISTINCT " + Sql.ident(ref.column()) + "::text FROM " + ref.childName() + " WHERE "
                + Sql.ident(ref.column()) + " IS NOT NULL LIMIT " + (MAX_REFERENCES + 1), rs -> rs.getString(1));
    }

    /** How many of these keys production does not give, with the first of them; null when it gives them all. */
    private static String missing(Connection s, TablePlan plan, String parentColumn, List<String> keys) throws SQLException {
        return Jdbc.one(s, "SELECT count(*), min(ferry_ref_key) FROM unnest(?::text[]) ferry_ref_key WHERE NOT EXISTS "
                + "(SELECT 1 FROM " + plan.sourceRows() + " s WHERE s." + Sql.ident(parentColumn) + "::text = ferry_ref_key"
                + (plan.filter() != null ? " AND (" + plan.filter() + ")" : "") + ")",
                rs -> rs.getLong(1) == 0 ? null : rs.getLong(1) + " key(s), " + parentColumn + " " + rs.getString(2)
                        + (rs.getLong(1) > 1 ? " among them" : ""), s.createArrayOf("text", keys.toArray())).orElse(null);
    }

    /** Refuses when any hazard was found: one line each, once. */
    public static void refuse(List<String> hazards) throws Hazard {
        if (!hazards.isEmpty()) {
            throw new Hazard(String.join(System.lineSeparator(), hazards));
        }
    }
}
