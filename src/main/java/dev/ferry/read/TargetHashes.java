package dev.ferry.read;

import dev.ferry.db.Jdbc;
import dev.ferry.plan.TablePlan;
import dev.ferry.plan.TableSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The target's (key, row hash) pairs in key order, walked alongside the source's COPY in merge mode: a source row whose hash equals the target row's is not staged at all, so an
 * unchanged table costs a read of both sides and nothing more. Only for keys whose order is the same
 * on both servers whatever their collation (integers and uuids), so the two streams can be merged.
 */
public final class TargetHashes implements AutoCloseable {

    private static final Set<String> ORDERED_TYPES = Set.of("smallint", "integer", "bigint", "uuid");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String[] END = new String[0];

    private final Connection connection;
    private final PreparedStatement statement;
    private final ResultSet rows;
    private final Comparator<String> order;
    /** Chunks of key, hash, key, hash, ... read ahead by a thread of their own, so the target hashes while the source streams. */
    private final java.util.concurrent.BlockingQueue<String[]> chunks = new java.util.concurrent.ArrayBlockingQueue<>(8);
    private final Thread fetcher;
    private volatile boolean closing;
    private volatile SQLException failure;
    private String[] chunk = new String[0];
    private int at;
    private String key;
    private String hash;
    private boolean done;

    private TargetHashes(Connection connection, PreparedStatement statement, ResultSet rows, Comparator<String> order) {
        this.connection = connection;
        this.statement = statement;
        this.rows = rows;
        this.order = order;
        this.fetcher = new Thread(this::fetch, "ferry-target-hashes");
        this.fetcher.setDaemon(true);
        this.fetcher.start();
    }

    private void fetch() {
        try {
            while (!closing) {
                String[] next = new String[2000];
                int n = 0;
                while (n < next.length && rows.next()) {
                    next[n++] = rows.getString(1);
                    next[n++] = rows.getString(2);
                }
                String[] ready = n == next.length ? next : java.util.Arrays.copyOf(next, n);
                while (!closing && !chunks.offer(ready, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    // the comparison is behind: wait
                }
                if (n < next.length) {
                    break;
                }
            }
        } catch (SQLException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            while (!closing && !chunks.offer(END)) {
                chunks.poll(); // make room for the end marker
            }
        }
    }

    private boolean advance() throws SQLException {
        while (at >= chunk.length) {
            try {
                chunk = chunks.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while reading the target's row hashes", "57014", e);
            }
            at = 0;
            if (chunk == END) {
                if (failure != null) {
                    throw failure;
                }
                return false;
            }
        }
        key = chunk[at++];
        hash = chunk[at++];
        return true;
    }

    /** Whether a plan's unchanged rows can be skipped this way. */
    public static boolean applies(TablePlan plan) {
        // merge only: incremental reads only rows past the watermark, changed by definition
        return plan.spec().mode().isMerge() && plan.spec().writer().copiesText() && plan.keyed()
                && plan.remapped().isEmpty()
                && plan.spec().keyColumns().stream().allMatch(k -> plan.columns().stream()
                        .anyMatch(c -> c.name().equals(k) && ORDERED_TYPES.contains(c.type())));
    }

    /**
     * The settings of both sides' hash streams (local to their transaction; one statement, not two): rows in key order
     * through the key's index as they are hashed, instead of a parallel scan and a sort of the whole table
     * before the first row, which on few cores makes the two servers' sorts compete (1M rows: 1.7 s for both
     * streams against 2.0 s); no JIT compilation for a query whose cost is mostly hashing.
     */
    static final String KEY_ORDER = "SELECT set_config('enable_sort', 'off', true), set_config('jit', 'off', true)";

    /** Opens the target's stream after {@code afterKey} (null: from the start). */
    public static TargetHashes open(DataSource target, TablePlan plan, String afterKey) throws SQLException {
        Connection c = target.getConnection();
        try {
            c.setAutoCommit(false); // a cursor, not the whole table in memory
            try (java.sql.Statement s = c.createStatement()) {
                s.execute(KEY_ORDER);
            }
            // the key's text once per key column (a composite key is compared column by column)
            PreparedStatement ps = Jdbc.prepare(c, ReadSql.targetHashes(plan, afterKey != null), afterKey == null ? new Object[0]
                    : java.util.Collections.nCopies(plan.spec().keyColumns().size(), afterKey).toArray());
            ps.setFetchSize(10_000);
            List<String> types = plan.spec().keyColumns().stream().map(k -> plan.columns().stream()
                    .filter(col -> col.name().equals(k)).findFirst().orElseThrow().type()).toList();
            return new TargetHashes(c, ps, ps.executeQuery(), comparator(types));
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            c.close();
            throw e;
        }
    }

    /** Whether the target holds a row with this key and this hash; the stream moves forward only. */
    public boolean same(String sourceKey, String sourceHash) throws SQLException {
        while (!done) {
            if (key == null && !advance()) {
                done = true;
                break;
            }
            int cmp = order.compare(key, sourceKey);
            if (cmp < 0) {
                key = null; // a target row the source does not have (here): not this one's business
                continue;
            }
            return cmp == 0 && hash.equals(sourceHash);
        }
        return false;
    }

    /** Orders key texts as the servers order the keys: integers numerically, uuids as their hex text. */
    static Comparator<String> comparator(List<String> types) {
        if (types.size() == 1) {
            return component(types.get(0));
        }
        return (a, b) -> {
            List<String> x = parts(a);
            List<String> y = parts(b);
            for (int i = 0; i < types.size(); i++) {
                int cmp = component(types.get(i)).compare(x.get(i), y.get(i));
                if (cmp != 0) {
                    return cmp;
                }
            }
            return 0;
        };
    }

    private static Comparator<String> component(String type) {
        return type.equals("uuid") ? Comparator.naturalOrder() : Comparator.comparingLong(Long::parseLong);
    }

    private static List<String> parts(String json) {
        try {
            List<String> out = new ArrayList<>();
            JSON.readTree(json).forEach(n -> out.add(n.asText()));
            return out;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not a composite key: " + json, e);
        }
    }

    @Override
    public void close() {
        closing = true;
        chunks.clear();
        try {
            fetcher.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            rows.close();
            statement.close();
            connection.rollback();
            connection.close();
        } catch (SQLException ignored) {
            // the pool discards a broken connection
        }
    }
}
