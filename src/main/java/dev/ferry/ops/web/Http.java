package dev.ferry.ops.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The request and answer shapes of the status page's server, apart from Camel's exchange. */
final class Http {

    /** Instants as ISO-8601 text, fields in declaration order. */
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private Http() {
    }

    /** One request: method, path (no query), query parameters, body, the authenticated user. */
    record Request(String method, String path, Map<String, String> query, String body, String user) {

        /** A query parameter, null when absent or blank. */
        String param(String name) {
            String v = query.get(name);
            return v == null || v.isBlank() ? null : v;
        }
    }

    /** One answer. */
    record Response(int status, String contentType, String body, Map<String, String> headers) {

        static Response json(int status, Object value) {
            try {
                return new Response(status, "application/json; charset=utf-8", withoutUrls(JSON.writeValueAsString(value)),
                        Map.of());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        /** {@code {"error": message}} plus any other fields, given as name, value, ... */
        static Response error(int status, String message, Object... more) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", message);
            for (int i = 0; i + 1 < more.length; i += 2) {
                body.put(String.valueOf(more[i]), more[i + 1]);
            }
            return json(status, body);
        }

        static Response text(int status, String text) {
            return new Response(status, "text/plain; charset=utf-8", text, Map.of());
        }

        Response with(String header, String value) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.put(header, value);
            return new Response(status, contentType, body, all);
        }
    }

    private static final java.util.regex.Pattern URL = java.util.regex.Pattern.compile(
            "(?i)(?:jdbc:)?postgres(?:ql)?://[^\\s\"\\\\]*");

    /**
     * The JSON with every database URL replaced, whatever put it there (an error that names the URL it could
     * not connect to): no answer carries a connection string, with or without its password.
     */
    static String withoutUrls(String json) {
        return URL.matcher(json).replaceAll("(connection string removed)");
    }

    /** {@code a=1&b=two} decoded; later duplicates win. */
    static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                out.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // a malformed escape: the parameter is left out
            }
        }
        return out;
    }
}
