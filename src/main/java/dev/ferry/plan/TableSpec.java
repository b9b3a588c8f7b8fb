package dev.ferry.plan;

import java.util.List;
import java.util.Locale;

/**
 * A table as its route file declares it (the templated route's parameters; the template documents each).
 *
 * @param table            table name, schema-qualified or found through the search path (same in source and target)
 * @param key              the unique, not-null column(s) that order the read and mark the checkpoint, comma-separated;
 *                         empty for a table with no key (full refresh only, restaged whole when interrupted)
 * @param ownerColumn      the column that takes the development owner's id, or empty
 * @param batchSize        rows per staging batch
 * @param strict           whether a column only the source has fails the table (otherwise skipped with a warning)
 * @param mode             full, merge or incremental
 * @param deleteMissing    merge: delete target rows the source does not have
 * @param cursor           incremental: the column whose value only grows when a row changes (updated_at)
 * @param propagateDeletes incremental: delete target rows whose key the source no longer has
 * @param conflict         merge and incremental, when the target row changed since Ferry wrote it
 * @param newestColumn     newestWins: the timestamp compared (default: the cursor)
 * @param naturalKey       columns that identify a row across databases (email), comma-separated; empty for none
 * @param newIds           natural keys: a source row with no match gets the target's next id ("target") or keeps its own ("source")
 * @param writer           how batches reach staging: COPY (default) or camel-sql batch inserts
 * @param batchBytes       copy: a batch also ends at this many bytes of row text
 * @param rules            per-column data rules ({@link Rules}), applied in the source's SELECT
 * @param where            subset: an SQL condition on the source rows (empty: every row)
 * @param limit            subset: at most this many rows, the first in key order (0: no limit)
 * @param percent          subset: this share of rows, chosen by a hash of the key (0: all)
 * @param withParents      subset: the rows the selected rows reference come too, transitively
 * @param maxDeadLetters   dead letters past which the table fails instead of being applied; -1: no limit;
 *                         null: the computed default ({@link #deadLetterLimit(long)})
 * @param fetchSize        writer sql: rows fetched per round trip from the source cursor
 * @param maxRowsPerSecond the most rows read per second from the source (0: no limit)
 */
