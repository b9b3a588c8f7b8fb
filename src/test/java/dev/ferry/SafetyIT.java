package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

import dev.ferry.cli.SyncJob;
import dev.ferry.demo.ThrowawayPostgres;
import dev.ferry.support.SyncFixture;
import org.junit.jupiter.api.Test;

/** Refusals before anything is written: target = source, a production target, credentials kept out of output. */
class SafetyIT {

    @Test
    void should_refuse_a_target_that_is_the_source_however_the_url_is_spelled() throws Exception {
        try (SyncFixture f = new SyncFixture("same", 100)) {
            String before = f.prod("SELECT count(*) || ':' || md5(string_agg(b::text, '|' ORDER BY id)) FROM book b");
            String sameUrl = f.pg.url(f.production);
            String otherSpelling = sameUrl.replace("127.0.0.1", "localhost")
                    + (sameUrl.contains("?") ? "&" : "?") + "ApplicationName=other&connectTimeout=7";
            for (String target : new String[] {sameUrl, otherSpelling}) {
                SyncJob.Outcome outcome = f.sync(o -> o.overrides.put("ferry.target.url", target));
                assertEquals(2, outcome.exitCode(), f.output());
                assertTrue(f.output().contains("the target is the source database"), f.output());
            }
            assertEquals(before, f.prod("SELECT count(*) || ':' || md5(string_agg(b::text, '|' ORDER BY id)) FROM book b"));
            assertEquals(null, f.prod("SELECT to_regclass('ferry.run')"), "nothing written to the source");
        }
    }

    @Test
    void should_refuse_a_target_marked_as_production_unless_named_explicitly() throws Exception {
        try (SyncFixture f = new SyncFixture("prodmark", 100)) {
            f.execDev("ALTER DATABASE " + f.development + " SET ferry.role = 'production'");
            SyncJob.Outcome refused = f.sync(o -> { });
            assertEquals(2, refused.exitCode(), f.output());
            assertTrue(f.output().contains("marked as production"), f.output());
            assertEquals("0", f.dev("SELECT count(*) FROM book"));

            SyncJob.Outcome allowed = f.sync(o -> o.allowProductionTarget = f.development);
            assertEquals(0, allowed.exitCode(), f.output());
            assertEquals("100", f.dev("SELECT count(*) FROM book"));
        }
    }

    @Test
    void should_refuse_a_target_matching_the_production_host_pattern() throws Exception {
        try (SyncFixture f = new SyncFixture("prodhost", 10)) {
            SyncJob.Outcome refused = f.sync(o -> o.overrides.put("ferry.safety.production-hosts", "127\\.0\\.0\\.1|localhost"));
            assertEquals(2, refused.exitCode(), f.output());
            assertTrue(f.output().contains("production host pattern"), f.output());
        }
    }

    @Test
    void should_refuse_a_target_that_is_the_source_when_the_source_login_may_not_read_the_system_identifier()
            throws Exception {
        String reader = "ferry_t_reader_" + java.util.UUID.randomUUID().toString().substring(0, 8);
        try {
            try (SyncFixture f = new SyncFixture("hardened", 100)) {
                f.execProd("CREATE ROLE " + reader + " LOGIN PASSWORD 'Reader-Pw-1'",
                        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + reader);
                // hardened production: pg_control_system() only for superusers. pg_proc is per database, so
                // this holds in this test's production database alone and goes with it
                f.execProd("REVOKE EXECUTE ON FUNCTION pg_control_system() FROM PUBLIC");
                assertEquals("f", f.prod("SELECT has_function_privilege('" + reader
                        + "', 'pg_control_system()', 'EXECUTE')"));
                String digest = "SELECT count(*) || ':' || md5(string_agg(b::text, '|' ORDER BY id)) FROM book b";
                String before = f.prod(digest);
                String sameUrl = f.pg.url(f.production);
                String sep = sameUrl.contains("?") ? "&" : "?";
                for (String target : new String[] {sameUrl, sameUrl.replace("127.0.0.1", "localhost") + sep
                        + "options=-c%20TimeZone=Pacific/Apia"}) {
                    SyncJob.Outcome outcome = f.sync(o -> {
                        o.overrides.put("ferry.source.user", reader);
                        o.overrides.put("ferry.source.password", "Reader-Pw-1");
                        o.overrides.put("ferry.target.url", target);
                        o.ownerEmail = "reader1@prod.example";
                    });
                    assertEquals(2, outcome.exitCode(), f.output());
                    assertTrue(f.output().contains("the target is the source database"), f.output());
                }
                // nor pg_locks: nothing proves the target is another database, so it is refused as well
                f.execProd("REVOKE EXECUTE ON FUNCTION pg_lock_status() FROM PUBLIC");
                SyncJob.Outcome blind = f.sync(o -> {
                    o.overrides.put("ferry.source.user", reader);
                    o.overrides.put("ferry.source.password", "Reader-Pw-1");
                    o.overrides.put("ferry.target.url", sameUrl);
                    o.ownerEmail = "reader1@prod.example";
                });
                assertEquals(2, blind.exitCode(), f.output());
                assertTrue(f.output().contains("cannot prove the target is not the source database"), f.output());
                assertTrue(f.output().contains("may not read pg_locks"), f.output());
                assertEquals(before, f.prod(digest));
                assertEquals(null, f.prod("SELECT to_regclass('ferry.run')"), "nothing written to the source");

                // the same login syncs into another database of the same server
                SyncJob.Outcome other = f.sync(o -> {
                    o.overrides.put("ferry.source.user", reader);
                    o.overrides.put("ferry.source.password", "Reader-Pw-1");
                });
                assertEquals(0, other.exitCode(), f.output());
                assertEquals("100", f.dev("SELECT count(*) FROM book"));
            }
        } finally {
            dropRole(reader);
        }
    }

