package dev.ferry;

import dev.ferry.run.RunService;
import dev.ferry.app.FerryApp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import dev.ferry.support.BookRoutes;
import dev.ferry.state.Progress;
import dev.ferry.plan.TableSpec;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;

/** Every YAML route loads from the include pattern, with the ids and parameters users rely on. */
class RoutesTest {

    @Test
    void should_load_every_yaml_route_with_explicit_ids() throws Exception {
        try (FerryApp app = FerryApp.start(BookRoutes.DEMO, Map.of())) {
            List<String> ids = app.camel().getRoutes().stream().map(Route::getRouteId).sorted().toList();
            assertEquals(List.of("ferry-alert", "ferry-apply", "ferry-dead-letter", "ferry-run", "ferry-stage-batch",
                    "ferry-stage-batch-tx", "ferry-table", "sync-book"), ids);
            assertEquals(8, app.camel().getRoutes().size());

            Map<String, TableSpec> tables = RunService.runner(app, new Progress(System.err)).tables();
            // every value but table and ownerColumn is the template's default (batchSize and batchBytes from the configuration)
            assertEquals(Map.of("book", new TableSpec("book", "id", "owner_id", 5000, false, TableSpec.Mode.FULL, false, "",
                    false, TableSpec.Conflict.SOURCE_WINS, "", "", "target", TableSpec.Writer.COPY, 8L << 20, "", "", 0, 0,
                    false, null)), tables);
        }
    }

    @Test
    void should_ship_routes_tables_empty_and_the_demo_route_apart() throws Exception {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("routes/tables"))) {
            assertEquals(List.of("README.md"), files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        try (FerryApp app = FerryApp.start(null, Map.of())) {
            assertEquals(Map.of(), RunService.runner(app, new Progress(System.err)).tables());
            assertEquals(7, app.camel().getRoutes().size());
        }
    }

    @Test
    void should_take_the_batch_size_from_configuration_unless_the_route_sets_it() throws Exception {
        try (FerryApp app = FerryApp.start(BookRoutes.DEMO, Map.of("ferry.batch-size", "250"))) {
            assertEquals(250, RunService.runner(app, new Progress(System.err)).tables().get("book").batchSize());
        }
    }

    @Test
    void should_load_table_routes_named_yaml_or_camel_yaml_and_refuse_another_dot() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("ferry-routes");
        java.nio.file.Files.copy(BookRoutes.DEMO.resolve("book.camel.yaml"), dir.resolve("book.camel.yaml"));
        java.nio.file.Files.writeString(dir.resolve("author.yaml"), """
                - templatedRoute:
                    routeTemplateRef: table-sync
                    routeId: sync-author
                    parameters:
                      - name: table
                        value: author
                """);
        // a file Ferry does not read itself (here: a key scaffold never writes) is loaded by Camel, as before
        java.nio.file.Files.writeString(dir.resolve("tag.yaml"), """
                - templatedRoute:
                    routeTemplateRef: table-sync
                    routeId: sync-tag
                    prefixId: tag-
                    parameters:
                      - name: table
                        value: tag
                """);
        try (FerryApp app = FerryApp.start(dir, Map.of())) {
            assertEquals(List.of("author", "book", "tag"),
                    RunService.runner(app, new Progress(System.err)).tables().keySet().stream().sorted().toList());
            app.checkTableRoutes();
        }
        java.nio.file.Files.delete(dir.resolve("tag.yaml"));
        java.nio.file.Files.move(dir.resolve("author.yaml"), dir.resolve("public.author.camel.yaml"));
        String refusal = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FerryApp.start(dir, Map.of()).close()).getMessage();
        org.junit.jupiter.api.Assertions.assertTrue(refusal.endsWith("rename it public-author.yaml"), refusal);
    }
}
