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

    /** Quotes a string literal. */
    public static String literal(String value) {
        return value == null ? "NULL" : "'" + value.replace("'", "''") + "'";
    }
}
