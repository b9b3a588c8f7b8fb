package dev.ferry.plan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

import org.apache.camel.spi.PropertiesFunction;

/**
 * {@code {{tableEndpoint:<table>}}}: the name of a table route's {@code direct:} endpoint, safe in a URI
 * whatever the table is called. A plain name keeps {@code sync-<table>} ({@code sync-book},
 * {@code sync-public.book}); any other ({@code "my table"}, {@code public."a.b"}, {@code "a?b"}) becomes
 * {@code sync-} and its letters, digits and underscores, then {@code --} and a hash of the exact name, so
 * that no quote, space or {@code ?} reaches the URI and two names never share an endpoint.
 */
@org.apache.camel.spi.annotations.PropertiesFunction("tableEndpoint")
public final class TableEndpoint implements PropertiesFunction {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.]*");

    @Override
    public String getName() {
        return "tableEndpoint";
    }

    @Override
    public String apply(String remainder) {
        return of(remainder);
    }

    /** The endpoint name (after {@code direct:}) of the route of the table {@code table}, as its route file names it. */
    public static String of(String table) {
        String t = table.trim();
        if (PLAIN.matcher(t).matches()) {
            return "sync-" + t;
        }
        return "sync-" + t.replaceAll("[^A-Za-z0-9_]", "_") + "--" + hash(t);
    }

    /** 40 bits of the SHA-256 of {@code text}, in hex. */
    public static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
