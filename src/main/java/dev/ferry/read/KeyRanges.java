package dev.ferry.read;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ferry.db.Sql;
import dev.ferry.plan.TablePlan;

/**
 * A big table read as key ranges at once (ferry.splitTablesLargerThan): the ranges are cut from the run's snapshot
 * before the first row is read, by arithmetic on the smallest and largest key for a one-column integer key, and at
 * the key's quantiles for any other key (one index scan to each cut). A range is a span of key values, not of rows
 * or pages, so a row belongs to the same range in every snapshot: each range keeps its own checkpoint (its last key
 * staged, in key order within the range) and an interrupted run resumes each range after its own.
 */
public final class KeyRanges {

    /** One-column key types cut by arithmetic on min and max. */
    private static final Set<String> INTEGERS = Set.of("smallint", "integer", "bigint");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SIZE = Pattern.compile("\\s*(\\d+)\\s*([kKmMgGtT]?)[bB]?\\s*");

    private KeyRanges() {
    }

    /**
     * The cut of a table into {@code bounds.size() + 1} key ranges: range i holds the keys after bound i - 1 up to
     * bound i included (the first open below, the last open above, so every key of any snapshot is in exactly one);
     * {@code after}: each range's checkpoint, the last key staged in it (null: none yet). Keys as
     * {@link TablePlan#keyText} gives them. Stored as the table's checkpoint ({@link #encode}).
     */
    public record Split(List<String> bounds, List<String> after) {

        public Split {
            bounds = List.copyOf(bounds);
            after = java.util.Collections.unmodifiableList(new ArrayList<>(after));
            if (after.size() != bounds.size() + 1) {
                throw new IllegalArgumentException(bounds.size() + " bounds make " + (bounds.size() + 1)
                        + " ranges, not " + after.size());
            }
        }

        /** A split with nothing staged yet. */
        public static Split of(List<String> bounds) {
            return new Split(bounds, Arrays.asList(new String[bounds.size() + 1]));
        }

        public int parts() {
            return after.size();
        }

        /** Where range {@code i}'s read starts: after its checkpoint, else after the range's lower bound (null: the first key). */
        public String readAfter(int i) {
            return after.get(i) != null ? after.get(i) : i == 0 ? null : bounds.get(i - 1);
        }

        /** The last key of range {@code i}, included (null: the last range, open above). */
        public String upTo(int i) {
            return i < bounds.size() ? bounds.get(i) : null;
        }

        /** This split with range {@code part}'s checkpoint moved to {@code lastKey}. */
        public Split advanced(int part, String lastKey) {
            List<String> moved = new ArrayList<>(after);
            moved.set(part, lastKey);
            return new Split(bounds, moved);
        }

        /** The split as the table's checkpoint text: {@code {"upTo":[...],"after":[...]}}. */
        public String encode() {
            com.fasterxml.jackson.databind.node.ObjectNode node = JSON.createObjectNode();
            com.fasterxml.jackson.databind.node.ArrayNode upTo = node.putArray("upTo");
            bounds.forEach(upTo::add);
            com.fasterxml.jackson.databind.node.ArrayNode staged = node.putArray("after");
            after.forEach(key -> {
                if (key == null) {
                    staged.addNull();
                } else {
                    staged.add(key);
                }
            });
            return node.toString();
        }

        /** The split a checkpoint text holds ({@link #encode}). */
        public static Split decode(String checkpoint) {
            try {
                com.fasterxml.jackson.databind.JsonNode node = JSON.readTree(checkpoint);
                return new Split(texts(node.get("upTo")), texts(node.get("after")));
            } catch (JsonProcessingException | RuntimeException e) {
                throw new IllegalStateException("the checkpoint of a split table is not a split: " + checkpoint, e);
            }
        }

        private static List<String> texts(com.fasterxml.jackson.databind.JsonNode array) {
            List<String> out = new ArrayList<>();
            array.forEach(n -> out.add(n.isNull() ? null : n.asText()));
            return out;
        }
    }

    /**
     * Bytes from a size as configured: a number of bytes, or with a unit of 1024s ({@code kB}, {@code MB},
     * {@code GB}, {@code TB}, the B optional, any case), as PostgreSQL's pg_size_pretty writes them.
     */
    public static long bytes(String size) {
        Matcher m = SIZE.matcher(size == null ? "" : size);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: '" + size + "' (a number of bytes, or with kB, MB, GB or TB)");
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        return Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
    }

    /** Why the table is always read in one piece (null: it can be split): full mode, a key, the COPY writer. */
    public static String unsplittable(TablePlan plan) {
        if (!plan.spec().mode().replacesWhole()) {
            return plan.spec().mode() + " mode (only full tables are split)";
        }
        if (!plan.keyed()) {
            return "it has no key";
        }
        if (!plan.spec().writer().copiesText()) {
            return "writer sql (only the copy writer splits)";
        }
        return null;
    }

    /** The source table's size on disk (pg_table_size: heap, TOAST, free space and visibility maps). */
    public static String size(TablePlan plan) {
        return "SELECT pg_table_size(CAST(" + Sql.literal(plan.sourceTableName()) + " AS regclass))";
    }

