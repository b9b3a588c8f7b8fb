package dev.ferry.log;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Removes credentials from any text before it is logged, printed, reported or stored. */
public final class Redactor {

    private static final String MASK = "***";
    /** user:password@host in URLs. */
    private static final Pattern URL_USERINFO = Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]*://[^:/@\\s]+:)([^@\\s/]+)(@)");
    /** password=..., api_key=..., secret=..., token=... in URLs, properties and messages. */
    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)\\b(password|passwd|pwd|api[_-]?key|apikey|secret|token|sslpassword)(\\s*[=:]\\s*)(\"[^\"]*\"|'[^']*'|[^&\\s;,)\"']+)");

    /** Secret values known at run time (from the environment), masked wherever they appear. */
    private static final Set<String> SECRETS = new CopyOnWriteArraySet<>();

    private Redactor() {
    }

    /** Registers a secret value (e.g. a password read from the environment) to mask verbatim everywhere. */
    public static void registerSecret(String secret) {
        if (secret != null && secret.length() >= 3) {
            SECRETS.add(secret);
        }
    }

    /** Returns the text with every credential masked. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = URL_USERINFO.matcher(text).replaceAll("$1" + MASK + "$3");
        out = KEY_VALUE.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + MASK));
        for (String secret : SECRETS) {
            out = out.replace(secret, MASK);
        }
        return out;
    }
}
