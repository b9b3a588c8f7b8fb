package dev.ferry.read;

import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Iterator;
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
 * work at the same time and memory stays bounded. The reader thread alone uses the connection.
 */
public final class CopyReader implements Iterator<CopyBatch>, Closeable {

    /** Batches read ahead of the one being written. */
    static final int AHEAD = 2;
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(AHEAD);
    private final Thread reader;
    private final Connection connection;
    /** Where the connection came from: a connection whose COPY was cut short is evicted from it, not returned. */
    private final DataSource pool;
    private final TargetHashes unchanged;
    private final boolean summing;
    private final java.util.concurrent.atomic.AtomicLong skipped = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closing;
    private Object next;

    private CopyReader(DataSource pool, Connection connection, CopyOut copy, boolean keyed, int rows, long bytes, String table,
                       TargetHashes unchanged, boolean summing) {
        this.connection = connection;
        this.pool = pool;
        this.unchanged = unchanged;
        this.summing = summing;
        this.reader = new Thread(() -> read(copy, keyed, Math.max(1, rows), Math.max(1, bytes)), "ferry-read-" + table);
        this.reader.setDaemon(true);
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
        Connection c = snapshot.getConnection();
        try {
            if (settings != null) {
                try (java.sql.Statement s = c.createStatement()) {
                    s.execute(settings);
                }
            }
            CopyOut copy = c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + sql + ") TO STDOUT");
            CopyReader r = new CopyReader(snapshot, c, copy, keyed, rows, bytes, table, unchanged, summing && keyed);
            r.reader.start();
            return r;
        } catch (SQLException | RuntimeException e) {
            c.close();
            if (unchanged != null) {
                unchanged.close();
            }
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

    private void read(CopyOut copy, boolean keyed, int rows, long bytes) {
        Object last = END;
        try {
            byte[] line = copy.readFromCopy();
            while (line != null && !closing) {
                CopyBatch batch = new CopyBatch();
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
            if (unchanged != null) {
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
        if (next == null) {
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading the source", e);
            }
        }
        if (next instanceof RuntimeException failure) {
            next = END;
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
        if (!reader.isAlive()) {
            return;
        }
        closing = true;
        try {
            connection.unwrap(PGConnection.class).cancelQuery();
        } catch (SQLException ignored) {
            // the reader notices closing, or the connection is gone
        }
        queue.clear();
        try {
            reader.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
