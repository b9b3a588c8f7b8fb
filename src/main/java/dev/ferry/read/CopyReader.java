package dev.ferry.read;

import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.ferry.db.Pools;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * The COPY read of a table (writer: copy): {@code COPY (SELECT ...) TO STDOUT} in the run's snapshot,
 * in key order, with owner and rules applied in the SELECT itself, cut into batches of at most
 * {@code rows} rows and {@code bytes} bytes as the rows stream in. A reader thread fills the next batch
 * while the current one is written (at most {@link #AHEAD} batches wait), so the source and the target
 * work at the same time and memory stays bounded. The reader thread alone uses the connection. A split
 * table ({@link KeyRanges}) is read as several such COPYs at once, one per key range, each on its own
 * connection and thread, their batches in one queue.
 */
public final class CopyReader implements Iterator<CopyBatch>, Closeable {

    /** Batches read ahead of the one being written. */
    static final int AHEAD = 2;
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue;
    private final List<Part> parts = new ArrayList<>();
    /** Where the connections came from: a connection whose COPY was cut short is evicted from it, not returned. */
    private final DataSource pool;
    private final TargetHashes unchanged;
    private final boolean summing;
    private final java.util.concurrent.atomic.AtomicLong skipped = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closing;
    private Object next;
    /** Parts whose end the consumer has taken from the queue. */
    private int ended;

    /** One COPY of the read: its connection and the thread that alone uses it; {@code index} -1 for a read in one piece. */
    private record Part(int index, Connection connection, Thread thread) {
    }

    private CopyReader(DataSource pool, int parts, TargetHashes unchanged, boolean summing) {
        this.pool = pool;
        this.unchanged = unchanged;
        this.summing = summing;
        this.queue = new ArrayBlockingQueue<>(AHEAD * Math.max(1, parts));
    }

    /**
     * Starts the COPY of {@code sql} (whose last column is the key as text when {@code keyed}) on a snapshot
     * connection. With {@code unchanged}, the column before the key is the row's hash, and rows the target
     * already holds with that hash are skipped; with {@code summing} (and no {@code unchanged}) that column is
     * cut off the row and summed into its batch ({@link CopyBatch#hashSum}).
     */
    public static CopyReader open(DataSource snapshot, String sql, boolean keyed, int rows, long bytes, String table,
                                  TargetHashes unchanged, boolean summing) throws SQLException {
        return open(snapshot, sql, keyed, rows, bytes, table, unchanged, summing, null);
    }

    /** As above; {@code settings} (one statement, or null) runs first, in the read's transaction. */
    public static CopyReader open(DataSource snapshot, String sql, boolean keyed, int rows, long bytes, String table,
                                  TargetHashes unchanged, boolean summing, String settings) throws SQLException {
        CopyReader r = new CopyReader(snapshot, 1, unchanged, summing && keyed);
        try {
            r.start(-1, sql, settings, keyed, rows, bytes, table);
        } catch (SQLException | RuntimeException e) {
            if (unchanged != null) {
                unchanged.close();
            }
            throw e;
        }
        return r;
    }

    /**
     * A split read ({@link KeyRanges}): the COPY of each of {@code sqls} (keyed reads of key ranges, in key order
     * within each) on a snapshot connection of its own, all at once; batches come in the order they are cut,
     * each tagged with its range ({@link CopyBatch#part}, the index in {@code sqls}) and in key order within it.
     */
    public static CopyReader open(DataSource snapshot, List<String> sqls, int rows, long bytes, String table,
                                  boolean summing) throws SQLException {
        CopyReader r = new CopyReader(snapshot, sqls.size(), null, summing);
        try {
            for (int i = 0; i < sqls.size(); i++) {
                r.start(i, sqls.get(i), null, true, rows, bytes, table + "-" + i);
            }
        } catch (SQLException | RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    private void start(int index, String sql, String settings, boolean keyed, int rows, long bytes, String name)
            throws SQLException {
        Connection c = pool.getConnection();
        try {
            if (settings != null) {
                try (java.sql.Statement s = c.createStatement()) {
                    s.execute(settings);
                }
            }
            CopyOut copy = c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + sql + ") TO STDOUT");
            Thread thread = new Thread(() -> read(index, c, copy, keyed, Math.max(1, rows), Math.max(1, bytes)),
                    "ferry-read-" + name);
            thread.setDaemon(true);
            parts.add(new Part(index, c, thread));
            thread.start();
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Rows skipped because the target already holds them unchanged. */
    public long skipped() {
        return skipped.get();
    }

    /** Counts rows a probe found unchanged before this read ({@link ChangedKeys}). */
    public void alsoSkipped(long rows) {
        skipped.addAndGet(rows);
    }

    private void read(int part, Connection connection, CopyOut copy, boolean keyed, int rows, long bytes) {
        Object last = END;
        try {
            byte[] line = copy.readFromCopy();
            while (line != null && !closing) {
                CopyBatch batch = new CopyBatch();
                batch.part(part);
                while (line != null && batch.size() < rows && (batch.size() == 0 || batch.bytes() + line.length <= bytes)) {
                    if (summing) {
                        addSummed(batch, line);
                    } else if (unchanged == null) {
                        add(batch, line, keyed);
                    } else if (!addIfChanged(batch, line)) {
                        skipped.incrementAndGet();
                    }
                    line = copy.readFromCopy();
                }
                if (batch.size() == 0) {
                    continue; // every row of this stretch was unchanged
                }
                while (!closing && !queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                    // the writer is busy: wait (bounded memory)
                }
            }
        } catch (SQLException e) {
            last = closing ? END : new IllegalStateException("reading the source failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            last = e;
        } finally {
            if (unchanged != null && part < 0) {
                unchanged.close();
            }
            boolean cutShort = false;
            try {
                if (copy.isActive()) {
                    cutShort = true;
                    copy.cancelCopy();
                }
            } catch (SQLException ignored) {
                // the connection may be gone
            }
            if (cutShort) {
                // pgjdbc's cancelCopy of a COPY OUT leaves the rest of the server's answer unread on the
                // connection (pgjdbc issue 3163): a later borrower would read it as the answer to its own
                // statements ("Expected command status BEGIN, got SET"). The connection is closed instead
                // of going back to the pool; its transaction (read-only) ends with it.
                Pools.discard(pool, connection);
            } else {
                try {
                    connection.rollback();
                } catch (SQLException ignored) {
                    // the pool discards a broken connection
                }
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // already closed
                }
            }
            try {
                while (!closing && !queue.offer(last, 100, TimeUnit.MILLISECONDS)) {
                    // wait for room for the end marker
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A line whose last two fields are a row hash and the key: the row without them, the hash, the key. */
    private record Hashed(byte[] row, String hash, String key) {
        static Hashed of(byte[] line) {
            int keyTab = line.length - 1;
            while (keyTab >= 0 && line[keyTab] != '\t') {
                keyTab--;
            }
            int hashTab = keyTab - 1;
            while (hashTab >= 0 && line[hashTab] != '\t') {
                hashTab--;
            }
            int end = line.length - (line[line.length - 1] == '\n' ? 1 : 0);
            String key = CopyText.field(new String(line, keyTab + 1, end - keyTab - 1, StandardCharsets.UTF_8));
            String hash = new String(line, hashTab + 1, keyTab - hashTab - 1, StandardCharsets.US_ASCII);
            byte[] row = new byte[hashTab + 1];
            System.arraycopy(line, 0, row, 0, hashTab);
            row[hashTab] = '\n';
            return new Hashed(row, hash, key);
        }
    }

    /** Adds the row unless the target holds it with the same hash (the field before the key); returns whether added. */
    private boolean addIfChanged(CopyBatch batch, byte[] line) throws SQLException {
        Hashed h = Hashed.of(line);
        if (unchanged.same(h.key(), h.hash())) {
            return false;
        }
        batch.add(h.row(), h.key());
        return true;
    }

    /** Adds the row less its checksum hash (the field before the key), which goes into the batch's sum. */
    private static void addSummed(CopyBatch batch, byte[] line) {
        Hashed h = Hashed.of(line);
        batch.addHash(Long.parseLong(h.hash()));
        batch.add(h.row(), h.key());
    }

    private static void add(CopyBatch batch, byte[] line, boolean keyed) {
        if (!keyed) {
            batch.add(line, null);
            return;
        }
        // the last field is the key as text: cut it off the row written to staging
        int tab = line.length - 1;
        while (tab >= 0 && line[tab] != '\t') {
            tab--;
        }
        int end = line.length - (line[line.length - 1] == '\n' ? 1 : 0);
        String key = CopyText.field(new String(line, tab + 1, end - tab - 1, StandardCharsets.UTF_8));
        byte[] row = new byte[tab + 1];
        System.arraycopy(line, 0, row, 0, tab);
        row[tab] = '\n';
        batch.add(row, key);
    }

    @Override
    public boolean hasNext() {
        while (next == null) {
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading the source", e);
            }
            if (next == END && ++ended < parts.size()) {
                next = null; // one part of a split read ended: the others go on
            }
        }
        if (next instanceof RuntimeException failure) {
            next = END;
            ended = parts.size();
            throw failure;
        }
        return next != END;
    }

    @Override
    public CopyBatch next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        CopyBatch batch = (CopyBatch) next;
        next = null;
        return batch;
    }

    /**
     * Stops the read early (a failed or stopped table, a probe that gives up): cancels the COPY on the server
     * and waits for the reader, which hands the connection back, or evicts it when the COPY was cut short.
     */
    @Override
    public void close() {
        if (parts.stream().noneMatch(p -> p.thread().isAlive())) {
            return;
        }
        closing = true;
        for (Part p : parts) {
            try {
                p.connection().unwrap(PGConnection.class).cancelQuery();
            } catch (SQLException ignored) {
                // the reader notices closing, or the connection is gone
            }
        }
        queue.clear();
        for (Part p : parts) {
            try {
                p.thread().join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
