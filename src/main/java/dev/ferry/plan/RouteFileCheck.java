package dev.ferry.plan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import dev.ferry.rules.Rules;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Checks the table route files against the table-sync template before any connection opens: every
 * parameter name must be one the template declares (case included), and every value must parse as its
 * parameter's kind. The template is the one list of names and defaults; this class only knows how each
 * named value is read.
 */
public final class RouteFileCheck {

    /** A route file that cannot be run as written: exit 2 with the message (file, parameter, what to change). */
    public static final class BadRouteFile extends Exception {
        BadRouteFile(String message) {
            super(message);
        }
    }

    /** How a parameter's value is read; a parameter the template declares and this map lacks is free text. */
    enum Kind {
        BOOLEAN, POSITIVE, NON_NEGATIVE, PERCENT, AT_LEAST_MINUS_ONE, MODE, CONFLICT, WRITER, NEW_IDS, RULES, DIRECTION
    }

    private static final Map<String, Kind> KINDS = Map.ofEntries(
            Map.entry("strict", Kind.BOOLEAN), Map.entry("deleteMissing", Kind.BOOLEAN),
            Map.entry("propagateDeletes", Kind.BOOLEAN), Map.entry("withParents", Kind.BOOLEAN),
            Map.entry("batchSize", Kind.POSITIVE), Map.entry("fetchSize", Kind.POSITIVE),
            Map.entry("batchBytes", Kind.POSITIVE), Map.entry("limit", Kind.NON_NEGATIVE),
            Map.entry("maxRowsPerSecond", Kind.NON_NEGATIVE), Map.entry("percent", Kind.PERCENT),
            Map.entry("maxDeadLetters", Kind.AT_LEAST_MINUS_ONE), Map.entry("mode", Kind.MODE),
            Map.entry("conflict", Kind.CONFLICT), Map.entry("writer", Kind.WRITER), Map.entry("newIds", Kind.NEW_IDS),
            Map.entry("rules", Kind.RULES), Map.entry("direction", Kind.DIRECTION));

    private static final String TEMPLATE = "table-sync";

    private RouteFileCheck() {
    }

    /**
     * Checks every {@code *.yaml} of {@code tablesDir}: templated routes of the table-sync template name only
     * {@code declared} parameters (name to default), and each value, placeholders resolved by {@code resolve},
     * parses as its kind. Defaults are checked too (a bad FERRY_BATCH_SIZE is as wrong as a bad batchSize).
     */
    public static void check(Path tablesDir, Map<String, String> declared, UnaryOperator<String> resolve)
            throws BadRouteFile, IOException {
        if (!Files.isDirectory(tablesDir)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(tablesDir)) {
            files = list.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path file : files) {
            checkFile(file, declared, resolve);
        }
    }

