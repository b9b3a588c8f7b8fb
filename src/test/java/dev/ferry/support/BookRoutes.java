package dev.ferry.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The book catalogue's routes: the demo's folder, and folders of their own whose book route has extra parameters. */
public final class BookRoutes {

    /** The demo's tables folder (the book route): routes/tables ships empty, so book tests name this one. */
    public static final Path DEMO = Path.of("routes/demo").toAbsolutePath();

    private BookRoutes() {
    }

    /**
     * A Ferry command line that reads the demo's book route: {@code --tables-dir routes/demo} added after a
     * {@code sync}, {@code verify} or {@code serve} that names no tables folder of its own.
     */
    public static String[] demo(String... args) {
        if (args.length == 0 || !List.of("sync", "verify", "serve").contains(args[0])
                || Arrays.stream(args).anyMatch(a -> a.equals("--tables-dir") || a.startsWith("--tables-dir="))) {
            return args;
        }
        List<String> out = new ArrayList<>(List.of(args[0], "--tables-dir", DEMO.toString()));
        out.addAll(Arrays.asList(args).subList(1, args.length));
        return out.toArray(String[]::new);
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
