package dev.ferry.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The apply's table order, without a database: tables as names, foreign keys as the names they reference. */
class ParentsFirstTest {

    /** A table: its name and the tables its foreign keys reference. */
    private record T(String name, List<String> refs) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static T t(String name, String... refs) {
        return new T(name, List.of(refs));
    }

    private static List<String> order(T... tables) {
        return ParentsFirst.order(List.of(tables), T::name, T::refs).stream().map(T::name).toList();
    }

    @Test
    void should_keep_route_order_when_no_table_references_another() {
        assertEquals(List.of("c", "a", "b"), order(t("c"), t("a"), t("b")));
    }

    @Test
    void should_put_parents_first_and_break_ties_by_route_order() {
        // a waits for c; of the free tables the first in route order goes next, each time
        assertEquals(List.of("b", "c", "a"), order(t("a", "c"), t("b"), t("c")));
        // a is free once b is placed and comes before c, which was free all along but is later in route order
        assertEquals(List.of("b", "a", "c"), order(t("a", "b"), t("b"), t("c")));
        // a chain written children first
        assertEquals(List.of("d", "c", "b", "a"), order(t("a", "b"), t("b", "c"), t("c", "d"), t("d")));
        // two parents: after both
        assertEquals(List.of("b", "c", "a", "d"), order(t("a", "b", "c"), t("b"), t("c"), t("d")));
    }

    @Test
    void should_ignore_a_self_reference_and_references_outside_the_run() {
        assertEquals(List.of("a", "b"), order(t("a", "a"), t("b")));
        assertEquals(List.of("b", "a"), order(t("a", "a", "b"), t("b", "b")));
        assertEquals(List.of("a", "b"), order(t("a", "elsewhere"), t("b", "a", "nowhere")));
    }

    @Test
    void should_take_the_first_table_left_in_route_order_when_a_cycle_blocks_every_table() {
        // a <-> b, c under a: nothing is free, so a (route order), then b and c are free
        assertEquals(List.of("a", "b", "c"), order(t("a", "b"), t("b", "a"), t("c", "a")));
        // a free table goes before the cycle, the cycle in route order after it
        assertEquals(List.of("d", "a", "b"), order(t("a", "b"), t("b", "a"), t("d")));
        // a table waiting on a cycle but first in route order is the one taken to break it (as before)
        assertEquals(List.of("x", "a", "b"), order(t("x", "b"), t("a", "b"), t("b", "a")));
        // a three-table cycle written backwards, and a child of it: the cycle is broken once, then parents first
        assertEquals(List.of("a", "c", "b", "k"), order(t("a", "b"), t("b", "c"), t("c", "a"), t("k", "b")));
    }

    @Test
    void should_wait_for_every_table_of_a_shared_name() {
        // two plans of one table (the same table named two ways): its child waits for both
        assertEquals(List.of("p", "p", "c"),
                order(t("c", "p"), t("p"), t("p")));
    }

    @Test
    void should_order_as_the_quadratic_scan_it_replaces_on_random_graphs_with_cycles() {
        Random random = new Random(17);
        for (int round = 0; round < 500; round++) {
            int n = 1 + random.nextInt(12);
            List<T> tables = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                List<String> refs = new ArrayList<>();
                int k = random.nextInt(4);
                for (int j = 0; j < k; j++) {
                    refs.add("t" + random.nextInt(n + 2)); // now and then a table outside the run, or itself
                }
                tables.add(new T("t" + random.nextInt(n), refs)); // names may repeat
            }
            assertEquals(scan(tables), ParentsFirst.order(tables, T::name, T::refs), tables + " refs "
                    + tables.stream().map(T::refs).toList());
        }
    }

    @Test
    void should_order_thousands_of_tables_written_children_first() {
        int n = 3000;
        List<T> tables = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tables.add(i + 1 < n ? t("t" + i, "t" + (i + 1), "t" + (n - 1)) : t("t" + i));
        }
        List<T> ordered = ParentsFirst.order(tables, T::name, T::refs);
        Map<String, Integer> at = new HashMap<>();
        for (int i = 0; i < ordered.size(); i++) {
            at.put(ordered.get(i).name(), i);
        }
        assertEquals(n, at.size());
        for (T table : tables) {
            for (String ref : table.refs()) {
                assertTrue(at.get(ref) < at.get(table.name()), () -> table + " after " + ref);
            }
        }
        assertEquals("t" + (n - 1), ordered.get(0).name());
    }

    /** The order as SyncRunner computed it before: rescan the tables left for the first whose parents are placed. */
    private static List<T> scan(List<T> tables) {
        List<T> ordered = new ArrayList<>();
        List<T> left = new ArrayList<>(tables);
        while (!left.isEmpty()) {
            T next = left.stream().filter(p -> p.refs().stream().noneMatch(ref -> !ref.equals(p.name())
                            && left.stream().anyMatch(o -> o.name().equals(ref))))
                    .findFirst().orElse(left.get(0));
            ordered.add(next);
            left.remove(next);
        }
        return ordered;
    }
}