    private static void checkFile(Path file, Map<String, String> declared, UnaryOperator<String> resolve)
            throws BadRouteFile, IOException {
        String where = shown(file);
        Object doc;
        try {
            doc = new Load(LoadSettings.builder().setLabel(where).build()).loadFromString(Files.readString(file));
        } catch (RuntimeException e) {
            throw new BadRouteFile(where + ": not valid YAML: " + firstLine(e.getMessage()));
        }
        if (!(doc instanceof List<?> items)) {
            return;
        }
        for (Object item : items) {
            if (!(item instanceof Map<?, ?> entry) || !(entry.get("templatedRoute") instanceof Map<?, ?> route)
                    || !TEMPLATE.equals(String.valueOf(route.get("routeTemplateRef")))) {
                continue;
            }
            Map<String, String> given = new LinkedHashMap<>();
            Object parameters = route.get("parameters");
            if (parameters instanceof List<?> list) {
                for (Object p : list) {
                    if (!(p instanceof Map<?, ?> parameter) || parameter.get("name") == null) {
                        throw new BadRouteFile(where + ": every parameter needs '- name: ...' and 'value: ...'");
                    }
                    String name = String.valueOf(parameter.get("name"));
                    if (!declared.containsKey(name)) {
                        String near = nearest(name, declared.keySet());
                        throw new BadRouteFile(where + ": unknown parameter '" + name + "'"
                                + (near != null ? ": did you mean '" + near + "'?" : "; known: " + String.join(", ", declared.keySet())));
                    }
                    if (given.put(name, parameter.get("value") == null ? "" : String.valueOf(parameter.get("value"))) != null) {
                        throw new BadRouteFile(where + ": parameter '" + name + "' is given twice");
                    }
                }
            }
            for (Map.Entry<String, String> d : declared.entrySet()) {
                String raw = given.containsKey(d.getKey()) ? given.get(d.getKey()) : d.getValue();
                if (raw == null) {
                    continue;
                }
                String value;
                try {
                    value = resolve.apply(raw).trim();
                } catch (RuntimeException e) {
                    throw new BadRouteFile(where + ": parameter '" + d.getKey() + "': " + firstLine(e.getMessage()));
                }
                String problem = problem(KINDS.get(d.getKey()), value);
                if (problem != null) {
                    throw new BadRouteFile(where + ": parameter '" + d.getKey() + "' is '" + value + "': " + problem
                            + (given.containsKey(d.getKey()) ? "" : " (its default, from the configuration)"));
                }
            }
        }
    }

    /** What is wrong with {@code value} as a value of this kind, or null when it is fine. */
    static String problem(Kind kind, String value) {
        if (kind == null) {
            return null;
        }
        String v = value.toLowerCase(Locale.ROOT);
        return switch (kind) {
            case BOOLEAN -> Set.of("true", "false").contains(v) ? null : "must be true or false";
            case POSITIVE -> number(value, 1, "must be a whole number of at least 1");
            case NON_NEGATIVE -> number(value.isEmpty() ? "0" : value, 0, "must be a whole number of at least 0 (0: no limit)");
            case AT_LEAST_MINUS_ONE -> value.isEmpty() ? null
                    : number(value, -1, "must be a whole number of at least 0, or -1 for no limit");
            case PERCENT -> percent(value.isEmpty() ? "0" : value);
            case MODE -> Set.of("full", "merge", "incremental").contains(v) ? null : "must be full, merge or incremental";
            case CONFLICT -> Set.of("sourcewins", "targetwins", "newestwins", "manual").contains(v) ? null
                    : "must be sourceWins, targetWins, newestWins or manual";
            case WRITER -> Set.of("copy", "sql").contains(v) ? null : "must be copy or sql";
            case NEW_IDS -> Set.of("target", "source").contains(v) ? null : "must be target or source";
            case RULES -> rules(value);
            case DIRECTION -> Set.of("oneway", "both").contains(v) ? null : "must be oneWay or both";
        };
    }

    private static String number(String value, long min, String problem) {
        try {
            return Long.parseLong(value) >= min ? null : problem;
        } catch (NumberFormatException e) {
            return problem;
        }
    }

    private static String percent(String value) {
        try {
            double p = Double.parseDouble(value);
            return p >= 0 && p <= 100 ? null : "must be a number from 0 to 100 (0: every row)";
        } catch (NumberFormatException e) {
            return "must be a number from 0 to 100 (0: every row)";
        }
    }

    private static String rules(String value) {
        try {
            Rules.parse(value);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** The declared name closest to {@code name}: the same but for case, else within a few edits; null if none is close. */
    static String nearest(String name, Iterable<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            if (k.equalsIgnoreCase(name)) {
                return k;
            }
            int d = distance(name.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return bestDistance <= Math.max(2, name.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String shown(Path file) {
        Path cwd = Path.of("").toAbsolutePath();
        Path abs = file.toAbsolutePath().normalize();
        return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** The parameters the kinds map names, for a test that each is declared by the template. */
    static List<String> typedNames() {
        return new ArrayList<>(KINDS.keySet());
    }
}
