package dev.ferry.plan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Checks the table route files against the table-sync template before any connection opens: every
 * parameter name must be one the template declares (case included), and every value must be of the type
 * the template declares for it ({@link TableTemplate}: the one list of names, types and defaults).
 */
public final class RouteFileCheck {

    /** A route file that cannot be run as written: exit 2 with the message (file, parameter, what to change). */
    public static final class BadRouteFile extends Exception {
        BadRouteFile(String message) {
            super(message);
        }
    }

    private static final String TEMPLATE = "table-sync";

    private RouteFileCheck() {
    }

    /**
     * Checks every {@code *.yaml} (and so {@code *.camel.yaml}) of {@code tablesDir}: templated routes of the
     * table-sync template name only parameters {@code template} declares, and each value, placeholders resolved
     * by {@code resolve}, is of its parameter's type. Defaults are checked too (a bad FERRY_BATCH_SIZE is as wrong as a bad batchSize).
     */
    public static void check(Path tablesDir, TableTemplate template, UnaryOperator<String> resolve)
            throws BadRouteFile, IOException {
        if (!Files.isDirectory(tablesDir)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(tablesDir)) {
            files = list.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path file : files) {
            checkFile(file, template, resolve);
        }
    }

    private static void checkFile(Path file, TableTemplate template, UnaryOperator<String> resolve)
            throws BadRouteFile, IOException {
        String where = shown(file);
        Map<String, TableTemplate.Parameter> declared = template.parameters();
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
            for (TableTemplate.Parameter d : declared.values()) {
                String raw = given.containsKey(d.name()) ? given.get(d.name()) : d.defaultValue();
                if (raw == null) {
                    continue;
                }
                String value;
                try {
                    value = resolve.apply(raw).trim();
                } catch (RuntimeException e) {
                    throw new BadRouteFile(where + ": parameter '" + d.name() + "': " + firstLine(e.getMessage()));
                }
                String problem = TableTemplate.problem(d, value);
                if (problem != null) {
                    throw new BadRouteFile(where + ": parameter '" + d.name() + "' is '" + value + "': " + problem
                            + (given.containsKey(d.name()) ? "" : " (its default, from the configuration)"));
                }
            }
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
}
