package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.ferry.support.SyncFixture;
import org.junit.jupiter.api.Test;

/** What a run would break in development is found at plan time, shown by the dry run and refused (exit 2, nothing read). */
class HazardsIT {

    private static Path routes(String usersMode, String bookExtra) throws Exception {
        Path dir = Files.createTempDirectory("ferry-hazards");
        Files.writeString(dir.resolve("users.yaml"), """
                - templatedRoute:
                    routeTemplateRef: table-sync
                    routeId: sync-users
                    parameters:
                      - name: table
                        value: users
                      - name: mode
                        value: %s
                """.formatted(usersMode));
        Files.writeString(dir.resolve("book.yaml"), """
                - templatedRoute:
                    routeTemplateRef: table-sync
                    routeId: sync-book
                    parameters:
                      - name: table
                        value: book
                      - name: ownerColumn
                        value: owner_id
                """ + bookExtra);
        return dir;
    }

    private static int count(String line, String part) {
        return line.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    @Test
    void should_refuse_a_run_that_deletes_or_replaces_the_chosen_owner() throws Exception {
        try (SyncFixture f = new SyncFixture("hzowner", 300)) {
            String devBefore = f.dev("SELECT string_agg(id || ':' || email, ',' ORDER BY id) FROM users");
            String bob = f.dev("SELECT id FROM users WHERE email = 'bob@dev.example'");
            Path full = routes("full", "");
            // production has a user with bob's id, another person: the full sync would replace bob
            assertEquals(2, f.ferry("sync", "--dry-run", "--owner-email", "bob@dev.example", "--tables-dir", full.toString()),
                    f.output());
            assertTrue(f.output().contains("refused: users: the run would replace the owner bob@dev.example (users.id " + bob
                    + ") with production's row of that id, another user"), f.output());
            assertEquals(1, count(f.output(), "the run would replace"), "said once: " + f.output());
            assertEquals(2, f.ferry("sync", "--yes", "--owner-email", "bob@dev.example", "--tables-dir", full.toString()),
                    f.output());
            assertEquals(devBefore, f.dev("SELECT string_agg(id || ':' || email, ',' ORDER BY id) FROM users"));
            assertEquals("0", f.dev("SELECT count(*) FROM book"), "nothing written");

            // an owner whose id production does not have: the full sync would delete it
            f.execDev("UPDATE users SET id = 900 WHERE email = 'bob@dev.example'");
            assertEquals(2, f.ferry("sync", "--yes", "--owner-email", "bob@dev.example", "--tables-dir", full.toString()),
                    f.output());
            assertTrue(f.output().contains("refused: users: the run would delete the owner bob@dev.example (users.id 900) "
                    + "from development, which production has not"), f.output());

            // merge keeps rows only development has: bob stays, the run goes ahead
            Path merge = routes("merge", "");
            assertEquals(0, f.ferry("sync", "--yes", "--owner-email", "bob@dev.example", "--tables-dir", merge.toString()),
                    f.output());
            assertEquals("300", f.dev("SELECT count(*) FROM book WHERE owner_id = 900"));
        }
    }

    @Test
    void should_refuse_a_subset_that_orphans_rows_of_a_table_outside_the_run() throws Exception {
        try (SyncFixture f = new SyncFixture("hzorphan", 300)) {
            assertEquals(0, f.sync(o -> { }).exitCode(), f.output());
            // development's own table, not in the run, refers to book 5
            f.execDev("CREATE TABLE review (id int PRIMARY KEY, book_id int REFERENCES book (id), stars int)",
                    "INSERT INTO review VALUES (1, 5, 4), (2, 250, 5), (3, NULL, 1)");
            String digest = f.devBookDigest();
            Path subset = Files.createTempDirectory("ferry-hazards");
            Files.writeString(subset.resolve("book.yaml"), """
                    - templatedRoute:
                        routeTemplateRef: table-sync
                        routeId: sync-book
                        parameters:
                          - name: table
                            value: book
                          - name: ownerColumn
                            value: owner_id
                          - name: where
                            value: "id > 100"
                    """);
            assertEquals(2, f.ferry("sync", "--dry-run", "--owner-email", "bob@dev.example", "--tables-dir",
                    subset.toString()), f.output());
            String line = "refused: book: the run would orphan rows of review (not in the run): its book_id refers "
                    + "by foreign key review_book_id_fkey to book rows that production does not give in the subset "
                    + "(1 key(s), id 5): add review to the run, or widen the subset (where, limit, percent)";
            assertTrue(f.output().contains(line), f.output());
            assertEquals(1, count(f.output(), "would orphan"), f.output());
            assertEquals(2, f.ferry("sync", "--yes", "--owner-email", "bob@dev.example", "--tables-dir", subset.toString()),
                    f.output());
            assertEquals(digest, f.devBookDigest(), "development unchanged");
            assertFalse(f.output().contains("batch"), "nothing read: " + f.output());

            // the reference moved into the subset: nothing to orphan, the run goes ahead
            f.execDev("UPDATE review SET book_id = 150 WHERE id = 1");
            assertEquals(0, f.ferry("sync", "--yes", "--owner-email", "bob@dev.example", "--tables-dir", subset.toString()),
                    f.output());
            assertEquals("200", f.dev("SELECT count(*) FROM book"));
        }
    }

    @Test
    void should_refuse_tables_that_share_no_column() throws Exception {
        try (SyncFixture f = new SyncFixture("hzcolumns", 10)) {
            f.execProd("CREATE TABLE tag (id int PRIMARY KEY, label text)", "INSERT INTO tag VALUES (1, 'a')");
            f.execDev("CREATE TABLE tag (tag_id int PRIMARY KEY, name text)");
            Path dir = Files.createTempDirectory("ferry-hazards");
            Files.writeString(dir.resolve("tag.yaml"), """
                    - templatedRoute:
                        routeTemplateRef: table-sync
                        routeId: sync-tag
                        parameters:
                          - name: table
                            value: tag
                    """);
            assertEquals(2, f.ferry("sync", "--yes", "--tables-dir", dir.toString()), f.output());
            assertTrue(f.output().contains("refused: tag: the source and target tables share no column (source: id, label; "
                    + "target: tag_id, name), so every row would be rejected"), f.output());
            assertEquals(null, f.dev("SELECT to_regclass('ferry.dead_letter')"), "nothing dead-lettered, nothing written");
        }
    }
}
