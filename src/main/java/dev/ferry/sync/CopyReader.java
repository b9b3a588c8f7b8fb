package dev.ferry.sync;

import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.NoSuchElementException;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * The COPY read of a table (writer: copy): {@code COPY (SELECT ...) TO STDOUT} in the run's snapshot,
 * in key order, with the owner set in the SELECT itself, cut into batches of at most {@code rows} rows
 * and {@code bytes} bytes as the rows stream in. Only one batch is held at a time.
 */
public final class CopyReader implements Iterator<CopyBatch>, Closeable {

    private final Connection connection;
    private final CopyOut copy;
    private final boolean keyed;
    private final int rows;
    private final long bytes;
    private byte[] pending;
    private boolean done;

    private CopyReader(Connection connection, CopyOut copy, boolean keyed, int rows, long bytes) {
        this.connection = connection;
        this.copy = copy;
        this.keyed = keyed;
        this.rows = rows;
        this.bytes = bytes;
    }

    /** Starts the COPY of {@code sql} (whose last column is the key as text when {@code keyed}) on a snapshot connection. */
    public static CopyReader open(DataSource snapshot, String sql, boolean keyed, int rows, long bytes) throws SQLException {
        Connection c = snapshot.getConnection();
        try {
            CopyOut copy = c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + sql + ") TO STDOUT");
            return new CopyReader(c, copy, keyed, Math.max(1, rows), Math.max(1, bytes));
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    @Override
    public boolean hasNext() {
        if (pending == null && !done) {
            pending = read();
        }
        return pending != null;
    }

    @Override
    public CopyBatch next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        CopyBatch batch = new CopyBatch();
        while (pending != null && batch.size() < rows && (batch.size() == 0 || batch.bytes() + pending.length <= bytes)) {
            add(batch, pending);
            pending = read();
        }
        return batch;
    }

    private void add(CopyBatch batch, byte[] line) {
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

    private byte[] read() {
        try {
            byte[] line = copy.readFromCopy();
            if (line == null) {
                done = true;
                close();
            }
            return line;
        } catch (SQLException e) {
            done = true;
            close();
            throw new IllegalStateException("reading the source failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        } catch (SQLException ignored) {
            // the connection may be gone; closing it below is all that is left
        }
        try {
            if (!connection.isClosed()) {
                connection.rollback();
                connection.close();
            }
        } catch (SQLException ignored) {
            // the pool discards a broken connection
        }
    }
}
