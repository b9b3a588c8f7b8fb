package dev.ferry.twoway;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What a run does to one two-way table: the writes into each side, the conflicts, and the state after. */
final class TableChanges {

    enum Kind { INSERT, UPDATE, DELETE }

    /**
     * A write into side {@code to}: of {@code from} (the other side's row values; null for a delete). {@code key}
     * is the row's key there (an insert's: null, the side gives it, or the key to insert under).
     */
    record Write(Kind kind, Side to, Pair pair, String key, String expect, String[] from) {
    }

    /** Both versions of a row a {@code manual} conflict left as they are (null: that side deleted it). */
    record Manual(Pair pair, Row a, Row b) {
    }

    final TwoWayTable table;
    final Map<String, Row> a;
    final Map<String, Row> b;
    final List<Pair> before;
    final List<Pair> after = new ArrayList<>();
    final List<Write> writes = new ArrayList<>();
    final List<Manual> manual = new ArrayList<>();
    /** Pairs whose change was settled this run (any manual conflict of theirs is resolved). */
    final List<Pair> settled = new ArrayList<>();
    int conflicts;
    final long[] inserted = new long[2];
    final long[] updated = new long[2];
    final long[] deleted = new long[2];
    long unresolved;

    TableChanges(TwoWayTable table, Map<String, Row> a, Map<String, Row> b, List<Pair> before) {
        this.table = table;
        this.a = a;
        this.b = b;
        this.before = before;
    }

    Map<String, Row> rows(Side side) {
        return side == Side.A ? a : b;
    }

    long planned(Side to, Kind kind) {
        return writes.stream().filter(w -> w.to() == to && w.kind() == kind).count();
    }

    long written() {
        long n = 0;
        for (int i = 0; i < 2; i++) {
            n += inserted[i] + updated[i] + deleted[i];
        }
        return n;
    }

    /** The table's effect in words: per direction inserted, updated, deleted; conflicts; rows left for later. */
    String effect(boolean done) {
        StringBuilder out = new StringBuilder();
        for (Side to : new Side[] {Side.B, Side.A}) {
            int i = to.ordinal();
            long ins = done ? inserted[i] : planned(to, Kind.INSERT);
            long upd = done ? updated[i] : planned(to, Kind.UPDATE);
            long del = done ? deleted[i] : planned(to, Kind.DELETE);
            out.append(out.length() == 0 ? "" : "; ").append(to.into()).append(": ").append(ins).append(" inserted, ")
                    .append(upd).append(" updated, ").append(del).append(" deleted");
        }
        out.append("; ").append(conflicts).append(" conflict(s) (").append(table.conflict).append(")");
        if (!manual.isEmpty()) {
            out.append(", ").append(manual.size()).append(" left to a person (ferry.conflict)");
        }
        if (unresolved > 0) {
            out.append("; ").append(unresolved).append(" row(s) left for the next run (a reference not yet mapped)");
        }
        return out.toString();
    }
}
