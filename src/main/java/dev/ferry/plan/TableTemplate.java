package dev.ferry.plan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The table-sync template's parameters as routes/templates/table-sync.camel.yaml declares them: the one
 * list of names, defaults, types and allowed values, read by the route-file check and by the specs.
 * Camel's routeTemplate parameters take only name, description, defaultValue and required (its YAML DSL
 * refuses any other key), so each parameter's type, enum, bounds and example are a comment line right
 * under its name, in the manner of a kamelet's {@code spec.definition.properties}:
 * <pre>
 *       - name: mode
 *         # type: string, enum: [full, merge, incremental], example: merge
 * </pre>
 */
public final class TableTemplate {

    /**
     * One parameter.
     *
     * @param type         string, boolean, integer or number
     * @param enumValues   the values it may take (compared without case), empty for any
     * @param minimum      integer and number: the least value; an empty value reads as 0 when it is 0 or less
     * @param maximum      number: the greatest value, or null
     * @param format       string: {@code rules} for data rules ({@link dev.ferry.rules.Rules}), else null
     * @param defaultValue null when the parameter is required
     */
    public record Parameter(String name, String type, List<String> enumValues, Long minimum, Double maximum,
                            String format, String example, String defaultValue, boolean required) {
    }

    private static final Pattern NAME = Pattern.compile("^\\s*- name:\\s*(\\S+)\\s*$");
    private static final Pattern TYPE = Pattern.compile("^\\s*#\\s*(type:.*)$");

    private final Map<String, Parameter> parameters;

    private TableTemplate(Map<String, Parameter> parameters) {
        this.parameters = parameters;
    }

    /** The template of {@code home}'s routes/templates. */
    public static TableTemplate of(Path home) throws IOException {
        return read(home.resolve("routes/templates/table-sync.camel.yaml"));
    }

    /** The template in {@code file}: its parameters, each with the type of the comment line under its name. */
    @SuppressWarnings("unchecked")
    public static TableTemplate read(Path file) throws IOException {
        String text = Files.readString(file);
        Map<String, Map<String, Object>> types = new LinkedHashMap<>();
        String current = null;
        Load load = new Load(LoadSettings.builder().setLabel(file.toString()).build());
        for (String line : text.split("\n", -1)) {
            Matcher name = NAME.matcher(line);
            Matcher type = TYPE.matcher(line);
            if (name.matches()) {
                current = name.group(1);
            } else if (type.matches() && current != null) {
                types.put(current, (Map<String, Object>) load.loadFromString("{" + type.group(1).trim() + "}"));
                current = null;
            }
        }
        Object doc = new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromString(text);
        Map<String, Object> template = null;
        for (Object item : (List<Object>) doc) {
            if (item instanceof Map<?, ?> m && m.get("routeTemplate") instanceof Map<?, ?> t && "table-sync".equals(t.get("id"))) {
                template = (Map<String, Object>) t;
            }
        }
        if (template == null) {
            throw new IllegalStateException(file + ": no routeTemplate with id table-sync");
        }
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (Object p : (List<Object>) template.get("parameters")) {
            Map<String, Object> parameter = (Map<String, Object>) p;
            String name = String.valueOf(parameter.get("name"));
            Map<String, Object> t = types.get(name);
            if (t == null || t.get("type") == null) {
                throw new IllegalStateException(file + ": parameter " + name + " has no '# type: ...' line under its name");
            }
            List<String> enumValues = t.get("enum") instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
            Object dv = parameter.get("defaultValue");
            out.put(name, new Parameter(name, String.valueOf(t.get("type")), enumValues,
                    t.get("minimum") == null ? null : ((Number) t.get("minimum")).longValue(),
                    t.get("maximum") == null ? null : ((Number) t.get("maximum")).doubleValue(),
                    t.get("format") == null ? null : String.valueOf(t.get("format")),
                    t.get("example") == null ? null : String.valueOf(t.get("example")),
                    dv == null ? null : String.valueOf(dv), dv == null && Boolean.TRUE.equals(parameter.get("required"))));
        }
        return new TableTemplate(out);
    }

    /** Every parameter, in the template's order. */
    public Map<String, Parameter> parameters() {
        return parameters;
    }

    /**
     * The values of a templated route that gives {@code given}: each given value, else the parameter's
     * default, placeholders resolved by {@code resolve} and trimmed, as Camel makes the route.
     *
     * @throws IllegalArgumentException for a parameter the template does not declare, or a required one missing
     */
    public Map<String, String> values(Map<String, String> given, java.util.function.UnaryOperator<String> resolve) {
        for (String name : given.keySet()) {
            if (!parameters.containsKey(name)) {
                throw new IllegalArgumentException("unknown parameter '" + name + "'; known: " + String.join(", ", parameters.keySet()));
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Parameter p : parameters.values()) {
            String raw = given.containsKey(p.name()) ? given.get(p.name()) : p.defaultValue();
            if (raw == null) {
                throw new IllegalArgumentException("parameter '" + p.name() + "' is required");
            }
            out.put(p.name(), resolve.apply(raw).trim());
        }
        return out;
    }

    /** What is wrong with {@code value} as a value of parameter {@code p}, or null when it is fine. */
    public static String problem(Parameter p, String value) {
        String v = value.toLowerCase(Locale.ROOT);
        if (!p.enumValues().isEmpty()) {
            return p.enumValues().stream().anyMatch(e -> e.equalsIgnoreCase(v)) ? null : "must be " + oneOf(p.enumValues());
        }
        if ("rules".equals(p.format())) {
            try {
                dev.ferry.rules.Rules.parse(value);
                return null;
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        long min = p.minimum() == null ? Long.MIN_VALUE : p.minimum();
        String empty = value.isEmpty() && min <= 0 ? "0" : value;
        return switch (p.type()) {
            case "boolean" -> v.equals("true") || v.equals("false") ? null : "must be true or false";
            case "integer" -> {
                String problem = min == -1 ? "must be a whole number of at least 0, or -1 for no limit"
                        : "must be a whole number of at least " + min + (min == 0 ? " (0: no limit)" : "");
                try {
                    yield Long.parseLong(empty) >= min ? null : problem;
                } catch (NumberFormatException e) {
                    yield problem;
                }
            }
            case "number" -> {
                String problem = "must be a number from " + min + " to " + Math.round(p.maximum()) + " (0: every row)";
                try {
                    double d = Double.parseDouble(empty);
                    yield d >= min && d <= p.maximum() ? null : problem;
                } catch (NumberFormatException e) {
                    yield problem;
                }
            }
            default -> null;
        };
    }

    /** "a, b or c". */
    private static String oneOf(List<String> values) {
        return values.size() == 1 ? values.get(0)
                : String.join(", ", values.subList(0, values.size() - 1)) + " or " + values.get(values.size() - 1);
    }
}
