package dev.ferry.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.state.TableResult.Step;
import org.junit.jupiter.api.Test;

/** The step a table's live progress shows, through a run: staging, staged, applying, verifying, done. */
class TableResultTest {

    @Test
    void the_step_follows_the_table_through_staging_the_apply_and_its_verification() {
        TableResult t = new TableResult("book");
        assertEquals(Step.WAITING, t.step());
        t.start(0, 100);
        assertEquals(Step.STAGING, t.step());
        t.batchStaged(100, 0);
        t.staged();
        assertEquals(Step.STAGED, t.step(), "staged, waiting for the apply");
        t.applying();
        assertEquals(Step.APPLYING, t.step());
        t.verifying();
        assertEquals(Step.VERIFYING, t.step());
        t.applying(); // the apply redelivered after a lost connection writes again
        assertEquals(Step.APPLYING, t.step());
        t.verifying();
        t.applied(100, 0);
        assertEquals(Step.DONE, t.step());
        assertEquals(TableResult.Status.SUCCESS, t.status());
    }

    @Test
    void a_restaged_table_waits_again_and_a_failed_one_is_done() {
        TableResult t = new TableResult("book");
        t.start(0, 10);
        t.staged();
        t.applying();
        t.verifying();
        t.restage(); // stale rows found by the verification: read again from the start
        assertEquals(Step.WAITING, t.step());
        t.start(0, 10);
        assertEquals(Step.STAGING, t.step());
        t.finish(TableResult.Status.FAILED, "boom");
        assertEquals(Step.DONE, t.step());
    }
}
