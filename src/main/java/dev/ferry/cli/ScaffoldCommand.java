package dev.ferry.cli;

import dev.ferry.db.Jdbc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.ferry.app.FerryApp;
import dev.ferry.log.Redactor;
import dev.ferry.schema.Column;
import dev.ferry.schema.SchemaIntrospector;
import dev.ferry.schema.TableInfo;
import dev.ferry.db.SqlErrors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ferry scaffold}: reads the source catalogue and writes one templated route per table, ready
 * to edit: the key from the primary key (or a single-column unique constraint), the columns and the
 * foreign keys as comments.
 */
@Command(name = "scaffold", mixinStandardHelpOptions = true,
        description = "Writes a route file in routes/tables for every table of the source (or --schema, --tables), to edit and sync.")
public final class ScaffoldCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", description = "Folder to write to (default routes/tables).")
    Path out;

    @Option(names = "--tables", split = ",", paramLabel = "a,b", description = "Only these tables.")
    List<String> tables = new ArrayList<>();

    @Option(names = "--schema", split = ",", paramLabel = "a,b",
            description = "Only these source schemas (default: every schema but PostgreSQL's own).")
    List<String> schemas = new ArrayList<>();

    @Option(names = "--force", description = "Overwrite files that exist.")
    boolean force;

    @Option(names = "--rules", description = "Suggest data rules for columns whose names or values look personal "
            + "(email, phone, name, address, ip, ids).")
    boolean rules;

    /** Schemas Ferry keeps its own bookkeeping in (in a database that is also a target). */
    private static final java.util.Set<String> FERRY_SCHEMAS = java.util.Set.of("ferry", "ferry_quartz");

    /** A table of the source: its schema and name, the name a route gives it, and why it is left out (null: kept). */
    record Found(String schema, String name, String label, String skipped) {
    }

    @Override
    public Integer call() {
        Path folder = out != null ? out : FerryApp.home().resolve("routes/tables");
        try (FerryApp app = FerryApp.start(null, Map.of())) {
            List<Found> found;
            try (Connection c = app.source().getConnection()) {
                for (String schema : schemas) {
                    if (!exists(c, "SELECT 1 FROM pg_namespace WHERE nspname = ?", schema.trim())) {
                        System.err.println("no schema " + schema.trim() + " in the source: check --schema");
                        return ExitCodes.USAGE;
                    }
                }
                found = tables.isEmpty() ? all(c) : named(c);
                if (found == null) {
                    return ExitCodes.USAGE;
                }
            }
            // the catalogue of every table found, read once (six queries, not six per table)
            SchemaIntrospector.Catalogue catalogue = new SchemaIntrospector(app.source()).catalogue(found.stream()
                    .filter(f -> f.skipped() == null).map(f -> dev.ferry.db.Sql.qualified(f.schema(), f.name())).toList());
            Files.createDirectories(folder);
            Map<String, Path> routed = routedTables(folder);
            int written = 0;
            int skipped = 0;
            int partitions = 0;
            for (Found f : found) {
                if ("partition".equals(f.skipped())) {
                    partitions++;
                    continue;
                }
                if (f.skipped() != null) {
                    System.err.println("skipped " + f.schema() + "." + f.name() + " (" + f.skipped() + ")");
                    skipped++;
                    continue;
                }
                Path file = folder.resolve(fileName(f.schema(), f.name()));
                Path other = routed.get(f.label());
                if (other != null && !other.getFileName().equals(file.getFileName())) {
                    System.err.println("skipped " + f.label() + ": " + other + " already routes it (delete that file to "
                            + "scaffold it again)");
                    skipped++;
                    continue;
                }
                if (Files.exists(file) && !force) {
                    System.err.println("kept " + file + " for " + f.label() + " (exists; --force overwrites)");
                    continue;
                }
                String qualified = dev.ferry.db.Sql.qualified(f.schema(), f.name());
                TableInfo table = catalogue.table(qualified).orElse(null);
                if (table == null) {
                    System.err.println("skipped " + f.label() + " (dropped while scaffolding)");
                    skipped++;
                    continue;
                }
                Map<String, String> suggested = rules ? dev.ferry.rules.PersonalData.suggest(app.source(), table) : Map.of();
                Files.writeString(file, route(f.label(), table, catalogue.foreignKeysOf(qualified), suggested));
                routed.put(f.label(), file);
                System.err.println("wrote " + file + " for " + f.label());
                written++;
            }
            if (partitions > 0) {
                System.err.println("skipped " + partitions + " partition(s): synced through their partitioned tables");
            }
            boolean usual = folder.toAbsolutePath().normalize().equals(FerryApp.home().resolve("routes/tables"));
            System.err.println("wrote " + written + " route file(s) to " + folder
                    + (skipped + partitions > 0 ? "; skipped " + (skipped + partitions) + " table(s)" : "")
                    + ": review them (key, owner column, data rules), then ./ferry sync --dry-run"
                    + (usual ? "" : " --tables-dir " + folder));
            return ExitCodes.SUCCESS;
        } catch (Exception e) {
            System.err.println(Redactor.redact("scaffold FAILED: " + SqlErrors.message(e)));
            return ExitCodes.FAILED;
        }
    }

    private static final String TABLES = "SELECT n.nspname, c.relname, quote_ident(n.nspname), quote_ident(c.relname), "
            + "c.relispartition, (SELECT e.extname FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid "
            + "WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e' LIMIT 1) "
            + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') ";

    /** Every table of the chosen schemas (default: all but PostgreSQL's own), each kept or with the reason it is not. */
    private List<Found> all(Connection c) throws SQLException {
        List<String> chosen = schemas.stream().map(String::trim).toList();
        java.sql.Array array = c.createArrayOf("text", chosen.toArray());
        return Jdbc.list(c, TABLES + "AND (cardinality(?::text[]) = 0 OR n.nspname = ANY (?::text[])) "
                + "AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' ORDER BY n.nspname, c.relname",
                found(!chosen.isEmpty()), array, array);
    }

    /** The tables --tables names (through --schema when one is given and a name has none); null when one is unknown. */
    private List<Found> named(Connection c) throws SQLException {
        List<Found> out = new ArrayList<>();
        for (String name : tables) {
            List<String> candidates = new ArrayList<>();
            boolean qualified = exists(c, "SELECT 1 WHERE cardinality(parse_ident(?)) > 1", name.trim());
            if (qualified || schemas.isEmpty()) {
                candidates.add(name.trim());
            } else {
                schemas.forEach(s -> candidates.add(dev.ferry.db.Sql.ident(s.trim()) + "." + name.trim()));
            }
            int before = out.size();
            for (String candidate : candidates) {
                out.addAll(Jdbc.list(c, TABLES + "AND c.oid = to_regclass(?)", found(true), candidate));
            }
            if (out.size() == before) {
                System.err.println("no table " + name.trim() + " in the source" + (qualified || schemas.isEmpty() ? ""
                        : " schema(s) " + String.join(", ", schemas)) + ": check --tables (a mixed-case name is quoted: "
                        + "'\"Users\"')");
                return null;
            }
        }
        return out;
    }

    private static Jdbc.Row<Found> found(boolean schemasChosen) {
        return rs -> {
            String schema = rs.getString(1);
            String label = schema.equals("public") ? rs.getString(4) : rs.getString(3) + "." + rs.getString(4);
            String skipped = rs.getBoolean(5) ? "partition"
                    : rs.getString(6) != null ? "belongs to extension " + rs.getString(6)
                    : FERRY_SCHEMAS.contains(schema) && !schemasChosen ? "Ferry's own schema; --schema " + schema + " takes it"
                    : null;
            return new Found(schema, rs.getString(2), label, skipped);
        };
    }

    private static boolean exists(Connection c, String sql, String parameter) throws SQLException {
        return Jdbc.one(c, sql, rs -> Boolean.TRUE, parameter).isPresent();
    }

    /** The tables the route files already in {@code folder} name (their 'table' parameter), each with its file. */
    private static Map<String, Path> routedTables(Path folder) throws java.io.IOException {
        Map<String, Path> out = new java.util.HashMap<>();
        List<Path> files;
        try (java.util.stream.Stream<Path> list = Files.list(folder)) {
            files = list.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path file : files) {
            Object doc;
            try {
                doc = new org.snakeyaml.engine.v2.api.Load(org.snakeyaml.engine.v2.api.LoadSettings.builder().build())
                        .loadFromString(Files.readString(file));
            } catch (RuntimeException e) {
                continue; // not ours to judge here: sync says what is wrong with it
            }
            if (doc instanceof List<?> items) {
                for (Object item : items) {
                    if (item instanceof Map<?, ?> entry && entry.get("templatedRoute") instanceof Map<?, ?> route
                            && route.get("parameters") instanceof List<?> parameters) {
                        for (Object p : parameters) {
                            if (p instanceof Map<?, ?> parameter && "table".equals(parameter.get("name"))
                                    && parameter.get("value") != null) {
                                out.put(String.valueOf(parameter.get("value")).trim(), file);
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private static final java.util.regex.Pattern PLAIN = java.util.regex.Pattern.compile("[a-z_][a-z0-9_]*");
    private static final java.util.Set<String> RESERVED_ON_WINDOWS = java.util.Set.of("con", "prn", "aux", "nul",
            "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5",
            "lpt6", "lpt7", "lpt8", "lpt9");

    /**
     * The route file of table {@code schema.name}, safe on any disk and loaded by Camel (which picks its
     * loader by everything after the first dot, so the only dot is the one before yaml), one per table:
     * {@code name.yaml} for a lower-case name in public, {@code schema-name.yaml} in another schema (a plain
     * name has no '-'), and for any other name its letters, digits and underscores, then {@code --} and a hash
     * of the exact schema and name ({@code my_table--1a2b3c4d5e.yaml} for {@code "my table"}; {@code Users--...}
     * for {@code "Users"}, which a case-insensitive disk would confuse with {@code users}).
     */
    static String fileName(String schema, String name) {
        String base = schema.equals("public") ? name : schema + "-" + name;
        boolean plain = PLAIN.matcher(name).matches() && PLAIN.matcher(schema).matches()
                && !RESERVED_ON_WINDOWS.contains(base) && base.length() <= 120;
        if (plain) {
            return base + ".yaml";
        }
        String readable = java.text.Normalizer.normalize(base, java.text.Normalizer.Form.NFD).replaceAll("\\p{M}", "")
                .replaceAll("[^A-Za-z0-9_-]", "_");
        if (readable.length() > 100) {
            readable = readable.substring(0, 100);
        }
        return readable + "--" + dev.ferry.plan.TableEndpoint.hash(schema + "\0" + name) + ".yaml";
    }

    /** A YAML scalar holding {@code text} exactly: as it is when plain, else quoted. */
    static String yaml(String text) {
        if (text.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
            return text;
        }
        if (text.codePoints().noneMatch(cp -> Character.isISOControl(cp) || cp == 0x2028 || cp == 0x2029 || cp == 0x85)) {
            return "'" + text.replace("'", "''") + "'";
        }
        StringBuilder y = new StringBuilder("\"");
        text.codePoints().forEach(cp -> {
            if (cp == '"' || cp == '\\') {
                y.append('\\').appendCodePoint(cp);
            } else if (Character.isISOControl(cp) || cp == 0x2028 || cp == 0x2029 || cp == 0x85) {
                y.append(String.format("\\u%04x", cp));
            } else {
                y.appendCodePoint(cp);
            }
        });
        return y.append('"').toString();
    }

    /** A YAML double-quoted scalar holding {@code text} exactly ("id, at"). */
    static String quoted(String text) {
        String y = yaml(text);
        return y.startsWith("\"") ? y : "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Text for a YAML comment: control characters (a newline would end the comment) shown as escapes. */
    private static String comment(String text) {
        StringBuilder y = new StringBuilder();
        text.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp) || cp == 0x2028 || cp == 0x2029 || cp == 0x85) {
                y.append(String.format("\\u%04x", cp));
            } else {
                y.appendCodePoint(cp);
            }
        });
        return y.toString();
    }

    /** The templated route of one table; {@code name} is the table as the route names it (quoted where SQL needs it). */
    static String route(String name, TableInfo table, List<SchemaIntrospector.ForeignKey> foreignKeys,
                        Map<String, String> suggested) {
        StringBuilder y = new StringBuilder();
        y.append("# ").append(comment(table.displayName())).append(" (scaffolded from the source; edit freely)\n");
        y.append("# columns:\n");
        for (Column c : table.columns()) {
            y.append("#   ").append(comment(c.name())).append(' ').append(c.type()).append(c.notNull() ? " not null" : "")
                    .append(c.generated() ? " generated" : "").append('\n');
        }
        for (SchemaIntrospector.ForeignKey fk : foreignKeys) {
            y.append("# foreign key ").append(comment(fk.name())).append(": (").append(comment(String.join(", ", fk.columns())))
                    .append(") -> ").append(comment(fk.referencedDisplay())).append(" (")
                    .append(comment(String.join(", ", fk.referencedColumns()))).append(")\n");
        }
        List<String> key = table.suggestedKey();
        if (key.isEmpty()) {
            y.append("# NOTE: no primary key and no unique key on NOT NULL columns: synced by full refresh only,\n")
                    .append("# restaged from the start when a run is interrupted\n");
        }
        y.append("# To remap ownership, add:  - name: ownerColumn / value: <column>\n");
        y.append("- templatedRoute:\n");
        y.append("    routeTemplateRef: table-sync\n");
        // the route id is sync- and the table exactly as the route names it (quotes kept): what --tables takes
        y.append("    routeId: ").append(yaml("sync-" + name)).append('\n');
        y.append("    parameters:\n");
        y.append("      - name: table\n        value: ").append(yaml(name)).append('\n');
        // a key column whose name has a comma, a quote or edge spaces is written in SQL's double quotes
        y.append("      - name: key\n        value: ").append(quoted(String.join(", ", key.stream()
                .map(k -> k.contains(",") || k.contains("\"") || !k.equals(k.trim()) || k.isEmpty()
                        ? "\"" + k.replace("\"", "\"\"") + "\"" : k).toList()))).append('\n');
        if (!suggested.isEmpty()) {
            y.append("      # data rules suggested for columns that look personal: review them\n");
            y.append("      - name: rules\n        value: ").append(quoted(String.join("; ", suggested.entrySet().stream()
                    .map(e -> e.getKey() + ": " + e.getValue()).toList()))).append('\n');
        }
        return y.toString();
    }
}
