package dev.ferry.ops.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.TreeSet;

/** What the API reads from a request: a JSON body with known fields, typed fields, query numbers. */
final class ApiBodies {

    private ApiBodies() {
    }

    /** The JSON object of the body ({@code {}} when empty), with no field but {@code allowed}. */
    static JsonNode body(Http.Request r, Set<String> allowed) throws BadRequest {
        String text = r.body() == null || r.body().isBlank() ? "{}" : r.body();
        JsonNode node;
        try {
            node = Http.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadRequest("the body is not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new BadRequest("the body must be a JSON object");
        }
        for (java.util.Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new BadRequest("unknown field '" + name + "'; known: " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
        return node;
    }

    static boolean bool(JsonNode body, String field) throws BadRequest {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw new BadRequest(field + " must be true or false");
        }
        return n.asBoolean();
    }

    static String text(JsonNode body, String field) throws BadRequest {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new BadRequest(field + " must be a string");
        }
        return n.asText().isBlank() ? null : n.asText().trim();
    }

    static int intParam(Http.Request r, String name, int fallback, int min, int max) throws BadRequest {
        String v = r.param(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new BadRequest(name + " must be a whole number from " + min + (max == Integer.MAX_VALUE ? "" : " to " + max));
        }
    }

    static JsonNode tree(String json) {
        try {
            return json == null ? null : Http.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** A request the API cannot take; the message says what to send. */
    static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message);
        }
    }
}
