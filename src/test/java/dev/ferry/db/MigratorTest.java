package dev.ferry.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding and ordering versioned schema scripts, without a database. */
class MigratorTest {

    @Test
    void should_order_scripts_by_version_as_a_number() {
        List<Migrator.Migration> order = Migrator.order("db/x", List.of("V10__ten.sql", "V2__two_words.sql", "V1__one.sql"));
        assertEquals(List.of(1, 2, 10), order.stream().map(Migrator.Migration::version).toList());
        assertEquals(new Migrator.Migration(2, "two words", "db/x/V2__two_words.sql"), order.get(1));
    }

    @Test
    void should_refuse_a_file_not_named_by_version() {
        for (String name : List.of("V1_one.sql", "v1__one.sql", "V__one.sql", "V1__one.SQL", "V1__.sql", "V1__a-b.sql")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Migrator.order("db/x", List.of(name)));
            assertTrue(e.getMessage().contains("db/x/" + name) && e.getMessage().contains("rename"), e.getMessage());
        }
    }

    @Test
    void should_refuse_two_scripts_of_one_version() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Migrator.order("db/x", List.of("V1__a.sql", "V2__b.sql", "V02__c.sql")));
        assertTrue(e.getMessage().contains("V2__b.sql") && e.getMessage().contains("V02__c.sql"), e.getMessage());
    }

    @Test
    void should_list_the_ferry_schema_scripts_from_the_classpath() {
        List<String> files = Migrator.files(getClass().getClassLoader(), "db/ferry");
        assertTrue(files.contains("V1__ferry_schema.sql"), files.toString());
        assertEquals(files.size(), Migrator.order("db/ferry", files).size());
    }

    @Test
    void should_list_scripts_inside_a_jar_but_not_those_of_a_subfolder(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("scripts.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : List.of("db/j/", "db/j/V1__a.sql", "db/j/V3__c.sql", "db/j/README", "db/j/old/V2__b.sql")) {
                out.putNextEntry(new JarEntry(name));
                if (!name.endsWith("/")) {
                    out.write("SELECT 1".getBytes(StandardCharsets.UTF_8));
                }
                out.closeEntry();
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            assertEquals(List.of("V1__a.sql", "V3__c.sql"), Migrator.files(loader, "db/j").stream().sorted().toList());
        }
    }

    @Test
    void should_say_when_the_scripts_are_missing() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Migrator.files(getClass().getClassLoader(), "db/none"));
        assertTrue(e.getMessage().contains("db/none") && e.getMessage().contains("rebuild"), e.getMessage());
    }
}
