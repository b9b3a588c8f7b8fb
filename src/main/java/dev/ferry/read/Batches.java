package dev.ferry.read;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Cuts a stream of rows into batches as it is read, never holding more than one batch. The split of
 * the table-sync template uses it instead of Simple's {@code ${collate(N)}}: in Camel 4.18 a cached
 * collate expression groups the second exchange's body twice (seen here: the second run of a route
 * received a batch of batches), which would break every run after the first in one JVM.
 */
public final class Batches {

    private Batches() {
    }

    /** The rows of {@code source} in lists of {@code size} (the last one shorter), read lazily. */
    public static <T> Iterator<List<T>> of(Iterator<T> source, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, was " + size);
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return source != null && source.hasNext();
            }

            @Override
            public List<T> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<T> batch = new ArrayList<>(size);
                while (batch.size() < size && source.hasNext()) {
                    batch.add(source.next());
                }
                return batch;
            }
        };
    }
}
