package dev.ferry.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.ferry.FerryApp;
import dev.ferry.log.Redactor;
import dev.ferry.schema.Column;
import dev.ferry.schema.SchemaIntrospector;
import dev.ferry.schema.TableInfo;
import dev.ferry.sync.SqlErrors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ferry scaffold}: reads the source catalogue and writes one templated route per table, ready
 * to edit: the key from the primary key (or a single-column unique constraint), the columns and the
 * foreign keys as comments.
 */
@Command(name = "scaffold", mixinStandardHelpOptions = true,
        description = "Writes routes/tables/<table>.yaml for every table of the source (or --tables), to edit and sync.")
public final class ScaffoldCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", description = "Folder to write to (default routes/tables).")
    Path out;

    @Option(names = "--tables", split = ",", paramLabel = "a,b", description = "Only these tables.")
    List<String> tables = new ArrayList<>();

    @Option(names = "--schema", defaultValue = "public", description = "Source schema (default ${DEFAULT-VALUE}).")
    String schema;

    @Option(names = "--force", description = "Overwrite files that exist.")
    boolean force;

    @Option(names = "--rules", description = "Suggest data rules for columns whose names or values look personal "
            + "(email, phone, name, address, ip, ids).")
    boolean rules;

    @Override
    public Integer call() {
        Path folder = out != null ? out : FerryApp.home().resolve("routes/tables");
        try (FerryApp app = FerryApp.start(null, Map.of())) {
            SchemaIntrospector catalogue = new SchemaIntrospector(app.source());
            List<String> names = tables.isEmpty() ? catalogue.tables(schema) : tables;
            Files.createDirectories(folder);
            int written = 0;
            for (String name : names) {
                String qualified = schema.equals("public") || name.contains(".") ? name : schema + "." + name;
                TableInfo table = catalogue.table(qualified).orElse(null);
                if (table == null) {
                    System.err.println("no table " + qualified + " in the source");
                    return ExitCodes.USAGE;
                }
                Path file = folder.resolve(table.name() + ".yaml");
                if (Files.exists(file) && !force) {
                    System.err.println("kept " + file + " (exists; --force overwrites)");
                    continue;
                }
                Map<String, String> suggested = rules ? dev.ferry.schema.PersonalData.suggest(app.source(), table) : Map.of();
                Files.writeString(file, route(qualified, table, catalogue.foreignKeys(qualified), suggested));
                written++;
            }
            boolean usual = folder.toAbsolutePath().normalize().equals(FerryApp.home().resolve("routes/tables"));
            System.err.println("wrote " + written + " route file(s) to " + folder + ": review them (key, owner column, "
                    + "data rules), then ./ferry sync --dry-run" + (usual ? "" : " --tables-dir " + folder));
            return ExitCodes.SUCCESS;
        } catch (Exception e) {
            System.err.println(Redactor.redact("scaffold FAILED: " + SqlErrors.message(e)));
            return ExitCodes.FAILED;
        }
    }

    /** The templated route of one table. */
    static String route(String name, TableInfo table, List<SchemaIntrospector.ForeignKey> foreignKeys,
                        Map<String, String> suggested) {
        StringBuilder y = new StringBuilder();
        y.append("# ").append(table.displayName()).append(" (scaffolded from the source; edit freely)\n");
        y.append("# columns:\n");
        for (Column c : table.columns()) {
            y.append("#   ").append(c.name()).append(' ').append(c.type()).append(c.notNull() ? " not null" : "")
                    .append(c.generated() ? " generated" : "").append('\n');
        }
        for (SchemaIntrospector.ForeignKey fk : foreignKeys) {
            y.append("# foreign key ").append(fk.name()).append(": (").append(String.join(", ", fk.columns()))
                    .append(") -> ").append(fk.referencedDisplay()).append(" (").append(String.join(", ", fk.referencedColumns()))
                    .append(")\n");
        }
        List<String> key = table.suggestedKey();
        if (key.isEmpty()) {
            y.append("# NOTE: no primary key and no unique key on NOT NULL columns: synced by full refresh only,\n")
                    .append("# restaged from the start when a run is interrupted\n");
        }
        y.append("# To remap ownership, add:  - name: ownerColumn / value: <column>\n");
        y.append("- templatedRoute:\n");
        y.append("    routeTemplateRef: table-sync\n");
        y.append("    routeId: sync-").append(name.replace("\"", "")).append('\n');
        y.append("    parameters:\n");
        // a mixed-case name stays quoted as in SQL ("Orders"), in a YAML single-quoted string
        y.append("      - name: table\n        value: ").append(name.contains("\"") ? "'" + name.replace("'", "''") + "'" : name)
                .append('\n');
        y.append("      - name: key\n        value: \"").append(String.join(", ", key)).append("\"\n");
        if (!suggested.isEmpty()) {
            y.append("      # data rules suggested for columns that look personal: review them\n");
            y.append("      - name: rules\n        value: \"").append(String.join("; ", suggested.entrySet().stream()
                    .map(e -> e.getKey() + ": " + e.getValue()).toList()).replace("\"", "\\\"")).append("\"\n");
        }
        return y.toString();
    }
}
