package dev.ferry.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The SQL the tests run to build their databases: files under src/test/resources/sql/, one per schema or data set. */
public final class SqlResource {

    private SqlResource() {
    }

    /** The text of {@code sql/<path>} on the test classpath, e.g. {@code load("natural-keys/schema.sql")}. */
    public static String load(String path) {
        String name = "/sql/" + path;
        try (InputStream in = SqlResource.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test SQL resource " + name + " (src/test/resources" + name + ")");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read test SQL resource " + name, e);
        }
    }
}
