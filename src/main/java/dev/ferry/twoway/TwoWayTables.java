package dev.ferry.twoway;

import dev.ferry.plan.TableSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;

/**
 * Which table routes sync both ways ({@code direction: both}), and what a two-way table refuses: data rules,
 * an owner column and the subset parameters, because an anonymised, remapped or partial row must never flow
 * back into the first database.
 */
public final class TwoWayTables {

    /** A two-way run that cannot start as configured: exit 2, nothing written. */
    public static final class Refusal extends Exception {
        public Refusal(String message) {
            super(message);
        }
    }

    private TwoWayTables() {
    }

    /** The labels of the table routes whose {@code direction} is {@code both}, in load order. */
    public static List<String> twoWay(CamelContext camel) throws Refusal {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : directions(camel).entrySet()) {
            String d = e.getValue().trim();
            if (d.equalsIgnoreCase("both")) {
                out.add(e.getKey());
            } else if (!d.isEmpty() && !d.equalsIgnoreCase("oneWay")) {
                throw new Refusal("route sync-" + e.getKey() + ": parameter direction '" + d + "' must be oneWay or both");
            }
        }
        return out;
    }

    /** Table label to its route's direction parameter (placeholders resolved; oneWay when not given). */
    static Map<String, String> directions(CamelContext camel) {
        Map<String, String> out = new LinkedHashMap<>();
        for (RouteDefinition route : camel.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinitions()) {
            Map<String, Object> p = route.getTemplateParameters();
            if (p == null || !p.containsKey("table") || route.getRouteId() == null || !route.getRouteId().startsWith("sync-")) {
                continue;
            }
            String table = camel.resolvePropertyPlaceholders(String.valueOf(p.get("table"))).trim();
            Object d = p.get("direction");
            out.put(table, d == null ? "oneWay" : camel.resolvePropertyPlaceholders(String.valueOf(d)));
        }
        return out;
    }

    /**
     * Refuses what a two-way table may not declare, naming the table and the parameter: rules, ownerColumn,
     * where, limit, percent, withParents.
     */
    public static void refuse(List<TableSpec> specs) throws Refusal {
        List<String> found = new ArrayList<>();
        for (TableSpec s : specs) {
            List<String> params = new ArrayList<>();
            if (s.rules() != null && !s.rules().isBlank()) {
                params.add("rules");
            }
            if (s.hasOwner()) {
                params.add("ownerColumn");
            }
            if (s.where() != null && !s.where().isBlank()) {
                params.add("where");
            }
            if (s.limit() > 0) {
                params.add("limit");
            }
            if (s.percent() > 0) {
                params.add("percent");
            }
            if (s.withParents()) {
                params.add("withParents");
            }
            if (s.keyColumns().isEmpty()) {
                params.add("key (empty)");
            }
            for (String p : params) {
                found.add(s.table() + ": parameter " + p + " is refused on a two-way table (direction: both): "
                        + (p.startsWith("key") ? "a two-way table needs a key"
                        : "anonymised, remapped or partial rows must never flow back into the first database")
                        + "; remove it or set direction: oneWay");
            }
        }
        if (!found.isEmpty()) {
            throw new Refusal("refused: " + String.join(System.lineSeparator() + "refused: ", found));
        }
    }
}
