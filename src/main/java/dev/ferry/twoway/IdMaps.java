package dev.ferry.twoway;

import java.util.HashMap;
import java.util.Map;

/**
 * Each naturally keyed table's ids on one side against the other's, from its pairs (recorded, matched this
 * run, or inserted this run): what a foreign key such as {@code owner_id} is rewritten through.
 */
final class IdMaps {

    private final Map<String, Map<String, String>> aToB = new HashMap<>();
    private final Map<String, Map<String, String>> bToA = new HashMap<>();

    void put(String table, String a, String b) {
        if (a != null && b != null) {
            aToB.computeIfAbsent(table, t -> new HashMap<>()).put(a, b);
            bToA.computeIfAbsent(table, t -> new HashMap<>()).put(b, a);
        }
    }

    /** The id on the other side of {@code id}, an id of {@code table} on side {@code from}; null when unknown. */
    String map(String table, Side from, String id) {
        Map<String, String> m = (from == Side.A ? aToB : bToA).get(table);
        return m == null ? null : m.get(id);
    }

    /**
     * A row's values of side {@code from} in the ids of the other side: every referencing column rewritten
     * (the table's own key is left as it is); null when a reference has no mapping yet.
     */
    String[] translate(TwoWayTable t, Side from, String[] values) {
        String[] out = values.clone();
        for (Map.Entry<Integer, String> ref : t.refs.entrySet()) {
            String v = out[ref.getKey()];
            if (v != null) {
                String m = map(ref.getValue(), from, v);
                if (m == null) {
                    return null;
                }
                out[ref.getKey()] = m;
            }
        }
        return out;
    }
}
