package dev.ferry.plan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.ferry.db.Sql;
import dev.ferry.schema.SchemaIntrospector.ForeignKey;

/**
 * Which source rows each table carries: its own subset ({@code where}, {@code limit}, {@code percent})
 * and, when a table of the run says {@code withParents}, every row its selected rows reference,
 * transitively up the source's foreign keys (a self-reference such as employee.reports_to by a
 * recursive query), so that the subset satisfies every foreign key in the target. Each filter is an
 * SQL condition on the source row aliased {@code s}, evaluated in the run's snapshot.
 */
public final class Subsets {

    private final Map<String, TablePlan> byTable = new LinkedHashMap<>();
    private final Map<String, List<ForeignKey>> parentsOf = new LinkedHashMap<>();
    private final Set<String> pulling = new HashSet<>();

    private Subsets(List<TablePlan> plans, Map<String, List<ForeignKey>> sourceForeignKeys) {
        for (TablePlan p : plans) {
            byTable.put(p.sourceTableName(), p); // quoted: "Author" is not author
        }
        for (TablePlan p : plans) {
            String name = p.sourceTableName();
            parentsOf.put(name, sourceForeignKeys.getOrDefault(p.name(), List.of()).stream()
                    .filter(fk -> byTable.containsKey(fk.referencedTable())).toList());
        }
        // tables whose selected rows pull their parents: those with withParents and, transitively, their parents
        List<String> todo = new ArrayList<>(byTable.entrySet().stream().filter(e -> e.getValue().spec().withParents())
                .map(Map.Entry::getKey).toList());
        while (!todo.isEmpty()) {
            String t = todo.remove(todo.size() - 1);
            if (pulling.add(t)) {
                parentsOf.get(t).forEach(fk -> todo.add(fk.referencedTable()));
            }
        }
    }

    /** The filter of every plan (null: every row), by route name. */
    public static Map<String, String> filters(List<TablePlan> plans, Map<String, List<ForeignKey>> sourceForeignKeys)
            throws PlanException {
        Subsets subsets = new Subsets(plans, sourceForeignKeys);
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, TablePlan> e : subsets.byTable.entrySet()) {
            out.put(e.getValue().name(), subsets.selection(e.getKey(), "s", new ArrayList<>()));
        }
        return out;
    }

    /** The condition selecting {@code table}'s rows, on alias {@code alias}; null for every row. */
    private String selection(String table, String alias, List<String> path) throws PlanException {
        if (path.contains(table)) {
            throw new PlanException("withParents follows the foreign keys " + String.join(" -> ", path) + " -> " + table
                    + " around a cycle: give one of those tables no subset (every row) or leave withParents off");
        }
        TablePlan plan = byTable.get(table);
        if (own(plan, alias) == null) {
            return null; // every row: nothing to pull
        }
        List<ForeignKey> self = parentsOf.get(table).stream().filter(fk -> fk.referencedTable().equals(table)).toList();
        if (self.isEmpty() || !pulling.contains(table)) {
            return core(table, alias, path);
        }
        return selfClosure(plan, self, alias, core(table, "r0", path));
    }

    /** The rows selected on their own or pulled by the run's other tables, on {@code alias}. */
    private String core(String table, String alias, List<String> path) throws PlanException {
        TablePlan plan = byTable.get(table);
        String own = own(plan, alias);
        List<String> pulled = new ArrayList<>();
        List<String> next = new ArrayList<>(path);
        next.add(table);
        String child = alias + "c"; // unique per nesting level
        for (Map.Entry<String, List<ForeignKey>> e : parentsOf.entrySet()) {
            if (!pulling.contains(e.getKey()) || e.getKey().equals(table)) {
                continue;
            }
            for (ForeignKey fk : e.getValue()) {
                if (!fk.referencedTable().equals(table)) {
                    continue;
                }
                String childSelection = selection(e.getKey(), child, next);
                String match = matches(fk, child, alias);
                pulled.add("EXISTS (SELECT 1 FROM " + rows(byTable.get(e.getKey())) + " " + child + " WHERE " + match
                        + (childSelection == null ? "" : " AND " + childSelection) + ")");
            }
        }
        return pulled.isEmpty() ? own : "(" + own + " OR " + String.join(" OR ", pulled) + ")";
    }

    /** The table's own subset on {@code alias}: where, limit, percent; null when it has none. */
    private static String own(TablePlan plan, String alias) {
        TableSpec spec = plan.spec();
        if (!spec.subset()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        if (spec.where() != null && !spec.where().isBlank()) {
            parts.add("(" + spec.where() + ")");
        }
        if (spec.percent() > 0) {
            parts.add("abs(hashtext(" + plan.keyText(alias) + ")) % 10000 < " + Math.round(spec.percent() * 100));
        }
        if (spec.limit() > 0) {
            String key = keys(plan, alias);
            parts.add("(" + key + ") IN (SELECT " + keys(plan, "l") + " FROM " + rows(plan) + " l ORDER BY "
                    + keys(plan, "l") + " LIMIT " + spec.limit() + ")");
        }
        return String.join(" AND ", parts);
    }

    /** Rows selected on their own or pulled, plus every row they reach through self-references. */
    private static String selfClosure(TablePlan plan, List<ForeignKey> self, String alias, String seed)
            throws PlanException {
        if (plan.spec().keyColumns().size() != 1 || self.stream().anyMatch(fk -> fk.columns().size() != 1)) {
            throw new PlanException("withParents over the self-reference of " + plan.name() + " needs a one-column key");
        }
        String key = Sql.ident(plan.spec().keyColumns().get(0));
        String cols = key + ", " + self.stream().map(fk -> Sql.ident(fk.columns().get(0))).collect(Collectors.joining(", "));
        String steps = self.stream().map(fk -> "SELECT p." + cols.replace(", ", ", p.") + " FROM " + rows(plan)
                + " p JOIN r ON p." + Sql.ident(fk.referencedColumns().get(0)) + " = r." + Sql.ident(fk.columns().get(0)))
                .collect(Collectors.joining(" UNION "));
        return alias + "." + key + " IN (WITH RECURSIVE r AS (SELECT r0." + cols.replace(", ", ", r0.") + " FROM "
                + rows(plan) + " r0 WHERE " + seed + " UNION " + steps + ") SELECT " + key + " FROM r)";
    }

    private static String matches(ForeignKey fk, String child, String parent) {
        List<String> eq = new ArrayList<>();
        for (int i = 0; i < fk.columns().size(); i++) {
            eq.add(child + "." + Sql.ident(fk.columns().get(i)) + " = " + parent + "." + Sql.ident(fk.referencedColumns().get(i)));
        }
        return String.join(" AND ", eq);
    }

    private static String keys(TablePlan plan, String alias) {
        return plan.spec().keyColumns().stream().map(k -> alias + "." + Sql.ident(k)).collect(Collectors.joining(", "));
    }

    private static String rows(TablePlan plan) {
        return plan.sourceRows();
    }
}