    /** Whether the key is one integer column (cut by arithmetic on its smallest and largest value). */
    public static boolean integerKey(TablePlan plan) {
        List<String> key = plan.spec().keyColumns();
        return key.size() == 1 && plan.source().column(key.get(0)).map(c -> INTEGERS.contains(c.type())).orElse(false);
    }

    /** A one-column integer key's smallest and largest value among the rows read, as text. */
    public static String minMax(TablePlan plan) {
        String key = "s." + Sql.ident(plan.spec().keyColumns().get(0));
        return "SELECT min(" + key + ")::text, max(" + key + ")::text" + plan.sourceFromWhere(List.of());
    }

    /**
     * The bounds that cut the integers {@code min} to {@code max} into {@code parts} ranges of equal width (fewer
     * when there are fewer keys than parts; none: one range).
     */
    public static List<String> integerBounds(BigInteger min, BigInteger max, int parts) {
        BigInteger width = max.subtract(min).add(BigInteger.ONE);
        List<String> bounds = new ArrayList<>();
        for (int i = 1; i < parts; i++) {
            BigInteger bound = min.add(width.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(parts)))
                    .subtract(BigInteger.ONE);
            if (bound.compareTo(min) >= 0 && bound.compareTo(max) < 0
                    && (bounds.isEmpty() || !bounds.get(bounds.size() - 1).equals(bound.toString()))) {
                bounds.add(bound.toString());
            }
        }
        return bounds;
    }

    /**
     * The keys (as text) at the cuts of {@code rows} rows into {@code parts} ranges of as many rows, in key
     * order: the last key of each range but the last, each found by an index scan to its place (one statement).
     */
    public static String quantiles(TablePlan plan, long rows, int parts) {
        List<String> cuts = new ArrayList<>();
        for (int i = 1; i < parts; i++) {
            long offset = rows * i / parts - 1;
            if (offset >= 0) {
                cuts.add("(SELECT " + i + " AS part, " + plan.keyText("s") + " AS bound" + plan.sourceFromWhere(List.of())
                        + " ORDER BY " + plan.spec().keyColumns().stream().map(k -> "s." + Sql.ident(k))
                        .collect(Collectors.joining(", ")) + " OFFSET " + offset + " LIMIT 1)");
            }
        }
        return "SELECT bound FROM (" + String.join(" UNION ALL ", cuts) + ") cuts ORDER BY part";
    }

    /** The COPY read of each range, after its checkpoint (with the row hash when {@code withHash}). */
    public static List<String> reads(TablePlan plan, Split split, String ownerLiteral, boolean withHash) {
        List<String> reads = new ArrayList<>();
        for (int i = 0; i < split.parts(); i++) {
            reads.add(ReadSql.copyRange(plan, split.readAfter(i), split.upTo(i), ownerLiteral, withHash));
        }
        return reads;
    }

    /** The rows left to read: those after each range's checkpoint, up to its end. */
    public static String count(TablePlan plan, Split split) {
        List<String> ranges = new ArrayList<>();
        for (int i = 0; i < split.parts(); i++) {
            List<String> range = ReadSql.keyRange(plan, split.readAfter(i), split.upTo(i));
            ranges.add(range.isEmpty() ? "true" : "(" + String.join(" AND ", range) + ")");
        }
        return "SELECT count(*)" + plan.sourceFromWhere(List.of("(" + String.join(" OR ", ranges) + ")"));
    }

    /**
     * The split of a table about to be read whole from the snapshot on {@code c} ({@code rows} rows), or null to
     * read it in one piece: when it has fewer rows than {@code parts} batches of {@code batchSize}, when its size is
     * {@code threshold} bytes or less, or when it cannot be split (then {@code note} says why, once).
     */
    public static Split choose(Connection c, TablePlan plan, long rows, int parts, int batchSize, long threshold,
                               Consumer<String> note) throws SQLException {
        if (parts < 2 || rows < (long) parts * Math.max(1, batchSize)) {
            return null;
        }
        long size;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(size(plan))) {
            rs.next();
            size = rs.getLong(1);
        }
        if (size <= threshold) {
            return null;
        }
        String why = unsplittable(plan);
        if (why != null) {
            note.accept(plan.name() + ": " + size + " bytes, above ferry.splitTablesLargerThan, read in one piece: " + why);
            return null;
        }
        List<String> bounds = new ArrayList<>();
        if (integerKey(plan)) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(minMax(plan))) {
                if (rs.next() && rs.getString(1) != null) {
                    bounds = integerBounds(new BigInteger(rs.getString(1)), new BigInteger(rs.getString(2)), parts);
                }
            }
        } else {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(quantiles(plan, rows, parts))) {
                while (rs.next()) {
                    bounds.add(rs.getString(1));
                }
            }
        }
        if (bounds.isEmpty()) {
            note.accept(plan.name() + ": read in one piece: its keys do not cut into " + parts + " ranges");
            return null;
        }
        note.accept(plan.name() + ": " + size + " bytes, read as " + (bounds.size() + 1) + " key ranges at once"
                + (integerKey(plan) ? "" : " (cut at the key's quantiles)"));
        return Split.of(bounds);
    }
}
