package dev.ferry.ops.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The page's three files, from the jar (src/main/resources/web): nothing is fetched from anywhere else, at
 * build time or run time. The HTML carries the page's token for its own POSTs.
 */
final class StatusPage {

    private static final Map<String, String[]> FILES = Map.of(
            "/", new String[] {"index.html", "text/html; charset=utf-8"},
            "/index.html", new String[] {"index.html", "text/html; charset=utf-8"},
            "/ferry.css", new String[] {"ferry.css", "text/css; charset=utf-8"},
            "/ferry.js", new String[] {"ferry.js", "text/javascript; charset=utf-8"});

    private final Map<String, String> contents = new java.util.concurrent.ConcurrentHashMap<>();

    Http.Response serve(String path, String token) {
        String[] file = FILES.get(path);
        if (file == null) {
            return Http.Response.text(404, "not found\n");
        }
        String body = contents.computeIfAbsent(file[0], StatusPage::read);
        if (file[0].equals("index.html")) {
            body = body.replace("{{token}}", token);
        }
        return new Http.Response(200, file[1], body, Map.of());
    }

    private static String read(String name) {
        try (InputStream in = StatusPage.class.getResourceAsStream("/web/" + name)) {
            if (in == null) {
                throw new IllegalStateException("web/" + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
