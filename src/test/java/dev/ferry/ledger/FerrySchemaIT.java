package dev.ferry.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.db.Migrator;
import dev.ferry.db.SqlResource;
import dev.ferry.support.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The ferry schema as versioned scripts: upgrades of ledgers made by earlier versions, order, races. */
class FerrySchemaIT {

    private final TestPostgres pg = TestPostgres.get();
    private String db;
    private PGSimpleDataSource ds;

    @BeforeEach
    void database() throws SQLException {
        db = pg.createDatabase("schema");
        ds = new PGSimpleDataSource();
        ds.setUrl(pg.url(db));
        ds.setUser(pg.user());
        ds.setPassword(pg.password());
    }

    @AfterEach
    void drop() throws SQLException {
        pg.dropDatabase(db);
    }

    private String query(String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return String.join(",", rows);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private String columns(String table) throws SQLException {
        return query("SELECT string_agg(attname, ' ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = '" + table
                + "'::regclass AND attnum > 0 AND NOT attisdropped");
    }

    @Test
    void should_upgrade_a_ledger_of_the_first_layout_and_keep_its_rows() throws SQLException {
        execute("CREATE SCHEMA ferry; "
                + "CREATE TABLE ferry.run (id text PRIMARY KEY, trigger text NOT NULL, who text, started_at timestamptz "
                + "NOT NULL, finished_at timestamptz, status text NOT NULL, error text); "
                + "CREATE TABLE ferry.run_table (run_id text NOT NULL REFERENCES ferry.run (id) ON DELETE CASCADE, "
                + "table_name text NOT NULL, mode text NOT NULL, status text NOT NULL, rows_read bigint NOT NULL, "
                + "rows_written bigint NOT NULL, rows_dead_lettered bigint NOT NULL, seconds numeric NOT NULL, error text, "
                + "PRIMARY KEY (run_id, table_name)); "
                + "CREATE TABLE ferry.checkpoint (table_name text PRIMARY KEY, run_id text NOT NULL, fingerprint text "
                + "NOT NULL, last_key text, rows_staged bigint NOT NULL, updated_at timestamptz NOT NULL); "
                + "INSERT INTO ferry.run VALUES ('r1', 'cli', 'me', now(), now(), 'SUCCESS', NULL); "
                + "INSERT INTO ferry.checkpoint VALUES ('public.book', 'r1', 'f', '7', 7, now())");
        new RunLedger(ds).ensureSchema();
        assertEquals("id trigger who started_at finished_at status error owner_id snapshots", columns("ferry.run"));
        assertTrue(columns("ferry.checkpoint").endsWith(" staging_id"), columns("ferry.checkpoint"));
        assertEquals("r1 SUCCESS 1", query("SELECT id || ' ' || status || ' ' || snapshots FROM ferry.run"));
        assertEquals("7", query("SELECT last_key FROM ferry.checkpoint"));
        assertEquals("action,checkpoint,conflict,dead_letter,id_map,row_hash,run,run_table,schema_version,watermark",
                query("SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relkind = 'r' "
                        + "AND relnamespace = 'ferry'::regnamespace"));
        assertEquals("1 ferry schema,2 conflict ids and actions", query("SELECT string_agg(version || ' ' || description, ',' ORDER BY version) FROM ferry.schema_version"));
        new RunLedger(ds).ensureSchema();
        assertEquals("2", query("SELECT count(*) FROM ferry.schema_version"));
        assertEquals("1", query("SELECT count(*) FROM ferry.run"));
    }

    @Test
    void should_record_the_version_of_a_ledger_made_before_versions_were_recorded() throws SQLException {
        // what every run did before versions: all of the DDL, on each start
        execute(SqlResource.text("db/ferry/V1__ferry_schema.sql"));
        execute("INSERT INTO ferry.dead_letter (run_id, table_name, row_data) VALUES ('r1', 'public.book', '{}')");
        String before = columns("ferry.dead_letter");
        new RunLedger(ds).ensureSchema();
        assertEquals(before, columns("ferry.dead_letter"));
        assertEquals("1", query("SELECT count(*) FROM ferry.dead_letter"));
        assertEquals("1,2", query("SELECT string_agg(version::text, ',' ORDER BY version) FROM ferry.schema_version"));
    }

    @Test
    void should_let_processes_starting_at_once_update_the_schema_once() throws Exception {
        int processes = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(processes);
        try {
            List<Future<Void>> runs = new ArrayList<>();
            for (int i = 0; i < processes; i++) {
                runs.add(pool.submit(() -> {
                    start.await();
                    new RunLedger(ds).ensureSchema();
                    return null;
                }));
            }
            start.countDown();
            for (Future<Void> run : runs) {
                run.get(); // none failed on a duplicate object
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals("2", query("SELECT count(*) FROM ferry.schema_version"));
        assertEquals("0", query("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                + "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"));
    }

    @Test
    void should_apply_scripts_in_version_order_each_once() throws SQLException {
        Migrator ordered = new Migrator("db/migrator-test/ordered", "mt", "mt.lock");
        try (Connection c = ds.getConnection()) {
            assertEquals(3, ordered.migrate(c));
            assertTrue(c.getAutoCommit());
            assertEquals(0, ordered.migrate(c));
        }
        assertEquals("1 one true,2 two true,10 ten false",
                query("SELECT n || ' ' || what || ' ' || after_two FROM mt.step ORDER BY n"));
        assertEquals("1 make table,2 add column,10 uses column",
                query("SELECT version || ' ' || description FROM mt.schema_version ORDER BY applied_at, version"));
    }

    @Test
    void should_roll_back_a_failed_script_and_leave_its_version_unrecorded() throws SQLException {
        Migrator broken = new Migrator("db/migrator-test/broken", "mb", "mb.lock");
        try (Connection c = ds.getConnection()) {
            SQLException e = assertThrows(SQLException.class, () -> broken.migrate(c));
            assertTrue(e.getMessage().contains("V2__half_done.sql") && e.getMessage().contains("rolled back"),
                    e.getMessage());
            assertTrue(c.getAutoCommit());
        }
        assertEquals("1", query("SELECT string_agg(version::text, ',') FROM mb.schema_version"));
        assertEquals("", query("SELECT coalesce(to_regclass('mb.half')::text, '')"));
        assertEquals("0", query("SELECT count(*) FROM mb.step"));
        assertEquals("0", query("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                + "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"));
    }
}
