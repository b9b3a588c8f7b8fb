package dev.ferry.rules;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.ferry.db.Sql;

/**
 * Per-column data rules, declared in a table's route file ({@code rules: "email: email; phone: phone"})
 * and applied in the source's SELECT, so that a covered value never leaves production in clear. Every
 * rule is deterministic: the same input gives the same output in every table and every night (the
 * pseudonymising rules use HMAC-SHA256 keyed by {@code FERRY_RULES_SECRET}, computed by PostgreSQL's
 * built-in sha256), so joins on a transformed column still join.
 *
 * <ul>
 * <li>{@code keep}: the value as it is;</li>
 * <li>{@code null}; {@code constant(v)};</li>
 * <li>{@code email}: {@code user_<16 hex>@example.invalid} (unique as the input is);</li>
 * <li>{@code name}, {@code firstName}, {@code lastName}: names picked from lists;</li>
 * <li>{@code phone}: {@code +1-555-<7 digits>};</li>
 * <li>{@code hash}: the HMAC as 64 hex digits (unique as the input is);</li>
 * <li>{@code mask(first N)}, {@code mask(last N)}: keeps N characters, stars for the rest;</li>
 * <li>{@code randomInt(lo, hi)}: a number in the range, chosen by the value's HMAC;</li>
 * <li>{@code template(text {column} text)}: the text with other columns' values;</li>
 * <li>{@code sql(expression)}: any SQL expression over the source row.</li>
 * </ul>
 * NULL stays NULL under every rule but {@code constant} and {@code template}.
 */
public final class Rules {

    /** One column's rule. */
    public record Rule(String kind, String argument) {

        /** Whether equal outputs imply equal inputs (with overwhelming probability): safe on a unique column. */
        public boolean keepsUnique() {
            return kind.equals("keep") || kind.equals("email") || kind.equals("hash");
        }

        /** Whether the rule replaces the value (every rule but keep). */
        public boolean covers() {
            return !kind.equals("keep");
        }

        @Override
        public String toString() {
            return argument == null ? kind : kind + "(" + argument + ")";
        }
    }

    private static final List<String> KINDS = List.of("keep", "null", "constant", "email", "name", "firstname",
            "lastname", "phone", "hash", "mask", "randomint", "template", "sql");
    private static final Pattern ENTRY = Pattern.compile("\\s*([^:]+?)\\s*:\\s*(\\w+)\\s*(?:\\((.*)\\))?\\s*", Pattern.DOTALL);
    private static final Pattern MASK = Pattern.compile("(first|last)\\s+(\\d+)");
    private static final Pattern RANGE = Pattern.compile("\\s*(-?\\d+)\\s*,\\s*(-?\\d+)\\s*");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");
    private static final String[] FIRST = {"Ada", "Alan", "Barbara", "Carl", "Dana", "Edsger", "Frances", "Grace", "Hedy",
        "Ivan", "Jean", "Ken", "Linus", "Margaret", "Niklaus", "Ola", "Peter", "Radia", "Sophie", "Tim", "Ursula", "Vint",
        "Wendy", "Xavier", "Yukihiro", "Zoe"};
    private static final String[] LAST = {"Lovelace", "Turing", "Liskov", "Sagan", "Scott", "Dijkstra", "Allen", "Hopper",
        "Lamarr", "Sutherland", "Sammet", "Thompson", "Torvalds", "Hamilton", "Wirth", "Dahl", "Naur", "Perlman", "Wilson",
        "Berners-Lee", "Franklin", "Cerf", "Hall", "Leroy", "Matsumoto", "Kay"};

    private Rules() {
    }

