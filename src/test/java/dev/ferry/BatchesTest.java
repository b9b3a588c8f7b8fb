package dev.ferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

import dev.ferry.read.Batches;
import org.junit.jupiter.api.Test;

/** Batches cut a stream lazily into lists of the batch size. */
class BatchesTest {

    @Test
    void should_cut_every_row_into_batches_of_the_size_with_a_short_last_one() {
        for (int n : new int[] {0, 1, 2, 3, 4, 7}) {
            List<Integer> rows = IntStream.range(0, n).boxed().toList();
            List<List<Integer>> batches = new ArrayList<>();
            Batches.of(rows.iterator(), 3).forEachRemaining(batches::add);
            assertEquals((n + 2) / 3, batches.size());
            assertEquals(rows, batches.stream().flatMap(List::stream).toList());
            batches.forEach(b -> assertEquals(true, b.size() >= 1 && b.size() <= 3));
        }
    }

    @Test
    void should_read_no_further_than_the_batch_it_hands_out() {
        int[] pulled = {0};
        Iterator<Integer> source = new Iterator<>() {
            public boolean hasNext() {
                return pulled[0] < 100;
            }

            public Integer next() {
                return pulled[0]++;
            }
        };
        Iterator<List<Integer>> batches = Batches.of(source, 10);
        batches.next();
        assertEquals(10, pulled[0]);
        assertFalse(Batches.of(List.<Integer>of().iterator(), 5).hasNext());
        assertThrows(IllegalArgumentException.class, () -> Batches.of(source, 0));
    }
}
