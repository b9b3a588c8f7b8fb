package dev.ferry.db;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A database URL as users write it: pgjdbc's {@code jdbc:postgresql://host:port/db?...} as it is, or
 * libpq's {@code postgres://user:password@host:port/db?...} (also {@code postgresql://}), as psql,
 * pg_dump, pgsync and most platforms hand it out. Credentials in the URL win over the separate user
 * and password settings.
 *
 * @param jdbcUrl  the URL pgjdbc takes, without credentials
 * @param user     the user named in the URL, or null
 * @param password the password named in the URL, or null
 */
public record ConnectionUrl(String jdbcUrl, String user, String password) {

    /** Reads a URL in either form; anything else is returned as it is (pgjdbc then says what is wrong). */
    public static ConnectionUrl of(String url) {
        String trimmed = url == null ? "" : url.trim();
        String rest;
        if (trimmed.startsWith("postgres://")) {
            rest = trimmed.substring("postgres://".length());
        } else if (trimmed.startsWith("postgresql://")) {
            rest = trimmed.substring("postgresql://".length());
        } else {
            return new ConnectionUrl(trimmed, null, null);
        }
        String user = null;
        String password = null;
        int slash = rest.indexOf('/');
        int query = rest.indexOf('?');
        int authorityEnd = slash >= 0 ? slash : query >= 0 ? query : rest.length();
        int at = rest.lastIndexOf('@', authorityEnd);
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo);
            password = colon >= 0 ? decode(userInfo.substring(colon + 1)) : null;
            if (user.isEmpty()) {
                user = null;
            }
        }
        if (rest.isEmpty() || rest.startsWith("/") || rest.startsWith("?")) {
            rest = "localhost" + rest;
        }
        return new ConnectionUrl("jdbc:postgresql://" + rest, user, password);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
