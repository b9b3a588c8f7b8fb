package dev.ferry.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.ferry.app.FerryApp;
import dev.ferry.db.SqlErrors;
import dev.ferry.cli.SyncJob;
import dev.ferry.support.SyncFixture;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

/**
 * The staging route's error handling (routes/stage-batch.yaml with routes/error-handling.yaml), driven through
 * camel-test: AdviceWith injects failures into the staging write of a real run against PostgreSQL, mock
 * endpoints count the batches that reach each end, and the outcome is read back from the databases.
 */
class StagingRouteIT {

    private static final String STAGING_TX = "ferry-stage-batch-tx";
    private static final String STAGING = "ferry-stage-batch";
    private static final String DEAD_LETTER = "ferry-dead-letter";
    private static final int BOOKS = 2_000;
    private static final int BATCH = 256;
    private static final int BATCHES = (BOOKS + BATCH - 1) / BATCH;

    @Test
    void a_transient_sqlstate_in_the_staging_write_is_redelivered_and_the_batch_staged_once() throws Exception {
        try (SyncFixture f = new SyncFixture("route_transient", BOOKS)) {
            SyncJob.Options o = options(f);
            try (FerryApp app = FerryApp.start(o.tablesDir, o.overrides)) {
                CamelContext camel = app.camel();
                Map<String, List<Integer>> attempts = new ConcurrentHashMap<>(); // last key -> redelivery counters seen
                List<String> order = Collections.synchronizedList(new ArrayList<>());
                // after the batch is written, before its checkpoint (step ferry-checkpoint) and commit: the third batch meets a serialization
                // failure, the fifth a connection lost mid-write, each on its first attempt only
                AdviceWith.adviceWith(camel, STAGING_TX, a -> {
                    a.weaveById("ferry-checkpoint").before().process(e -> {
                        String key = e.getMessage().getHeader(StageHeaders.LAST_KEY, String.class);
                        int redelivery = e.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
                        attempts.computeIfAbsent(key, k -> {
                            order.add(k);
                            return Collections.synchronizedList(new ArrayList<>());
                        }).add(redelivery);
                        int batch = order.indexOf(key) + 1;
                        if (redelivery == 0 && batch == 3) {
                            throw new SQLException("ERROR: could not serialize access due to concurrent update", "40001");
                        }
                        if (redelivery == 0 && batch == 5) {
                            throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
                        }
                    });
                    a.weaveAddLast().to("mock:staged");
                });
                AdviceWith.adviceWith(camel, DEAD_LETTER, a -> a.weaveAddFirst().to("mock:dead-letter"));
                MockEndpoint staged = camel.getEndpoint("mock:staged", MockEndpoint.class);
                staged.expectedMessageCount(BATCHES);
                MockEndpoint deadLetter = camel.getEndpoint("mock:dead-letter", MockEndpoint.class);
                deadLetter.expectedMessageCount(0);
                NotifyBuilder done = new NotifyBuilder(camel).wereSentTo("direct:" + STAGING).whenDone(BATCHES).create();

                SyncJob.Outcome outcome = f.sync(app, o);

                assertEquals(0, outcome.exitCode(), f.output());
                assertTrue(done.matches(10, TimeUnit.SECONDS), "every batch went through " + STAGING);
                MockEndpoint.assertIsSatisfied(camel, 10, TimeUnit.SECONDS);
                // each batch committed once, in key order; the two failed ones on their first redelivery
                List<String> committed = staged.getExchanges().stream()
                        .map(e -> e.getMessage().getHeader(StageHeaders.LAST_KEY, String.class)).toList();
                assertEquals(order, committed, "one commit per batch, in order");
                assertEquals(BATCHES, attempts.size());
                for (int i = 0; i < order.size(); i++) {
                    List<Integer> seen = attempts.get(order.get(i));
                    assertEquals(i == 2 || i == 4 ? List.of(0, 1) : List.of(0), seen, "batch " + (i + 1));
                }
                // the real outcome: every row staged once and applied, nothing set aside
                assertEquals(BOOKS, outcome.run().result("book").read());
                assertEquals(BOOKS, outcome.run().result("book").written());
                assertEquals(0, outcome.run().result("book").deadLettered());
                assertEquals(String.valueOf(BOOKS), f.dev("SELECT count(*) FROM book"));
                assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
                assertEquals("0", f.dev("SELECT count(*) FROM ferry.dead_letter"));
                assertEquals("SUCCESS", f.dev("SELECT status FROM ferry.run"));
            }
        }
    }

