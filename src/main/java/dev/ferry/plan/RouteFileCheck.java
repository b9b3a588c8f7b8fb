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
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

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
    /** For {@link #read}: a file that does not parse is left to Camel, whose message names it. */
    private static final LoadSettings SETTINGS = LoadSettings.builder().build();

    private RouteFileCheck() {
    }

    /**
     * One templated route of the table-sync template as a route file writes it: the route id (null when the
     * file gives none) and each parameter's value as written (the YAML scalar's text, as Camel reads it).
     */
    public record TableRoute(Path file, String routeId, Map<String, String> parameters) {
    }

    /**
     * The table routes of a route file that holds only templated routes of table-sync, each with only
     * routeTemplateRef, routeId and parameters ({@code - name: ...} / {@code value: ...}, scalars, each name once):
     * what {@code ferry scaffold} writes and users edit. Ferry reads such a file once and hands its routes
     * to Camel itself. Null for any other file (another key, a non-scalar value, YAML that does not parse):
     * Camel loads that one as it is, and reports what it finds wrong.
     */
    public static List<TableRoute> read(Path file) throws IOException {
        Node doc;
        try {
            doc = new Compose(SETTINGS).composeString(Files.readString(file)).orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
        if (!(doc instanceof SequenceNode items)) {
            return null;
        }
        List<TableRoute> routes = new java.util.ArrayList<>();
        for (Node item : items.getValue()) {
            if (!(item instanceof MappingNode entry) || entry.getValue().size() != 1
                    || !"templatedRoute".equals(scalar(entry.getValue().get(0).getKeyNode()))
                    || !(entry.getValue().get(0).getValueNode() instanceof MappingNode route)) {
                return null;
            }
            String ref = null;
            String routeId = null;
            Map<String, String> parameters = new LinkedHashMap<>();
            for (NodeTuple t : route.getValue()) {
                String key = scalar(t.getKeyNode());
                String value = scalar(t.getValueNode());
                if ("routeTemplateRef".equals(key) && value != null) {
                    ref = value;
                } else if ("routeId".equals(key) && value != null) {
                    routeId = value;
                } else if ("parameters".equals(key) && t.getValueNode() instanceof SequenceNode list) {
                    for (Node p : list.getValue()) {
                        if (!readParameter(p, parameters)) {
                            return null;
                        }
                    }
                } else {
                    return null;
                }
            }
            if (!TEMPLATE.equals(ref)) {
                return null;
            }
            routes.add(new TableRoute(file, routeId, parameters));
        }
        return routes;
    }

    /** {@code resolve}, each text resolved once (a failure is not kept: it is thrown again). */
    public static UnaryOperator<String> once(UnaryOperator<String> resolve) {
        Map<String, String> resolved = new java.util.HashMap<>();
        return raw -> {
            String value = resolved.get(raw);
            if (value == null) {
                value = resolve.apply(raw);
                resolved.put(raw, value);
            }
            return value;
        };
    }

    /** Puts {@code - name: n / value: v} into {@code into}; false when it is not that (or names a parameter again). */
    private static boolean readParameter(Node p, Map<String, String> into) {
        if (!(p instanceof MappingNode parameter)) {
            return false;
        }
        String name = null;
        String value = null;
        for (NodeTuple t : parameter.getValue()) {
            String key = scalar(t.getKeyNode());
            String v = scalar(t.getValueNode());
            if (v == null) {
                return false;
            } else if ("name".equals(key) && name == null) {
                name = v;
            } else if ("value".equals(key) && value == null) {
                value = v;
            } else {
                return false;
            }
        }
        return name != null && value != null && into.putIfAbsent(name, value) == null;
    }

    /** A scalar's text, or null for anything else (a YAML null included). */
    private static String scalar(Node node) {
        return node instanceof ScalarNode s && !Tag.NULL.equals(s.getTag()) ? s.getValue() : null;
    }

    /**
     * Checks the table routes Ferry read itself ({@link #read}) and the route files Camel loaded ({@code others}),
     * as {@link #check(Path, TableTemplate, UnaryOperator)} does, in file order.
     */
    public static void check(List<TableRoute> routes, List<Path> others, TableTemplate template,
                             UnaryOperator<String> resolve) throws BadRouteFile, IOException {
        resolve = once(resolve); // every route resolves the same defaults
        java.util.TreeMap<Path, List<TableRoute>> byFile = new java.util.TreeMap<>();
        routes.forEach(r -> byFile.computeIfAbsent(r.file(), f -> new java.util.ArrayList<>()).add(r));
        others.forEach(f -> byFile.putIfAbsent(f, null));
        for (Map.Entry<Path, List<TableRoute>> file : byFile.entrySet()) {
            if (file.getValue() == null) {
                checkFile(file.getKey(), template, resolve);
                continue;
            }
            for (TableRoute route : file.getValue()) {
                checkParameters(shown(route.file()), route.parameters(), template, resolve);
            }
        }
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
        resolve = once(resolve);
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
                    unknown(where, name, declared);
                    if (given.put(name, parameter.get("value") == null ? "" : String.valueOf(parameter.get("value"))) != null) {
                        throw new BadRouteFile(where + ": parameter '" + name + "' is given twice");
                    }
                }
            }
            checkParameters(where, given, template, resolve);
        }
    }

    private static void unknown(String where, String name, Map<String, TableTemplate.Parameter> declared) throws BadRouteFile {
        if (!declared.containsKey(name)) {
            String near = nearest(name, declared.keySet());
            throw new BadRouteFile(where + ": unknown parameter '" + name + "'"
                    + (near != null ? ": did you mean '" + near + "'?" : "; known: " + String.join(", ", declared.keySet())));
        }
    }

    /** The given parameters' names, then every declared parameter's value (given or default), checked. */
    private static void checkParameters(String where, Map<String, String> given, TableTemplate template,
                                        UnaryOperator<String> resolve) throws BadRouteFile {
        Map<String, TableTemplate.Parameter> declared = template.parameters();
        for (String name : given.keySet()) {
            unknown(where, name, declared);
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