    @Test
    void should_not_let_a_url_option_or_a_role_setting_turn_the_production_marker_off() throws Exception {
        try (SyncFixture f = new SyncFixture("markbypass", 10)) {
            f.execDev("ALTER DATABASE " + f.development + " SET ferry.role = 'production'");
            String url = f.pg.url(f.development);
            String withOption = url + (url.contains("?") ? "&" : "?") + "options=-c%20ferry.role=development";
            SyncJob.Outcome viaOption = f.sync(o -> o.overrides.put("ferry.target.url", withOption));
            assertEquals(2, viaOption.exitCode(), f.output());
            assertTrue(f.output().contains("marked as production"), f.output());

            f.execDev("ALTER ROLE " + f.pg.user() + " IN DATABASE " + f.development + " SET ferry.role = 'development'");
            assertEquals("development", f.dev("SELECT current_setting('ferry.role', true)"));
            SyncJob.Outcome viaRole = f.sync(o -> { });
            assertEquals(2, viaRole.exitCode(), f.output());
            assertTrue(f.output().contains("ALTER DATABASE " + f.development + " SET ferry.role = 'production'"), f.output());
            assertEquals("0", f.dev("SELECT count(*) FROM book"));

            // the marker set only for a role in that database counts as well
            f.execDev("ALTER DATABASE " + f.development + " RESET ferry.role",
                    "ALTER ROLE " + f.pg.user() + " IN DATABASE " + f.development + " SET ferry.role = 'Production'");
            SyncJob.Outcome roleMarked = f.sync(o -> o.overrides.put("ferry.target.url", withOption));
            assertEquals(2, roleMarked.exitCode(), f.output());
            assertEquals("0", f.dev("SELECT count(*) FROM book"));
        }
    }

    @Test
    void should_warn_about_a_writable_source_login_and_refuse_it_when_read_only_is_required() throws Exception {
        String reader = "ferry_t_ro_" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String writer = "ferry_t_rw_" + java.util.UUID.randomUUID().toString().substring(0, 8);
        try {
            try (SyncFixture f = new SyncFixture("readonly", 20)) {
                f.execProd("CREATE ROLE " + reader + " LOGIN PASSWORD 'Reader-Pw-1'",
                        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + reader,
                        "CREATE ROLE " + writer + " LOGIN PASSWORD 'Writer-Pw-1' IN ROLE pg_write_all_data",
                        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + writer);

                // required, by property and by option: a superuser source is refused before any row is read
                SyncJob.Outcome required = f.sync(o -> o.overrides.put("ferry.source.read-only", "required"));
                assertEquals(2, required.exitCode(), f.output());
                assertTrue(f.output().contains("may write to the synced tables"), f.output());
                assertEquals("0", f.dev("SELECT count(*) FROM book"));
                assertEquals(2, f.ferry("sync", "--require-read-only-source", "--yes", "--owner-email", "bob@dev.example"),
                        f.output());
                assertTrue(f.output().contains("FERRY_SOURCE_READ_ONLY=required"), f.output());
                assertEquals("0", f.dev("SELECT count(*) FROM book"));

                SyncJob.Outcome member = f.sync(o -> {
                    o.overrides.put("ferry.source.user", writer);
                    o.overrides.put("ferry.source.password", "Writer-Pw-1");
                    o.overrides.put("ferry.source.read-only", "required");
                });
                assertEquals(2, member.exitCode(), f.output());
                assertTrue(f.output().contains("pg_write_all_data"), f.output());

                // by default one warning line, and the run goes on
                SyncJob.Outcome warned = f.sync(o -> { });
                assertEquals(0, warned.exitCode(), f.output());
                assertEquals(1, f.output().lines().filter(l -> l.startsWith("warning: the source login")).count(),
                        f.output());
                assertTrue(f.output().contains("public.book: INSERT, UPDATE, DELETE, TRUNCATE"), f.output());

                // a role that may only SELECT passes the required self-test, silently
                SyncJob.Outcome readOnly = f.sync(o -> {
                    o.overrides.put("ferry.source.user", reader);
                    o.overrides.put("ferry.source.password", "Reader-Pw-1");
                    o.overrides.put("ferry.source.read-only", "required");
                });
                assertEquals(0, readOnly.exitCode(), f.output());
                assertFalse(f.output().contains("may write"), f.output());
                assertEquals("20", f.dev("SELECT count(*) FROM book"));
            }
        } finally {
            dropRole(reader);
            dropRole(writer);
        }
    }

