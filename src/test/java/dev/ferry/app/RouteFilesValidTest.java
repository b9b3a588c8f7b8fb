package dev.ferry.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ferry's own route files are {@code *.camel.yaml} and valid Camel YAML DSL, checked at build time
 * without a database: each against the DSL's JSON schema (schema/camelYamlDsl.json of camel-yaml-dsl,
 * what camel-yaml-dsl-validator-maven-plugin checks) and through Camel's own YAML loader.
 */
class RouteFilesValidTest {

    private static Schema schema;

    @BeforeAll
    static void loadSchema() throws Exception {
        try (InputStream in = org.apache.camel.dsl.yaml.YamlRoutesBuilderLoader.class.getClassLoader()
                .getResourceAsStream("schema/camelYamlDsl.json")) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(in, InputFormat.JSON);
        }
    }

    /** Every route file Ferry ships, table routes of routes/tables excepted (users write those). */
    private static List<Path> ferryRouteFiles() throws Exception {
        try (Stream<Path> files = Files.walk(Path.of("routes"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yaml"))
                    .filter(f -> !f.startsWith(Path.of("routes/tables")))
                    // the template first: a templated route needs it loaded
                    .sorted(java.util.Comparator.comparing((Path f) -> !f.startsWith(Path.of("routes/templates")))
                            .thenComparing(Path::toString)).toList();
        }
    }

    /**
     * The schema's complaints, less one: a property placeholder ({@code "{{ferry.retry.max-redeliveries}}"})
     * where the schema wants a number or a boolean, which Camel resolves when it makes the route.
     */
    private static List<String> problems(String yaml) {
        return schema.validate(yaml, InputFormat.YAML).stream()
                .filter(e -> !("type".equals(e.getKeyword()) && e.getInstanceNode() != null
                        && e.getInstanceNode().isTextual() && e.getInstanceNode().asText().matches("\\{\\{.+}}")))
                .map(Error::toString).limit(5).toList();
    }

    @Test
    void should_name_every_ferry_route_file_camel_yaml() throws Exception {
        List<Path> files = ferryRouteFiles();
        assertEquals(9, files.size(), files.toString());
        for (Path f : files) {
            assertTrue(f.getFileName().toString().endsWith(".camel.yaml"), f + " is not named *.camel.yaml");
        }
    }

    @Test
    void should_validate_every_ferry_route_file_against_the_yaml_dsl_schema() throws Exception {
        for (Path f : ferryRouteFiles()) {
            List<String> problems = problems(Files.readString(f));
            assertTrue(problems.isEmpty(), f + ": " + problems);
        }
    }

    @Test
    void should_load_every_ferry_route_file_through_camels_yaml_loader() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            // the files' beans read Ferry's configuration (a redelivery policy's delays)
            camel.getPropertiesComponent().setLocation("file:config/application.properties");
            for (Path f : ferryRouteFiles()) {
                PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString(f.getFileName().toString(),
                        Files.readString(f)));
            }
            assertTrue(camel.getRouteTemplateDefinition("table-sync") != null);
        }
    }

    @Test
    void should_refuse_a_key_the_dsl_does_not_know_so_parameter_types_are_comments() throws Exception {
        String typed = """
                - routeTemplate:
                    id: t
                    parameters:
                      - name: mode
                        type: string
                        defaultValue: full
                    route:
                      from:
                        uri: direct:t
                        steps:
                          - log: x
                """;
        List<String> problems = problems(typed);
        assertFalse(problems.isEmpty());
        assertTrue(problems.toString().contains("type"), problems.toString());
        assertTrue(problems(typed.replaceAll("(?m)^ *type: string\n", "")).isEmpty());
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            assertThrows(Exception.class, () -> PluginHelper.getRoutesLoader(camel)
                    .loadRoutes(ResourceHelper.fromString("t.camel.yaml", typed)));
        }
    }

    @Test
    void should_refuse_a_misspelt_step() {
        List<String> problems = problems("""
                - route:
                    id: r
                    from:
                      uri: direct:r
                      steps:
                        - too:
                            uri: direct:x
                """);
        assertFalse(problems.isEmpty());
    }
}