    /** Parses a route's {@code rules} parameter: {@code column: rule; column: rule(argument); ...}. */
    public static Map<String, Rule> parse(String text) {
        Map<String, Rule> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String entry : split(text)) {
            if (entry.isBlank()) {
                continue;
            }
            Matcher m = ENTRY.matcher(entry);
            if (!m.matches()) {
                throw new IllegalArgumentException("rule '" + entry.trim() + "' is not 'column: rule' or 'column: rule(argument)'");
            }
            String kind = m.group(2).toLowerCase(Locale.ROOT);
            if (!KINDS.contains(kind)) {
                throw new IllegalArgumentException("rule '" + m.group(2) + "' for column " + m.group(1) + " is not one of "
                        + "keep, null, constant, email, name, firstName, lastName, phone, hash, mask, randomInt, template, sql");
            }
            String arg = m.group(3);
            switch (kind) {
                case "mask" -> {
                    if (arg == null || !MASK.matcher(arg.trim()).matches()) {
                        throw new IllegalArgumentException("rule mask for column " + m.group(1) + " needs (first N) or (last N)");
                    }
                }
                case "randomint" -> {
                    Matcher r = arg == null ? null : RANGE.matcher(arg);
                    if (r == null || !r.matches() || Long.parseLong(r.group(1)) > Long.parseLong(r.group(2))) {
                        throw new IllegalArgumentException("rule randomInt for column " + m.group(1) + " needs (low, high)");
                    }
                }
                case "constant", "template", "sql" -> {
                    if (arg == null) {
                        throw new IllegalArgumentException("rule " + kind + " for column " + m.group(1) + " needs an argument");
                    }
                }
                default -> {
                    if (arg != null && !arg.isBlank()) {
                        throw new IllegalArgumentException("rule " + kind + " for column " + m.group(1) + " takes no argument");
                    }
                    arg = null;
                }
            }
            out.put(m.group(1).trim(), new Rule(kind, arg));
        }
        return out;
    }

    /** Splits on semicolons outside parentheses and quotes (a sql(...) rule may contain either). */
    private static List<String> split(String text) {
        List<String> parts = new java.util.ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')') {
                depth--;
            } else if (!quoted && depth == 0 && c == ';') {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }

    /** Whether any rule needs the secret. */
    public static boolean needsSecret(Map<String, Rule> rules) {
        return rules.values().stream().anyMatch(r -> List.of("email", "name", "firstname", "lastname", "phone", "hash",
                "randomint").contains(r.kind()));
    }

    /**
     * The SQL expression (text) that replaces {@code column} of the source row aliased {@code alias},
     * with HMAC-SHA256 keyed by {@code secret}.
     */
    public static String expression(Rule rule, String alias, String column, String secret) {
        String value = alias + "." + Sql.ident(column);
        String text = value + "::text";
        return switch (rule.kind()) {
            case "keep" -> text;
            case "null" -> "NULL::text";
            case "constant" -> Sql.literal(rule.argument().trim());
            case "email" -> "'user_' || substr(" + hmacHex("lower(trim(" + text + "))", secret) + ", 1, 16) || '@example.invalid'";
            case "name" -> fullName(text, secret);
            case "firstname" -> pick(FIRST, text, secret, 0);
            case "lastname" -> pick(LAST, text, secret, 7);
            case "phone" -> "'+1-555-' || lpad((" + hashInt(text, secret) + " % 10000000)::text, 7, '0')";
            case "hash" -> hmacHex(text, secret);
            case "mask" -> mask(rule.argument(), text);
            case "randomint" -> {
                Matcher r = RANGE.matcher(rule.argument());
                r.matches();
                long lo = Long.parseLong(r.group(1));
                long span = Long.parseLong(r.group(2)) - lo + 1;
                // never the row's own value: a drawn number equal to it moves on to the next in the range
                yield "(SELECT (CASE WHEN v::text = trim(" + text + ") AND " + span + " > 1 THEN " + lo + " + (v - " + lo
                        + " + 1) % " + span + " ELSE v END)::text FROM (SELECT " + lo + " + " + hashInt(text, secret) + " % "
                        + span + " AS v) ferry_drawn)";
            }
            case "template" -> template(rule.argument(), alias);
            case "sql" -> "(" + rule.argument() + ")::text";
            default -> throw new IllegalStateException(rule.kind());
        };
    }

    private static String mask(String argument, String text) {
        Matcher m = MASK.matcher(argument.trim());
        m.matches();
        int n = Integer.parseInt(m.group(2));
        return m.group(1).equals("first")
                ? "left(" + text + ", " + n + ") || repeat('*', greatest(length(" + text + ") - " + n + ", 0))"
                : "repeat('*', greatest(length(" + text + ") - " + n + ", 0)) || right(" + text + ", " + n + ")";
    }

    private static String template(String argument, String alias) {
        Matcher m = PLACEHOLDER.matcher(argument);
        StringBuilder concat = new StringBuilder("concat(");
        int last = 0;
        boolean first = true;
        while (m.find()) {
            if (m.start() > last) {
                concat.append(first ? "" : ", ").append(Sql.literal(argument.substring(last, m.start())));
                first = false;
            }
            concat.append(first ? "" : ", ").append(alias).append('.').append(Sql.ident(m.group(1))).append("::text");
            first = false;
            last = m.end();
        }
        if (last < argument.length() || first) {
            concat.append(first ? "" : ", ").append(Sql.literal(argument.substring(last)));
        }
        return concat.append(")").toString();
    }

    /**
     * A name drawn from the list by the value's HMAC, never the value itself (case and spaces aside): a
     * draw equal to it moves on to the next name, so a row never keeps its own name.
     */
    private static String pick(String[] names, String text, String secret, int shift) {
        return "(SELECT CASE WHEN lower(a[i]) = lower(trim(" + text + ")) THEN a[i % " + names.length + " + 1] ELSE a[i] END "
                + "FROM (SELECT " + list(names) + " AS a, 1 + (" + hashInt(text, secret) + " >> " + shift + ") % "
                + names.length + " AS i) ferry_drawn)";
    }

    /** First and last name drawn from one HMAC; never the value itself: then the next first name. */
    private static String fullName(String text, String secret) {
        return "(SELECT CASE WHEN lower(f[i] || ' ' || l[j]) = lower(trim(" + text + ")) THEN f[i % " + FIRST.length
                + " + 1] ELSE f[i] END || ' ' || l[j] FROM (SELECT " + list(FIRST) + " AS f, " + list(LAST) + " AS l, 1 + (h >> 0) % "
                + FIRST.length + " AS i, 1 + (h >> 7) % " + LAST.length + " AS j FROM (SELECT " + hashInt(text, secret)
                + " AS h) ferry_hash) ferry_drawn)";
    }

    private static String list(String[] names) {
        return "ARRAY[" + String.join(", ", java.util.Arrays.stream(names).map(Sql::literal).toList()) + "]";
    }

    /** A non-negative bigint from the value's HMAC (60 bits). */
    private static String hashInt(String text, String secret) {
        return "('x' || substr(" + hmacHex(text, secret) + ", 1, 15))::bit(60)::bigint";
    }

    /** HMAC-SHA256 of a text expression as hex, with PostgreSQL's sha256 (no extension needed). */
    static String hmacHex(String text, String secret) {
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        if (key.length > 64) {
            try {
                key = java.security.MessageDigest.getInstance("SHA-256").digest(key);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        byte[] ipad = new byte[64];
        byte[] opad = new byte[64];
        for (int i = 0; i < 64; i++) {
            byte k = i < key.length ? key[i] : 0;
            ipad[i] = (byte) (k ^ 0x36);
            opad[i] = (byte) (k ^ 0x5c);
        }
        HexFormat hex = HexFormat.of();
        return "encode(sha256('\\x" + hex.formatHex(opad) + "'::bytea || sha256('\\x" + hex.formatHex(ipad)
                + "'::bytea || convert_to(" + text + ", 'UTF8'))), 'hex')";
    }
}
