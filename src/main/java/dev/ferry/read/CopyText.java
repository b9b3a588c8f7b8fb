package dev.ferry.read;

import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's COPY text format, one row per line: fields separated by tabs, {@code \N} for NULL,
 * backslash escapes for backslash, tab, newline and carriage return (the format COPY ... TO STDOUT
 * writes and COPY ... FROM STDIN reads, the text output of each type).
 */
public final class CopyText {

    private CopyText() {
    }

    /** The fields of a line (without its newline); null for {@code \N}. */
    public static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= line.length(); i++) {
            if (i == line.length() || line.charAt(i) == '\t') {
                out.add(field(line.substring(start, i)));
                start = i + 1;
            }
        }
        return out;
    }

    /** One field's value: null for {@code \N}, else unescaped. */
    public static String field(String raw) {
        if (raw.equals("\\N")) {
            return null;
        }
        if (raw.indexOf('\\') < 0) {
            return raw;
        }
        StringBuilder b = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '\\' || i + 1 == raw.length()) {
                b.append(c);
                continue;
            }
            char n = raw.charAt(++i);
            switch (n) {
                case 't' -> b.append('\t');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'v' -> b.append('\u000b');
                default -> b.append(n);
            }
        }
        return b.toString();
    }

    /** A line (without newline) from field values; null is written {@code \N}. */
    public static String line(List<String> values) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                b.append('\t');
            }
            String v = values.get(i);
            if (v == null) {
                b.append("\\N");
                continue;
            }
            for (int j = 0; j < v.length(); j++) {
                char c = v.charAt(j);
                switch (c) {
                    case '\\' -> b.append("\\\\");
                    case '\t' -> b.append("\\t");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    default -> b.append(c);
                }
            }
        }
        return b.toString();
    }
}
