package dev.ferry.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Route files against the template's parameters, without a database. */
class RouteFileCheckTest {

    /** The parameters routes/templates/table-sync.camel.yaml declares, with their types and defaults. */
    private static TableTemplate declared() throws Exception {
        return TableTemplate.read(Path.of("routes/templates/table-sync.camel.yaml"));
    }

    private static String refusal(String parameters) throws Exception {
        Path dir = Files.createTempDirectory("ferry-routes");
        Files.writeString(dir.resolve("customer.yaml"), """
                - templatedRoute:
                    routeTemplateRef: table-sync
                    routeId: sync-customer
                    parameters:
                      - name: table
                        value: customer
                """ + parameters);
        TableTemplate declared = declared();
        RouteFileCheck.BadRouteFile e = assertThrows(RouteFileCheck.BadRouteFile.class,
                () -> RouteFileCheck.check(dir, declared, v -> v.replaceAll("\\{\\{[^}]*}}", "100")));
        return e.getMessage();
    }

    private static String param(String name, String value) {
        return "      - name: " + name + "\n        value: \"" + value + "\"\n";
    }

    @Test
    void should_name_file_parameter_and_nearest_known_name_for_a_misspelt_parameter() throws Exception {
        String rule = refusal(param("rule", "email: email"));
        assertTrue(rule.endsWith("customer.yaml: unknown parameter 'rule': did you mean 'rules'?"), rule);
        assertTrue(refusal(param("ownercolumn", "owner_id")).endsWith("unknown parameter 'ownercolumn': did you mean 'ownerColumn'?"));
        assertTrue(refusal(param("kee", "customer_id")).endsWith("unknown parameter 'kee': did you mean 'key'?"));
        String far = refusal(param("colour", "blue"));
        assertTrue(far.contains("unknown parameter 'colour'; known: table, key,"), far);
    }

    @Test
    void should_refuse_values_that_do_not_parse_as_their_kind() throws Exception {
        assertTrue(refusal(param("batchSize", "-5")).endsWith("parameter 'batchSize' is '-5': must be a whole number of at least 1"));
        assertTrue(refusal(param("strict", "yes")).endsWith("parameter 'strict' is 'yes': must be true or false"));
        assertTrue(refusal(param("mode", "mirror")).contains("must be full, merge or incremental"));
        assertTrue(refusal(param("conflict", "sourcewin")).contains("must be sourceWins, targetWins, newestWins or manual"));
        assertTrue(refusal(param("writer", "insert")).contains("must be copy or sql"));
        assertTrue(refusal(param("percent", "150")).contains("must be a number from 0 to 100"));
        assertTrue(refusal(param("limit", "ten")).contains("must be a whole number of at least 0"));
        assertTrue(refusal(param("rules", "email: scramble")).contains("rule 'scramble' for column email is not one of"));
        assertTrue(refusal(param("mode", "merge") + param("mode", "full")).contains("parameter 'mode' is given twice"));
    }

    @Test
    void should_check_defaults_resolved_from_the_configuration() throws Exception {
        Path dir = Files.createTempDirectory("ferry-routes");
        Files.writeString(dir.resolve("book.yaml"), """
                - templatedRoute:
                    routeTemplateRef: table-sync
                    routeId: sync-book
                    parameters:
                      - name: table
                        value: book
                """);
        TableTemplate declared = declared();
        String message = assertThrows(RouteFileCheck.BadRouteFile.class, () -> RouteFileCheck.check(dir, declared,
                v -> v.replace("{{ferry.batch-size}}", "0").replaceAll("\\{\\{[^}]*}}", "100"))).getMessage();
        assertTrue(message.endsWith("parameter 'batchSize' is '0': must be a whole number of at least 1 (its default, from the configuration)"),
                message);
        RouteFileCheck.check(dir, declared, v -> v.replaceAll("\\{\\{[^}]*}}", "100"));
    }

    @Test
    void should_accept_the_shipped_route_files_and_know_only_declared_parameters() throws Exception {
        TableTemplate declared = declared();
        for (String shipped : List.of("routes/tables", "routes/demo")) {
            RouteFileCheck.check(Path.of(shipped), declared, v -> v.replaceAll("\\{\\{[^}]*}}", "100"));
        }
        for (TableTemplate.Parameter p : declared.parameters().values()) {
            assertTrue(List.of("string", "boolean", "integer", "number").contains(p.type()), p + ": no known type");
            assertTrue(p.example() != null, p.name() + " has no example");
        }
    }

    @Test
    void should_suggest_by_case_first_then_by_edits() {
        List<String> known = List.of("rules", "ownerColumn", "key", "naturalKey");
        assertEquals("ownerColumn", RouteFileCheck.nearest("OWNERCOLUMN", known));
        assertEquals("naturalKey", RouteFileCheck.nearest("naturalkeys", known));
        assertNull(RouteFileCheck.nearest("somethingelse", known));
    }

    @Test
    void should_read_plain_templated_routes_once_with_their_values_as_written_and_leave_any_other_file_to_camel()
            throws Exception {
        Path file = Files.createTempFile("ferry-route", ".yaml");
        Files.writeString(file, """
                # Table "my table" (a comment)
                - templatedRoute:
                    routeTemplateRef: table-sync
                    routeId: 'sync-"my table"'
                    parameters:
                      - name: table
                        value: '"my table"'
                      - name: batchSize
                        value: 1e3
                      - {name: strict, value: true}
                """);
        List<RouteFileCheck.TableRoute> routes = RouteFileCheck.read(file);
        assertEquals(1, routes.size());
        assertEquals("sync-\"my table\"", routes.get(0).routeId());
        // each value as the YAML text gives it, as Camel passes it to the template
        assertEquals(java.util.Map.of("table", "\"my table\"", "batchSize", "1e3", "strict", "true"), routes.get(0).parameters());
        assertEquals(List.of("table", "batchSize", "strict"), List.copyOf(routes.get(0).parameters().keySet()));
        for (String other : List.of(
                "- templatedRoute:\n    routeTemplateRef: table-sync\n    prefixId: x\n",
                "- templatedRoute:\n    routeTemplateRef: another\n",
                "- templatedRoute:\n    routeTemplateRef: table-sync\n    parameters:\n      - name: table\n        value: [a, b]\n",
                "- templatedRoute:\n    routeTemplateRef: table-sync\n    parameters:\n      - name: table\n        value:\n",
                "- templatedRoute:\n    routeTemplateRef: table-sync\n    parameters:\n      - {name: mode, value: full}\n"
                        + "      - {name: mode, value: merge}\n",
                "- route:\n    from:\n      uri: direct:x\n",
                "- templatedRoute: [\n", "")) {
            Files.writeString(file, other);
            assertNull(RouteFileCheck.read(file), other);
        }
        Files.delete(file);
    }
}
