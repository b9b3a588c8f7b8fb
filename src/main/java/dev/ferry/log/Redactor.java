package dev.ferry.log;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes credentials from any text before it is logged, printed, reported or stored: the secrets Ferry
 * was configured with, verbatim, wherever they appear; passwords in URLs ({@code user:pw@host},
 * {@code ?password=...}); and {@code key=value} / {@code key: value} pairs whose key names a secret.
 */
public final class Redactor {

    private static final String MASK = "***";
    /** user:password@host in URLs (a password's own @ is %40 there). */
    private static final Pattern URL_USERINFO = Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]*://[^:/@\\s]+:)([^@\\s]+)(@)");
    private static final String KEYS = "password|passwd|pwd|api[_-]?key|apikey|secret|token|sslpassword|credentials?";
    /**
     * A secret's value: quoted (to its closing quote, doubled or backslash-escaped quotes inside); as a URL
     * query parameter (after ? or &amp;, up to the next &amp;); else everything up to the next whitespace, so
     * commas, semicolons, ampersands and quotes inside a password are masked with it.
     */
    private static final Pattern QUOTED = Pattern.compile(
            "(?i)\\b(" + KEYS + ")([\"']?\\s*[=:]\\s*)(\"(?:[^\"\\\\]|\\\\.|\"\")*\"|'(?:[^'\\\\]|\\\\.|'')*')");
    private static final Pattern QUERY_PARAM = Pattern.compile("(?i)([?&;](?:" + KEYS + ")=)([^&\\s]+)");
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)[?&;]password=([^&\\s]*)");
    private static final Pattern KEY_VALUE = Pattern.compile("(?i)\\b(" + KEYS + ")([\"']?\\s*[=:]\\s*)(?![\"']?\\*\\*\\*(?:\\W|$))(\\S+)");

    /** Secret values known at run time (from the environment), masked wherever they appear, longest first. */
    private static final Set<String> SECRETS = new CopyOnWriteArraySet<>();

    private Redactor() {
    }

    /** Registers a secret value (e.g. a password read from the environment) to mask verbatim everywhere. */
    public static void registerSecret(String secret) {
        if (secret == null || secret.isBlank() || secret.length() < 3) {
            return;
        }
        SECRETS.add(secret);
        String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        if (!encoded.equals(secret)) {
            SECRETS.add(encoded);
            SECRETS.add(encoded.replace("+", "%20"));
        }
    }

    /**
     * Registers the secrets among Ferry's settings before anything can log them: the value of every
     * {@code FERRY_*} environment variable (or {@code ferry.*} property) whose name says it is a password,
     * secret or token, and the password in any {@code FERRY_*} / {@code ferry.*} URL.
     */
    public static void registerSecrets(Map<String, String> settings) {
        settings.forEach((name, value) -> {
            if (value == null || !name.toLowerCase(java.util.Locale.ROOT).startsWith("ferry")) {
                return;
            }
            if (name.matches("(?i).*(password|passwd|secret|token).*")) {
                registerSecret(value);
            }
            Matcher m = URL_PASSWORD.matcher(value);
            while (m.find()) {
                registerSecret(m.group(1));
                try {
                    registerSecret(URLDecoder.decode(m.group(1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException ignored) {
                    // not URL-encoded
                }
            }
            Matcher u = URL_USERINFO.matcher(value);
            while (u.find()) {
                registerSecret(u.group(2));
            }
        });
    }

    /** Returns the text with every credential masked. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        List<String> known = SECRETS.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        for (String secret : known) {
            out = out.replace(secret, MASK);
        }
        out = URL_USERINFO.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK + m.group(3)));
        out = QUERY_PARAM.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
        out = QUOTED.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + MASK));
        out = KEY_VALUE.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + MASK));
        return out;
    }
}
