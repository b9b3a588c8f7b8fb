package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.cli.SyncJob;
import dev.ferry.support.BookRoutes;
import dev.ferry.support.SyncFixture;
import org.junit.jupiter.api.Test;

/** {@code ferry runs}, {@code runs show ID} and {@code conflicts resolve ID --keep} on real PostgreSQL. */
class RunsCommandIT {

    @Test
    void should_list_the_last_runs_newest_first_and_show_one_with_its_tables() throws Exception {
        try (SyncFixture f = new SyncFixture("runscli", 300)) {
            assertEquals(0, f.ferry("runs"), f.output());
            assertTrue(f.output().contains("0 of 0 run(s)"), "no ledger yet: an empty list, " + f.output());

            SyncJob.Outcome first = f.sync(o -> { });
            f.execDev("ALTER TABLE book ADD CONSTRAINT dev_only CHECK (id <> 7) NOT VALID");
            SyncJob.Outcome second = f.sync(o -> { });
            assertEquals(3, second.exitCode(), f.output());

            assertEquals(0, f.ferry("runs", "--last", "1"), f.output());
            assertTrue(f.output().contains(second.run().id()) && !f.output().contains(first.run().id()), f.output());
            assertTrue(f.output().contains("PARTIAL") && f.output().contains("book PARTIAL"), f.output());
            assertTrue(f.output().contains("1 of 2 run(s)"), f.output());

            assertEquals(0, f.ferry("runs", "--json"), f.output());
            String out = f.output();
            JsonNode page = new ObjectMapper().readTree(out.substring(out.indexOf('{'), out.lastIndexOf('}') + 1));
            assertEquals(2, page.path("total").asInt());
            assertEquals(second.run().id(), page.path("runs").get(0).path("runId").asText(), "newest first");
            assertEquals(first.run().id(), page.path("runs").get(1).path("runId").asText());
            assertEquals("SUCCESS", page.path("runs").get(1).path("status").asText());
            JsonNode book = page.path("runs").get(0).path("tables").get(0);
            assertEquals("book", book.path("name").asText());
            assertEquals(1, book.path("deadLettered").asLong());
            assertEquals(299, book.path("written").asLong());

            assertEquals(0, f.ferry("runs", "show", second.run().id()), f.output());
            assertTrue(f.output().contains("status    PARTIAL"), f.output());
            assertTrue(f.output().matches("(?s).*book +full +PARTIAL +300 +299 +1 .*"), f.output());
            assertEquals(1, f.ferry("runs", "show", "no-such-run"));
            assertTrue(f.output().contains("no run no-such-run in the ledger"), f.output());
            assertEquals(2, f.ferry("runs", "--last", "0"));
        }
    }

    @Test
    void should_resolve_a_conflict_from_the_command_line_keeping_the_chosen_version() throws Exception {
        try (SyncFixture f = new SyncFixture("resolvecli", 100)) {
            Path routes = BookRoutes.with("mode", "merge", "conflict", "manual");
            assertEquals(0, f.sync(o -> o.tablesDir = routes).exitCode(), f.output());
            f.execDev("UPDATE book SET title = 'dev title' WHERE id IN (3, 4)");
            f.execProd("UPDATE book SET title = 'prod title' WHERE id IN (3, 4)");
            assertEquals(0, f.sync(o -> o.tablesDir = routes).exitCode(), f.output());
            String three = f.dev("SELECT id FROM ferry.conflict WHERE row_key = '3'");
            String four = f.dev("SELECT id FROM ferry.conflict WHERE row_key = '4'");

            assertEquals(0, f.ferry("conflicts"), f.output());
            assertTrue(f.output().matches("(?s).*\\n" + three + " +book +3 .*title.*"), f.output());

            assertEquals(2, f.ferry("conflicts", "resolve", three, "--keep", "mine"));
            assertTrue(f.output().contains("is of the one-way table book: keep source (production's version) or target "
                    + "(development's), not 'mine'"), f.output());
            assertEquals(0, f.ferry("conflicts", "resolve", three, "--keep", "source"), f.output());
            assertEquals("prod title", f.dev("SELECT title FROM book WHERE id = 3"));
            assertEquals(0, f.ferry("conflicts", "resolve", four, "--keep", "development"), f.output());
            assertEquals("dev title", f.dev("SELECT title FROM book WHERE id = 4"));
            assertEquals("0", f.dev("SELECT count(*) FROM ferry.conflict"));
            assertEquals(1, f.ferry("conflicts", "resolve", three, "--keep", "source"));
            assertTrue(f.output().contains("no conflict " + three), f.output());
            assertEquals("2", f.dev("SELECT count(*) FROM ferry.action WHERE action = 'conflict resolve' AND who LIKE 'cli:%'"));
        }
    }
}
