package dev.ferry.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import dev.ferry.plan.TableSpec.Mode;
import dev.ferry.plan.TableSpec.Writer;
import org.junit.jupiter.api.Test;

/** What each mode and writer does, as their predicates say, without a database. */
class ModeTest {

    @Test
    void should_replace_the_whole_table_and_swap_it_in_only_in_full() {
        assertTrue(Mode.FULL.replacesWhole() && Mode.FULL.commitBySwapTable());
        for (Mode m : List.of(Mode.MERGE, Mode.INCREMENTAL)) {
            assertFalse(m.replacesWhole() || m.commitBySwapTable(), m.toString());
            assertTrue(m.upsertsByKey(), m.toString());
        }
        assertFalse(Mode.FULL.upsertsByKey());
    }

    @Test
    void should_name_each_mode_once() {
        assertTrue(Mode.MERGE.isMerge() && !Mode.FULL.isMerge() && !Mode.INCREMENTAL.isMerge());
        assertTrue(Mode.INCREMENTAL.isIncremental() && !Mode.FULL.isIncremental() && !Mode.MERGE.isIncremental());
        assertEquals(Mode.MERGE, Mode.of(" Merge "));
        assertEquals("incremental", Mode.INCREMENTAL.toString());
        assertEquals("mode 'mirror' is not one of full, merge, incremental",
                assertThrows(IllegalArgumentException.class, () -> Mode.of("mirror")).getMessage());
    }

    @Test
    void should_delete_rows_only_the_target_has_in_full_or_with_the_modes_option() {
        for (boolean deleteMissing : new boolean[] {false, true}) {
            for (boolean propagateDeletes : new boolean[] {false, true}) {
                assertTrue(Mode.FULL.deletesRowsOnlyTargetHas(deleteMissing, propagateDeletes));
                assertEquals(deleteMissing, Mode.MERGE.deletesRowsOnlyTargetHas(deleteMissing, propagateDeletes));
                assertEquals(propagateDeletes, Mode.INCREMENTAL.deletesRowsOnlyTargetHas(deleteMissing, propagateDeletes));
            }
        }
        assertEquals("", Mode.FULL.deleteOption());
        assertEquals("deleteMissing", Mode.MERGE.deleteOption());
        assertEquals("propagateDeletes", Mode.INCREMENTAL.deleteOption());
    }

    @Test
    void should_carry_the_mode_predicate_into_the_spec() {
        TableSpec merge = new TableSpec("t", "id", "", 10, false, Mode.MERGE, true, "", false, TableSpec.Conflict.SOURCE_WINS,
                "", "", "target", Writer.COPY, 1, "", "", 0, 0, false, null);
        assertTrue(merge.deletesRowsOnlyTargetHas());
        TableSpec incremental = new TableSpec("t", "id", "", 10, false, Mode.INCREMENTAL, true, "at", false,
                TableSpec.Conflict.SOURCE_WINS, "", "", "target", Writer.SQL, 1, "", "", 0, 0, false, null);
        assertFalse(incremental.deletesRowsOnlyTargetHas());
    }

    @Test
    void should_copy_text_only_with_the_copy_writer() {
        assertTrue(Writer.COPY.copiesText());
        assertFalse(Writer.SQL.copiesText());
        assertEquals(Writer.SQL, Writer.of("SQL"));
    }

    @Test
    void should_refuse_an_unknown_writer_in_one_line() {
        assertEquals(Writer.SQL, Writer.of(" sql "));
        assertEquals("writer 'insert' is not one of copy, sql",
                assertThrows(IllegalArgumentException.class, () -> Writer.of("insert")).getMessage());
    }
}
