package dev.ferry.read;

import dev.ferry.plan.TablePlan;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;


/**
 * Merge's probe: walks the source's (key, row hash) stream ({@link TablePlan#probeSql}) alongside the
 * target's ({@link TargetHashes}) and keeps the keys of the rows that are new or changed, so that only those
 * rows are read in full. Most nights a merged table changes little: the probe costs a hash scan of each side
 * instead of the source's every column as text. Past {@code limit} changed rows it gives up (null) and the
 * read streams every row, skipping unchanged ones as it goes.
 */
public final class ChangedKeys {

    /** The keys found new or changed (key text, key order), and how many rows were found unchanged. */
    public record Found(List<String> keys, long unchanged) {
    }

    private ChangedKeys() {
    }

    /** The changed keys after {@code afterKey} (null: from the start), or null when more than {@code limit}. */
    public static Found find(DataSource snapshot, DataSource target, TablePlan plan, String afterKey, String ownerLiteral,
                             int limit) throws SQLException {
        List<String> keys = new ArrayList<>();
        long unchanged = 0;
        // the source's (hash, key) stream through a COPY read ahead on its own thread, opened first so that
        // both servers scan and sort at once (the target's first fetch waits for its whole sort), the target's alongside
        try (CopyReader probe = CopyReader.open(snapshot, ReadSql.probe(plan, afterKey, ownerLiteral), true, 10_000,
                     8L << 20, plan.name() + "-probe", null, false, TargetHashes.KEY_ORDER);
             TargetHashes hashes = TargetHashes.open(target, plan, afterKey)) {
            while (probe.hasNext()) {
                CopyBatch batch = probe.next();
                for (int i = 0; i < batch.size(); i++) {
                    String key = batch.key(i);
                    if (hashes.same(key, batch.text(i))) {
                        unchanged++;
                    } else if (keys.size() == limit) {
                        return null; // many rows changed: the full read is the cheaper way
                    } else {
                        keys.add(key);
                    }
                }
            }
        }
        return new Found(keys, unchanged);
    }
}