    @Test
    void a_check_violation_in_the_staging_write_dead_letters_the_row_and_the_run_continues() throws Exception {
        try (SyncFixture f = new SyncFixture("route_check", BOOKS)) {
            SyncJob.Options o = options(f);
            try (FerryApp app = FerryApp.start(o.tablesDir, o.overrides)) {
                CamelContext camel = app.camel();
                AtomicBoolean injected = new AtomicBoolean();
                List<String> failedWrites = Collections.synchronizedList(new ArrayList<>());
                // when the first batch arrives, the staging table gains a CHECK that books 100 and 1100 break (two
                // batches of at most 256 rows apart): their batches' writes fail with SQLState 23514, from PostgreSQL
                AdviceWith.adviceWith(camel, STAGING, a -> a.weaveAddFirst().process(e -> {
                    if (injected.compareAndSet(false, true)) {
                        try (Connection c = f.pg.connect(f.development); Statement s = c.createStatement()) {
                            s.execute("ALTER TABLE " + stagingTable(s) + " ADD CONSTRAINT injected_check "
                                    + "CHECK (id NOT IN (100, 1100))");
                        }
                    }
                }));
                AdviceWith.adviceWith(camel, STAGING_TX, a -> a.weaveAddLast().to("mock:staged"));
                AdviceWith.adviceWith(camel, DEAD_LETTER, a -> {
                    a.weaveAddFirst().process(e -> failedWrites.add(
                            SqlErrors.sqlState(e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class))));
                    a.weaveAddLast().to("mock:dead-lettered");
                });
                MockEndpoint staged = camel.getEndpoint("mock:staged", MockEndpoint.class);
                staged.expectedMessageCount(BATCHES - 2);
                MockEndpoint deadLettered = camel.getEndpoint("mock:dead-lettered", MockEndpoint.class);
                deadLettered.expectedMessageCount(2);
                deadLettered.expectedHeaderReceived(StageHeaders.DEAD_LETTERED, 1);

                SyncJob.Outcome outcome = f.sync(app, o);

                MockEndpoint.assertIsSatisfied(camel, 10, TimeUnit.SECONDS);
                assertTrue(injected.get());
                assertEquals(List.of("23514", "23514"), failedWrites, "each failed batch reached the channel once, "
                        + "not redelivered");
                // continued: every other batch staged and the table applied without the two rows; the run is PARTIAL
                assertEquals(3, outcome.exitCode(), f.output());
                assertEquals("PARTIAL", outcome.run().status().name());
                assertEquals(BOOKS, outcome.run().result("book").read());
                assertEquals(2, outcome.run().result("book").deadLettered());
                assertEquals(String.valueOf(BOOKS - 2), f.dev("SELECT count(*) FROM book"));
                assertEquals("0", f.dev("SELECT count(*) FROM book WHERE id IN (100, 1100)"));
                assertEquals("2", f.dev("SELECT count(*) FROM ferry.dead_letter WHERE sql_state = '23514' "
                        + "AND table_name = 'book' AND (row_data->>'id')::int IN (100, 1100)"));
                assertEquals(f.prod("SELECT count(*) FROM book WHERE id NOT IN (100, 1100) AND id % 7 = 0"),
                        f.dev("SELECT count(*) FROM book WHERE id % 7 = 0"), "the rows around them landed");
                assertEquals("PARTIAL", f.dev("SELECT status FROM ferry.run"));
            }
        }
    }

    /** The fixture's options with batches of {@link #BATCH} rows and quick redeliveries. */
    private static SyncJob.Options options(SyncFixture f) {
        SyncJob.Options o = f.options();
        o.overrides.put("ferry.batch-size", String.valueOf(BATCH));
        o.overrides.put("ferry.retry.initial-delay-ms", "10");
        o.overrides.put("ferry.retry.max-delay-ms", "100");
        return o;
    }

    /** The run's one staging table in the development database. */
    private static String stagingTable(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT string_agg(c.oid::regclass::text, ', '), count(*) FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'ferry' AND c.relname LIKE 'stage\\_%' "
                + "AND c.relkind = 'r'")) {
            rs.next();
            assertEquals(1, rs.getInt(2), "one staging table: " + rs.getString(1));
            return rs.getString(1);
        }
    }
}
