package dev.ferry.db;

/** Quoting helpers for identifiers and literals built into SQL text. */
public final class Sql {

    private Sql() {
    }

    /** Quotes an identifier: {@code book} becomes {@code "book"}. */
    public static String ident(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** Quotes a possibly schema-qualified name: {@code public.book} becomes {@code "public"."book"}. */
    public static String qualified(String schema, String name) {
        return ident(schema) + "." + ident(name);
    }

    /**
     * Quotes a string literal. One with a backslash is written as {@code E'...'} with the backslash doubled,
     * which PostgreSQL reads the same whatever {@code standard_conforming_strings} says (with it off, a
     * backslash in {@code '...'} would escape the closing quote).
     */
    public static String literal(String value) {
        if (value == null) {
            return "NULL";
        }
        String quoted = value.replace("'", "''");
        return value.indexOf('\\') < 0 ? "'" + quoted + "'" : "E'" + quoted.replace("\\", "\\\\") + "'";
    }
}