    private static void dropRole(String role) throws Exception {
        try (Connection c = dev.ferry.support.TestPostgres.get().connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP ROLE IF EXISTS " + role);
        }
    }

    @Test
    void should_dry_run_without_writing_anything() throws Exception {
        try (SyncFixture f = new SyncFixture("dry", 1_000)) {
            assertEquals(0, f.sync(o -> { }).exitCode(), f.output());
            f.execProd("UPDATE book SET title = 'new title' WHERE id <= 10", "DELETE FROM book WHERE id > 990",
                    "INSERT INTO book (owner_id, isbn10, isbn13, title) VALUES (1, 'x000000001', 'x000000000001', 'new')");
            f.execDev("DELETE FROM ferry.run_table", "DELETE FROM ferry.run");
            String before = f.devBookDigest();
            SyncJob.Outcome outcome = f.sync(o -> o.dryRun = true);
            assertEquals(0, outcome.exitCode(), f.output());
            assertTrue(outcome.plan().contains("source 991 rows: would insert 1, update 10, delete 10"), outcome.plan());
            assertTrue(outcome.plan().contains("bob@dev.example"), outcome.plan());
            assertEquals(before, f.devBookDigest());
            assertEquals("0", f.dev("SELECT count(*) FROM ferry.run"), "a dry run is not even recorded");
        }
    }

    @Test
    void should_refuse_a_source_connection_that_can_write() throws Exception {
        try (SyncFixture f = new SyncFixture("writable", 1)) {
            org.postgresql.ds.PGSimpleDataSource writable = new org.postgresql.ds.PGSimpleDataSource();
            writable.setURL(f.pg.url(f.production));
            writable.setUser(f.pg.user());
            writable.setPassword(f.pg.password());
            Exception refused = org.junit.jupiter.api.Assertions.assertThrows(dev.ferry.run.SafetyChecks.Refusal.class,
                    () -> dev.ferry.run.SafetyChecks.sourceCannotWrite(writable));
            assertTrue(refused.getMessage().contains("can write"), refused.getMessage());
            // Ferry's own source pool is read-only: its probe fails, so a sync proceeds
            assertEquals(0, f.sync(o -> { }).exitCode(), f.output());
        }
    }

    @Test
    void should_fail_on_a_wrong_target_password_without_printing_any_password() throws Exception {
        try (ThrowawayPostgres server = ThrowawayPostgres.start("system")) {
            String secret = "Right-Pa55word-xyz";
            try (Connection c = java.sql.DriverManager.getConnection(server.jdbcUrl("postgres"), server.user(), "");
                 Statement s = c.createStatement()) {
                s.execute("CREATE ROLE dev_owner LOGIN PASSWORD '" + secret + "'");
                s.execute("CREATE DATABASE dev OWNER dev_owner");
                var rs = s.executeQuery("SHOW hba_file");
                rs.next();
                Path hba = Path.of(rs.getString(1));
                Files.writeString(hba, "local all all trust\nhost all postgres 127.0.0.1/32 trust\n"
                        + "host all all 127.0.0.1/32 scram-sha-256\n");
                s.execute("SELECT pg_reload_conf()");
            }
            try (SyncFixture f = new SyncFixture("wrongpw", 10)) {
                String wrong = "Wrong-Pa55word-abc";
                SyncJob.Outcome outcome = f.sync(o -> {
                    o.overrides.put("ferry.target.url", server.jdbcUrl("dev"));
                    o.overrides.put("ferry.target.user", "dev_owner");
                    o.overrides.put("ferry.target.password", wrong);
                    o.debug = true;
                });
                assertEquals(1, outcome.exitCode(), f.output());
                assertTrue(f.output().contains("cannot connect to the target database") && f.output().contains("password authentication failed"), f.output());
                assertFalse(f.output().contains(wrong), f.output());
                assertFalse(f.output().contains(secret), f.output());
            }
        }
    }
}
