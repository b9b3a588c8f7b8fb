package dev.ferry.db;

/**
 * SQL that a user wrote in a route file (a {@code where} condition, a {@code sql(...)} rule), which Ferry
 * pastes into its own statements inside parentheses. Checked here, token by token as PostgreSQL's lexer
 * reads it under either setting of {@code standard_conforming_strings}, before it reaches any database:
 * no {@code ;} outside string literals and quoted identifiers, no comment, no parameter, no {@code $} that
 * PostgreSQL versions read differently, and parentheses that balance. Such a fragment cannot end the
 * statement it sits in, nor close the parentheses around it; PostgreSQL then checks that it is one
 * expression.
 */
public final class UserSql {

    private UserSql() {
    }

    /** Why {@code fragment} could end or escape the statement it is pasted into; null when it cannot. */
    public static String problem(String fragment) {
        if (fragment == null || fragment.isBlank()) {
            return "it is empty";
        }
        if (fragment.indexOf(0) >= 0) {
            return "it holds a NUL character";
        }
        String on = scan(fragment, true);
        if (on != null) {
            return on;
        }
        String off = scan(fragment, false);
        if (off != null) {
            return off + " when standard_conforming_strings is off (a backslash then escapes a quote in '...'; write "
                    + "E'...' with each backslash doubled)";
        }
        return null;
    }

    /** One pass over the text with plain '...' strings read as {@code standardStrings} says. */
    private static String scan(String t, boolean standardStrings) {
        int depth = 0;
        int i = 0;
        int n = t.length();
        while (i < n) {
            char c = t.charAt(i);
            if (c == '\'') {
                i = string(t, i, !standardStrings);
                if (i < 0) {
                    return "a string literal ('...') is not closed";
                }
            } else if (c == '"') {
                i = quotedName(t, i);
                if (i < 0) {
                    return "a quoted name (\"...\") is not closed";
                }
            } else if (c == '$') {
                if (i + 1 < n && digit(t.charAt(i + 1))) {
                    return "'$" + t.charAt(i + 1) + "' is a parameter, which a fragment cannot take: write the value";
                }
                int open = dollarDelimiter(t, i);
                if (open < 0) {
                    return "'$' outside a string is not SQL here";
                }
                String delimiter = t.substring(i, open);
                int close = t.indexOf(delimiter, open);
                if (close < 0) {
                    return "a dollar-quoted string (" + delimiter + "...) is not closed";
                }
                i = close + delimiter.length();
            } else if (nameStart(c)) {
                if (i + 1 < n && t.charAt(i + 1) == '\'' && "eEbBxX".indexOf(c) >= 0) {
                    // E'...' takes backslash escapes whatever the setting; B'...' and X'...' never do
                    i = string(t, i + 1, c == 'e' || c == 'E');
                    if (i < 0) {
                        return "a string literal (" + c + "'...') is not closed";
                    }
                    continue;
                }
                int j = i + 1;
                while (j < n && namePart(t.charAt(j))) {
                    j++;
                }
                if (j < n && t.charAt(j) == '$') {
                    return "'$' in a name (" + t.substring(i, j + 1) + "...): quote the name (\"a$b\")";
                }
                i = j;
            } else if (digit(c)) {
                int j = i + 1;
                while (j < n && digit(t.charAt(j))) {
                    j++;
                }
                if (j < n && t.charAt(j) == '$') {
                    // PostgreSQL versions disagree on what a '$' right after a number starts
                    return "'$' right after a number (" + t.substring(i, j + 1) + "...): put a space before it";
                }
                i = j;
            } else {
                switch (c) {
                    case ';' -> {
                        return "';' outside a string ends the statement";
                    }
                    case '(' -> depth++;
                    case ')' -> {
                        if (--depth < 0) {
                            return "')' closes a parenthesis it did not open";
                        }
                    }
                    case '-', '/' -> {
                        if (i + 1 < n && t.charAt(i + 1) == (c == '-' ? '-' : '*')) {
                            return "a comment ('" + c + t.charAt(i + 1) + "') could hide the rest of the statement";
                        }
                    }
                    case '\\' -> {
                        return "a backslash outside a string is not SQL";
                    }
                    default -> {
                        if (c < ' ' && !space(c) || c == 0x7f) {
                            return "a control character (code " + (int) c + ") outside a string";
                        }
                    }
                }
                i++;
            }
        }
        return depth > 0 ? "'(' is never closed" : null;
    }

    /**
     * The index after the string literal whose opening quote is at {@code q} (and after the literals that
     * continue it on the next lines, which PostgreSQL reads as one), or -1 when it is not closed;
     * {@code escapes}: a backslash escapes the next character.
     */
    private static int string(String t, int q, boolean escapes) {
        int n = t.length();
        int i = q + 1;
        while (i < n) {
            char c = t.charAt(i);
            if (c == 0) {
                return -1;
            }
            if (escapes && c == '\\') {
                i += 2;
            } else if (c != '\'') {
                i++;
            } else if (i + 1 < n && t.charAt(i + 1) == '\'') {
                i += 2; // a quote in the string
            } else {
                // 'a'<newline>'b' is one literal, read as the first one is (PostgreSQL's quote continuation)
                int j = i + 1;
                boolean newline = false;
                while (j < n && space(t.charAt(j))) {
                    newline |= t.charAt(j) == '\n' || t.charAt(j) == '\r';
                    j++;
                }
                if (newline && j < n && t.charAt(j) == '\'') {
                    i = j + 1;
                } else {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    /** The index after the quoted name opened at {@code q} ({@code ""} is a quote in it), or -1. */
    private static int quotedName(String t, int q) {
        int n = t.length();
        for (int i = q + 1; i < n; i++) {
            char c = t.charAt(i);
            if (c == 0) {
                return -1;
            }
            if (c == '"') {
                if (i + 1 < n && t.charAt(i + 1) == '"') {
                    i++;
                } else {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    /** The index after a dollar-quote delimiter ($$ or $tag$) starting at {@code d}, or -1 when there is none. */
    private static int dollarDelimiter(String t, int d) {
        int n = t.length();
        int i = d + 1;
        if (i < n && nameStart(t.charAt(i))) {
            i++;
            while (i < n && namePart(t.charAt(i))) {
                i++;
            }
        }
        return i < n && t.charAt(i) == '$' ? i + 1 : -1;
    }

    private static boolean nameStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80;
    }

    /** A character that continues a name ('$' is one too for PostgreSQL: the scan refuses it apart). */
    private static boolean namePart(char c) {
        return nameStart(c) || digit(c);
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }
}