public record TableSpec(String table, String key, String ownerColumn, int batchSize, boolean strict, Mode mode,
                        boolean deleteMissing, String cursor, boolean propagateDeletes, Conflict conflict,
                        String newestColumn, String naturalKey, String newIds, Writer writer, long batchBytes,
                        String rules, String where, long limit, double percent, boolean withParents,
                        Long maxDeadLetters, int fetchSize, long maxRowsPerSecond) {

    /** A spec with the configuration's default fetchSize (1000) and no read rate limit. */
    public TableSpec(String table, String key, String ownerColumn, int batchSize, boolean strict, Mode mode,
                     boolean deleteMissing, String cursor, boolean propagateDeletes, Conflict conflict,
                     String newestColumn, String naturalKey, String newIds, Writer writer, long batchBytes,
                     String rules, String where, long limit, double percent, boolean withParents, Long maxDeadLetters) {
        this(table, key, ownerColumn, batchSize, strict, mode, deleteMissing, cursor, propagateDeletes, conflict,
                newestColumn, naturalKey, newIds, writer, batchBytes, rules, where, limit, percent, withParents,
                maxDeadLetters, 1000, 0);
    }

    /** Refuses a maxDeadLetters below -1. */
    public TableSpec {
        if (maxDeadLetters != null && maxDeadLetters < -1) {
            throw new IllegalArgumentException("maxDeadLetters '" + maxDeadLetters + "' is not a number of rows: "
                    + "0 or more, -1 for no limit, or empty for the default");
        }
    }

    /** How batches are written to staging. */
    public enum Writer {
        /** COPY out of the source, COPY into staging (transforms in the SELECT). */
        COPY,
        /** camel-sql batch INSERTs of row maps (transforms in Java). */
        SQL;

        /** The writer named in a route file. */
        public static Writer of(String name) {
            return named(Writer.class, "writer", name);
        }

        /** copy: rows travel as PostgreSQL's COPY text, transformed in the source's SELECT. */
        public boolean copiesText() {
            return this == COPY;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How a table is written. */
    public enum Mode {
        /** Atomic replace of the whole table. */
        FULL,
        /** Upsert by key; rows only in the target stay unless deleteMissing. */
        MERGE,
        /** Only rows whose cursor passed the last successful run's high-water mark. */
        INCREMENTAL;

        /** The mode named in a route file (case-insensitive). */
        public static Mode of(String name) {
            return named(Mode.class, "mode", name);
        }

        /** full: the table is emptied and filled whole at the apply; rows only the target has go. */
        public boolean replacesWhole() {
            return this == FULL;
        }

        /** merge: every source row upserted by key. */
        public boolean isMerge() {
            return this == MERGE;
        }

        /** incremental: only the rows past the last run's high-water mark are read, then upserted by key. */
        public boolean isIncremental() {
            return this == INCREMENTAL;
        }

        /**
         * merge and incremental: rows are written by key into a table that keeps its other rows, so the table
         * needs a key, a changed target row is a conflict, and rows are compared rather than summed whole.
         */
        public boolean upsertsByKey() {
            return this != FULL;
        }

        /** full: staged in a copy of the table that the apply swaps in, when nothing else refers to it. */
        public boolean commitBySwapTable() {
            return this == FULL;
        }

        /**
         * Whether the target rows the source does not give are deleted: full always, merge with deleteMissing,
         * incremental with propagateDeletes.
         */
        public boolean deletesRowsOnlyTargetHas(boolean deleteMissing, boolean propagateDeletes) {
            return switch (this) {
                case FULL -> true;
                case MERGE -> deleteMissing;
                case INCREMENTAL -> propagateDeletes;
            };
        }

        /** The parameter that makes this mode delete the rows only the target has; empty for full (it always does). */
        public String deleteOption() {
            return switch (this) {
                case FULL -> "";
                case MERGE -> "deleteMissing";
                case INCREMENTAL -> "propagateDeletes";
            };
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Who wins when the target row changed since Ferry last wrote it. */
    public enum Conflict {
        SOURCE_WINS("sourceWins"), TARGET_WINS("targetWins"), NEWEST_WINS("newestWins"), MANUAL("manual");

        private final String label;

        Conflict(String label) {
            this.label = label;
        }

        /** The strategy named in a route file. */
        public static Conflict of(String name) {
            for (Conflict c : values()) {
                if (c.label.equalsIgnoreCase(name.trim())) {
                    return c;
                }
            }
            throw new IllegalArgumentException("conflict '" + name + "' is not one of sourceWins, targetWins, newestWins, manual");
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** The constant of {@code type} named {@code name} (case-insensitive), or a message listing the choices. */
    private static <E extends Enum<E>> E named(Class<E> type, String what, String name) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(name.trim())) {
                return e;
            }
        }
        throw new IllegalArgumentException(what + " '" + name + "' is not one of " + String.join(", ",
                java.util.Arrays.stream(type.getEnumConstants()).map(Object::toString).toList()));
    }

    /**
     * The spec of a templated route whose every template parameter is in {@code values} (name to value,
     * placeholders resolved, defaults filled: {@link TableTemplate#values} or Camel's templated route). The
     * template holds every default; a parameter missing here is a template that does not declare it.
     *
     * @throws IllegalArgumentException naming the parameter whose value does not read as its type
     */
    public static TableSpec of(java.util.Map<String, String> values) {
        java.util.function.Function<String, String> v = name -> {
            String value = values.get(name);
            if (value == null) {
                throw new IllegalArgumentException("the table-sync template declares no parameter '" + name + "'");
            }
            return value.trim();
        };
        return new TableSpec(v.apply("table"), v.apply("key"), v.apply("ownerColumn"),
                whole(v, "batchSize", false).intValue(), Boolean.parseBoolean(v.apply("strict")), Mode.of(v.apply("mode")),
                Boolean.parseBoolean(v.apply("deleteMissing")), v.apply("cursor"),
                Boolean.parseBoolean(v.apply("propagateDeletes")), Conflict.of(v.apply("conflict")),
                v.apply("newestColumn"), v.apply("naturalKey"), v.apply("newIds"), Writer.of(v.apply("writer")),
                whole(v, "batchBytes", false), v.apply("rules"), v.apply("where"), whole(v, "limit", true),
                v.apply("percent").isEmpty() ? 0 : decimal(v, "percent"), Boolean.parseBoolean(v.apply("withParents")),
                maxDeadLetters(v.apply("maxDeadLetters")), whole(v, "fetchSize", false).intValue(),
                whole(v, "maxRowsPerSecond", true));
    }

    /** A whole number; empty reads as 0 when {@code emptyIsZero} (limit: no limit). */
    private static Long whole(java.util.function.Function<String, String> v, String name, boolean emptyIsZero) {
        String value = v.apply(name);
        try {
            return value.isEmpty() && emptyIsZero ? 0L : Long.valueOf(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " '" + value + "' is not a whole number");
        }
    }

    private static double decimal(java.util.function.Function<String, String> v, String name) {
        try {
            return Double.parseDouble(v.apply(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " '" + v.apply(name) + "' is not a number");
        }
    }

    /** maxDeadLetters as a route file gives it: empty for the computed default, else a number (-1: no limit). */
    public static Long maxDeadLetters(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.valueOf(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("maxDeadLetters '" + value.trim() + "' is not a number of rows: "
                    + "0 or more, -1 for no limit, or empty for the default");
        }
    }

    /**
     * The most dead letters this table may hold and still be applied, when {@code rowsRead} rows were read
     * for it in this run: maxDeadLetters when set, else the lesser of 1,000 and 10% of the rows read, but
     * never fewer than 10. -1: no limit.
     */
    public long deadLetterLimit(long rowsRead) {
        if (maxDeadLetters != null) {
            return maxDeadLetters;
        }
        return Math.max(10, Math.min(1_000, rowsRead / 10));
    }

    /** The key columns in order; empty when the table has no key. */
    public List<String> keyColumns() {
        return columns(key);
    }

    /** The natural key's columns; empty when the table has none. */
    public List<String> naturalKeyColumns() {
        return columns(naturalKey);
    }

    /**
     * Column names, comma-separated; a name in double quotes is taken as it is, "" for a quote inside
     * ({@code "a,b", id}), so that any column name can be given.
     */
    static List<String> columns(String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        List<String> out = new java.util.ArrayList<>();
        for (String part : list.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")) {
            String p = part.trim();
            if (p.length() >= 2 && p.startsWith("\"") && p.endsWith("\"")) {
                out.add(p.substring(1, p.length() - 1).replace("\"\"", "\""));
            } else if (!p.isEmpty()) {
                out.add(p);
            }
        }
        return List.copyOf(out);
    }

    /** Whether the table carries a subset of its rows (where, limit or percent). */
    public boolean subset() {
        return (where != null && !where.isBlank()) || limit > 0 || percent > 0;
    }

    /**
     * Whether the run deletes the target rows the source does not give: full always, merge with
     * deleteMissing, incremental with propagateDeletes.
     */
    public boolean deletesRowsOnlyTargetHas() {
        return mode.deletesRowsOnlyTargetHas(deleteMissing, propagateDeletes);
    }

    /** Whether this table remaps ownership. */
    public boolean hasOwner() {
        return ownerColumn != null && !ownerColumn.isBlank();
    }

    /** The column newestWins compares. */
    public String newestColumnOrCursor() {
        return newestColumn != null && !newestColumn.isBlank() ? newestColumn : cursor;
    }

    /**
     * The table among {@code labels} (tables as their route files name them) that {@code name} means: the one
     * written exactly so ({@code "my table"}, {@code public."a.b"}), else the one whose name without SQL's
     * quotes it is ({@code my table}, {@code public.a.b}) when just one is; null when none or several are.
     */
    public static String find(java.util.Collection<String> labels, String name) {
        String n = name.trim();
        if (labels.contains(n)) {
            return n;
        }
        List<String> unquoted = labels.stream().filter(l -> unquoted(l).equals(n)).toList();
        return unquoted.size() == 1 ? unquoted.get(0) : null;
    }

    /** A table name as SQL writes it ({@code public."a.b"}) without its quotes ({@code public.a.b}). */
    static String unquoted(String label) {
        StringBuilder out = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < label.length(); i++) {
            char ch = label.charAt(i);
            if (ch == '"') {
                if (quoted && i + 1 < label.length() && label.charAt(i + 1) == '"') {
                    out.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    /** The route id of this table's sync: {@code sync-} and the table as its route file names it. */
    public String routeId() {
        return "sync-" + table;
    }

    /** The name of this table's route's {@code direct:} endpoint, safe in a URI ({@link TableEndpoint}). */
    public String endpoint() {
        return TableEndpoint.of(table);
    }
}
