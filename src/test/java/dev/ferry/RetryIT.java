package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.cli.SyncJob;
import dev.ferry.support.SyncFixture;
import org.junit.jupiter.api.Test;

/** Transient failures are redelivered in a new transaction; nothing is lost or written twice. */
class RetryIT {

    @Test
    void should_redeliver_a_batch_that_failed_with_a_serialization_failure_and_land_every_row_once() throws Exception {
        try (SyncFixture f = new SyncFixture("retry", 2_500)) {
            // the checkpoint write of the 3rd batch fails twice with SQLState 40001 (a sequence counts across
            // rollbacks); its staged rows roll back with it each time
            f.execDev("CREATE SEQUENCE fault_count");
            f.execDev("CREATE SCHEMA ferry",
                    "CREATE TABLE ferry.checkpoint (table_name text PRIMARY KEY, run_id text NOT NULL, "
                            + "fingerprint text NOT NULL, last_key text, rows_staged bigint NOT NULL, updated_at timestamptz NOT NULL, staging_id text)",
                    "CREATE FUNCTION ferry.fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                            + "IF NEW.last_key = '1500' AND nextval('fault_count') <= 2 THEN "
                            + "RAISE EXCEPTION 'injected serialization failure' USING ERRCODE = '40001'; END IF; RETURN NEW; END $$",
                    "CREATE TRIGGER fault BEFORE UPDATE ON ferry.checkpoint FOR EACH ROW EXECUTE FUNCTION ferry.fault()");
            SyncJob.Outcome outcome = f.sync(o -> {
                o.overrides.put("ferry.batch-size", "500");
                o.overrides.put("ferry.retry.initial-delay-ms", "10");
            });
            assertEquals(0, outcome.exitCode(), f.output());
            assertEquals("4", f.dev("SELECT nextval('fault_count')"), "two failed attempts, one that passed, then this call");
            assertEquals("2500", f.dev("SELECT count(*) FROM book"));
            assertEquals(f.fingerprintButOwner(f.production), f.fingerprintButOwner(f.development));
            assertEquals(2500, outcome.run().result("book").read(), "no batch read twice");
            assertTrue(f.output().contains("40001") || f.output().contains("serialization"), f.output());
        }
    }
}
