package dev.ferry.ops.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * HTTP Basic against one configured user and password (FERRY_HTTP_USER, FERRY_HTTP_PASSWORD). Both are
 * compared as SHA-256 digests with {@link MessageDigest#isEqual}, so the time taken says nothing about how
 * much of either matched, nor their length.
 */
final class BasicAuth {

    /** The challenge that brings up the browser's own prompt. */
    static final String CHALLENGE = "Basic realm=\"ferry\", charset=\"UTF-8\"";

    private final byte[] user;
    private final byte[] password;
    private final String userName;

    /** Null or blank user or password: not configured, nothing is accepted. */
    BasicAuth(String user, String password) {
        boolean configured = user != null && !user.isBlank() && password != null && !password.isEmpty();
        this.userName = configured ? user.trim() : null;
        this.user = configured ? digest(user.trim()) : null;
        this.password = configured ? digest(password) : null;
    }

    /** Whether a user and password are configured. */
    boolean configured() {
        return user != null;
    }

    /** The configured user name when the {@code Authorization} header carries the right user and password, else null. */
    String check(String authorization) {
        if (user == null || authorization == null) {
            return null;
        }
        String header = authorization.trim();
        if (header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        // both compared every time: no early exit telling a right user from a wrong one
        boolean userMatches = MessageDigest.isEqual(user, digest(decoded.substring(0, colon)));
        boolean passwordMatches = MessageDigest.isEqual(password, digest(decoded.substring(colon + 1)));
        return userMatches & passwordMatches ? userName : null;
    }

    static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
