package dev.ferry.twoway;

import dev.ferry.plan.TableSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decides a two-way table's run from both sides' rows and the recorded state. A side changed a row when
 * its hash (or its presence) differs from what the last run recorded for that side; a change on one side
 * goes to the other; a change on both is a conflict unless both now hold the same row (a run killed
 * between the sides' commits leaves exactly that). Rows no pair knows are matched across the sides by
 * natural key (or by key when ids are the same on both): a match is one row, not two inserts.
 */
final class Reconcile {

    private Reconcile() {
    }

    /** The changes of table {@code t}; {@code maps} gains its pairs (parents must have been reconciled first). */
    static TableChanges of(TwoWayTable t, Map<String, Row> a, Map<String, Row> b, List<Pair> before, IdMaps maps) {
        TableChanges ch = new TableChanges(t, a, b, before);
        if (t.ownIds) {
            for (Pair p : before) {
                maps.put(t.name, p.aKey, p.bKey);
            }
        }
        Set<String> usedA = new HashSet<>();
        Set<String> usedB = new HashSet<>();
        List<Row[]> known = new ArrayList<>();
        for (Pair old : before) {
            Pair p = old.copy();
            ch.after.add(p);
            Row ra = p.aKey == null ? null : a.get(p.aKey);
            Row rb = p.bKey == null ? null : b.get(p.bKey);
            if (ra != null) {
                usedA.add(ra.key());
            }
            if (rb != null) {
                usedB.add(rb.key());
            }
            known.add(new Row[] {ra, rb});
        }
        // rows no pair knows: inserts on one side, or the same row inserted on both (matched, never duplicated);
        // every pair is made before any row is compared, so a reference to a row matched later still maps
        Map<String, Row> unmatchedB = new LinkedHashMap<>();
        List<Row> noNaturalKeyB = new ArrayList<>();
        for (Row rb : b.values()) {
            if (usedB.contains(rb.key())) {
                continue;
            }
            String m = t.natural.length > 0 ? t.naturalText(rb.values()) : rb.key();
            if (m == null) {
                noNaturalKeyB.add(rb);
            } else {
                unmatchedB.put(m, rb);
            }
        }
        List<Row[]> matched = new ArrayList<>();
        List<Pair> matchedPairs = new ArrayList<>();
        for (Row ra : a.values()) {
            if (usedA.contains(ra.key())) {
                continue;
            }
            String m = t.natural.length > 0 ? naturalOnB(t, ra, maps) : ra.key();
            Row rb = m == null ? null : unmatchedB.remove(m);
            if (rb == null) {
                Pair p = new Pair(0, ra.key(), null, ra.hash(), null);
                ch.after.add(p);
                ch.writes.add(new TableChanges.Write(TableChanges.Kind.INSERT, Side.B, p, null, null, ra.values()));
                continue;
            }
            Pair p = new Pair(0, ra.key(), rb.key(), null, null);
            ch.after.add(p);
            if (t.ownIds) {
                maps.put(t.name, ra.key(), rb.key());
            }
            matched.add(new Row[] {ra, rb});
            matchedPairs.add(p);
        }
        for (int i = 0; i < before.size(); i++) {
            Pair p = ch.after.get(i);
            Row ra = known.get(i)[0];
            Row rb = known.get(i)[1];
            boolean aChanged = !Objects.equals(p.aHash, ra == null ? null : ra.hash());
            boolean bChanged = !Objects.equals(p.bHash, rb == null ? null : rb.hash());
            if (!aChanged && !bChanged) {
                continue;
            }
            if (aChanged && !bChanged) {
                propagate(ch, Side.B, ra, rb, p, maps);
            } else if (!aChanged) {
                propagate(ch, Side.A, rb, ra, p, maps);
            } else if (ra == null && rb == null) {
                p.dropped = true;
                ch.settled.add(p);
            } else if (ra != null && rb != null && equal(t, ra, rb, maps)) {
                p.set(Side.A, ra.key(), ra.hash());
                p.set(Side.B, rb.key(), rb.hash());
                ch.settled.add(p);
            } else {
                conflict(ch, ra, rb, p, maps);
            }
        }
        for (int i = 0; i < matched.size(); i++) {
            Row ra = matched.get(i)[0];
            Row rb = matched.get(i)[1];
            Pair p = matchedPairs.get(i);
            if (equal(t, ra, rb, maps)) {
                p.set(Side.A, ra.key(), ra.hash());
                p.set(Side.B, rb.key(), rb.hash());
                ch.settled.add(p);
            } else {
                conflict(ch, ra, rb, p, maps);
            }
        }
        List<Row> onlyB = new ArrayList<>(unmatchedB.values());
        onlyB.addAll(noNaturalKeyB);
        for (Row rb : onlyB) {
            Pair p = new Pair(0, null, rb.key(), null, rb.hash());
            ch.after.add(p);
            ch.writes.add(new TableChanges.Write(TableChanges.Kind.INSERT, Side.A, p, null, null, rb.values()));
        }
        return ch;
    }

    /** A's row's natural key as B would write it (references in it rewritten); null when it cannot match. */
    private static String naturalOnB(TwoWayTable t, Row ra, IdMaps maps) {
        String[] v = maps.translate(t, Side.A, ra.values());
        return v == null ? null : t.naturalText(v);
    }

    /** One side's row ({@code from}, null when deleted there) goes into side {@code to}, which holds {@code there}. */
    private static void propagate(TableChanges ch, Side to, Row from, Row there, Pair p, IdMaps maps) {
        Side fromSide = to.other();
        ch.settled.add(p);
        if (from == null) {
            if (there == null) {
                p.dropped = true;
            } else {
                p.set(fromSide, p.key(fromSide), null);
                ch.writes.add(new TableChanges.Write(TableChanges.Kind.DELETE, to, p, there.key(), there.hash(), null));
            }
            return;
        }
        p.set(fromSide, from.key(), from.hash());
        if (there == null) {
            ch.writes.add(new TableChanges.Write(TableChanges.Kind.INSERT, to, p, null, null, from.values()));
        } else if (fromSide == Side.A ? equal(ch.table, from, there, maps) : equal(ch.table, there, from, maps)) {
            p.set(to, there.key(), there.hash());
        } else {
            ch.writes.add(new TableChanges.Write(TableChanges.Kind.UPDATE, to, p, there.key(), there.hash(), from.values()));
        }
    }

    /** Both sides changed the row (or first met it, differing): the table's strategy decides. */
    private static void conflict(TableChanges ch, Row ra, Row rb, Pair p, IdMaps maps) {
        ch.conflicts++;
        Side winner = winner(ch.table, ra, rb);
        if (winner == Side.A) {
            propagate(ch, Side.B, ra, rb, p, maps);
        } else if (winner == Side.B) {
            propagate(ch, Side.A, rb, ra, p, maps);
        } else {
            if (ra != null) {
                p.set(Side.A, ra.key(), ra.hash());
            } else {
                p.aHash = null;
            }
            if (rb != null) {
                p.set(Side.B, rb.key(), rb.hash());
            } else {
                p.bHash = null;
            }
            ch.manual.add(new TableChanges.Manual(p, ra, rb));
        }
    }

    /**
     * The side whose version wins, null for manual: sourceWins A, targetWins B, newestWins the later
     * newestColumn (a delete against an update: the update, as a delete carries no time; equal: A).
     */
    static Side winner(TwoWayTable t, Row ra, Row rb) {
        if (t.conflict == TableSpec.Conflict.MANUAL) {
            return null;
        }
        if (t.conflict == TableSpec.Conflict.SOURCE_WINS) {
            return Side.A;
        }
        if (t.conflict == TableSpec.Conflict.TARGET_WINS) {
            return Side.B;
        }
        if (ra == null || rb == null) {
            return ra == null ? Side.B : Side.A;
        }
        return newer(ra.values()[t.newest], rb.values()[t.newest]) >= 0 ? Side.A : Side.B;
    }

    /** Compares two values of the newest column as each side wrote them (the same type, in UTC): NULL is oldest. */
    static int newer(String x, String y) {
        if (x == null || y == null) {
            return x == null ? (y == null ? 0 : -1) : 1;
        }
        try {
            return new BigDecimal(x).compareTo(new BigDecimal(y));
        } catch (NumberFormatException notNumbers) {
            // ISO dates and times of one type in one zone order as text: fractions compare digit by digit
            return x.compareTo(y);
        }
    }

    /** Whether A's row and B's row hold the same values, A's references read in B's ids (own keys aside). */
    static boolean equal(TwoWayTable t, Row ra, Row rb, IdMaps maps) {
        String[] va = ra.values();
        String[] vb = rb.values();
        if (va == null || vb == null) {
            return false; // an unchanged side's values are not read: the changed side's row is written
        }
        for (int i = 0; i < va.length; i++) {
            if (t.ownIds && i == t.key[0]) {
                continue;
            }
            String v = va[i];
            String ref = t.refs.get(i);
            if (ref != null && v != null) {
                v = maps.map(ref, Side.A, v);
                if (v == null) {
                    return false;
                }
            }
            if (!Objects.equals(v, vb[i])) {
                return false;
            }
        }
        return true;
    }
}
