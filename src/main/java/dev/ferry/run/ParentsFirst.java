package dev.ferry.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * The order a run applies its tables in: every table after the tables its foreign keys reference. A
 * topological sort (Kahn's) that always takes, of the tables whose parents are all placed, the first in
 * route order; a reference to the table itself, or to a table outside the run, is ignored. When no table
 * is free (a cycle), the first table left in route order goes next, and the sort goes on from there.
 * O((tables + references) log tables), each table's name computed once.
 */
final class ParentsFirst {

    private ParentsFirst() {
    }

    /**
     * The items ordered parents first: {@code name} gives an item's identity, {@code parents} the names
     * its foreign keys reference (several items may share a name: a reference waits for all of them).
     */
    static <T> List<T> order(List<T> items, Function<T, String> name, Function<T, List<String>> parents) {
        int n = items.size();
        String[] names = new String[n];
        Map<String, List<Integer>> byName = new HashMap<>();
        for (int i = 0; i < n; i++) {
            names[i] = name.apply(items.get(i));
            byName.computeIfAbsent(names[i], k -> new ArrayList<>()).add(i);
        }
        int[] waiting = new int[n]; // how many parents each item still waits for
        List<List<Integer>> children = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            children.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (String ref : new LinkedHashSet<>(parents.apply(items.get(i)))) {
                if (ref.equals(names[i])) {
                    continue; // a self-reference
                }
                for (int parent : byName.getOrDefault(ref, List.of())) {
                    children.get(parent).add(i);
                    waiting[i]++;
                }
            }
        }
        PriorityQueue<Integer> free = new PriorityQueue<>(); // by route order
        for (int i = 0; i < n; i++) {
            if (waiting[i] == 0) {
                free.add(i);
            }
        }
        boolean[] placed = new boolean[n];
        int firstLeft = 0;
        List<T> ordered = new ArrayList<>(n);
        while (ordered.size() < n) {
            int next;
            if (!free.isEmpty()) {
                next = free.poll();
            } else {
                while (placed[firstLeft]) {
                    firstLeft++;
                }
                next = firstLeft; // a cycle: route order
            }
            placed[next] = true;
            ordered.add(items.get(next));
            for (int child : children.get(next)) {
                if (--waiting[child] == 0 && !placed[child]) {
                    free.add(child);
                }
            }
        }
        return ordered;
    }
}
