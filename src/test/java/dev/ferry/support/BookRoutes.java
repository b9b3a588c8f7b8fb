package dev.ferry.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** A tables folder of its own whose book route (owner column owner_id) has these extra template parameters. */
public final class BookRoutes {

    private BookRoutes() {
    }

    /** {@code parameters}: name, value, name, value, ... */
    public static Path with(String... parameters) throws java.io.IOException {
        Path dir = Files.createTempDirectory("ferry-routes");
        StringBuilder y = new StringBuilder("""
                - templatedRoute:
                    routeTemplateRef: table-sync
                    routeId: sync-book
                    parameters:
                      - name: table
                        value: book
                      - name: ownerColumn
                        value: owner_id
                """);
        for (int i = 0; i < parameters.length; i += 2) {
            y.append("      - name: ").append(parameters[i]).append("\n        value: \"").append(parameters[i + 1])
                    .append("\"\n");
        }
        Files.writeString(dir.resolve("book.yaml"), y.toString());
        return dir;
    }
}
